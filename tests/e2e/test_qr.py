"""QR codes and online links, read back from real PDFs of every report kind.

The data's ``organization.links`` give each kind an address pattern. Each report's page is drawn
as pixels (pypdfium2) and its QR code decoded (zxing-cpp) back to the address, which the test
works out on its own from the pattern (``str.format`` and ``urllib.parse.quote``), including an
outcome reference that must be percent-encoded. The same address must be printed on the page,
be a link annotation, and the code must be vector paths (no raster image under it). Without a
pattern there is no code, no link and no "Online" label; every PDF passes ``reportgen verify``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pdfplumber
import pypdfium2 as pdfium
import pytest
import yaml
import zxingcpp
from pypdf import PdfReader

from reportgen import load_dataset, write_report
from reportgen.model import Dataset
from reportgen.options import RenderOptions
from reportgen.verify import all_passed, verify

from ..pdfread import QR_ALT, TaggedPdf, qr_figures

DATA = Path(__file__).resolve().parents[2] / "data"

PATTERNS = {
    "outcome": "https://open.example.org/{lang}/outcomes/{reference}?year={year}",
    "partner": "https://open.example.org/{lang}/partners/{id}?year={year}",
    "office": "https://open.example.org/{lang}/countries/{id}/{year}",
}
#: mex-justice's reference: a slash, a space, an ampersand and a non-ASCII letter to encode.
REFERENCE = "UNW/MEX-JUS 2024 ñ&x"
#: The outcomes given a reference (the outcome pattern needs one); the others get no address.
REFERENCES = {"mex-justice": REFERENCE, "mex-evaw": "UNW/MEX-EVAW"}
#: Pixels per point when a page is drawn for decoding: 100 dpi, about what a phone sees of a print.
SCALE = 100 / 72


def address(kind: str, **values: object) -> str:
    """The address a pattern gives, worked out without reportgen: every value percent-encoded."""
    return PATTERNS[kind].format(**{name: quote(str(value), safe="") for name, value in values.items()})


def copy_data(target: Path, links: dict[str, str] | None) -> Dataset:
    """The bundled data with ``links`` as the organization's patterns (none when None), and
    the outcomes of REFERENCES given theirs."""
    shutil.copytree(DATA, target)
    organization_file = target / "organization.yaml"
    organization = yaml.safe_load(organization_file.read_text(encoding="utf-8"))
    organization["organization"].pop("links", None)
    if links is not None:
        organization["organization"]["links"] = links
    organization_file.write_text(yaml.safe_dump(organization, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for outcome_id, reference in REFERENCES.items():
        outcome_file = target / "outcomes" / f"{outcome_id}.yaml"
        text = outcome_file.read_text(encoding="utf-8")
        assert f"\nid: {outcome_id}\n" in text
        text = text.replace(f"\nid: {outcome_id}\n", f"\nid: {outcome_id}\nreference: {reference!r}\n", 1)
        outcome_file.write_text(text, encoding="utf-8")
    return load_dataset(target)


@dataclass(frozen=True)
class Case:
    kind: str
    key: str
    lang: str
    url: str  # the address the report must carry
    chapter_urls: tuple[str, ...] = ()  # outcomes' addresses printed in its chapters


CASES = [
    Case("brief", "mex-justice", "en", address("outcome", lang="en", reference=REFERENCE, year=2024)),
    Case("brief", "mex-justice", "es", address("outcome", lang="es", reference=REFERENCE, year=2024)),
    # EU funds mex-evaw (a reference: its chapter links to it) and col-economic (none: no link).
    Case(
        "donor", "eu", "en", address("partner", lang="en", id="eu", year=2024),
        (address("outcome", lang="en", reference=REFERENCES["mex-evaw"], year=2024),),
    ),
    # Mexico's chapters: mex-evaw and mex-justice link to their pages, mex-wps has no reference.
    Case(
        "country", "mex", "fr", address("office", lang="fr", id="mex", year=2024),
        tuple(address("outcome", lang="fr", reference=r, year=2024) for r in REFERENCES.values()),
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return copy_data(tmp_path_factory.mktemp("linked") / "data", PATTERNS)


@pytest.fixture(scope="module")
def pdfs(linked: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[Case, Path]:
    out = tmp_path_factory.mktemp("qr-pdfs")
    return {
        case: write_report(linked, case.kind, case.key, out / f"{case.kind}-{case.key}-{case.lang}.pdf", lang=case.lang)
        for case in CASES
    }


def uri_annotations(path: Path) -> Iterator[tuple[int, str, tuple[float, ...]]]:
    """(page index, URI, rectangle) of every link annotation to an address."""
    for index, page in enumerate(PdfReader(path).pages):
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/Link" and action is not None and "/URI" in action:
                yield index, str(action["/URI"]), tuple(float(v) for v in annotation["/Rect"])


def decode_page(path: Path, index: int) -> list[zxingcpp.Barcode]:
    document = pdfium.PdfDocument(path)
    try:
        image = document[index].render(scale=SCALE).to_pil()
    finally:
        document.close()
    return list(zxingcpp.read_barcodes(image))


def black(colour: object) -> bool:
    """A pdfplumber fill colour (grey level or RGB components) that is black."""
    components = colour if isinstance(colour, tuple | list) else (colour,)
    return all(isinstance(c, int | float) and c == 0 for c in components)


def unbroken(text: str) -> str:
    """Page text without whitespace: a long address may be broken over two lines."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}-{c.lang}" for c in CASES])
def test_the_qr_code_decodes_to_the_reports_address_printed_and_linked_beside_it(
    case: Case, pdfs: dict[Case, Path]
) -> None:
    path = pdfs[case]
    pages = sorted({index for index, uri, _ in uri_annotations(path) if uri == case.url})
    assert pages == [0], f"the report's address should be linked on its first page only, found on {pages}"

    (code,) = decode_page(path, 0)  # one code on the page, and it reads back exactly
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == case.url
    assert code.ec_level == "M"
    if case.kind == "brief":  # the reference went in encoded and comes back whole
        assert unquote(code.text.split("/outcomes/")[1].split("?")[0]) == REFERENCE

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert case.url in unbroken(page.extract_text() or "")
        label = {"en": "ONLINE", "es": "EN LÍNEA", "fr": "EN LIGNE"}[case.lang]
        assert label in (page.extract_text() or "")
        # Vector: dark filled paths cover the code's area and no raster image is drawn there.
        xs = [p.x / SCALE for p in (code.position.top_left, code.position.bottom_right)]
        ys = [p.y / SCALE for p in (code.position.top_left, code.position.bottom_right)]
        box = (min(xs) - 2, min(ys) - 2, max(xs) + 2, max(ys) + 2)

        def inside(obj: dict[str, float]) -> bool:
            return box[0] <= obj["x0"] and obj["x1"] <= box[2] and box[1] <= obj["top"] and obj["bottom"] <= box[3]

        def overlaps(obj: dict[str, float]) -> bool:
            return obj["x0"] < box[2] and box[0] < obj["x1"] and obj["top"] < box[3] and box[1] < obj["bottom"]

        modules = [r for r in page.rects if inside(r) and r["fill"] and black(r["non_stroking_color"])]
        assert len(modules) > 100, f"expected the code's modules as vector paths, found {len(modules)}"
        assert not [image for image in page.images if overlaps(image)]
        assert not [w["text"] for w in page.extract_words() if overlaps(w)]  # and no text runs into it


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}-{c.lang}" for c in CASES])
def test_the_code_is_a_figure_with_its_address_as_alternative_text_and_the_pdf_verifies(
    case: Case, pdfs: dict[Case, Path]
) -> None:
    path = pdfs[case]
    alts = [f.alt for f in TaggedPdf(path).root.find("Figure") if case.url in (f.alt or "")]
    expected = {
        "en": f"{QR_ALT}{case.url}",
        "es": f"Código QR que enlaza a {case.url}",
        "fr": f"Code QR menant à {case.url}",
    }[case.lang]
    assert alts == [expected]
    checks = verify(path)
    assert all_passed(checks), [(c.name, c.detail) for c in checks if not c.passed]


@pytest.mark.parametrize("case", [c for c in CASES if c.chapter_urls], ids=lambda c: c.kind)
def test_chapters_link_to_their_outcomes_pages(case: Case, pdfs: dict[Case, Path]) -> None:
    path = pdfs[case]
    linked = {uri: index for index, uri, _ in uri_annotations(path)}
    assert set(linked) == {case.url, *case.chapter_urls}  # outcomes without a reference link nowhere
    with pdfplumber.open(path) as pdf:
        for url in case.chapter_urls:
            assert url in linked, f"no link to {url}"
            assert url in unbroken(pdf.pages[linked[url]].extract_text() or "")
            assert not decode_page(path, linked[url])  # a chapter prints its address, with no QR code


def test_an_archival_pdf_keeps_the_code_and_the_link(linked: Dataset, tmp_path: Path) -> None:
    url = address("office", lang="en", id="col", year=2024)
    path = write_report(linked, "country", "col", tmp_path / "col.pdf", options=RenderOptions(archive=True))
    assert [code.text for code in decode_page(path, 0)] == [url]
    assert url in [uri for _, uri, _ in uri_annotations(path)]
    checks = verify(path, archive=True)
    assert all_passed(checks), [(c.name, c.detail) for c in checks if not c.passed]


# --- without an address ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return copy_data(tmp_path_factory.mktemp("unlinked") / "data", None)


@pytest.mark.parametrize(("kind", "key"), [("brief", "mex-justice"), ("donor", "eu"), ("country", "col")])
def test_without_a_pattern_there_is_no_code_no_link_and_no_label(
    kind: str, key: str, unlinked: Dataset, tmp_path: Path
) -> None:
    path = write_report(unlinked, kind, key, tmp_path / "r.pdf")
    assert not decode_page(path, 0)
    assert not [uri for _, uri, _ in uri_annotations(path)]
    pdf = TaggedPdf(path)
    assert not qr_figures(pdf)
    assert "ONLINE" not in pdf.text and "Online" not in pdf.text
    assert all_passed(verify(path))


def test_an_outcome_without_the_value_its_pattern_needs_gets_no_code(linked: Dataset, tmp_path: Path) -> None:
    """col-economic has no reference, so the outcome pattern (which uses {reference}) gives it no
    address; the office pattern still gives its country report one."""
    assert linked.outcomes["col-economic"].reference is None
    brief = write_report(linked, "brief", "col-economic", tmp_path / "brief.pdf")
    assert not decode_page(brief, 0) and not list(uri_annotations(brief))
    assert "ONLINE" not in TaggedPdf(brief).text


def test_the_title_block_keeps_its_layout_without_a_code(linked: Dataset, unlinked: Dataset, tmp_path: Path) -> None:
    """With a code, the title block's text keeps clear of it; without one, nothing is reserved and
    the particulars are where they always were."""

    def particulars(dataset: Dataset, name: str) -> tuple[float, float, float]:
        """Where the third particular (PLAN PERIOD) starts, where the last word of the first row
        ends, and the page's width."""
        path = write_report(dataset, "brief", "mex-justice", tmp_path / name)
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            words = page.extract_words()
            plan = next(w for w in words if w["text"] == "PLAN")
            row = [w for w in words if abs(w["top"] - plan["top"]) < 1]
            return plan["x0"], max(w["x1"] for w in row), float(page.width)

    plan_with, row_end, width = particulars(linked, "with.pdf")
    plan_without, _, _ = particulars(unlinked, "without.pdf")
    assert plan_without > plan_with  # without a code the particulars spread over the whole width
    mm = 72 / 25.4
    assert row_end < width - (18 + 26) * mm  # with one they stay left of it (right margin 18 mm, code 26 mm)
