"""The PDF/UA-1 structure checks of ``reportgen verify`` and the post-pass that mends WeasyPrint's output.

A real brief passes; a copy broken with pikepdf for one rule fails exactly that rule's check, with a message
naming the object (looked up in the saved copy: pikepdf renumbers on save). A small HTML page rendered by
WeasyPrint itself shows each WeasyPrint fault, and that :func:`reportgen.pdf.structure.mend` fixes it.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from weasyprint import HTML

from reportgen.model import Dataset
from reportgen.options import RenderOptions
from reportgen.pdf.structure import mend
from reportgen.pipeline import write_report
from reportgen.verify import BASE_CHECKS, Check, verify

Change = Callable[[pikepdf.Pdf], None]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> Path:
    return write_report(dataset, "brief", "mex-justice", tmp_path_factory.mktemp("structure") / "b.pdf")


def edited(source: Path, target: Path, change: Change) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def failures(checks: list[Check]) -> dict[str, str]:
    return {check.name: check.detail for check in checks if not check.passed}


def elements(pdf: pikepdf.Pdf, kind: str) -> list[Dictionary]:
    found: list[Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, Dictionary) and "/S" in node:
            if Name("/" + kind) == node.S:
                found.append(node)
            walk(node.get("/K"))

    walk(pdf.Root.StructTreeRoot.get("/K"))
    return found


def ref(obj: pikepdf.Object) -> str:
    return f"object {obj.objgen[0]} {obj.objgen[1]}"


def link_annotation(pdf: pikepdf.Pdf) -> tuple[int, Dictionary]:
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == Name.Link:
                return number, annotation
    raise AssertionError("the brief has no link annotation")


def link_of(pdf: pikepdf.Pdf, annotation: Dictionary) -> Dictionary:
    return next(
        link
        for link in elements(pdf, "Link")
        for kid in link.K
        if isinstance(kid, Dictionary) and kid.get("/Obj") == annotation
    )


# --- the broken copies ----------------------------------------------------------------------------------------


def li_in_div(pdf: pikepdf.Pdf) -> None:
    """What WeasyPrint makes of <dl><div><dt>: the first LI of a list wrapped in a Div."""
    lst = elements(pdf, "L")[0]
    item = next(kid for kid in lst.K if isinstance(kid, Dictionary) and kid.S == Name.LI)
    div = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, P=lst, K=Array([item])))
    item.P = div
    kids = list(lst.K)
    lst.K = Array([div if kid == item else kid for kid in kids])


def annotation_in_span(pdf: pikepdf.Pdf) -> None:
    """What WeasyPrint does with <a><span>: the annotation's reference in a Span inside the Link."""
    _, annotation = link_annotation(pdf)
    link = link_of(pdf, annotation)
    objr = next(kid for kid in link.K if isinstance(kid, Dictionary) and kid.get("/Obj") == annotation)
    span = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Span, P=link, K=Array([objr])))
    link.K = Array([span if kid == objr else kid for kid in link.K])
    pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[int(annotation.StructParent)] = span


def no_contents(pdf: pikepdf.Pdf) -> None:
    del link_annotation(pdf)[1].Contents


def no_print_flag(pdf: pikepdf.Pdf) -> None:
    del link_annotation(pdf)[1].F


def hidden(pdf: pikepdf.Pdf) -> None:
    link_annotation(pdf)[1].F = 4 | 2


def no_scope(pdf: pikepdf.Pdf) -> None:
    del elements(pdf, "TH")[0].A.Scope


def header_untreed(pdf: pikepdf.Pdf) -> None:
    """What WeasyPrint does with a running header: its content's element is not in the tree."""
    span = elements(pdf, "H1")[0].K[0]
    mcid = int(span.K[0])
    pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[0][mcid] = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Span, K=Array([mcid]))
    )


def text_unmarked(pdf: pikepdf.Pdf) -> None:
    """A line of text shown outside any marked-content sequence, at the end of page 1."""
    page = pdf.pages[0]
    font = next(iter(page.Resources.Font.keys()))
    extra = f"BT {font} 8 Tf 10 10 Td (x) Tj ET".encode()
    page.contents_add(pikepdf.Stream(pdf, extra), prepend=False)


def no_pdfuaid(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        del meta["pdfuaid:part"]


CASES: list[tuple[Change, str, Callable[[pikepdf.Pdf], str]]] = [
    (li_in_div, "lists", lambda pdf: f"L (page 1, {ref(elements(pdf, 'L')[0])}) holds Div"),
    (annotation_in_span, "links", lambda pdf: f"{ref(link_annotation(pdf)[1])}) hangs from Span"),
    (no_contents, "links", lambda pdf: f"{ref(link_annotation(pdf)[1])}) has no /Contents description"),
    (no_print_flag, "annotation-flags", lambda pdf: f"{ref(link_annotation(pdf)[1])}): no Print flag"),
    (hidden, "annotation-flags", lambda pdf: f"{ref(link_annotation(pdf)[1])}): Hidden"),
    (no_scope, "header-scope", lambda pdf: f"1 of {len(elements(pdf, 'TH'))} TH header cells without /Scope"),
    (header_untreed, "artifacts", lambda pdf: "page 1: 1 marked-content sequence (MCID"),
    (text_unmarked, "artifacts", lambda pdf: "page 1: 1 text operator outside any marked content"),
    (no_pdfuaid, "pdfua-identification", lambda pdf: "XMP pdfuaid:part is 'missing', not '1'"),
]


@pytest.mark.parametrize(("change", "check", "message"), CASES, ids=[case[0].__name__ for case in CASES])
def test_a_broken_rule_fails_exactly_its_check_naming_the_object(
    report: Path, tmp_path: Path, change: Change, check: str, message: Callable[[pikepdf.Pdf], str]
) -> None:
    path = edited(report, tmp_path / "broken.pdf", change)
    checks = verify(path)
    assert [c.name for c in checks] == list(BASE_CHECKS)
    assert list(failures(checks)) == [check]
    with pikepdf.open(path) as pdf:
        assert message(pdf) in failures(checks)[check]


def test_the_brief_passes_the_structure_checks(report: Path) -> None:
    details = {check.name: check.detail for check in verify(report)}
    with pikepdf.open(report) as pdf:
        headers = len(elements(pdf, "TH"))
    assert details["header-scope"] == f"{headers} TH header cells, each with /Scope"
    assert details["artifacts"] == "all content is in the structure tree or an artifact"
    assert details["pdfua-identification"] == "pdfuaid:part 1"


def test_an_archive_without_the_pdfuaid_extension_schema_fails(tmp_path: Path, dataset: Dataset) -> None:
    path = write_report(dataset, "brief", "mex-justice", tmp_path / "a.pdf", options=RenderOptions(archive=True))
    assert failures(verify(path)) == {}

    def drop_schema(pdf: pikepdf.Pdf) -> None:
        xmp = pdf.Root.Metadata.read_bytes()
        start = xmp.index(b"<pdfaExtension:schemas>")
        end = xmp.index(b"</pdfaExtension:schemas>") + len(b"</pdfaExtension:schemas>")
        pdf.Root.Metadata.write(xmp[:start] + xmp[end:])

    checks = verify(edited(path, tmp_path / "no-schema.pdf", drop_schema))
    assert list(failures(checks)) == ["pdfua-identification"]
    assert "declares no extension schema for the pdfuaid namespace" in failures(checks)["pdfua-identification"]


# --- what WeasyPrint writes, and mend ------------------------------------------------------------------------

#: A page with each thing WeasyPrint 70 tags wrong: a running header, a link around a <span>, a header
#: cell, an empty <span>.
HTML_PAGE = """<html lang="en"><head><title>Mend</title><style>
@page { @top-center { content: "Running header" } }
.swatch { display: inline-block; width: 5px; height: 5px; background: red; }
</style></head><body><h1>Results</h1>
<p><a href="#t"><span lang="es">Resultados</span> and more</a></p>
<table id="t"><thead><tr><th scope="col">Year</th><th scope="col">Total</th></tr></thead>
<tbody><tr><th scope="row"><span class="swatch"></span>2024</th><td>5</td></tr></tbody></table>
</body></html>"""


def weasyprint_pdf(variant: str) -> bytes:
    data = HTML(string=HTML_PAGE).write_pdf(pdf_variant=variant, pdf_identifier=b"test")
    assert isinstance(data, bytes)
    return data


def test_weasyprint_breaks_the_rules_and_mend_fixes_them(tmp_path: Path) -> None:
    raw = tmp_path / "raw.pdf"
    raw.write_bytes(weasyprint_pdf("pdf/ua-1"))
    broken = failures(verify(raw))
    assert set(broken) == {"links", "annotation-flags", "header-scope", "artifacts"}
    assert "hangs from Span" in broken["links"]
    mended = tmp_path / "mended.pdf"
    mended.write_bytes(mend(raw.read_bytes(), archive=False))
    assert failures(verify(mended)) == {}
    with pikepdf.open(mended) as pdf:
        scopes = [str(th.A.Scope) for th in elements(pdf, "TH")]
        spans = elements(pdf, "Span")
    assert scopes == ["/Column", "/Column", "/Row"]  # as the HTML's scope attributes say
    assert all(len(span.get("/K", Array())) for span in spans)  # the swatch's empty Span is gone


def test_mend_is_deterministic_and_keeps_an_archive_valid(tmp_path: Path) -> None:
    raw = weasyprint_pdf("pdf/a-3a")
    first, second = mend(raw, archive=True), mend(raw, archive=True)
    assert first == second
    path = tmp_path / "a.pdf"
    path.write_bytes(first)
    checks = verify(path, archive=False)  # no source data attached here: the PDF/UA side only
    assert failures(checks) == {}
    assert {check.name: check.detail for check in checks}["pdfua-identification"] == (
        "pdfuaid:part 1, alongside pdfaid, with its PDF/A extension schema"
    )
    with pikepdf.open(path) as pdf:
        assert "/Filter" not in pdf.Root.Metadata.stream_dict  # PDF/A: the XMP stays readable


def test_no_stream_ends_in_a_carriage_return_that_would_read_as_its_end_of_line(tmp_path: Path) -> None:
    """Data ending in CR before the LF that precedes endstream reads one byte short of /Length (PDF/A-3,
    6.1.7.1): mend wraps such a stream in ASCIIHexDecode, and its content decodes the same."""
    # Flate data ends with the Adler-32 checksum of what it encodes: find content whose last byte is CR.
    content = next(text for n in range(10_000) if zlib.compress(text := b"chunk %d" % n)[-1:] == b"\r")
    source = tmp_path / "cr.pdf"
    with pikepdf.open(io.BytesIO(weasyprint_pdf("pdf/ua-1"))) as pdf:
        stream = pikepdf.Stream(pdf, zlib.compress(content))
        stream.Filter = Name.FlateDecode
        pdf.Root.PieceInfo = Dictionary(Data=pdf.make_indirect(stream))
        pdf.save(source)
    mended = mend(source.read_bytes(), archive=False)
    with pikepdf.open(io.BytesIO(mended)) as pdf:
        streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
        assert not [obj for obj in streams if obj.read_raw_bytes().endswith(b"\r")]
        data = pdf.Root.PieceInfo.Data
        assert data.read_bytes() == content
        assert list(data.Filter) == [Name.ASCIIHexDecode, Name.FlateDecode]


def test_page_one_of_a_brief_is_painted_in_tag_order(report: Path) -> None:
    """Tools that read the content stream (reflow, some screen-reader previews) get page 1 in the order of the
    structure tree: the positioned title block no longer paints after the sections that follow it."""
    with pikepdf.open(report) as pdf:
        first = pdf.pages[0].obj
        tagged: list[int] = []

        def walk(node: object) -> None:
            if isinstance(node, Array):
                for kid in node:
                    walk(kid)
            elif isinstance(node, Dictionary) and "/S" in node:
                for kid in node.get("/K", Array()) if isinstance(node.get("/K"), Array) else [node.get("/K")]:
                    if isinstance(kid, int) and node.Pg.objgen == first.objgen:
                        tagged.append(int(kid))
                    else:
                        walk(kid)

        walk(pdf.Root.StructTreeRoot.K)
        painted = [
            int(op.operands[1].MCID)
            for op in pikepdf.parse_content_stream(pdf.pages[0])
            if str(op.operator) == "BDC" and isinstance(op.operands[1], Dictionary) and "/MCID" in op.operands[1]
        ]
    assert tagged and painted == tagged
