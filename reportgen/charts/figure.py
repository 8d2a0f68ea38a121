"""A rendered chart: SVG markup plus the text alternative made from the same numbers."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from matplotlib.backend_bases import Event
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

Translate = Callable[[str], str]


def identity(text: str) -> str:
    """No translation (English source strings)."""
    return text


@dataclass(frozen=True)
class ChartFigure:
    """A chart ready to embed: an id, a caption, vector SVG and alt text; ``hatched`` when it draws
    humanitarian money (hatched bars), so a caption explains the hatch only where there is one."""

    id: str
    caption: str
    svg: str
    alt: str
    hatched: bool = False


#: Margin kept around the tight box of a chart's ink, in inches.
PAD_INCHES = 0.03
#: Resolution of the PNG variant a Word edition embeds (see :func:`rasters`).
RASTER_DPI = 220
#: Open :func:`rasters` captures: each maps a chart's SVG text to its PNG bytes.
_RASTERS: list[dict[str, bytes]] = []


@contextmanager
def rasters() -> Iterator[dict[str, bytes]]:
    """While open, every chart drawn also gets a PNG of the same figure and box (the Word
    edition's images), keyed by its SVG text; the SVG itself is unchanged."""
    found: dict[str, bytes] = {}
    _RASTERS.append(found)
    try:
        yield found
    finally:
        _RASTERS.remove(found)


_SVG_TAG = re.compile(r"<svg\b[^>]*>")


def _crop(svg: str, box: Bbox, figure_height: float) -> str:
    """Set the root ``<svg>``'s size and viewBox to ``box`` (inches, from the figure's bottom left)."""
    x, y = box.x0 * 72, (figure_height - box.y1) * 72  # SVG user units are points, y grows downwards
    width, height = box.width * 72, box.height * 72
    match = _SVG_TAG.search(svg)
    if match is None:  # pragma: no cover - matplotlib always writes a root element
        raise ValueError("matplotlib wrote no <svg> element")
    tag = match.group(0)
    tag = re.sub(r'\bwidth="[^"]*"', f'width="{width:.6f}pt"', tag, count=1)
    tag = re.sub(r'\bheight="[^"]*"', f'height="{height:.6f}pt"', tag, count=1)
    tag = re.sub(r'\bviewBox="[^"]*"', f'viewBox="{x:.6f} {y:.6f} {width:.6f} {height:.6f}"', tag, count=1)
    return svg[: match.start()] + tag + svg[match.end() :]


def to_svg(figure: Figure) -> str:
    """Serialise ``figure`` as deterministic SVG (no date, fixed ids) and release it.

    The SVG is cropped to the tight box of everything drawn, so translated labels and legends
    are never clipped; the template scales it to the column width. matplotlib's own
    ``bbox_inches="tight"`` measures the figure in one pass and draws it in a second; here it is
    drawn once and measured with the same renderer, whose text metrics are already cached
    (about a fifth less time per chart), and only the viewBox is changed."""
    buffer = io.StringIO()
    boxes: list[Bbox] = []

    def measure(event: Event) -> None:
        # Still inside savefig: the figure's dpi is the SVG renderer's, so the box is right.
        renderer = getattr(event, "renderer", None)
        boxes.append(figure.get_tightbbox(renderer).padded(PAD_INCHES))

    connection = figure.canvas.mpl_connect("draw_event", measure)
    try:
        with warnings.catch_warnings():
            # A glyph Inter lacks (Arabic, Hebrew, CJK...) is measured as a box by matplotlib, which
            # errs on the wide side; WeasyPrint sets the text with the system's fallback fonts. Not
            # worth a warning per character on the user's terminal.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "reportgen"})
            svg = _crop(buffer.getvalue(), boxes[-1], figure.get_figheight())
            if _RASTERS:
                png = io.BytesIO()
                figure.savefig(png, format="png", dpi=RASTER_DPI, bbox_inches=boxes[-1], metadata={"Software": None})
                for found in _RASTERS:
                    found[svg] = png.getvalue()
    finally:
        figure.canvas.mpl_disconnect(connection)
        figure.clear()
    return svg
