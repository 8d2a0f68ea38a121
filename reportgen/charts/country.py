"""Charts of the country annual report: CountryReport -> ChartFigure objects (SVG + alt text).

Two overview charts for the executive summary (budget vs expenditure by year; contributions
by outcome per year, stacked) and every chapter's contributions chart, all chapters on one
shared value axis so that bars compare across outcomes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..build.country_model import CountryReport, OutcomeSeries, ResourceMatrix
from ..formatting import compact_money, money, percent
from ..i18n import translator
from ..model.money import Money
from . import brief_charts, style
from .axis import set_value_axis
from .cache import cached_chart
from .contributions import chart_series
from .figure import ChartFigure, Translate, identity, to_svg
from .style import tint

MM = 1 / 25.4

#: Room above the tallest bar for the label printed on it (a delivery rate, a year's total).
LABEL_ROOM = 1.08


def shared_y_max(report: CountryReport) -> float | None:
    """The value every chapter's contributions chart covers, so all share one axis: the tallest bar
    in any chapter (a partner-year, or the year of the smaller partners drawn together); None when
    no chapter has contributions."""
    tallest = max(
        (
            development + humanitarian
            for chapter in report.chapters
            for series in chart_series(chapter.contributions)
            for development, humanitarian in zip(series.development, series.humanitarian, strict=True)
        ),
        default=None,
    )
    return float(tallest) if tallest is not None and tallest > 0 else None


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def _axes(figure: Figure, currency: str, locale: str, years: Sequence[int], tops: Sequence[float]) -> Axes:
    """Axes with one slot per year, from the first to the last (no empty slot at either end), and
    a value axis covering ``tops`` (the bars' ends) with room for the labels above them."""
    look = style.current()
    family = look.register_fonts()
    axes = figure.add_subplot()
    axes.set_xticks(list(range(len(years))), [str(y) for y in years], family=family, fontsize=look.size)
    axes.set_xlim(-0.5, len(years) - 0.5)
    set_value_axis(axes, min(tops, default=0.0), max(tops, default=0.0) * LABEL_ROOM, currency, locale)
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
    axes.tick_params(axis="both", labelsize=look.size, colors=look.muted, length=0)
    axes.grid(axis="y", color=look.grid, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(look.grid)
    return axes


def _bar_width(count: int, width: float) -> float:
    """``width`` (of a year's slot) for three years or more; narrower for one or two, whose slots
    are wider, so a bar is never more than a third of the chart."""
    return width * min(count, 3) / 3


def _legend(axes: Axes, handles: list[Patch], columns: int) -> None:
    look = style.current()
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=columns,
        frameon=False,
        prop={"family": look.font, "size": look.size},
        labelcolor=look.text,
    )


def resources_alt_text(matrix: ResourceMatrix, locale: str, _: Translate = identity) -> str:
    """The resources chart in words, from the matrix's own year totals."""
    parts = [
        _("Bar chart: budget and expenditure of all outcomes by year, {span}, in {currency}.").format(
            span=_span(matrix.years), currency=matrix.currency
        )
    ]
    for year, cell in zip(matrix.years, matrix.year_totals, strict=True):
        if cell is None:
            parts.append(_("{year}: no data.").format(year=year))
        elif cell.budget is None:
            spent = money(cell.expenditure, locale) if cell.expenditure else "-"
            parts.append(_("{year}: no budget reported, expenditure {spent}.").format(year=year, spent=spent))
        elif cell.expenditure is None:
            parts.append(
                _("{year}: budget {budget}, no expenditure reported.").format(
                    year=year, budget=money(cell.budget, locale)
                )
            )
        else:
            parts.append(
                _("{year}: budget {budget}, expenditure {spent} ({rate} delivered).").format(
                    year=year,
                    budget=money(cell.budget, locale),
                    spent=money(cell.expenditure, locale),
                    rate=percent(cell.delivery_rate, locale),
                )
            )
    return " ".join(parts)


@cached_chart
def resources_chart(matrix: ResourceMatrix, locale: str, _: Translate = identity) -> ChartFigure | None:
    """Budget (light) and expenditure (solid) side by side per year, delivery rate above; None when empty."""
    look = style.current()
    if matrix.is_empty:
        return None
    figure = Figure(figsize=(170 * MM, 66 * MM))
    ends = [
        float(amount.amount)
        for cell in matrix.year_totals
        if cell is not None
        for amount in (cell.budget, cell.expenditure)
        if amount is not None
    ]
    axes = _axes(figure, matrix.currency, locale, matrix.years, ends)
    width = _bar_width(len(matrix.years), 0.36)
    for x, cell in enumerate(matrix.year_totals):
        if cell is None:
            axes.text(x, 0, _("n/a"), ha="center", va="bottom", fontsize=6, color=look.muted)
            continue
        if cell.budget is not None:
            budget = float(cell.budget.amount)
            axes.bar(
                x - width / 2,
                budget,
                width,
                color=tint(look.primary, 0.2),
                edgecolor=look.primary,
                linewidth=0.6,
            )
        if cell.expenditure is not None:
            spent = float(cell.expenditure.amount)
            axes.bar(x + width / 2, spent, width, color=look.primary, linewidth=0)
            axes.text(
                x + width / 2,
                spent,
                percent(cell.delivery_rate, locale),
                ha="center",
                va="bottom",
                fontsize=7,
                color=look.text,
                family=look.font,
            )
    handles = [
        Patch(facecolor=tint(look.primary, 0.2), edgecolor=look.primary, linewidth=0.6, label=_("Budget")),
        Patch(facecolor=look.primary, label=_("Expenditure (label: delivery rate)")),
    ]
    _legend(axes, handles, 2)
    figure.subplots_adjust(left=0.09, right=0.99, top=0.95, bottom=0.24)
    return ChartFigure(
        id="overview/resources",
        caption=_("Budget and expenditure by year, all outcomes"),
        svg=to_svg(figure),
        alt=resources_alt_text(matrix, locale, _),
    )


def outcomes_alt_text(
    series: Sequence[OutcomeSeries], years: Sequence[int], currency: str, locale: str, _: Translate = identity
) -> str:
    """The contributions-by-outcome chart in words: each year's total, then each outcome's years."""
    parts = [
        _("Stacked bar chart: contributions by outcome and year, {span}, in {currency}.").format(
            span=_span(years), currency=currency
        )
    ]
    for i, year in enumerate(years):
        present = [v.amount for s in series if (v := s.values[i]) is not None]
        if present:
            total = sum(present, Decimal(0))
            parts.append(_("{year}: {amount} in all.").format(year=year, amount=money(Money(total, currency), locale)))
    no_data = _("no data")
    for s in series:
        described = [
            f"{year} {money(value, locale)}" if value is not None else f"{year} {no_data}"
            for year, value in zip(years, s.values, strict=True)
        ]
        parts.append(f"{s.title.text}: {'; '.join(described)}.")
    return " ".join(parts)


@cached_chart
def outcomes_chart(
    series: Sequence[OutcomeSeries], years: Sequence[int], currency: str, locale: str, _: Translate = identity
) -> ChartFigure | None:
    """Contributions per year stacked by outcome, each year's total above its bar; None when empty."""
    look = style.current()
    if not series or not years:
        return None
    figure = Figure(figsize=(170 * MM, 70 * MM))
    stacks = [[float(v.amount) if v is not None else 0.0 for v in s.values] for s in series]
    axes = _axes(figure, currency, locale, years, [sum(year) for year in zip(*stacks, strict=True)])
    width = _bar_width(len(years), 0.56)
    bottoms = [0.0] * len(years)
    handles = []
    for i, (s, heights) in enumerate(zip(series, stacks, strict=True)):
        shade = look.shade(i)
        axes.bar(range(len(years)), heights, width, bottom=bottoms, color=shade, edgecolor="white", linewidth=0.8)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        handles.append(Patch(facecolor=shade, label=textwrap.fill(s.title.text, 34)))
    for x, top in enumerate(bottoms):
        label = compact_money(top, currency, locale) if top else _("n/a")
        axes.text(x, top, label, ha="center", va="bottom", fontsize=7, color=look.text, family=look.font)
    _legend(axes, handles, min(len(handles), 3))
    figure.subplots_adjust(left=0.09, right=0.99, top=0.95, bottom=0.26)
    return ChartFigure(
        id="overview/contributions",
        caption=_("Contributions by outcome and year"),
        svg=to_svg(figure),
        alt=outcomes_alt_text(series, years, currency, locale, _),
    )


def country_charts(report: CountryReport) -> dict[str, ChartFigure]:
    """Every chart of the report: ``overview/resources``, ``overview/contributions`` and each
    chapter's ``<outcome-id>/contributions`` on the shared scale of :func:`shared_y_max`."""
    _ = translator(report.lang)
    charts: dict[str, ChartFigure] = {}
    overview = [
        resources_chart(report.resources, report.locale, _),
        outcomes_chart(report.outcome_contributions, report.contributions.years, report.currency, report.locale, _),
    ]
    charts.update((chart.id, chart) for chart in overview if chart is not None)
    y_max = shared_y_max(report)
    for chapter in report.chapters:
        charts.update(brief_charts(chapter, y_max))
    return charts
