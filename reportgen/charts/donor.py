"""The donor report's charts: the partner's contributions by year, and where the report
year's money went, by outcome.

Both draw the partner's own colour (its position in organization.yaml), humanitarian
money hatched on top of development money, on one shared value scale; both come with
alt text generated from the report model's numbers. Returns ChartFigure objects.
"""

from __future__ import annotations

import operator
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..build.brief_model import Split
from ..build.donor_model import DonorReport
from ..formatting import compact_money, money, percent
from ..i18n import translator
from . import style
from .axis import set_value_axis
from .figure import ChartFigure, Translate, identity, to_svg

MM = 1 / 25.4
YEARS_CHART = "donor/years"
OUTCOMES_CHART = "donor/outcomes"
HEADROOM = 1.14  # room above the largest bar for its value label
MIN_SLOTS = 4  # the years chart is laid out for at least this many bars
MAX_BARS = 12  # the outcomes chart draws at most this many bars (the table lists every outcome)


def shared_scale(report: DonorReport) -> float:
    """One value-axis maximum for both charts, so a bar means the same amount in each."""
    amounts = [y.split.total.amount for y in report.years if y.split is not None]
    amounts += [o.year_total.total.amount for o in report.outcomes]
    largest = float(max(amounts, default=Decimal(0)))
    return largest * HEADROOM if largest > 0 else 1.0


def _stack(axes: Axes, positions: list[float], splits: list[Split | None], colour: str, horizontal: bool) -> None:
    """Development bars, with humanitarian bars stacked on them, hatched."""
    look = style.current()
    dev = [float(s.development.amount) if s else 0.0 for s in splits]
    hum = [float(s.humanitarian.amount) if s else 0.0 for s in splits]
    hatch, width = look.hatch, 0.62
    if horizontal:
        axes.barh(positions, dev, width, color=colour, linewidth=0)
        axes.barh(positions, hum, width, left=dev, color="white", edgecolor=colour, hatch=hatch, linewidth=0.6)
    else:
        axes.bar(positions, dev, width, color=colour, linewidth=0)
        axes.bar(positions, hum, width, bottom=dev, color="white", edgecolor=colour, hatch=hatch, linewidth=0.6)


def _style_axes(axes: Axes, family: str, value_axis: Literal["x", "y"], currency: str, locale: str, top: float) -> None:
    """The value axis from zero to the first round tick at or above ``top``; the grid and spines."""
    look = style.current()
    set_value_axis(axes, 0.0, top, currency, locale, value_axis)
    axes.tick_params(axis="both", labelsize=look.size, colors=look.muted, length=0)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_fontfamily(family)
    axes.grid(axis=value_axis, color=look.grid, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.spines["left" if value_axis == "x" else "bottom"].set_visible(True)
    axes.spines["left" if value_axis == "x" else "bottom"].set_color(look.grid)


def _hatched(splits: Sequence[Split | None]) -> bool:
    """Whether any bar has a humanitarian part (drawn hatched)."""
    return any(s is not None and s.humanitarian.amount != 0 for s in splits)


def _legend(figure: Figure, colour: str, family: str, splits: Sequence[Split | None], _: Translate) -> None:
    """A swatch for each kind of money drawn: development (solid), humanitarian (hatched)."""
    look = style.current()
    handles = []
    if any(s is not None and s.development.amount != 0 for s in splits):
        handles.append(Patch(facecolor=colour, label=_("Development")))
    if _hatched(splits):
        handles.append(Patch(facecolor="white", edgecolor=colour, hatch=look.hatch, label=_("Humanitarian")))
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=2,
        frameon=False,
        prop={"family": family, "size": look.size},
        labelcolor=look.text,
    )


def years_alt_text(report: DonorReport, _: Translate = identity) -> str:
    """The years chart as sentences, from the report's own figures."""
    loc, years = report.locale, report.years
    span = f"{years[0].year}–{years[-1].year}" if len(years) > 1 else str(years[0].year)
    parts = [
        _("Bar chart: contributions of {partner} by year, {span}, in {currency}.").format(
            partner=report.partner.display_name, span=span, currency=report.currency
        )
    ]
    for entry in years:
        if entry.split is None:
            parts.append(_("{year}: no contribution.").format(year=entry.year))
        else:
            parts.append(
                _("{year}: {total} ({development} development, {humanitarian} humanitarian).").format(
                    year=entry.year,
                    total=money(entry.split.total, loc),
                    development=money(entry.split.development, loc),
                    humanitarian=money(entry.split.humanitarian, loc),
                )
            )
    if report.period_total is not None:
        parts.append(_("Total: {amount}.").format(amount=money(report.period_total.total, loc)))
    return " ".join(parts)


def years_chart(report: DonorReport, _: Translate = identity, scale: float | None = None) -> ChartFigure | None:
    """Bars per year of the partner's contributions; None when it has none."""
    look = style.current()
    if report.period_total is None:
        return None
    family = look.register_fonts()
    colour = look.colour(report.colour_index)
    figure = Figure(figsize=(170 * MM, 64 * MM))
    axes = figure.add_subplot()
    positions = [float(i) for i in range(len(report.years))]
    splits = [y.split for y in report.years]
    _stack(axes, positions, splits, colour, horizontal=False)
    top = scale if scale is not None else shared_scale(report)
    for x, split in zip(positions, splits, strict=True):
        label = compact_money(float(split.total.amount), report.currency, report.locale) if split else _("none")
        height = max(float(split.total.amount), 0.0) if split else 0.0
        axes.text(
            x, height + top * 0.015, label, ha="center", va="bottom", fontsize=look.size,
            color=look.text if split else look.muted, family=family,
        )  # fmt: skip
    axes.set_xticks(positions, [str(y.year) for y in report.years])
    pad = max(0.0, (MIN_SLOTS - len(positions)) / 2)  # a year or two: narrow bars, centred
    axes.set_xlim(-0.6 - pad, len(positions) - 0.4 + pad)
    _style_axes(axes, family, "y", report.currency, report.locale, top)
    _legend(figure, colour, family, splits, _)
    figure.subplots_adjust(left=0.09, right=0.99, top=0.97, bottom=0.24)
    return ChartFigure(
        id=YEARS_CHART,
        caption=_("Contributions of {partner} by year").format(partner=report.partner.display_name),
        svg=to_svg(figure),
        alt=years_alt_text(report, _),
        hatched=_hatched(splits),
    )


def outcome_label(title: str, country: str) -> str:
    """``Short title (Country)``, the bar label and table row name."""
    return f"{title} ({country})"


def outcome_bars(report: DonorReport, _: Translate = identity) -> list[tuple[str, Split]]:
    """(label, amount) per bar, largest first; past MAX_BARS the smallest share one "other" bar."""
    bars = [(outcome_label(o.short_title.text, o.office.country_name), o.year_total) for o in report.outcomes]
    if len(bars) <= MAX_BARS:
        return bars
    kept, rest = bars[: MAX_BARS - 1], [split for _label, split in bars[MAX_BARS - 1 :]]
    return [*kept, (_("Other outcomes ({count})").format(count=len(rest)), reduce(operator.add, rest))]


def outcomes_alt_text(report: DonorReport, _: Translate = identity) -> str:
    """The outcomes chart as sentences, largest first, from the report's own figures."""
    loc = report.locale
    parts = [
        _("Bar chart: contributions of {partner} in {year} by outcome, largest first, in {currency}.").format(
            partner=report.partner.display_name, year=report.report_year, currency=report.currency
        )
    ]
    for item in report.outcomes:
        parts.append(
            _("{outcome}: {amount}, {share} of the outcome's funding that year.").format(
                outcome=outcome_label(item.short_title.text, item.office.country_name),
                amount=money(item.year_total.total, loc),
                share=percent(item.share, loc),
            )
        )
    if len(report.outcomes) > MAX_BARS:
        parts.append(
            _("The chart draws the {count} smallest together as one bar.").format(
                count=len(report.outcomes) - MAX_BARS + 1
            )
        )
    return " ".join(parts)


def outcomes_chart(report: DonorReport, _: Translate = identity, scale: float | None = None) -> ChartFigure | None:
    """Horizontal bars of the report year's contributions by outcome; None when there were none."""
    look = style.current()
    if not report.outcomes:
        return None
    family = look.register_fonts()
    colour = look.colour(report.colour_index)
    bars = outcome_bars(report, _)
    count = len(bars)
    height_mm = 22 + 11 * count
    figure = Figure(figsize=(170 * MM, height_mm * MM))
    axes = figure.add_subplot()
    positions = [float(count - 1 - i) for i in range(count)]  # largest at the top
    splits: list[Split | None] = [split for _label, split in bars]
    _stack(axes, positions, splits, colour, horizontal=True)
    right = scale if scale is not None else shared_scale(report)
    for y, (_label, split) in zip(positions, bars, strict=True):
        axes.text(
            max(float(split.total.amount), 0.0) + right * 0.01, y,
            compact_money(float(split.total.amount), report.currency, report.locale),
            ha="left", va="center", fontsize=look.size, color=look.text, family=family,
        )  # fmt: skip
    labels = [textwrap.fill(label, 30, break_long_words=False) for label, _split in bars]
    axes.set_yticks(positions, labels)
    axes.set_ylim(-0.6, count - 0.4)
    _style_axes(axes, family, "x", report.currency, report.locale, right)
    for label in axes.get_yticklabels():
        label.set_color(look.text)
    _legend(figure, colour, family, splits, _)
    caption = _("Contributions of {partner} in {year} by outcome").format(
        partner=report.partner.display_name, year=report.report_year
    )
    if len(bars) < len(report.outcomes):
        caption += _(" (the {count} smallest drawn as one bar)").format(count=len(report.outcomes) - len(bars) + 1)
    legend_and_axis = 15 / height_mm
    figure.subplots_adjust(left=0.31, right=0.98, top=1 - 3 / height_mm, bottom=legend_and_axis)
    return ChartFigure(
        id=OUTCOMES_CHART,
        caption=caption,
        svg=to_svg(figure),
        alt=outcomes_alt_text(report, _),
        hatched=_hatched(splits),
    )


def donor_charts(report: DonorReport) -> dict[str, ChartFigure]:
    """Both charts of a donor report, keyed by id, on one shared value scale."""
    _ = translator(report.lang)
    scale = shared_scale(report)
    charts: dict[str, ChartFigure] = {}
    for chart in (years_chart(report, _, scale), outcomes_chart(report, _, scale)):
        if chart is not None:
            charts[chart.id] = chart
    return charts
