"""Chart of funding partners' contributions per year (development and humanitarian).

Grouped bars: one group per year, one bar per partner, humanitarian money stacked on
top with a hatch pattern so it is distinguishable without colour.
"""

from __future__ import annotations

from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..build.brief_model import ContributionTable
from ..formatting import compact_money, money
from ..model.money import Money
from . import style
from .cache import cached_chart
from .figure import ChartFigure, Translate, identity, to_svg

MM = 1 / 25.4


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
                best = (cell.total.amount, year, row.partner.name)
    if best is not None:
        parts.append(
            _("Largest in {year}: {partner}, {amount}.").format(
                year=best[1], partner=best[2], amount=money(Money(best[0], table.currency), locale)
            )
        )
    no_data = _("no data")
    for row in table.rows:
        values = [
            f"{year} {money(cell.total, locale)}" if cell is not None else f"{year} {no_data}"
            for year, cell in zip(years, row.cells, strict=True)
        ]
        parts.append(f"{row.partner.name}: {'; '.join(values)}.")
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
    if table.is_empty:
        return None
    family = style.register_fonts()
    figure = Figure(figsize=(170 * MM, 72 * MM))
    axes = figure.add_subplot()
    n_rows = len(table.rows)
    width = 0.8 / n_rows
    positions = range(len(table.years))
    for r, row in enumerate(table.rows):
        offset = (r - (n_rows - 1) / 2) * width
        xs = [x + offset for x in positions]
        dev = [float(c.development.amount) if c else 0.0 for c in row.cells]
        hum = [float(c.humanitarian.amount) if c else 0.0 for c in row.cells]
        colour = style.colour(row.colour_index)
        axes.bar(xs, dev, width * 0.92, color=colour, linewidth=0)
        axes.bar(
            xs,
            hum,
            width * 0.92,
            bottom=dev,
            color="white",
            edgecolor=colour,
            hatch=style.HUMANITARIAN_HATCH,
            linewidth=0.6,
        )
        for x, cell in zip(xs, row.cells, strict=True):
            if cell is None:
                axes.text(x, 0, _("n/a"), ha="center", va="bottom", fontsize=6, color=style.MUTED, family=family)
    axes.set_xticks(
        list(positions), [str(y) for y in table.years], family=family, fontsize=style.FONT_SIZE, color=style.TEXT
    )
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_money(v, table.currency, locale)))
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
    axes.tick_params(axis="both", labelsize=style.FONT_SIZE, colors=style.MUTED, length=0)
    if y_max is not None:
        axes.set_ylim(0, y_max)
    axes.grid(axis="y", color=style.GRID, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(style.GRID)
    handles = [Patch(facecolor=style.colour(row.colour_index), label=row.partner.display_name) for row in table.rows]
    handles.append(
        Patch(facecolor="white", edgecolor=style.MUTED, hatch=style.HUMANITARIAN_HATCH, label=_("Humanitarian share"))
    )
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=min(len(handles), 4),
        frameon=False,
        prop={"family": family, "size": style.FONT_SIZE},
        labelcolor=style.TEXT,
    )
    figure.subplots_adjust(left=0.08, right=0.99, top=0.97, bottom=0.28)
    return ChartFigure(
        id=chart_id,
        caption=_("Funding partners' contributions by year"),
        svg=to_svg(figure),
        alt=contributions_alt_text(table, locale, _),
    )
