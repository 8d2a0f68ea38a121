"""build_brief on the sample data: every figure is recomputed here from the loaded rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.build import BriefReport, build_brief
from reportgen.build.brief_model import ResourceRow
from reportgen.errors import UsageError
from reportgen.load import load_dataset
from reportgen.model import Contribution, Dataset

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(SAMPLE_DATA)


@pytest.fixture(scope="module")
def justice(dataset: Dataset) -> BriefReport:
    return build_brief(dataset, "mex-justice")


def rows_of(dataset: Dataset, outcome_id: str, up_to: int) -> list[Contribution]:
    """The outcome's contribution rows for years up to and including ``up_to``."""
    return [row for row in dataset.outcome(outcome_id).contributions if row.year <= up_to]


def sum_total(rows: list[Contribution]) -> Decimal:
    return sum((row.development + row.humanitarian for row in rows), Decimal(0))


# --- mex-justice, default year -----------------------------------------------------------


def test_default_report_year(justice: BriefReport) -> None:
    assert justice.report_year == 2024


def test_contribution_years_span_the_data(justice: BriefReport) -> None:
    assert justice.contributions.years == (2020, 2021, 2022, 2023)


def test_partners_ordered_by_total_descending(dataset: Dataset, justice: BriefReport) -> None:
    rows = rows_of(dataset, "mex-justice", justice.report_year)
    totals = {partner: sum_total([r for r in rows if r.partner == partner]) for partner in {r.partner for r in rows}}
    expected_order = sorted(totals, key=lambda partner: totals[partner], reverse=True)
    assert [row.partner.id for row in justice.contributions.rows] == expected_order
    shown = [row.total.total.amount for row in justice.contributions.rows]
    assert shown == sorted(shown, reverse=True)


def test_partner_totals_are_sums_of_their_rows(dataset: Dataset, justice: BriefReport) -> None:
    rows = rows_of(dataset, "mex-justice", justice.report_year)
    for partner_row in justice.contributions.rows:
        own = [r for r in rows if r.partner == partner_row.partner.id]
        assert partner_row.total.total.amount == sum_total(own)
        assert partner_row.total.development.amount == sum(r.development for r in own)
        assert partner_row.total.humanitarian.amount == sum(r.humanitarian for r in own)


def test_cells_are_the_rows_of_the_data(dataset: Dataset, justice: BriefReport) -> None:
    by_cell = {(r.partner, r.year): r for r in rows_of(dataset, "mex-justice", justice.report_year)}
    table = justice.contributions
    for partner_row in table.rows:
        for year, cell in zip(table.years, partner_row.cells, strict=True):
            row = by_cell.get((partner_row.partner.id, year))
            if row is None:
                assert cell is None
            else:
                assert cell is not None
                assert cell.total.amount == row.development + row.humanitarian


def test_year_totals_are_sums_of_that_years_rows(dataset: Dataset, justice: BriefReport) -> None:
    rows = rows_of(dataset, "mex-justice", justice.report_year)
    table = justice.contributions
    for year, year_total in zip(table.years, table.year_totals, strict=True):
        assert year_total is not None
        assert year_total.total.amount == sum_total([r for r in rows if r.year == year])
    assert table.grand_total is not None
    assert table.grand_total.total.amount == sum_total(rows)


def test_partner_year_without_a_row_is_absent_not_zero(dataset: Dataset, justice: BriefReport) -> None:
    rows = rows_of(dataset, "mex-justice", justice.report_year)
    table = justice.contributions
    have = {(r.partner, r.year) for r in rows}
    missing = [
        (partner_row, index)
        for partner_row in table.rows
        for index, year in enumerate(table.years)
        if (partner_row.partner.id, year) not in have
    ]
    assert missing, "the sample data has partner-years with no row (e.g. Mexico 2020)"
    for partner_row, index in missing:
        assert partner_row.cells[index] is None


def test_key_figures(dataset: Dataset, justice: BriefReport) -> None:
    rows = rows_of(dataset, "mex-justice", justice.report_year)
    figures = justice.key_figures
    assert figures.period_total is not None
    assert figures.period_total.total.amount == sum_total(rows)
    assert figures.period_years == (2020, 2023)
    assert figures.year_total is None  # no contribution row for 2024: absent, not zero
    assert figures.partner_count == len({r.partner for r in rows}) == 3
    assert figures.period_total.development_share == 1
    assert figures.period_total.humanitarian_share == 0


def test_progress_report_year_first_then_newest_first(dataset: Dataset, justice: BriefReport) -> None:
    noted = sorted((note.year for note in dataset.outcome("mex-justice").progress), reverse=True)
    assert [entry.year for entry in justice.progress] == noted
    assert justice.progress[0].year == justice.report_year
    assert [entry.is_report_year for entry in justice.progress] == [True] + [False] * (len(noted) - 1)
    assert justice.has_report_year_note


# --- mex-justice, an earlier year --------------------------------------------------------


def test_earlier_year_uses_only_data_up_to_it(dataset: Dataset) -> None:
    report = build_brief(dataset, "mex-justice", 2022)
    rows = rows_of(dataset, "mex-justice", 2022)
    table = report.contributions
    assert report.report_year == 2022
    assert table.years == (2020, 2021, 2022)
    assert table.grand_total is not None
    assert table.grand_total.total.amount == sum_total(rows)
    for partner_row in table.rows:
        assert partner_row.total.total.amount == sum_total([r for r in rows if r.partner == partner_row.partner.id])
    assert report.key_figures.year_total is not None
    assert report.key_figures.year_total.total.amount == sum_total([r for r in rows if r.year == 2022])
    assert [entry.year for entry in report.progress] == [2022, 2021]
    assert report.progress[0].is_report_year


@pytest.mark.parametrize("year", [2019, 2025, 1999])
def test_year_outside_the_period_is_a_usage_error(dataset: Dataset, year: int) -> None:
    with pytest.raises(UsageError, match=str(year)):
        build_brief(dataset, "mex-justice", year)


def test_unknown_outcome_is_a_usage_error(dataset: Dataset) -> None:
    with pytest.raises(UsageError, match="no-such-outcome"):
        build_brief(dataset, "no-such-outcome")


# --- col-economic: resources and indicators ------------------------------------------------

_MONEY_FIELDS = (
    "budget_core",
    "budget_non_core",
    "budget_total",
    "expenditure_core",
    "expenditure_non_core",
    "expenditure_total",
)


@pytest.fixture(scope="module")
def economic(dataset: Dataset) -> BriefReport:
    return build_brief(dataset, "col-economic")


def test_resource_rows_are_the_data(dataset: Dataset, economic: BriefReport) -> None:
    lines = sorted(
        (line for line in dataset.outcome("col-economic").resources if line.year <= economic.report_year),
        key=lambda line: line.year,
    )
    assert [row.year for row in economic.resources.rows] == [line.year for line in lines]
    for row, line in zip(economic.resources.rows, lines, strict=True):
        assert row.budget_total is not None and line.budget is not None and line.budget.is_split
        assert line.budget.core is not None and line.budget.non_core is not None
        assert row.budget_total.amount == line.budget.core + line.budget.non_core
        assert line.expenditure is not None
        assert row.expenditure_total is not None
        assert line.expenditure.core is not None and line.expenditure.non_core is not None
        assert row.expenditure_total.amount == line.expenditure.core + line.expenditure.non_core


@pytest.mark.parametrize("field", _MONEY_FIELDS)
def test_resources_total_row_sums_the_yearly_rows(economic: BriefReport, field: str) -> None:
    rows = economic.resources.rows
    (total,) = economic.resources.totals  # one currency: one total row
    assert rows
    values = [getattr(row, field) for row in rows]
    assert all(value is not None for value in values)
    assert getattr(total, field).amount == sum(value.amount for value in values)


def test_delivery_rate_is_expenditure_over_budget(economic: BriefReport) -> None:
    rows: list[ResourceRow] = [*economic.resources.rows, *economic.resources.totals]
    for row in rows:
        assert row.expenditure_total is not None and row.budget_total is not None
        assert row.delivery_rate == row.expenditure_total.amount / row.budget_total.amount
        assert row.delivery_rate is not None and 0 < row.delivery_rate <= 1


def test_indicator_table_years_and_absent_actuals(dataset: Dataset, economic: BriefReport) -> None:
    indicators = dataset.outcome("col-economic").indicators
    expected_years = sorted({y for i in indicators for y in i.actuals if y <= economic.report_year})
    table = economic.indicators
    assert list(table.years) == expected_years
    assert [row.indicator.id for row in table.rows] == [i.id for i in indicators]
    gaps = 0
    for row in table.rows:
        for year, actual in zip(table.years, row.actuals, strict=True):
            if year in row.indicator.actuals:
                assert actual == row.indicator.actuals[year]
            else:
                assert actual is None
                gaps += 1
    assert gaps, "the sample data has years without an actual (e.g. ind-3 in 2021)"


def test_indicator_table_for_an_earlier_year(dataset: Dataset) -> None:
    table = build_brief(dataset, "col-economic", 2022).indicators
    assert table.years == (2021, 2022)
    for row in table.rows:
        assert len(row.actuals) == 2
        reported = [y for y in row.indicator.actuals if y <= 2022]
        assert row.latest_actual_year == (max(reported) if reported else None)
