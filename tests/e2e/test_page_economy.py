"""Page economy read back from the PDFs (issue #22): no heading is the last thing on a page, no table of
fewer than eight body rows is split across two pages, and no page but the last is more than 60 % empty,
for every bundled report (the latest year of each kind and entity) and, in the meridian theme, for a
report of each kind in Spanish or French.

How each is measured, from the PDF alone:

* The tagged structure gives the report's blocks (headings, paragraphs, lists, tables, figures) in
  reading order, each with its page. A heading ends a page when the block after it is on a later page;
  a chapter heading (H1) with a subtitle also when the block after the subtitle is.
* WeasyPrint tags each page's part of a split table as a table of its own; the part on the next page
  repeats the header but has no caption. A table that is the last block of its page, followed by such
  a caption-less table first on the next page, is one table split in two: their body rows (body and
  totals) are added up.
* A page's emptiness is the share of its text area (the page less the report's 22 mm top and 20 mm
  bottom margins, where only the running header and footer print) below the lowest thing drawn in it:
  text, rules, chart shapes, images. Backgrounds as tall as the area (a cover) do not count as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from reportgen import Dataset
from reportgen.options import RenderOptions
from reportgen.paths import THEMES_DIR
from reportgen.pipeline import write_report

from ..bundled import bundled_pdfs

BLOCKS = {"H1", "H2", "H3", "H4", "H5", "H6", "P", "Table", "L", "Figure", "BlockQuote"}
MM = 72 / 25.4
TOP_MARGIN, BOTTOM_MARGIN = 22 * MM, 20 * MM  # @page margin in assets/css/report.css
SMALL_TABLE = 8  # body rows: a table with fewer is never split
MOST_EMPTY = 0.60  # the largest share of a page's text area left empty, but on the last page


@dataclass
class Economy:
    """What one PDF shows: the findings, each named by its page (1-based)."""

    pages: int
    headings_ending_page: list[tuple[int, str]]
    small_tables_split: list[tuple[int, int]]  # (first page, body rows)
    emptiness: list[float]  # per page, the empty share of its text area

    def too_empty(self) -> list[tuple[int, float]]:
        return [(n, e) for n, e in enumerate(self.emptiness[:-1], start=1) if e > MOST_EMPTY]


def _blocks(tree: list[dict[str, Any]]) -> list[tuple[int, str, dict[str, Any]]]:
    """The structure tree's outermost blocks in reading order, with their pages."""
    found: list[tuple[int, str, dict[str, Any]]] = []

    def walk(node: dict[str, Any]) -> None:
        kind = node.get("type", "")
        if kind in BLOCKS:
            found.append((node.get("page_number") or 0, kind, node))
            return
        for child in node.get("children", []):
            walk(child)

    for node in tree:
        walk(node)
    return found


def _body_rows(table: dict[str, Any]) -> int:
    groups = [g for g in table.get("children", []) if g.get("type") in ("TBody", "TFoot")]
    return sum(1 for g in groups for row in g.get("children", []) if row.get("type") == "TR")


def _has_caption(table: dict[str, Any]) -> bool:
    return any(child.get("type") == "Caption" for child in table.get("children", []))


def _emptiness(page: Any) -> float:
    top, bottom = TOP_MARGIN, page.height - BOTTOM_MARGIN
    area = bottom - top
    drawn = [o for kind in ("char", "rect", "line", "curve", "image") for o in page.objects.get(kind, [])]
    inside = [
        o for o in drawn if o["top"] >= top - 1 and o["bottom"] <= bottom + 1 and o["bottom"] - o["top"] < 0.95 * area
    ]
    lowest = max((o["bottom"] for o in inside), default=top)
    return 1 - (lowest - top) / area


def economy(path: Path) -> Economy:
    with pdfplumber.open(path) as pdf:
        blocks = _blocks(pdf.structure_tree)
        headings: list[tuple[int, str]] = []
        split: list[tuple[int, int]] = []
        for index, (page, kind, node) in enumerate(blocks[:-1]):
            next_page, next_kind, next_node = blocks[index + 1]
            subtitled = kind == "H1" and next_kind == "P"  # a chapter heading keeps its subtitle and what follows
            kept = blocks[index + 1 : index + (3 if subtitled else 2)]
            if kind.startswith("H") and any(later > page for later, _kind, _node in kept):
                headings.append((page, kind))
            if next_page <= page:
                continue
            if kind == "Table" and next_kind == "Table" and not _has_caption(next_node):
                rows = _body_rows(node) + _body_rows(next_node)
                if rows < SMALL_TABLE:
                    split.append((page, rows))
        return Economy(len(pdf.pages), headings, split, [_emptiness(p) for p in pdf.pages])


def assert_economical(path: Path) -> Economy:
    found = economy(path)
    assert not found.headings_ending_page, f"{path.name}: a heading ends page(s) {found.headings_ending_page}"
    assert not found.small_tables_split, (
        f"{path.name}: a table of < {SMALL_TABLE} rows split at {found.small_tables_split}"
    )
    assert not found.too_empty(), f"{path.name}: page(s) more than {MOST_EMPTY:.0%} empty: {found.too_empty()}"
    return found


@pytest.fixture(scope="module")
def latest(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The latest year's report of every kind and entity in the bundled batch."""
    reports: dict[tuple[str, str], Path] = {}
    for pdf in bundled_pdfs(request, tmp_path_factory):  # sorted: the latest year comes last
        reports[(pdf.parent.name, re.sub(r"-\d{4}$", "", pdf.stem))] = pdf
    return sorted(reports.values())


def test_every_bundled_report_uses_its_pages(latest: list[Path]) -> None:
    assert {pdf.parent.name for pdf in latest} >= {"briefs", "donors", "countries"}
    pages = {pdf.name: assert_economical(pdf).pages for pdf in latest}
    assert all(count >= 2 for count in pages.values()), pages  # the measure saw real multi-page reports


@pytest.mark.parametrize(
    ("kind", "key", "lang"), [("brief", "mex-evaw", "fr"), ("donor", "sweden", "es"), ("country", "col", "fr")]
)
def test_meridian_reports_use_their_pages(dataset: Dataset, tmp_path: Path, kind: str, key: str, lang: str) -> None:
    options = RenderOptions(theme_dir=THEMES_DIR / "meridian")
    assert_economical(write_report(dataset, kind, key, tmp_path / f"{kind}.pdf", lang=lang, options=options))


def test_the_measure_finds_a_mostly_empty_page(tmp_path: Path) -> None:
    """The emptiness measure itself, on a page known to hold one line at its top: nearly all empty."""
    from weasyprint import HTML

    pdf = tmp_path / "one-line.pdf"
    style = "@page { size: A4; margin: 22mm 18mm 20mm 18mm } p { margin: 0; font-size: 10pt }"
    HTML(string=f"<style>{style}</style><p>One line.</p><p style='break-before: page'>Next.</p>").write_pdf(pdf)
    found = economy(pdf)
    assert found.pages == 2 and found.emptiness[0] > 0.95 and found.too_empty() == [(1, found.emptiness[0])]
