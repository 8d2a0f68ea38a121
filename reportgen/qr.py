"""QR codes of a report's online address, drawn by ReportLab as vector SVG.

:func:`qr_svg` returns the SVG text of a QR code that encodes an address: error correction
level M (a smudge or fold covering up to about 15 % of it still scans), a quiet zone of 4
modules on every side, black modules on a white square. The modules come from ReportLab's
``QrCodeWidget``; they are joined into one path (no hairline seams between rows when a viewer
anti-aliases) in a ``Drawing`` whose unit is one module, and written by ``renderSVG``. The
root element is sized in millimetres (:data:`SIZE_MM`, quiet zone included), so the code prints
at that size wherever it is placed, and scales without loss when a stylesheet resizes it.

:func:`qr_data_uri` gives the same SVG as a ``data:`` URI for an ``<img>`` element (as charts
are embedded), which WeasyPrint draws as vector paths. Both are cached per address.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache

from reportlab.graphics import renderSVG  # type: ignore[import-untyped]
from reportlab.graphics.barcode.qr import QrCodeWidget  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Group, Path, Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]

#: Error correction level: about 15 % of the code can be damaged and it still reads.
ERROR_CORRECTION = "M"
#: Light modules around the code, as ISO/IEC 18004 asks, so a reader finds its edges.
QUIET_ZONE = 4
#: Printed width and height, quiet zone included: the code itself is about 2 cm or more for
#: addresses up to about 100 characters (version 6, 41 modules: 21.8 mm).
SIZE_MM = 26.0

_PROLOGUE = re.compile(r"\A<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*")
#: renderSVG's placeholder title and description, and the clip to the drawing's own bounds.
_UNUSED = re.compile(
    r"\s*<title>\.\.\.</title>|\s*<desc>\.\.\.</desc>"
    r'|\s*<clipPath id="clip">.*?</clipPath>| style="clip-path: url\(#clip\)"',
    re.S,
)
_ROOT = re.compile(r"<svg\b[^>]*>")


def _modules_path(group: Group, side: int) -> Path:
    """The rectangles the widget drew at size 1, as one path in module units (``side`` modules)."""
    path = Path(fillColor=colors.black, strokeColor=None, strokeWidth=0)
    for shape in group.contents:
        if not isinstance(shape, Rect) or shape.fillColor is None:
            continue  # the widget's outline, drawn without fill
        x, y = round(shape.x * side), round(shape.y * side)
        width, height = round(shape.width * side), round(shape.height * side)
        path.moveTo(x, y)
        path.lineTo(x + width, y)
        path.lineTo(x + width, y + height)
        path.lineTo(x, y + height)
        path.closePath()
    return path


#: For a professional printer: the modules in black ink only (no four-colour black to register).
_PRINT_INKS = {"rgb(0%,0%,0%)": "device-cmyk(0 0 0 1)", "rgb(100%,100%,100%)": "device-cmyk(0 0 0 0)"}


@lru_cache(maxsize=256)
def qr_svg(data: str, size_mm: float = SIZE_MM, for_print: bool = False) -> str:
    """The SVG text of a QR code encoding ``data`` (UTF-8), ``size_mm`` wide and high; ``for_print``
    gives its colours as CMYK inks (``device-cmyk()``, which WeasyPrint writes as CMYK)."""
    widget = QrCodeWidget(data, barLevel=ERROR_CORRECTION, barBorder=QUIET_ZONE, barWidth=1, barHeight=1)
    modules = widget.draw()  # a Group of rectangles, one per run of dark modules in a row
    side = widget.qr.getModuleCount() + 2 * QUIET_ZONE
    drawing = Drawing(side, side)
    drawing.add(Rect(0, 0, side, side, fillColor=colors.white, strokeColor=None, strokeWidth=0))
    drawing.add(_modules_path(modules, side))
    svg = renderSVG.drawToString(drawing)
    svg = _UNUSED.sub("", _PROLOGUE.sub("", svg))
    size = f"{size_mm:g}mm"
    root = f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {side} {side}">'
    svg = _ROOT.sub(root, svg, count=1)
    if for_print:
        for screen, ink in _PRINT_INKS.items():
            svg = svg.replace(screen, ink)
    return svg


@lru_cache(maxsize=256)
def qr_data_uri(data: str, for_print: bool = False) -> str:
    """:func:`qr_svg` of ``data`` as a ``data:image/svg+xml`` URI for an ``<img>`` element."""
    svg = qr_svg(data, for_print=True) if for_print else qr_svg(data)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
