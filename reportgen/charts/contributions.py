"""Chart of funding partners' contributions per year (development and humanitarian).

Grouped bars: one group per year, one bar per partner, humanitarian money stacked on
top with a hatch pattern so it is distinguishable without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..build.brief_model import ContributionTable, PartnerRow
from ..formatting import money
from ..model.money import Money
from . import style
from .axis import set_value_axis
from .cache import cached_chart
from .figure import ChartFigure, Translate, identity, to_svg

MM = 1 / 25.4
#: Partners drawn as series of their own; beyond this the smaller ones are drawn as one series
#: ("Other partners (N)"), so the bars stay readable and the legend fits under the chart. The table
#: beside the chart gives every partner's figures.
MAX_SERIES = 7


@dataclass(frozen=True)
class Series:
    """One bar per year: a partner, or the partners grouped as "other"."""

    label: str  # in the legend (a partner's short name)
    name: str  # in the alt text (its full name)
    colour: str
    development: tuple[Decimal, ...]
    humanitarian: tuple[Decimal, ...]
    missing: tuple[bool, ...]  # no data that year (drawn as "n/a"), not zero


def chart_series(table: ContributionTable, _: Translate = identity) -> list[Series]:
    """The table's rows as series: every partner when they fit, else the largest ``MAX_SERIES - 1``
    by total over the period and one series summing the rest (table order is kept for the largest)."""

    look = style.current()

    def series(label: str, name: str, colour: str, rows: Sequence[PartnerRow]) -> Series:
        columns = list(zip(*(row.cells for row in rows), strict=True))
        return Series(
            label=label,
            name=name,
            colour=colour,
            development=tuple(sum((c.development.amount for c in col if c), Decimal(0)) for col in columns),
            humanitarian=tuple(sum((c.humanitarian.amount for c in col if c), Decimal(0)) for col in columns),
            missing=tuple(all(c is None for c in col) for col in columns),
        )

    rows = list(table.rows)
    if len(rows) <= MAX_SERIES:
        return [
            series(row.partner.display_name, row.partner.full_name, look.colour(row.colour_index), [row])
            for row in rows
        ]
    by_size = sorted(range(len(rows)), key=lambda i: rows[i].total.total.amount, reverse=True)
    largest = set(by_size[: MAX_SERIES - 1])
    kept = [
        series(row.partner.display_name, row.partner.full_name, look.colour(row.colour_index), [row])
        for i, row in enumerate(rows)
        if i in largest
    ]
    others = [row for i, row in enumerate(rows) if i not in largest]
    label = _("Other partners ({count})").format(count=len(others))
    return [*kept, series(label, label, look.muted, others)]


def _bars(axes: Axes, bars: Sequence[tuple[float, float, float]], width: float, **props: Any) -> None:
    """Bars (centre x, bottom, height) as one collection: drawn in one go, with no per-bar
    update of the data limits (the caller sets the limits), which is most of what ``Axes.bar``
    costs for a chart of many small bars."""
    if bars:
        rectangles = [Rectangle((x - width / 2, bottom), width, height) for x, bottom, height in bars]
        axes.add_collection(PatchCollection(rectangles, **props), autolim=False)


def contributions_alt_text(table: ContributionTable, locale: str, _: Translate = identity) -> str:
    """A sentence-level description of the chart, from the table's own numbers."""
    years = table.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    parts = [
        _("Bar chart: contributions by funding partner and year, {span}, in {currency}.").format(
            span=span, currency=table.currency
        )
    ]
    if table.grand_total is not None:
        parts.append(_("Total over the period: {amount}.").format(amount=money(table.grand_total.total, locale)))
    best: tuple[Decimal, int, str] | None = None
    for row in table.rows:
        for year, cell in zip(years, row.cells, strict=True):
            if cell is not None and (best is None or cell.total.amount > best[0]):
                best = (cell.total.amount, year, row.partner.full_name)
    if best is not None:
        parts.append(
            _("Largest in {year}: {partner}, {amount}.").format(
                year=best[1], partner=best[2], amount=money(Money(best[0], table.currency), locale)
            )
        )
    no_data = _("no data")
    for line in chart_series(table, _):
        values = [
            f"{year} {no_data}" if missing else f"{year} {money(Money(dev + hum, table.currency), locale)}"
            for year, dev, hum, missing in zip(years, line.development, line.humanitarian, line.missing, strict=True)
        ]
        parts.append(f"{line.name}: {'; '.join(values)}.")
    humanitarian = table.grand_total.humanitarian if table.grand_total else None
    if humanitarian is not None and humanitarian.amount == 0:
        parts.append(_("All contributions are development funding; none is humanitarian."))
    elif humanitarian is not None:
        parts.append(_("Humanitarian funding over the period: {amount}.").format(amount=money(humanitarian, locale)))
    return " ".join(parts)


@cached_chart
def contributions_chart(
    table: ContributionTable,
    locale: str,
    _: Translate = identity,
    y_max: float | None = None,
    chart_id: str = "contributions",
) -> ChartFigure | None:
    """Grouped, stacked bar chart of ``table``; None when there is nothing to draw.

    ``y_max`` fixes the value axis so charts of one report share a scale."""
    look = style.current()
    if table.is_empty:
        return None
    family = look.register_fonts()
    figure = Figure(figsize=(170 * MM, 72 * MM))
    axes = figure.add_subplot()
    drawn = chart_series(table, _)
    width = 0.8 / len(drawn)
    positions = range(len(table.years))
    ends = [0.0]  # every bar's bottom and top, for the value axis
    for r, line in enumerate(drawn):
        offset = (r - (len(drawn) - 1) / 2) * width
        xs = [x + offset for x in positions]
        dev, hum, colour = [float(a) for a in line.development], [float(a) for a in line.humanitarian], line.colour
        _bars(axes, [(x, 0.0, d) for x, d in zip(xs, dev, strict=True)], width * 0.92, facecolor=colour, linewidth=0)
        # Humanitarian money is stacked on top, hatched; only where there is some (most partner-years
        # have none, and a zero-height hatched bar would draw nothing). A refund can make either negative.
        stacked = [(x, d, h) for x, h, d in zip(xs, hum, dev, strict=True) if h != 0]
        _bars(
            axes, stacked, width * 0.92,
            facecolor="white", edgecolor=colour, hatch=look.hatch, linewidth=0.6,
        )  # fmt: skip
        ends += [*dev, *(d + h for d, h in zip(dev, hum, strict=True))]
        for x, missing in zip(xs, line.missing, strict=True):
            if missing:
                axes.text(x, 0, _("n/a"), ha="center", va="bottom", fontsize=6, color=look.muted, family=family)
    # The x limits matplotlib's autoscale would give these bars (5 % margins), set once instead of
    # updated bar by bar.
    left, right = -0.4 + 0.04 * width, len(table.years) - 1 + 0.4 - 0.04 * width
    axes.set_xlim(left - 0.05 * (right - left), right + 0.05 * (right - left))
    # The value axis covers every bar (and the shared scale of a report's charts, ``y_max``).
    set_value_axis(axes, min(ends), max([*ends, y_max or 0.0]), table.currency, locale)
    axes.set_xticks(
        list(positions),
        [str(y) for y in table.years],
        family=family,
        fontsize=look.size,
        color=look.text,
    )
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
    axes.tick_params(axis="both", labelsize=look.size, colors=look.muted, length=0)
    axes.grid(axis="y", color=look.grid, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(look.grid)
    handles = [Patch(facecolor=line.colour, label=line.label) for line in drawn]
    hatched = any(h != 0 for line in drawn for h in line.humanitarian)  # the hatch is drawn only then
    if hatched:
        handles.append(Patch(facecolor="white", edgecolor=look.muted, hatch=look.hatch, label=_("Humanitarian share")))
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=min(len(handles), 4),
        frameon=False,
        prop={"family": family, "size": look.size},
        labelcolor=look.text,
    )
    figure.subplots_adjust(left=0.08, right=0.99, top=0.97, bottom=0.28)
    return ChartFigure(
        id=chart_id,
        caption=_("Funding partners' contributions by year"),
        svg=to_svg(figure),
        alt=contributions_alt_text(table, locale, _),
        hatched=hatched,
    )
