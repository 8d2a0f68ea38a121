"""The value axis of every chart: round ticks that cover the data, labelled in the tables' money style.

One rule for all charts: the axis runs from the first tick at or below the smallest value (zero,
unless a refund makes a bar negative) to the first tick at or above the largest, so the top
gridline is never below the tallest bar. Tick labels are :func:`reportgen.formatting.compact_money`,
the same currency style the tables use in that locale.
"""

from __future__ import annotations

from typing import Literal

from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ..formatting import compact_money

#: At most this many intervals between ticks; steps are 1, 2, 2.5 and 5 times a power of ten.
BINS = 5
STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def value_ticks(low: float, high: float) -> list[float]:
    """Round ticks from at or below ``min(low, 0)`` to at or above ``max(high, 0)``, no more than
    needed at either end (an empty range gives 0 to 1)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = 1.0
    ticks = [float(t) for t in MaxNLocator(nbins=BINS, steps=list(STEPS)).tick_values(low, high)]
    first = max(i for i, tick in enumerate(ticks) if tick <= low)
    last = min(i for i, tick in enumerate(ticks) if tick >= high)
    return ticks[first : last + 1]


def set_value_axis(
    axes: Axes, low: float, high: float, currency: str, locale: str, which: Literal["x", "y"] = "y"
) -> list[float]:
    """Give ``axes`` the value axis covering ``low`` to ``high``: ticks, limits, money labels.
    Returns the ticks (the axis ends at the first and the last)."""
    ticks = value_ticks(low, high)
    axis = axes.yaxis if which == "y" else axes.xaxis
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: compact_money(value, currency, locale)))
    if which == "y":
        axes.set_ylim(ticks[0], ticks[-1])
    else:
        axes.set_xlim(ticks[0], ticks[-1])
    return ticks
