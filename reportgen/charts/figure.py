"""A rendered chart: SVG markup plus the text alternative made from the same numbers."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

Translate = Callable[[str], str]


def identity(text: str) -> str:
    """No translation (English source strings)."""
    return text


@dataclass(frozen=True)
class ChartFigure:
    """A chart ready to embed: an id, a caption, vector SVG and alt text."""

    id: str
    caption: str
    svg: str
    alt: str


def to_svg(figure: Figure) -> str:
    """Serialise ``figure`` as deterministic SVG (no date, fixed ids) and release it."""
    buffer = io.StringIO()
    try:
        # A tight box grows to hold every label and legend, so translated text is never clipped;
        # the template scales the SVG to the column width.
        figure.savefig(
            buffer, format="svg", bbox_inches="tight", pad_inches=0.03, metadata={"Date": None, "Creator": "reportgen"}
        )
    finally:
        figure.clear()
    return buffer.getvalue()
