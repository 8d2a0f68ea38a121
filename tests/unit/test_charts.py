"""The contributions chart: deterministic SVG and alt text made from the table's own numbers."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from reportgen.build import BriefReport, build_brief
from reportgen.build.brief_model import ContributionTable, PartnerRow, Split
from reportgen.build.country import build_country, country_jobs
from reportgen.build.donor import build_donor, donor_jobs
from reportgen.build.donor_model import DonorReport
from reportgen.charts import ChartFigure, contributions_chart
from reportgen.charts.cache import clear_cache
from reportgen.charts.contributions import MAX_SERIES, chart_series
from reportgen.charts.country import country_charts
from reportgen.charts.donor import donor_charts
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


# --- every bundled chart read back from its SVG: value axis, legend, slots, money style -------------

SVG = "{http://www.w3.org/2000/svg}"
BUNDLED = load_dataset(SAMPLE_DATA)


def _groups(svg: str, prefix: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if re.fullmatch(rf"{prefix}_\d+", g.get("id", ""))]


def _texts(group: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]


def _ys(path_data: str) -> list[float]:
    """The y of every point of an SVG path (matplotlib writes ``M x y L x y ... z``)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_data)]
    return numbers[1::2]


def value_ticks_of(svg: str) -> list[tuple[str, float]]:
    """(label, y in the SVG) of each value-axis tick with a gridline: the y ticks of a column chart."""
    ticks = []
    for tick in _groups(svg, "ytick"):
        lines = [p for p in tick.iter(f"{SVG}path") if p.get("clip-path")]
        if lines:
            ticks.append((_texts(tick)[0], _ys(lines[0].get("d", ""))[0]))
    return ticks


def bar_tops(svg: str) -> list[float]:
    """The top (smallest y) of every filled shape drawn inside the axes: the bars."""
    axes = _groups(svg, "axes")[0]
    ticks = {id(p) for g in axes.iter(f"{SVG}g") if g.get("id", "").startswith("matplotlib.axis") for p in g.iter()}
    return [
        min(_ys(p.get("d", "")))
        for p in axes.iter(f"{SVG}path")
        if id(p) not in ticks and p.get("clip-path") and "fill: none" not in p.get("style", "")
    ]


def legend_labels(svg: str) -> list[str]:
    legends = _groups(svg, "legend")
    return _texts(legends[0]) if legends else []


def en_us_amount(label: str) -> float:
    """``$250K`` -> 250000.0 (en_US compact money, as the axes print it)."""
    match = re.fullmatch(r"([-−]?)\$(\d+(?:\.\d+)?)([KMB]?)", label)
    assert match, label
    sign = -1 if match.group(1) else 1
    return sign * float(match.group(2)) * {"": 1, "K": 1e3, "M": 1e6, "B": 1e9}[match.group(3)]


def brief_charts_of_bundled_data(lang: str = "en", locale: str | None = None) -> list[tuple[ContributionTable, str]]:
    """(table, SVG) of every bundled outcome's contributions chart."""
    found = []
    for oid in sorted(BUNDLED.outcomes):
        report = build_brief(BUNDLED, oid, lang=lang, locale=locale)
        chart = contributions_chart(report.contributions, report.locale)
        if chart is not None:
            found.append((report.contributions, chart.svg))
    return found


@pytest.fixture(scope="module")
def donors() -> list[tuple[DonorReport, dict[str, ChartFigure]]]:
    """Every bundled donor report (every partner and year) with its charts."""
    clear_cache()
    return [(report, donor_charts(report)) for report in (build_donor(BUNDLED, p, y) for p, y in donor_jobs(BUNDLED))]


def column_charts(donors: list[tuple[DonorReport, dict[str, ChartFigure]]]) -> list[tuple[str, str, float]]:
    """(name, SVG, largest value drawn, recomputed from the report model) of every bundled column
    chart: each brief's contributions, each country report's overview charts, each donor's years."""
    charts: list[tuple[str, str, float]] = []
    for table, svg in brief_charts_of_bundled_data():
        largest = max(cell.total.amount for row in table.rows for cell in row.cells if cell is not None)
        charts.append(("brief", svg, float(largest)))
    for office, year in country_jobs(BUNDLED):
        report = build_country(BUNDLED, office, year)
        drawn = country_charts(report)
        budgets = [
            float(amount.amount)
            for cell in report.resources.year_totals
            if cell is not None
            for amount in (cell.budget, cell.expenditure)
            if amount is not None
        ]
        if budgets:
            charts.append((f"{office} resources", drawn["overview/resources"].svg, max(budgets)))
        by_year = [sum(float(v.amount) for s in report.outcome_contributions if (v := s.values[i]) is not None)
                   for i in range(len(report.contributions.years))]  # fmt: skip
        if "overview/contributions" in drawn:
            charts.append((f"{office} contributions", drawn["overview/contributions"].svg, max(by_year)))
    for donor, drawn in donors:
        years = drawn.get("donor/years")
        if years is not None:
            largest = max(float(y.split.total.amount) for y in donor.years if y.split is not None)
            charts.append((f"{donor.partner.id} years", years.svg, largest))
    return charts


@pytest.fixture(scope="module")
def bundled_column_charts(donors: list[tuple[DonorReport, dict[str, ChartFigure]]]) -> list[tuple[str, str, float]]:
    return column_charts(donors)


def test_the_value_axis_covers_the_largest_value(bundled_column_charts: list[tuple[str, str, float]]) -> None:
    """The top tick's label is at least the largest value in the data, and its gridline is at or
    above the tallest bar drawn (the Mexico brief drew a $233K bar under a $200K top tick)."""
    for name, svg, largest in bundled_column_charts:
        ticks = value_ticks_of(svg)
        label, top_y = min(ticks, key=lambda tick: tick[1])  # SVG y grows downwards
        assert en_us_amount(label) >= largest, (name, label, largest)
        assert top_y <= min(bar_tops(svg)) + 0.01, name
        assert en_us_amount(max(ticks, key=lambda tick: tick[1])[0]) <= 0, name  # and starts at zero


def test_the_donor_outcomes_axis_covers_the_largest_bar(
    donors: list[tuple[DonorReport, dict[str, ChartFigure]]],
) -> None:
    for donor, drawn in donors:
        chart = drawn.get("donor/outcomes")
        if chart is None:
            continue
        labels = [_texts(tick)[0] for tick in _groups(chart.svg, "xtick")]
        assert max(en_us_amount(label) for label in labels) >= float(
            max(o.year_total.total.amount for o in donor.outcomes)
        )


def test_the_legend_names_only_what_is_drawn_in_the_tables_short_names() -> None:
    """A swatch per partner under its short name (``short_name``, else its name: the same as the
    table's row label), and the humanitarian swatch only where some money is humanitarian."""
    seen = set()
    for table, svg in brief_charts_of_bundled_data():
        names = [row.partner.display_name for row in table.rows]
        humanitarian = any(cell.humanitarian.amount for row in table.rows for cell in row.cells if cell)
        assert legend_labels(svg) == names + (["Humanitarian share"] if humanitarian else [])
        seen.add(humanitarian)
    assert seen == {True, False}  # the bundled data has outcomes of both kinds
    assert "UN MPTF Office" in {
        row.partner.display_name for table, _svg in brief_charts_of_bundled_data() for row in table.rows
    }


def test_donor_legends_name_only_what_is_drawn(donors: list[tuple[DonorReport, dict[str, ChartFigure]]]) -> None:
    seen = set()
    for donor, drawn in donors:
        splits = [y.split for y in donor.years if y.split is not None]
        expected = (["Development"] if any(s.development.amount for s in splits) else []) + (
            ["Humanitarian"] if any(s.humanitarian.amount for s in splits) else []
        )
        chart = drawn["donor/years"]
        assert re.findall(r"<text[^>]*>(Development|Humanitarian)</text>", chart.svg) == expected, donor.partner.id
        assert chart.hatched == ("Humanitarian" in expected)
        seen.add(tuple(expected))
    assert len(seen) == 2  # a partner with humanitarian money and one without


def test_the_country_budget_chart_has_no_empty_slot_at_either_end() -> None:
    """The first and last years sit half a slot from the ends of the axes, as every year does from
    its neighbours' boundary: no room for a year that is not there."""
    checked = 0
    for office, year in country_jobs(BUNDLED):
        report = build_country(BUNDLED, office, year)
        chart = country_charts(report).get("overview/resources")
        if chart is None:  # no budget in the data up to that year
            continue
        svg = chart.svg
        checked += 1
        box = _groups(svg, "patch")[1]  # the axes' background
        xs = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", next(box.iter(f"{SVG}path")).get("d", ""))[0::2]]
        left, right = min(xs), max(xs)
        centres = [float(t.get("x", "0")) for tick in _groups(svg, "xtick") for t in tick.iter(f"{SVG}text")]
        assert [int(text) for tick in _groups(svg, "xtick") for text in _texts(tick)] == list(report.resources.years)
        slot = (right - left) / len(centres)
        assert centres[0] - left == pytest.approx(slot / 2, abs=0.5), office
        assert right - centres[-1] == pytest.approx(slot / 2, abs=0.5), office
    assert checked >= 2


@pytest.mark.parametrize("locale", ["en_US", "es_MX", "fr_FR"])
def test_chart_money_is_in_the_tables_money_style(locale: str) -> None:
    """Every value tick is written as the tables write money in that locale: the zero tick is the
    tables' zero (``USD 0`` in es_MX, not ``USD0``), and every tick has its currency sign, spaced
    the same way."""
    zero = money(Money(Decimal(0), "USD"), locale)
    prefix, suffix = zero.split("0", 1)
    for _table, svg in brief_charts_of_bundled_data("en", locale):
        labels = [label for label, _y in value_ticks_of(svg)]
        assert labels[0] == zero, labels
        assert all(label.startswith(prefix) and label.endswith(suffix) for label in labels), labels
