"""Key-figure strips read back from the PDFs: the figures of one strip share a baseline however many
lines their labels take ("100% / 0%" sat lower than its neighbours under a label of three lines,
"No data available" higher), no label touches its figure (a three-line label sat on it), and money is
in whole units (``$1,259,450.75`` beside ``$5,028,776``), in both themes and in every language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from reportgen import Dataset
from reportgen.options import RenderOptions
from reportgen.paths import THEMES_DIR
from reportgen.pipeline import write_report

from ..bundled import bundled_pdfs

#: Figures are set at 10 pt and more (15 pt, 14 pt, 12.5 pt; "No data available" at 10 pt); labels,
#: notes and the particulars' values are smaller.
FIGURE_SIZE = 9.9


def _mcids(node: dict[str, Any]) -> list[int]:
    found = list(node.get("mcids", []))
    for child in node.get("children", []):
        found += _mcids(child)
    return found


def _lists(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for node in nodes:
        found += [node] if node["type"] == "L" else _lists(node.get("children", []))
    return found


def _figure_spans(listing: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]] | None:
    """The first two spans of each item (its label and its figure), or None when an item is not a
    label and a figure (a list of another kind)."""
    spans = []
    for item in listing.get("children", []):
        body = next((c for c in item.get("children", []) if c["type"] == "LBody"), {})
        parts = body.get("children", [])
        if len(parts) < 2 or any(part["type"] != "Span" for part in parts):
            return None
        spans.append((parts[0], parts[1]))
    return spans or None


def strips(pdf: Path) -> list[tuple[int, list[tuple[str, float, float]]]]:
    """(page, [(figure, baseline, clearance)]) of every key-figure strip: a tagged list whose every item
    is a label span followed by a figure span set at figure size. The baseline is that of the figure's
    first line, from the top of the page, in points; the clearance is how far the figure's top is below
    its label's lowest glyph. Only the pages with such lists are read."""
    found = []
    with pdfplumber.open(pdf) as document:
        candidates = [(lst, spans) for lst in _lists(document.structure_tree) if (spans := _figure_spans(lst))]
        pages: dict[int, dict[int, list[dict[str, Any]]]] = {}
        for listing, spans in candidates:
            number = listing["page_number"]
            if number not in pages:
                page = document.pages[number - 1]
                pages[number] = {}
                for char in page.chars:
                    if char.get("mcid") is not None:
                        pages[number].setdefault(char["mcid"], []).append(char)
            chars, height = pages[number], float(document.pages[number - 1].height)
            figures = []
            for label_span, span in spans:
                figure = [c for m in _mcids(span) for c in chars.get(m, [])]
                if not figure or max(c["size"] for c in figure) < FIGURE_SIZE:
                    break
                label = [c for m in _mcids(label_span) for c in chars.get(m, [])]
                first = min(figure, key=lambda c: (round(height - c["matrix"][5], 1), c["x0"]))
                clearance = min(c["top"] for c in figure) - max((c["bottom"] for c in label), default=0.0)
                figures.append(("".join(c["text"] for c in figure), height - first["matrix"][5], clearance))
            else:
                found.append((number, figures))
    return found


#: A decimal part of two digits at the end of an amount (not a group of three): cents a key figure should not show.
CENTS = re.compile(r"\d[.,]\d{2}(?!\d)(?=\D*$)")


def assert_one_baseline(pdf: Path) -> int:
    """Every strip of ``pdf`` on one baseline (to a hundredth of a point), each figure clear of its
    label and without cents; returns how many strips."""
    found = strips(pdf)
    for page, figures in found:
        baselines = [round(baseline, 2) for _text, baseline, _clearance in figures]
        assert max(baselines) - min(baselines) <= 0.05, f"{pdf.name} page {page}: {figures}"
        assert all(clearance >= 1 for _text, _baseline, clearance in figures), f"{pdf.name} page {page}: {figures}"
        assert not [text for text, *_ in figures if "%" not in text and CENTS.search(text)], (pdf.name, figures)
    return len(found)


@pytest.fixture(scope="module")
def pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return bundled_pdfs(request, tmp_path_factory)


def test_no_strip_prints_the_same_figure_twice(pdfs: list[Path]) -> None:
    """A brief, donor or country report whose contributions span only the report year (a brief for
    an outcome's first year) printed "Contributions in 2021  $242,000" twice: once for the year and
    once for the period. Every report of every year of the bundled data is read."""
    assert len(pdfs) > len({(pdf.parent.name, re.sub(r"-\d{4}$", "", pdf.stem)) for pdf in pdfs})  # several years
    for pdf in pdfs:
        for page, figures in strips(pdf):
            money = [text for text, *_ in figures if re.search(r"\d{3}", text) and "%" not in text]
            assert len(money) == len(set(money)), f"{pdf.name} page {page}: {figures}"


def test_every_bundled_strip_sits_on_one_baseline(pdfs: list[Path]) -> None:
    """Every bundled report (the latest year of each), default theme: the country report's strip
    with a three-line label and the brief's "No data available" among them."""
    latest: dict[tuple[str, str], Path] = {}  # a report per kind and entity: its latest year
    for pdf in pdfs:
        latest[(pdf.parent.name, re.sub(r"-\d{4}$", "", pdf.stem))] = pdf
    checked = sorted(latest.values())
    counted = {pdf.parent.name: 0 for pdf in checked}
    for pdf in checked:
        counted[pdf.parent.name] += assert_one_baseline(pdf)
    assert all(counted.values()), counted  # every kind has strips to check


@pytest.mark.parametrize(
    ("kind", "key", "lang"), [("brief", "mex-justice", "fr"), ("donor", "sweden", "es"), ("country", "col", "es")]
)
def test_strips_sit_on_one_baseline_in_the_meridian_theme(
    dataset: Dataset, tmp_path: Path, kind: str, key: str, lang: str
) -> None:
    options = RenderOptions(theme_dir=THEMES_DIR / "meridian")
    pdf = write_report(dataset, kind, key, tmp_path / f"{kind}.pdf", lang=lang, options=options)
    assert assert_one_baseline(pdf) >= 1
