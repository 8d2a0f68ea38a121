"""The country annual report, rendered from the bundled data and read back from the PDF.

Each PDF is rendered once per module. Expected figures are computed here from the
dataset's rows for the office, never copied from the report model or hard-coded.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen import Dataset
from reportgen.build.country import build_country
from reportgen.build.country_model import CountryReport
from reportgen.charts import brief_charts
from reportgen.charts.country import country_charts, shared_y_max
from reportgen.cli import main
from reportgen.kinds import kind
from reportgen.model import Contribution, Outcome, Partner, localize
from reportgen.pipeline import report_pdf, write_report

from ..pdfread import Node, TaggedPdf, fonts, norm, outline_titles

OFFICES = ("mex", "col")
ANNEX_A = "Annex A: Contributions by partner and year"
ANNEX_B = "Annex B: Resources by outcome and year"
TOC_LINE = re.compile(r"^(?P<label>.+?)\s*\.{3,}\s*(?P<page>\d+)$")


# --- fixtures: each PDF rendered once ----------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("countries")
    return {office: write_report(dataset, "country", office, out / f"{office}.pdf") for office in OFFICES}


@pytest.fixture(scope="module")
def tagged(pdfs: dict[str, Path]) -> dict[str, TaggedPdf]:
    return {office: TaggedPdf(path) for office, path in pdfs.items()}


@pytest.fixture(scope="module")
def reports(dataset: Dataset) -> dict[str, CountryReport]:
    return {office: build_country(dataset, office) for office in OFFICES}


# --- helpers ------------------------------------------------------------------------------


def usd(amount: Decimal) -> str:
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def headline(amount: Decimal) -> str:
    """A key figure: whole units, rounded half up (the tables give cents)."""
    return usd(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_text(total: Decimal, dev: Decimal, hum: Decimal) -> str:
    """A contribution cell: the total, and its parts only when some of it is humanitarian."""
    return f"{usd(total)} Dev. {usd(dev)} Hum. {usd(hum)}" if hum else usd(total)


def labels(label: str, name: str) -> bool:
    """True when a row label (partner name, then its type) is ``name``'s; spaces are ignored,
    since a name broken across lines at a hyphen reads back with a space after it."""
    return label.replace(" ", "").startswith(name.replace(" ", ""))


def outcomes_in(dataset: Dataset, office: str, year: int) -> list[Outcome]:
    return sorted((o for o in dataset.outcomes.values() if o.office == office and year in o.period), key=lambda o: o.id)


def title_of(dataset: Dataset, outcome: Outcome) -> str:
    """The outcome's short title as an English report prints it."""
    return localize(outcome.short_title, "en", dataset.organization.language).text


def rows_in(dataset: Dataset, office: str, year: int) -> list[Contribution]:
    return [c for o in outcomes_in(dataset, office, year) for c in o.contributions if c.year <= year]


def lines_of(pdf: TaggedPdf, page: int) -> list[str]:
    """The text lines of 1-based ``page``."""
    return [norm(line) for line in pdf.page_text[page - 1].splitlines()]


def toc(pdf: TaggedPdf) -> list[tuple[str, int]]:
    """(label, page) of every contents entry, in order, read from the contents pages' text."""
    start = next(p for p in range(1, pdf.page_count + 1) if "Contents" in lines_of(pdf, p))
    entries: list[tuple[str, int]] = []
    for page in range(start, pdf.page_count + 1):
        found = [m for line in lines_of(pdf, page) if (m := TOC_LINE.match(line))]
        if not found:
            break
        entries += [(m["label"], int(m["page"])) for m in found]
    return entries


def heading_page(pdf: TaggedPdf, text: str, start: int) -> int:
    """The first page from ``start`` with a line that is exactly ``text`` (not the running header)."""
    return next(p for p in range(start, pdf.page_count + 1) if text in lines_of(pdf, p))


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, depth-first."""
    reader = PdfReader(path)

    def walk(items: list[Any], depth: int) -> Iterator[tuple[int, str, int]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, norm(str(item.title)), reader.get_destination_page_number(item) + 1

    return list(walk(reader.outline, 0))


def located_tables(pdf: TaggedPdf) -> list[tuple[str, str, list[list[str]]]]:
    """(chapter H1, section H2, rows) of every table in reading order; the page fragments of one
    table (same headings and header row) are merged, their repeated header rows dropped."""
    found: list[tuple[str, str, list[list[str]]]] = []
    h1 = h2 = ""

    def visit(node: Node) -> None:
        nonlocal h1, h2
        if node.type == "H1":
            h1, h2 = node.text, ""
        elif node.type == "H2":
            h2 = node.text
        elif node.type == "Table":
            rows = [[c.text for c in tr.children if c.type in ("TH", "TD")] for tr in node.find("TR")]
            last = found[-1] if found else None
            if last is not None and (last[0], last[1]) == (h1, h2) and last[2][0] == rows[0]:
                last[2].extend(rows[1:])
            else:
                found.append((h1, h2, rows))
            return
        for child in node.children:
            visit(child)

    visit(pdf.root)
    return found


def table(pdf: TaggedPdf, h1: str, first_header: str, h2: str | None = None) -> list[list[str]]:
    matches = [
        rows
        for chapter, section, rows in located_tables(pdf)
        if chapter == h1 and rows[0][0] == first_header and (h2 is None or section == h2)
    ]
    assert len(matches) == 1, (h1, first_header, len(matches))
    return matches[0]


# --- contents, bookmarks and headings ----------------------------------------------------


@pytest.mark.parametrize("office", OFFICES)
def test_contents_page_numbers_are_the_pages_of_the_headings(tagged: dict[str, TaggedPdf], office: str) -> None:
    pdf = tagged[office]
    entries = toc(pdf)
    assert entries
    page = entries[0][1]
    for label, printed in entries:
        page = heading_page(pdf, label, page)
        assert page == printed, (label, printed, page)


@pytest.mark.parametrize("office", OFFICES)
def test_bookmarks_are_the_contents_and_the_chapter_headings(
    tagged: dict[str, TaggedPdf],
    pdfs: dict[str, Path],
    reports: dict[str, CountryReport],
    dataset: Dataset,
    office: str,
) -> None:
    pdf, entries = tagged[office], toc(tagged[office])
    name = dataset.offices[office].name
    assert outline_titles(pdfs[office]) == [name, "Contents", *(label for label, _ in entries)]
    marks = outline(pdfs[office])[2:]
    assert [(title, page) for _, title, page in marks] == entries
    chapters = [title for depth, title, _ in marks if depth == 0]
    assert [h.text for h in pdf.root.find("H1")] == [name, "Contents", *chapters]
    titles = [title_of(dataset, o) for o in outcomes_in(dataset, office, reports[office].report_year)]
    assert chapters == ["Executive summary", *titles, ANNEX_A, ANNEX_B]


def test_heading_levels_have_no_gaps(tagged: dict[str, TaggedPdf]) -> None:
    for pdf in tagged.values():
        levels: list[int] = []

        def visit(node: Node, into: list[int] = levels) -> None:
            if re.fullmatch(r"H[1-6]", node.type):
                into.append(int(node.type[1]))
            for child in node.children:
                visit(child)

        visit(pdf.root)
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in pairwise(levels)), levels


def test_cross_references_print_the_annex_pages(tagged: dict[str, TaggedPdf]) -> None:
    pdf = tagged["mex"]
    annex_a, annex_b = heading_page(pdf, ANNEX_A, 3), heading_page(pdf, ANNEX_B, 3)
    summary = norm(" ".join(pdf.page_text[2:4]))
    assert f"(see Annex A, page {annex_a})" in summary
    assert f"(see Annex B, page {annex_b})" in summary


# --- figures -----------------------------------------------------------------------------


@pytest.mark.parametrize("office", OFFICES)
def test_executive_summary_totals_are_sums_of_the_offices_rows(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset, office: str
) -> None:
    year = reports[office].report_year
    rows = rows_in(dataset, office, year)
    period = sum((r.development + r.humanitarian for r in rows), Decimal(0))
    in_year = sum((r.development + r.humanitarian for r in rows if r.year == year), Decimal(0))
    humanitarian = sum((r.humanitarian for r in rows), Decimal(0))
    lines = [r for o in outcomes_in(dataset, office, year) for r in o.resources if r.year == year]
    budget = sum((r.budget.total for r in lines), Decimal(0))
    spent = sum((r.expenditure.total for r in lines if r.expenditure), Decimal(0))
    planned = sum((r.budget.total for r in lines if r.expenditure), Decimal(0))
    first, last = min(r.year for r in rows), max(r.year for r in rows)
    figures = next(s.text for s in tagged[office].root.find("Sect") if s.text.startswith("Key figures"))
    figures = figures.replace(" ,", ",")  # the years are a span of their own in the tags
    # the figures over the years name the outcomes they cover: the office's outcomes running in the year
    running, every = len(outcomes_in(dataset, office, year)), sum(o.office == office for o in dataset.outcomes.values())
    covered = (
        f"{running} OF {every} OUTCOMES" if running < every else f"ALL {running} OUTCOMES" if every > 1 else "1 OUTCOME"
    )
    assert f"CONTRIBUTIONS IN {year} {headline(in_year)}" in figures
    assert f"CONTRIBUTIONS {first}–{last}, {covered} {headline(period)}" in figures
    assert f"FUNDING PARTNERS {first}–{last}, {covered} {len({r.partner for r in rows})}" in figures
    assert f"OUTCOMES RUNNING IN {year} {running}" in figures
    hum_share = round(humanitarian / period * 100)
    assert f"DEVELOPMENT / HUMANITARIAN {first}–{last}, {covered} {100 - hum_share}% / {hum_share}%" in figures
    assert f"BUDGET {year} {headline(budget)}" in figures
    assert f"EXPENDITURE {year} {headline(spent)}" in figures
    assert f"DELIVERY RATE {year} {round(spent / planned * 100)}%" in figures
    glance = table(tagged[office], "Executive summary", "OUTCOME", f"Outcomes in {year}")
    assert glance[-1][0] == "Total"
    assert glance[-1][-4:] == [usd(in_year), usd(budget), usd(spent), f"{round(spent / planned * 100)}%"]
    assert len(glance) == 2 + len(outcomes_in(dataset, office, year))


STATUS_LABELS = {
    "achieved": "ACHIEVED",
    "significant_progress": "SIGNIFICANT PROGRESS",
    "some_progress": "NOT ACHIEVED; SOME PROGRESS",
    "not_achieved": "NOT ACHIEVED",
    "not_assessed": "NOT ASSESSED",
}


@pytest.mark.parametrize("office", OFFICES)
def test_status_counts_are_the_years_notes(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset, office: str
) -> None:
    year = reports[office].report_year
    notes = [next((p for p in o.progress if p.year == year), None) for o in outcomes_in(dataset, office, year)]
    statuses = [n.status.value if n is not None else None for n in notes]
    expected = [f"{statuses.count(value)} {label}" for value, label in STATUS_LABELS.items()]
    if None in statuses:
        expected.append(f"{statuses.count(None)} NO PROGRESS NOTE")
    section = next(s for s in tagged[office].root.find("Sect") if s.text.startswith(f"Outcomes in {year}"))
    assert [item.text for item in section.find("LI")] == expected


@pytest.mark.parametrize("office", OFFICES)
def test_every_outcome_has_its_chapter_with_its_contribution_table(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset, office: str
) -> None:
    year = reports[office].report_year
    for outcome in outcomes_in(dataset, office, year):
        rows = [c for c in outcome.contributions if c.year <= year]
        contributions = table(tagged[office], title_of(dataset, outcome), "FUNDING PARTNER")
        body = contributions[1:-1]
        names = {dataset.partners[r.partner].display_name for r in rows}
        assert len(body) == len(names)
        assert all(any(labels(row[0], name) for name in names) for row in body)
        grand = sum((r.development + r.humanitarian for r in rows), Decimal(0))
        hum = sum((r.humanitarian for r in rows), Decimal(0))
        assert contributions[-1][0] == "Total"
        assert contributions[-1][-1] == split_text(grand, grand - hum, hum)


@pytest.mark.parametrize("office", OFFICES)
def test_annex_a_sums_each_partner_year_across_outcomes(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset, office: str
) -> None:
    year = reports[office].report_year
    rows = rows_in(dataset, office, year)
    annex = table(tagged[office], ANNEX_A, "FUNDING PARTNER")
    header = annex[0]
    cells: dict[tuple[str, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in rows:
        cells[(r.partner, r.year)][0] += r.development
        cells[(r.partner, r.year)][1] += r.humanitarian
    by_name = {row[0]: row for row in annex[1:]}
    for (partner, y), (dev, hum) in cells.items():
        name = dataset.partners[partner].display_name
        row = next(row for label, row in by_name.items() if labels(label, name))
        assert row[header.index(str(y))] == split_text(dev + hum, dev, hum), (partner, y)
    totals = by_name["Total"]
    for y in {r.year for r in rows}:
        dev = sum((r.development for r in rows if r.year == y), Decimal(0))
        hum = sum((r.humanitarian for r in rows if r.year == y), Decimal(0))
        assert totals[header.index(str(y))] == split_text(dev + hum, dev, hum)
    assert len(annex) == 2 + len({r.partner for r in rows})


def test_annex_b_totals_are_the_sums_of_the_resource_lines(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset
) -> None:
    year = reports["mex"].report_year
    lines = [r for o in outcomes_in(dataset, "mex", year) for r in o.resources if r.year <= year]
    annex = table(tagged["mex"], ANNEX_B, "OUTCOME")
    header, totals = annex[0], annex[-1]
    for y in {r.year for r in lines}:
        budget = sum((r.budget.total for r in lines if r.year == y), Decimal(0))
        assert totals[header.index(str(y))].startswith(f"{usd(budget)} Exp. "), y
    grand = sum((r.budget.total for r in lines), Decimal(0))
    assert totals[-1].startswith(usd(grand))
    assert len(annex) == 2 + len(outcomes_in(dataset, "mex", year))


# --- charts ------------------------------------------------------------------------------


def test_chapter_charts_share_one_y_scale(reports: dict[str, CountryReport]) -> None:
    report = reports["mex"]
    cells = [cell.total.amount for c in report.chapters for row in c.contributions.rows for cell in row.cells if cell]
    y_max = shared_y_max(report)
    assert y_max is not None and float(max(cells)) <= y_max <= float(max(cells)) * 1.2
    charts = country_charts(report)
    redrawn = 0
    for chapter in report.chapters:
        key = f"{chapter.outcome.id}/contributions"
        if chapter.contributions.is_empty:
            assert key not in charts
            continue
        assert charts[key].svg == brief_charts(chapter, y_max)[key].svg
        own = max(cell.total.amount for row in chapter.contributions.rows for cell in row.cells if cell)
        if own < max(cells):  # on its own scale this chapter's chart would be drawn differently
            assert charts[key].svg != brief_charts(chapter)[key].svg
            redrawn += 1
    assert redrawn >= 1


def test_overview_charts_are_figures_with_alt_text_from_the_numbers(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport]
) -> None:
    report = reports["mex"]
    alts = [f.alt or "" for f in tagged["mex"].chart_figures()]  # and the online page's QR code (test_qr.py)
    assert len(alts) == 2 + sum(1 for c in report.chapters if not c.contributions.is_empty)
    assert alts[0].startswith("Bar chart: budget and expenditure of all outcomes by year")
    for year, cell in zip(report.resources.years, report.resources.year_totals, strict=True):
        assert cell is not None and f"{year}: budget {usd(cell.budget.amount)}" in alts[0]
    assert alts[1].startswith("Stacked bar chart: contributions by outcome and year")
    for chapter in report.chapters:
        assert chapter.short_title.text in alts[1] or chapter.contributions.is_empty


# --- document ----------------------------------------------------------------------------


def test_metadata_language_and_fonts(
    pdfs: dict[str, Path], dataset: Dataset, reports: dict[str, CountryReport]
) -> None:
    for office, path in pdfs.items():
        reader = PdfReader(path)
        meta = reader.metadata
        assert meta is not None
        year = reports[office].report_year
        assert meta.title == f"{dataset.offices[office].name} — Annual report {year}"
        assert meta.author == dataset.organization.full_name  # in English: names may be given per language
        assert meta.subject == f"Country annual report: {dataset.offices[office].name}, {year}"
        assert reader.trailer["/Root"]["/Lang"] == "en-US"
        found = fonts(path)
        assert found and all(found.values()) and all("Inter" in name for name in found), found


def test_cover_running_headers_and_footers(
    tagged: dict[str, TaggedPdf], reports: dict[str, CountryReport], dataset: Dataset
) -> None:
    pdf, report = tagged["mex"], reports["mex"]
    assert norm(report.summary) in norm(pdf.page_text[0])
    # No running header or footer on the cover, not even drawn off the page where no one sees it.
    assert "Page" not in pdf.page_text[0] and "Data as of" not in pdf.page_text[0]
    assert f"Page 2 of {pdf.page_count}" in pdf.page_text[1]
    first = title_of(dataset, outcomes_in(dataset, "mex", report.report_year)[0])
    start = heading_page(pdf, first, 3)
    mark = ["ILLUSTRATIVE DATA"] if report.illustrative else []  # invented data says so on every page
    assert lines_of(pdf, start + 1)[0] == " ".join([first, *mark, dataset.organization.display_name])


def test_cli_refuses_an_unknown_office_and_a_year_outside_every_period(dataset: Dataset) -> None:
    runner = CliRunner()
    unknown = runner.invoke(main, ["country", "atlantis", "--data", str(dataset.root)])
    assert unknown.exit_code == 2
    assert ", ".join(sorted(dataset.offices)) in unknown.output and "Traceback" not in unknown.output
    outside = runner.invoke(main, ["country", "mex", "--year", "1990", "--data", str(dataset.root)])
    assert outside.exit_code == 2
    assert "outside the period of every outcome" in outside.output


# --- a contribution table too long for its chapter ----------------------------------------


def test_a_long_contribution_table_moves_to_the_annex_with_a_pointer(dataset: Dataset, tmp_path: Path) -> None:
    outcome = dataset.outcomes["col-economic"]
    extra = {f"fund-{i}": Partner(id=f"fund-{i}", name=f"Illustrative Fund {i}") for i in range(1, 8)}
    added = [
        Contribution(partner=pid, year=2024, development=Decimal(1000 * i), humanitarian=Decimal(0))
        for i, pid in enumerate(extra, 1)
    ]
    changed = outcome.model_copy(update={"contributions": [*outcome.contributions, *added]})
    big = dataclasses.replace(
        dataset, partners={**dataset.partners, **extra}, outcomes={**dataset.outcomes, outcome.id: changed}
    )
    report = build_country(big, "col")
    assert report.annexed_tables == (outcome.id,)
    path = tmp_path / "col.pdf"
    path.write_bytes(report_pdf(kind("country"), report))
    title = title_of(dataset, outcome)
    marks = outline(path)
    chapter = next(page for depth, t, page in marks if depth == 0 and t == title)
    annex = next(page for depth, t, page in marks if depth == 0 and t == ANNEX_A)
    moved = next(page for depth, t, page in marks if depth == 1 and t == title and page >= annex)
    pages = [norm(page.extract_text()) for page in PdfReader(path).pages]
    in_chapter = " ".join(pages[chapter - 1 : annex - 1])
    assert not re.search(r"FUNDING PARTNER 20\d\d", in_chapter)  # no contribution table (its header row) ...
    assert "Illustrative Fund 7" in in_chapter  # (its chart stays, and its legend names every partner)
    assert f"(see Annex A, page {moved})" in in_chapter  # ... but a pointer to where it is
    assert "FUNDING PARTNER" in pages[moved - 1] and "Illustrative Fund 7" in " ".join(pages[moved - 1 :])
    assert [t for d, t, p in marks if d == 1 and p >= annex][:2] == ["All outcomes", title]
