"""The contributions chart: deterministic SVG and alt text made from the table's own numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from reportgen.build import BriefReport, build_brief
from reportgen.build.brief_model import ContributionTable
from reportgen.charts import ChartFigure, contributions_chart
from reportgen.charts.cache import clear_cache
from reportgen.formatting import money
from reportgen.load import load_dataset
from reportgen.model import Money

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "data"


def report_for(outcome_id: str) -> BriefReport:
    return build_brief(load_dataset(SAMPLE_DATA), outcome_id)


def render(report: BriefReport) -> ChartFigure:
    chart = contributions_chart(report.contributions, report.locale)
    assert chart is not None
    return chart


def largest_cell(table: ContributionTable) -> tuple[Decimal, int, str]:
    """(amount, year, partner name) of the largest single partner-year in ``table``."""
    cells = [
        (cell.total.amount, year, row.partner.name)
        for row in table.rows
        for year, cell in zip(table.years, row.cells, strict=True)
        if cell is not None
    ]
    return max(cells, key=lambda cell: cell[0])


@pytest.fixture(scope="module")
def justice() -> BriefReport:
    return report_for("mex-justice")


@pytest.fixture(scope="module")
def justice_chart(justice: BriefReport) -> ChartFigure:
    return render(justice)


def test_svg_is_an_svg_document(justice_chart: ChartFigure) -> None:
    assert isinstance(justice_chart.svg, str)
    assert justice_chart.svg.startswith("<?xml")
    assert "<svg" in justice_chart.svg


def test_two_renders_are_byte_identical(justice: BriefReport, justice_chart: ChartFigure) -> None:
    clear_cache()  # draw it again, not from the chart cache
    again = render(justice)
    assert again.svg.encode() == justice_chart.svg.encode()
    assert again.alt == justice_chart.alt


def test_alt_text_names_every_partner(justice: BriefReport, justice_chart: ChartFigure) -> None:
    assert len(justice.contributions.rows) == 3
    for row in justice.contributions.rows:
        assert row.partner.name in justice_chart.alt


def test_alt_text_gives_the_span_of_years(justice_chart: ChartFigure) -> None:
    assert "2020–2023" in justice_chart.alt


def test_alt_text_names_the_largest_cell(justice: BriefReport, justice_chart: ChartFigure) -> None:
    table = justice.contributions
    amount, year, partner = largest_cell(table)
    expected = f"{year}: {partner}, {money(Money(amount, table.currency), justice.locale)}"
    assert expected in justice_chart.alt


def test_alt_text_gives_the_period_total(justice: BriefReport, justice_chart: ChartFigure) -> None:
    grand_total = justice.contributions.grand_total
    assert grand_total is not None
    assert money(grand_total.total, justice.locale) in justice_chart.alt


def test_alt_text_says_no_money_is_humanitarian(justice_chart: ChartFigure) -> None:
    assert "none is humanitarian" in justice_chart.alt


def test_alt_text_gives_the_humanitarian_total_when_there_is_some() -> None:
    report = report_for("col-economic")
    grand_total = report.contributions.grand_total
    assert grand_total is not None and grand_total.humanitarian.amount > 0
    alt = render(report).alt
    assert money(grand_total.humanitarian, report.locale) in alt
    assert "none is humanitarian" not in alt


def test_empty_table_has_no_chart() -> None:
    empty = ContributionTable(currency="USD", years=(), rows=(), year_totals=(), grand_total=None)
    assert contributions_chart(empty, "en_US") is None


def test_no_pyplot_figures_are_left_open(justice: BriefReport) -> None:
    plt.close("all")
    render(justice)
    assert plt.get_fignums() == []
