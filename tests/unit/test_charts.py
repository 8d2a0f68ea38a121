"""The contributions chart: deterministic SVG and alt text made from the table's own numbers."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from reportgen.build import BriefReport, build_brief
from reportgen.build.brief_model import ContributionTable, PartnerRow, Split
from reportgen.charts import ChartFigure, contributions_chart
from reportgen.charts.cache import clear_cache
from reportgen.charts.contributions import MAX_SERIES, chart_series
from reportgen.charts.figure import PAD_INCHES, to_svg
from reportgen.formatting import money
from reportgen.load import load_dataset
from reportgen.model import Money, Partner

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


def _size_and_view(svg: str) -> tuple[float, float, list[float]]:
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None
    tag = root.group(0)
    width = float(re.search(r'\bwidth="([\d.]+)pt"', tag).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'\bheight="([\d.]+)pt"', tag).group(1))  # type: ignore[union-attr]
    view = [float(v) for v in re.search(r'\bviewBox="([^"]*)"', tag).group(1).split()]  # type: ignore[union-attr]
    return width, height, view


def _labelled_figure() -> Figure:
    """A figure whose ink reaches past every edge of the axes: long tick labels, a legend below."""
    figure = Figure(figsize=(4, 2))
    axes = figure.add_subplot()
    axes.bar(["2021", "2022"], [1_000_000, 2_500_000], label="A partner with a long name")
    axes.yaxis.set_major_formatter(lambda value, _pos: f"US$ {value:,.0f}")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=1)
    return figure


def test_svg_is_cropped_to_the_same_box_as_matplotlibs_tight_bbox() -> None:
    """One draw cropped by viewBox gives the size matplotlib's two-pass ``bbox_inches="tight"`` gives."""
    reference = io.StringIO()
    _labelled_figure().savefig(reference, format="svg", bbox_inches="tight", pad_inches=PAD_INCHES)
    ours = to_svg(_labelled_figure())
    ref_width, ref_height, _ = _size_and_view(reference.getvalue())
    width, height, view = _size_and_view(ours)
    assert width == pytest.approx(ref_width, abs=0.5)
    assert height == pytest.approx(ref_height, abs=0.5)
    assert view[2:] == pytest.approx([width, height], abs=1e-3)
    # The wide tick labels reach past the figure's left edge and the legend past its bottom edge
    # (the figure is 4 x 2 in, 288 x 144 pt): the box holds them rather than the figure's frame.
    assert view[0] < 0
    assert view[1] + view[3] > 144


def _many_partners(count: int) -> ContributionTable:
    """``count`` partners over two years; partner n gives n thousand a year, none in 2022 for p00."""

    def split(amount: int, humanitarian: int = 0) -> Split:
        return Split(
            Money(Decimal(amount + humanitarian), "USD"),
            Money(Decimal(amount), "USD"),
            Money(Decimal(humanitarian), "USD"),
        )

    rows = []
    for n in range(count):
        cells = (split(n * 1000, n), None if n == 0 else split(n * 1000))
        total = split(2 * n * 1000 if n else 0, n)
        rows.append(PartnerRow(Partner(id=f"p{n:02d}", name=f"Partner {n:02d}"), n, cells, total))
    grand = sum((row.total for row in rows[1:]), rows[0].total)
    return ContributionTable("USD", (2021, 2022), tuple(rows), (None, None), grand)


def test_a_few_partners_are_each_a_series() -> None:
    series = chart_series(_many_partners(MAX_SERIES))
    assert [s.label for s in series] == [f"Partner {n:02d}" for n in range(MAX_SERIES)]


def test_many_partners_keep_the_largest_and_group_the_rest() -> None:
    table = _many_partners(12)
    series = chart_series(table)
    assert len(series) == MAX_SERIES
    # The six largest (partners 6 to 11), in table order, then the other six summed.
    assert [s.label for s in series[:-1]] == [f"Partner {n:02d}" for n in range(6, 12)]
    other = series[-1]
    assert other.label == "Other partners (6)"
    assert other.development == (Decimal(sum(n * 1000 for n in range(6))), Decimal(sum(n * 1000 for n in range(1, 6))))
    assert other.humanitarian == (Decimal(sum(range(6))), Decimal(0))
    assert other.missing == (False, False)  # p00 has no 2022 figure, but the others do


def test_many_partners_chart_has_a_bounded_legend_and_says_so_in_its_alt_text() -> None:
    clear_cache()
    chart = contributions_chart(_many_partners(40), "en_US")
    assert chart is not None
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)
    assert texts[texts.index("Partner 34") :] == [
        *(f"Partner {n}" for n in range(34, 40)),
        "Other partners (34)",
        "Humanitarian share",
    ]
    assert "Other partners (34): 2021 $" in chart.alt
    assert "Partner 00" not in chart.alt


def test_a_net_refund_draws_below_zero_on_its_own_scale() -> None:
    """A partner-year that is net negative (a refund) extends the value axis below zero, as
    matplotlib's autoscale would, rather than being cut off at the axis."""
    table = _many_partners(3)
    refund = Split(Money(Decimal(-40000), "USD"), Money(Decimal(-40000), "USD"), Money(Decimal(0), "USD"))
    rows = (table.rows[0], replace(table.rows[1], cells=(refund, table.rows[1].cells[1])), table.rows[2])
    clear_cache()
    chart = contributions_chart(replace(table, rows=rows), "en_US")
    assert chart is not None
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)
    assert any(t.startswith(("-", "−")) and t.endswith("K") for t in ticks), ticks
