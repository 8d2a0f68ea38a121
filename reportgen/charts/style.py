"""Chart styling: palette, fonts, sizes and colours, from the theme.

Charts read the style in force (:func:`current`); the pipeline sets the report's theme's
style around charting (:func:`using`). A partner's colour is picked by its position in
organization.yaml, so the same partner has the same colour everywhere. For ``--print``
the style also maps each colour to the CMYK ink that prints it (:func:`to_print`), and the
chart's SVG is given those inks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib import font_manager

if TYPE_CHECKING:
    from ..themes import Theme

HUMANITARIAN_HATCH = "////"


@dataclass(frozen=True)
class ChartStyle:
    """What a theme decides about charts."""

    palette: tuple[str, ...]
    text: str
    muted: str
    grid: str
    font: str
    font_files: tuple[Path, ...]
    primary: str = "#0b3d6e"  # one-series charts
    shades: tuple[str, ...] = ("#0b3d6e",)  # outcomes stacked in a country report's bars
    size: float = 8.0
    hatch: str = HUMANITARIAN_HATCH
    #: For --print: each chart colour (lower-case #rrggbb) and its C, M, Y, K in percent.
    inks: Mapping[str, tuple[float, float, float, float]] = field(default_factory=dict)

    def colour(self, index: int) -> str:
        return self.palette[index % len(self.palette)]

    def shade(self, index: int) -> str:
        return self.shades[index % len(self.shades)]

    def register_fonts(self) -> str:
        """Make the style's font files known to matplotlib (once per process); returns the family."""
        _register(self.font_files)
        return self.font


_CURRENT: ContextVar[ChartStyle | None] = ContextVar("reportgen_chart_style", default=None)


def current() -> ChartStyle:
    """The style in force: the report's theme's, else the default theme's."""
    return _CURRENT.get() or default()


@lru_cache(maxsize=1)
def default() -> ChartStyle:
    """The default theme's style (themes/default/theme.yaml), for charts drawn outside a report."""
    from ..themes import load_theme

    return from_theme(load_theme())


@contextmanager
def using(chart_style: ChartStyle) -> Iterator[ChartStyle]:
    token = _CURRENT.set(chart_style)
    try:
        yield chart_style
    finally:
        _CURRENT.reset(token)


@lru_cache(maxsize=16)
def _register(files: tuple[Path, ...]) -> None:
    for file in files:
        font_manager.fontManager.addfont(str(file))


def tint(colour: str, strength: float) -> str:
    """``colour`` (#rrggbb) laid at ``strength`` (0 to 1) on white."""
    parts = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - part) * strength):02x}" for part in parts)


_HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def to_print(svg: str, inks: Mapping[str, tuple[float, float, float, float]]) -> str:
    """``svg`` with every colour the style maps to an ink written as ``device-cmyk()`` (which
    WeasyPrint puts in the PDF as CMYK); other colours stay as they are."""
    if not inks:
        return svg

    def ink(match: re.Match[str]) -> str:
        found = inks.get(match.group(0).lower())
        if found is None:
            return match.group(0)
        return "device-cmyk(" + " ".join(f"{part / 100:g}" for part in found) + ")"

    return _HEX.sub(ink, svg)


def from_theme(theme: Theme) -> ChartStyle:
    """The chart style ``theme.yaml`` describes, with its print inks (and those of their light tints)."""
    charts = theme.settings.charts
    inks: dict[str, tuple[float, float, float, float]] = {"#ffffff": (0, 0, 0, 0), "#000000": (0, 0, 0, 100)}
    inks.update(theme.settings.print.cmyk)
    for colour, ink in list(inks.items()):
        inks.setdefault(tint(colour, 0.2), (ink[0] * 0.2, ink[1] * 0.2, ink[2] * 0.2, ink[3] * 0.2))
    return ChartStyle(
        palette=charts.palette,
        text=charts.text,
        muted=charts.muted,
        grid=charts.grid,
        font=charts.font,
        font_files=tuple(theme.folder / file for file in charts.font_files),
        primary=charts.primary,
        shades=charts.shades,
        size=charts.size,
        inks=inks,
    )
