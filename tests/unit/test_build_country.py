"""build_country on the sample data: every figure is recomputed here from the loaded rows.

Nothing is hard-coded about how many outcomes an office has or what they hold: the
expected values come from the dataset's own rows, so the tests follow the data.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.build import build_brief, default_report_year
from reportgen.build.country import MAX_CHAPTER_TABLE_ROWS, build_country, country_jobs
from reportgen.build.country_model import CountryReport
from reportgen.errors import UsageError
from reportgen.kinds import kind
from reportgen.load import load_dataset
from reportgen.model import Contribution, Dataset, Outcome, Partner, ProgressStatus

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(SAMPLE_DATA)


@pytest.fixture(scope="module")
def mexico(dataset: Dataset) -> CountryReport:
    return build_country(dataset, "mex")


def outcomes_of(dataset: Dataset, office_id: str, year: int | None = None) -> list[Outcome]:
    """The office's outcomes (whose period includes ``year``, when given)."""
    return [o for o in dataset.outcomes.values() if o.office == office_id and (year is None or year in o.period)]


def rows_of(dataset: Dataset, office_id: str, year: int) -> list[Contribution]:
    """Contribution rows of the office's outcomes in the report for ``year``, up to ``year``."""
    return [c for o in outcomes_of(dataset, office_id, year) for c in o.contributions if c.year <= year]


def total(rows: list[Contribution]) -> Decimal:
    return sum((r.development + r.humanitarian for r in rows), Decimal(0))


# --- which outcomes, which year ----------------------------------------------------------


def test_default_year_is_the_latest_default_report_year_of_the_offices_outcomes(
    dataset: Dataset, mexico: CountryReport
) -> None:
    assert mexico.report_year == max(default_report_year(o) for o in outcomes_of(dataset, "mex"))


def test_a_chapter_per_outcome_in_period_ordered_by_id(dataset: Dataset) -> None:
    for office_id in dataset.offices:
        for year in {y for o in outcomes_of(dataset, office_id) for y in o.period.years}:
            report = build_country(dataset, office_id, year)
            expected = sorted(o.id for o in outcomes_of(dataset, office_id, year))
            assert [c.outcome.id for c in report.chapters] == expected, (office_id, year)


def test_each_chapter_is_the_outcomes_brief_for_the_year(dataset: Dataset, mexico: CountryReport) -> None:
    for chapter in mexico.chapters:
        assert chapter == build_brief(dataset, chapter.outcome.id, mexico.report_year, mexico.lang, mexico.locale)


def test_title_language_and_data_date(dataset: Dataset, mexico: CountryReport) -> None:
    assert mexico.title == f"{dataset.offices['mex'].name} — Annual report {mexico.report_year}"
    assert (mexico.lang, mexico.locale) == ("en", "en_US")
    dates = [o.data_as_of or dataset.organization.data_as_of for o in outcomes_of(dataset, "mex", mexico.report_year)]
    assert mexico.data_as_of == max(dates)


def test_unknown_office_is_a_usage_error_listing_the_known_ones(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        build_country(dataset, "atlantis")
    assert "atlantis" in str(caught.value)
    assert ", ".join(sorted(dataset.offices)) in str(caught.value)


def test_year_outside_every_period_is_a_usage_error(dataset: Dataset) -> None:
    outcomes = outcomes_of(dataset, "mex")
    for year in (min(o.period.start for o in outcomes) - 1, max(o.period.end for o in outcomes) + 1):
        with pytest.raises(UsageError, match=f"year {year} is outside the period of every outcome"):
            build_country(dataset, "mex", year)


def test_mixed_currencies_across_outcomes_are_a_usage_error(dataset: Dataset) -> None:
    funded = [o for o in outcomes_of(dataset, "mex") if o.contributions]
    if len(funded) < 2:
        pytest.skip("needs two funded outcomes in one office")
    euros = [c.model_copy(update={"currency": "EUR"}) for c in funded[0].contributions]
    changed = dataclasses.replace(
        dataset, outcomes={**dataset.outcomes, funded[0].id: funded[0].model_copy(update={"contributions": euros})}
    )
    with pytest.raises(UsageError, match=r"several currencies \(EUR: mex-evaw; USD: mex-evaw, mex-justice, mex-wps\)"):
        build_country(changed, "mex")


# --- jobs ---------------------------------------------------------------------------------


def test_jobs_are_every_office_year_with_data_in_an_outcomes_period(dataset: Dataset) -> None:
    expected: set[tuple[str, int]] = set()
    for o in dataset.outcomes.values():
        years = {c.year for c in o.contributions} | {p.year for p in o.progress} | {r.year for r in o.resources}
        years |= {y for i in o.indicators for y in i.actuals}
        expected |= {(o.office, y) for y in years if y in o.period}
    jobs = country_jobs(dataset)
    assert jobs == sorted(expected)
    for office_id, year in jobs:
        assert build_country(dataset, office_id, year).report_year == year


def test_kind_names_files_per_office_and_year() -> None:
    country = kind("country")
    assert (country.name, country.folder, country.template) == ("country", "countries", "country.html")
    assert country.path(Path("out"), "mex", 2024).as_posix() == "out/countries/mex-2024.pdf"


# --- key figures --------------------------------------------------------------------------


@pytest.mark.parametrize("office_id", ["mex", "col"])
def test_key_figures_are_sums_of_the_offices_rows(dataset: Dataset, office_id: str) -> None:
    report = build_country(dataset, office_id)
    year, figures = report.report_year, report.key_figures
    rows = rows_of(dataset, office_id, year)
    assert figures.outcome_count == len(outcomes_of(dataset, office_id, year))
    assert figures.partner_count == len({r.partner for r in rows})
    assert figures.period_total is not None
    assert figures.period_total.total.amount == total(rows)
    assert figures.period_total.development.amount == sum((r.development for r in rows), Decimal(0))
    assert figures.period_total.humanitarian.amount == sum((r.humanitarian for r in rows), Decimal(0))
    assert figures.period_years == (min(r.year for r in rows), max(r.year for r in rows))
    in_year = [r for r in rows if r.year == year]
    assert (figures.year_total.total.amount if figures.year_total else None) == (total(in_year) if in_year else None)


@pytest.mark.parametrize("office_id", ["mex", "col"])
def test_year_resources_and_delivery_rate(dataset: Dataset, office_id: str) -> None:
    report = build_country(dataset, office_id)
    year = report.report_year
    lines = [r for o in outcomes_of(dataset, office_id, year) for r in o.resources if r.year == year]
    cell = report.key_figures.year_resources
    if not lines:
        assert cell is None
        return
    assert cell is not None
    assert cell.budget.amount == sum((r.budget.total for r in lines), Decimal(0))
    spent = [r for r in lines if r.expenditure is not None]
    assert cell.expenditure is not None and spent
    assert cell.expenditure.amount == sum((r.expenditure.total for r in spent if r.expenditure), Decimal(0))
    assert cell.delivery_rate == cell.expenditure.amount / sum((r.budget.total for r in spent), Decimal(0))


def test_status_counts_are_the_years_notes(dataset: Dataset, mexico: CountryReport) -> None:
    year = mexico.report_year
    found: Counter[ProgressStatus | None] = Counter()
    for o in outcomes_of(dataset, "mex", year):
        found[next((p.status for p in o.progress if p.year == year), None)] += 1
    counts = {c.status: c.count for c in mexico.status_counts}
    assert [c.status for c in mexico.status_counts][: len(ProgressStatus)] == list(ProgressStatus)
    for status in ProgressStatus:
        assert counts[status] == found[status]
    assert counts.get(None, 0) == found[None]
    assert sum(counts.values()) == len(mexico.chapters)


def test_glance_has_each_outcomes_year(mexico: CountryReport) -> None:
    assert [g.outcome_id for g in mexico.glance] == [c.outcome.id for c in mexico.chapters]
    for g, chapter in zip(mexico.glance, mexico.chapters, strict=True):
        assert g.contributions == chapter.key_figures.year_total
        row = next((r for r in chapter.resources.rows if r.year == mexico.report_year), None)
        assert (g.resources.budget if g.resources else None) == (row.budget_total if row else None)


def test_summary_paragraph_states_the_key_figures(mexico: CountryReport) -> None:
    figures = mexico.key_figures
    assert figures.period_total is not None and figures.year_total is not None
    assert f"${figures.period_total.total.amount:,.0f}" in mexico.summary
    assert f"{figures.outcome_count} outcomes" in mexico.summary
    assert mexico.office.name in mexico.summary
    assert mexico.summary.endswith(".")


# --- overview series and annexes --------------------------------------------------------


def test_annex_a_cells_are_partner_year_sums_across_outcomes(dataset: Dataset, mexico: CountryReport) -> None:
    rows = rows_of(dataset, "mex", mexico.report_year)
    table = mexico.contributions
    assert table.years == tuple(range(min(r.year for r in rows), max(r.year for r in rows) + 1))
    sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for r in rows:
        sums[(r.partner, r.year)] += r.development + r.humanitarian
    for row in table.rows:
        for year, cell in zip(table.years, row.cells, strict=True):
            expected = sums.get((row.partner.id, year))
            assert (cell.total.amount if cell else None) == expected, (row.partner.id, year)
        assert row.total.total.amount == total([r for r in rows if r.partner == row.partner.id])
    shown = [row.total.total.amount for row in table.rows]
    assert shown == sorted(shown, reverse=True)
    assert table.grand_total is not None and table.grand_total.total.amount == total(rows)


def test_outcome_series_are_each_outcomes_year_totals(dataset: Dataset, mexico: CountryReport) -> None:
    years = mexico.contributions.years
    for series in mexico.outcome_contributions:
        outcome = dataset.outcomes[series.outcome_id]
        for year, value in zip(years, series.values, strict=True):
            in_year = [c for c in outcome.contributions if c.year == year]
            assert (value.amount if value else None) == (total(in_year) if in_year else None)


def test_annex_b_is_resources_by_outcome_and_year(dataset: Dataset, mexico: CountryReport) -> None:
    matrix = mexico.resources
    assert [r.outcome_id for r in matrix.rows] == [c.outcome.id for c in mexico.chapters]
    for row in matrix.rows:
        lines = {r.year: r for r in dataset.outcomes[row.outcome_id].resources if r.year <= mexico.report_year}
        for year, cell in zip(matrix.years, row.cells, strict=True):
            line = lines.get(year)
            assert (cell.budget.amount if cell else None) == (line.budget.total if line else None)
            if cell is not None and line is not None and line.expenditure is not None:
                assert cell.expenditure is not None and cell.expenditure.amount == line.expenditure.total
        budget = sum((line.budget.total for line in lines.values()), Decimal(0))
        assert (row.total.budget.amount if row.total else None) == (budget if lines else None)
    assert matrix.grand_total is not None
    assert matrix.grand_total.budget.amount == sum((r.total.budget.amount for r in matrix.rows if r.total), Decimal(0))


# --- long contribution tables move to the annex ------------------------------------------


def with_partners(dataset: Dataset, outcome_id: str, count: int) -> Dataset:
    """``dataset`` where ``outcome_id`` has ``count`` extra funding partners, one row each."""
    extra = {f"fund-{i}": Partner(id=f"fund-{i}", name=f"Illustrative Fund {i}") for i in range(count)}
    outcome = dataset.outcomes[outcome_id]
    year = default_report_year(outcome)
    rows = [
        Contribution(partner=pid, year=year, development=Decimal(1000 + i), humanitarian=Decimal(0))
        for i, pid in enumerate(extra)
    ]
    changed = outcome.model_copy(update={"contributions": [*outcome.contributions, *rows]})
    return dataclasses.replace(
        dataset, partners={**dataset.partners, **extra}, outcomes={**dataset.outcomes, outcome_id: changed}
    )


def test_a_table_with_more_than_eight_partners_moves_to_the_annex(dataset: Dataset) -> None:
    outcome_id = "col-economic"
    partners = len({c.partner for c in dataset.outcomes[outcome_id].contributions})
    fits = with_partners(dataset, outcome_id, MAX_CHAPTER_TABLE_ROWS - partners)
    assert build_country(fits, "col").annexed_tables == ()
    too_long = build_country(with_partners(dataset, outcome_id, MAX_CHAPTER_TABLE_ROWS - partners + 1), "col")
    assert too_long.annexed_tables == (outcome_id,)
    chapter = next(c for c in too_long.chapters if c.outcome.id == outcome_id)
    assert too_long.table_in_annex(chapter)
    assert too_long.annexed_chapters == (chapter,)
