"""Print-shop output (--print) and two-sided layout (--two-sided), read back from real PDFs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import yaml
import zxingcpp
from pypdf import PdfReader

from reportgen.paths import THEMES_DIR
from reportgen.verify import verify

from ..pdfread import colours

ROOT = Path(__file__).resolve().parents[2]
MM = 72 / 25.4
BLEED = 3 * MM


def render(out: Path, kind: str, key: str, *options: str) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", kind, key, "--data", str(ROOT / "data"), "--out", str(out), *options],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    return {
        "screen": render(folder / "screen.pdf", "country", "mex"),
        "print": render(folder / "print.pdf", "country", "mex", "--print"),
        "meridian-print": render(folder / "meridian.pdf", "brief", "mex-justice", "--print", "--theme", "meridian"),
        "two-sided": render(folder / "two-sided.pdf", "country", "mex", "--two-sided"),
        "print-two-sided": render(folder / "both.pdf", "donor", "sweden", "--print", "--two-sided"),
    }


def colour_ops(path: Path) -> tuple[list[tuple[float, ...]], int]:
    """(CMYK colours set anywhere, count of RGB colours set in the pages' own content)."""
    found = colours(path)
    return [c.values for c in found if c.space == "cmyk"], sum(c.space == "rgb" and c.on_page for c in found)


def test_print_adds_3mm_bleed_and_crop_marks_and_screen_output_has_none(pdfs: dict[str, Path]) -> None:
    screen, printed = PdfReader(pdfs["screen"]).pages[0], PdfReader(pdfs["print"]).pages[0]
    assert screen.mediabox == screen.trimbox  # no bleed, no marks on screen
    trim, media = printed.trimbox, printed.mediabox
    for outer, inner in ((media.left, trim.left), (media.bottom, trim.bottom)):
        assert float(inner) - float(outer) == pytest.approx(BLEED, abs=0.05)
    assert float(media.width) - float(trim.width) == pytest.approx(2 * BLEED, abs=0.1)
    assert float(printed.bleedbox.width) == pytest.approx(float(media.width))
    # The crop marks are drawn in the bleed, outside the trimmed page, on every page.
    left, top = float(trim.left) - float(media.left), float(media.top) - float(trim.top)
    with pdfplumber.open(pdfs["print"]) as pdf:
        for page in pdf.pages:
            marks = [line for line in page.lines + page.curves if line["x0"] < left - 0.1 or line["top"] < top - 0.1]
            assert marks, f"page {page.page_number}: no marks in the bleed"
    assert [check.detail for check in verify(pdfs["print"]) if not check.passed] == []


def test_print_uses_the_themes_cmyk_inks(pdfs: dict[str, Path]) -> None:
    for name, theme in (("print", "default"), ("meridian-print", "meridian")):
        settings = yaml.safe_load((THEMES_DIR / theme / "theme.yaml").read_text(encoding="utf-8"))
        inks = {tuple(round(part / 100, 3) for part in ink) for ink in settings["print"]["cmyk"].values()}
        cmyk, rgb = colour_ops(pdfs[name])
        assert rgb == 0, name  # the pages' colours are all inks
        used = inks & set(cmyk)
        assert len(used) >= 3, (name, used)  # the charts' colours are printed with the theme's inks
    assert colour_ops(pdfs["screen"])[0] == []  # screen output stays RGB


def test_a_print_qr_code_is_black_ink_only_and_still_decodes(pdfs: dict[str, Path]) -> None:
    cmyk, _ = colour_ops(pdfs["meridian-print"])
    assert (0.0, 0.0, 0.0, 1.0) in cmyk
    document = pdfium.PdfDocument(pdfs["meridian-print"])
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    found = [code.text for code in zxingcpp.read_barcodes(image)]
    organization = yaml.safe_load((ROOT / "data" / "organization.yaml").read_text(encoding="utf-8"))
    pattern = organization["organization"]["links"]["outcome"]
    assert found == [pattern.format(id="mex-justice", lang="en", year=2024)]


def _chapter_pages(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(path)
    return [
        (str(item.title), reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def test_two_sided_starts_chapters_on_right_hand_pages(pdfs: dict[str, Path]) -> None:
    one, two = _chapter_pages(pdfs["screen"]), _chapter_pages(pdfs["two-sided"])
    assert [title for title, _ in one] == [title for title, _ in two]
    assert any(page % 2 == 0 for _, page in one)  # one-sided, some chapter starts on an even page
    assert all(page % 2 == 1 for _, page in two), two  # two-sided, every one on a right-hand (odd) page
    assert len(PdfReader(pdfs["two-sided"]).pages) > len(PdfReader(pdfs["screen"]).pages)
    assert [check.detail for check in verify(pdfs["two-sided"]) if not check.passed] == []


def test_two_sided_mirrors_margins_and_puts_page_numbers_outside(pdfs: dict[str, Path]) -> None:
    with pdfplumber.open(pdfs["two-sided"]) as pdf:
        for page in pdf.pages[2:8]:
            words = page.extract_words()
            if not words:
                continue  # a blank page before a chapter: no header, no footer
            body = [w for w in words if 30 * MM < w["top"] < page.height - 30 * MM]
            left_edge = min(w["x0"] for w in body)
            right_page = page.page_number % 2 == 1
            inner, outer = 22 * MM, 14 * MM
            assert left_edge == pytest.approx(inner if right_page else outer, abs=1.5), page.page_number
            number = next(w for w in words if w["text"] == str(page.page_number) and w["top"] > page.height - 25 * MM)
            on_right = number["x0"] > page.width / 2
            assert on_right is right_page, page.page_number


def test_print_and_two_sided_together(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["print-two-sided"])
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].trimbox.width)
    assert all(page % 2 == 1 for _, page in _chapter_pages(pdfs["print-two-sided"]))
    assert [check.detail for check in verify(pdfs["print-two-sided"]) if not check.passed] == []
