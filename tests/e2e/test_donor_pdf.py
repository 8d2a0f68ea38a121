"""The donor report, rendered from the bundled data and read back from the PDF.

Every expected figure is summed here from the dataset's Contribution rows (never taken from
the report model), so the tests hold whatever partners and outcomes data/ contains.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen import Dataset, UsageError
from reportgen.cli import main
from reportgen.formatting import percent
from reportgen.model import Contribution, Outcome, localize
from reportgen.pipeline import write_report

from ..conftest import DATA
from ..pdfread import TaggedPdf, fonts, norm, outline_titles

ANNEX_HEADER = ["OUTCOME", "COUNTRY", "YEAR", "DEVELOPMENT", "HUMANITARIAN", "TOTAL"]
YEARS_HEADER = ["YEAR", "DEVELOPMENT", "HUMANITARIAN", "TOTAL"]
WHERE_HEADER = ["OUTCOME", "COUNTRY", "DEVELOPMENT", "HUMANITARIAN", "TOTAL", "SHARE OF OUTCOME FUNDING"]
TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)$")


def usd(amount: Decimal) -> str:
    """``$1,234`` or ``$1,234.50``: cents only when there are any."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def headline(amount: Decimal) -> str:
    """A key figure: whole units, rounded half up (the tables give cents)."""
    return usd(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount(row: Contribution) -> Decimal:
    return row.development + row.humanitarian


@dataclass
class Expected:
    """What a partner's report must print, computed from the dataset's rows."""

    partner: str
    name: str
    year: int
    rows: list[tuple[Outcome, Contribution]]  # up to the report year

    def title(self, outcome: Outcome, dataset: Dataset) -> str:
        return localize(outcome.short_title, "en", dataset.organization.language).text

    def in_year(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = defaultdict(Decimal)
        for outcome, row in self.rows:
            if row.year == self.year:
                found[outcome.id] += amount(row)
        return found

    def chapters(self, dataset: Dataset) -> list[str]:
        """Chapter headings of the outcomes funded in the year, largest contribution first."""
        in_year = self.in_year()
        order = sorted(in_year, key=lambda oid: (-in_year[oid], self.title(dataset.outcomes[oid], dataset), oid))
        return [
            f"{self.title(dataset.outcomes[oid], dataset)} — {dataset.offices[dataset.outcomes[oid].office].country}"
            for oid in order
        ]

    def toc(self, dataset: Dataset) -> list[str]:
        return ["Overview", *self.chapters(dataset), "Annex A: Contributions"]


def expected_for(dataset: Dataset, partner: str, year: int | None = None) -> Expected:
    every = [(o, r) for o in dataset.outcomes.values() for r in o.contributions if r.partner == partner]
    year = year if year is not None else max(r.year for _, r in every)
    return Expected(partner, dataset.partners[partner].display_name, year, [(o, r) for o, r in every if r.year <= year])


@dataclass
class Rendered:
    path: Path
    pdf: TaggedPdf
    expected: Expected
    headings: list[str]  # per page: the text set in heading sizes (chapter and cover titles)


def large_text(pdf: TaggedPdf, min_size: float = 18) -> list[str]:
    """Per page, the tagged text set at ``min_size`` points or more (headings), in reading order."""
    pages: list[list[dict[str, Any]]] = [[] for _ in range(pdf.page_count)]
    for (page, _mcid), chars in pdf._chars.items():  # the characters TaggedPdf already read
        pages[page - 1].extend(c for c in chars if c["size"] >= min_size)
    texts = []
    for chars in pages:
        out, last = "", None
        for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
            if last is not None and (abs(char["top"] - last["top"]) > 2 or char["x0"] - last["x1"] > 1.0):
                out += " "
            out += char["text"]
            last = char
        texts.append(norm(out))
    return texts


def render(dataset: Dataset, partner: str, target: Path, year: int | None = None) -> Rendered:
    path = write_report(dataset, "donor", partner, target, year)
    pdf = TaggedPdf(path)
    return Rendered(path, pdf, expected_for(dataset, partner, year), large_text(pdf))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> dict[str, Rendered]:
    """The latest-year reports of the partners funding the most and the fewest outcomes that year,
    rendered once for this module."""
    out = tmp_path_factory.mktemp("donors")
    partners = sorted({r.partner for o in dataset.outcomes.values() for r in o.contributions})
    chapters = {pid: len(expected_for(dataset, pid).in_year()) for pid in partners}
    chosen = {max(partners, key=lambda pid: chapters[pid]), min(partners, key=lambda pid: chapters[pid])}
    return {pid: render(dataset, pid, out / f"{pid}.pdf") for pid in sorted(chosen)}


@pytest.fixture(scope="module")
def gap_year(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset, reports: dict[str, Rendered]) -> Rendered:
    """A report for a year in which the partner gave nothing (its rows of that year removed)."""
    rendered = next(r for r in reports.values() if min(row.year for _, row in r.expected.rows) < r.expected.year)
    pid, year = rendered.expected.partner, rendered.expected.year
    outcomes = {
        oid: o.model_copy(
            update={"contributions": [c for c in o.contributions if not (c.partner == pid and c.year == year)]}
        )
        for oid, o in dataset.outcomes.items()
    }
    gap = dataclasses.replace(dataset, outcomes=outcomes)
    return render(gap, pid, tmp_path_factory.mktemp("gap") / f"{pid}-{year}.pdf", year)


def toc_entries(rendered: Rendered) -> list[tuple[str, int]]:
    page = rendered.pdf.page_text[1]
    assert "Contents" in page.splitlines()[:3], page  # after the running header (and the illustrative mark)
    found = [TOC_LINE.match(line.strip()) for line in page.splitlines()]
    return [(norm(m["title"]), int(m["page"])) for m in found if m]


def section(pdf: TaggedPdf, heading: str) -> str:
    """The text of the tagged section opening with ``heading`` (in reading order, across pages)."""
    found = [sect.text for sect in pdf.root.find("Sect") if sect.text.startswith(heading + " ")]
    assert found, f"no section {heading!r}"
    return found[0]


def tables_with(pdf: TaggedPdf, header: list[str]) -> list[list[str]]:
    """Body rows of every table with exactly this header row (page fragments merged)."""
    rows: list[list[str]] = []
    for table in pdf.tables():
        if table and table[0] == header:
            rows.extend(row for row in table[1:] if row != header)
    assert rows, f"no table with header {header}"
    return rows


# --- structure: contents, chapters, bookmarks, cross-reference -------------------------------


def test_every_funded_outcome_has_its_chapter(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        chapters = rendered.expected.chapters(dataset)
        assert chapters, rendered.expected.partner
        h1 = [h.text for h in rendered.pdf.root.find("H1")]
        assert h1 == [rendered.expected.name, "Contents", *rendered.expected.toc(dataset)]


def test_contents_match_the_bookmarks(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        titles = [title for title, _ in toc_entries(rendered)]
        assert titles == rendered.expected.toc(dataset)
        assert outline_titles(rendered.path) == [rendered.expected.name, "Contents", *titles]


def test_contents_page_numbers_are_where_the_headings_are(reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        entries = toc_entries(rendered)
        pages = [page for _, page in entries]
        assert pages == sorted(pages) and len(set(pages)) == len(pages)
        for title, page in entries:
            assert rendered.headings[page - 1] == title, (rendered.expected.partner, title, page)
        assert rendered.headings[0] == rendered.expected.name  # the cover
        assert entries[-1][1] <= rendered.pdf.page_count


def test_overview_refers_to_the_annex_page(reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        entries = dict(toc_entries(rendered))
        overview = norm(rendered.pdf.page_text[entries["Overview"] - 1])
        assert f"(see Annex A, page {entries['Annex A: Contributions']})" in overview


# --- figures ---------------------------------------------------------------------------------


def test_annex_lists_every_row_with_totals_summed_from_the_data(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        rows = tables_with(rendered.pdf, ANNEX_HEADER)
        exp = rendered.expected
        data_rows = [r for r in rows if not r[0].startswith(("Subtotal", "Total"))]
        expected = [
            [
                exp.title(o, dataset),
                dataset.offices[o.office].country,
                str(r.year) + (" REFUND" if r.refund else ""),
                usd(r.development),
                usd(r.humanitarian),
                usd(amount(r)),
            ]
            for o, r in exp.rows
        ]
        assert sorted(data_rows) == sorted(expected)
        by_outcome: dict[str, list[Contribution]] = defaultdict(list)
        for o, r in exp.rows:
            by_outcome[o.id].append(r)
        subtotals = {r[0].removeprefix("Subtotal ").strip(): r for r in rows if r[0].startswith("Subtotal")}
        assert set(subtotals) == set(by_outcome)
        for oid, contributions in by_outcome.items():
            assert subtotals[oid][3:] == [
                usd(sum((c.development for c in contributions), Decimal(0))),
                usd(sum((c.humanitarian for c in contributions), Decimal(0))),
                usd(sum((amount(c) for c in contributions), Decimal(0))),
            ]
        grand = [r for r in rows if r[0] == "Total"]
        assert len(grand) == 1 and grand[0] == rows[-1]
        assert grand[0][-3:] == [
            usd(sum((r.development for _, r in exp.rows), Decimal(0))),
            usd(sum((r.humanitarian for _, r in exp.rows), Decimal(0))),
            usd(sum((amount(r) for _, r in exp.rows), Decimal(0))),
        ]


def test_overview_figures_are_the_sums_of_the_rows(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        exp = rendered.expected
        by_year: dict[int, list[Contribution]] = defaultdict(list)
        for _, r in exp.rows:
            by_year[r.year].append(r)
        first = min(by_year)
        period = sum((amount(r) for _, r in exp.rows), Decimal(0))
        in_year = sum((amount(r) for r in by_year[exp.year]), Decimal(0))
        overview = section(rendered.pdf, "Overview")
        assert f"CONTRIBUTED IN {exp.year} {headline(in_year)}" in overview
        if first < exp.year:
            assert f"CONTRIBUTED {first}–{exp.year} {headline(period)}" in overview
        else:  # the year's figure is the whole: not printed twice
            assert period == in_year and overview.count("CONTRIBUTED") == 1
        assert f"OUTCOMES FUNDED IN {exp.year} {len(exp.in_year())}" in overview
        countries = {dataset.offices[dataset.outcomes[oid].office].country for oid in exp.in_year()}
        assert f"COUNTRIES IN {exp.year} {len(countries)}" in overview

        years = tables_with(rendered.pdf, YEARS_HEADER)
        assert years[-1] == [
            "Total",
            usd(sum((r.development for _, r in exp.rows), Decimal(0))),
            usd(sum((r.humanitarian for _, r in exp.rows), Decimal(0))),
            usd(period),
        ]
        for row in years[:-1]:
            contributions = by_year.get(int(row[0]), [])
            if contributions:
                assert row[1:] == [
                    usd(sum((c.development for c in contributions), Decimal(0))),
                    usd(sum((c.humanitarian for c in contributions), Decimal(0))),
                    usd(sum((amount(c) for c in contributions), Decimal(0))),
                ]
            else:
                assert row[1:] == ["No data available"]
        assert [int(r[0]) for r in years[:-1]] == list(range(first, exp.year + 1))


def test_where_the_money_went_gives_each_outcomes_share(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        exp = rendered.expected
        rows = tables_with(rendered.pdf, WHERE_HEADER)
        in_year = exp.in_year()
        order = sorted(in_year, key=lambda oid: -in_year[oid])
        assert [r[4] for r in rows[:-1]] == [usd(in_year[oid]) for oid in order]
        for row, oid in zip(rows[:-1], order, strict=True):
            outcome = dataset.outcomes[oid]
            everyone = sum((amount(c) for c in outcome.contributions if c.year == exp.year), Decimal(0))
            assert row[0] == exp.title(outcome, dataset)
            assert row[5] == percent(in_year[oid] / everyone, "en_US")
        assert rows[-1][-2] == usd(sum(in_year.values(), Decimal(0)))


def test_chapters_give_the_partners_figures_for_the_outcome(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        exp = rendered.expected
        for oid, mine in exp.in_year().items():
            outcome = dataset.outcomes[oid]
            page = section(rendered.pdf, f"{exp.title(outcome, dataset)} — {dataset.offices[outcome.office].country}")
            everyone = sum((amount(c) for c in outcome.contributions if c.year == exp.year), Decimal(0))
            over_period = sum((amount(r) for o, r in exp.rows if o.id == oid), Decimal(0))
            assert f"CONTRIBUTION IN {exp.year} {headline(mine)}" in page
            assert (
                percent(mine / everyone, "en_US") in page
                and f"of {headline(everyone)} from all funding partners" in page
            )
            assert usd(over_period) in page
            statement = localize(outcome.statement, "en", dataset.organization.language).text
            assert norm(statement)[:80] in page
            if not any(n.year == exp.year for n in outcome.progress):
                assert f"No progress note was reported for this outcome for {exp.year}." in page


def test_charts_are_figures_with_alt_text_from_the_numbers(reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        exp = rendered.expected
        figures = rendered.pdf.chart_figures()  # and the QR code of the online page (tests/e2e/test_qr.py)
        assert len(figures) == 2
        years_alt, outcomes_alt = (f.alt or "" for f in figures)
        assert years_alt.startswith(f"Bar chart: contributions of {exp.name} by year, ")
        period = sum((amount(r) for _, r in exp.rows), Decimal(0))
        assert f"Total: {usd(period)}." in years_alt
        assert outcomes_alt.startswith(f"Bar chart: contributions of {exp.name} in {exp.year} by outcome")
        for mine in exp.in_year().values():
            assert usd(mine) in outcomes_alt


# --- a year without contributions ------------------------------------------------------------


def test_a_year_without_contributions_says_so_and_still_shows_the_period(gap_year: Rendered) -> None:
    exp = gap_year.expected
    assert [title for title, _ in toc_entries(gap_year)] == ["Overview", "Annex A: Contributions"]
    assert outline_titles(gap_year.path) == [exp.name, "Contents", "Overview", "Annex A: Contributions"]
    text = gap_year.pdf.text
    assert f"The data records no contribution from {exp.name} in {exp.year}." in text
    assert len(gap_year.pdf.chart_figures()) == 1
    grand = tables_with(gap_year.pdf, ANNEX_HEADER)[-1]
    assert grand[-1] == usd(sum((amount(r) for _, r in exp.rows), Decimal(0)))


def test_a_year_outside_every_plan_period_is_a_usage_error(dataset: Dataset, tmp_path: Path) -> None:
    partner = sorted({r.partner for o in dataset.outcomes.values() for r in o.contributions})[0]
    funded = [o for o in dataset.outcomes.values() if any(c.partner == partner for c in o.contributions)]
    year = min(o.period.start for o in funded) - 1
    with pytest.raises(UsageError, match=f"no contribution in {year}"):
        write_report(dataset, "donor", partner, tmp_path / "none.pdf", year)
    assert not (tmp_path / "none.pdf").exists()
    result = CliRunner().invoke(main, ["donor", partner, "--year", str(year), "--data", str(DATA)])
    assert result.exit_code == 2
    assert f"no contribution in {year}" in result.output


# --- the file --------------------------------------------------------------------------------


def test_fonts_are_embedded(reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        found = fonts(rendered.path)
        assert found and all(found.values()), found
        assert all("Inter" in name for name in found), found


def test_metadata(dataset: Dataset, reports: dict[str, Rendered]) -> None:
    for rendered in reports.values():
        exp = rendered.expected
        reader = PdfReader(rendered.path)
        meta = reader.metadata
        assert meta is not None
        assert meta.title == f"{exp.name} — Donor report {exp.year}"
        assert meta.author == dataset.organization.full_name  # names may be given per language
        assert meta.subject == f"Donor report: {dataset.partners[exp.partner].full_name}, {exp.year}"
        assert reader.trailer["/Root"]["/Lang"] == dataset.organization.locale.replace("_", "-")
        assert str(meta.get("/CreationDate", "")).startswith("D:" + dataset.organization.data_as_of.strftime("%Y%m%d"))
