"""A theme's ``reference.docx``: the Word styles of its Word editions, made from its theme.css.

The styles an editor changes once instead of fifty paragraphs: Normal, Title, Heading 1-6,
Caption, List Bullet/Number, Hyperlink and the "Report Table" table style (header row bold on
the theme's surface colour, rules in its rule colour). Built on python-docx's own template from
the theme's CSS variables (``--font``, ``--font-headings``, ``--ink``, ``--primary``,
``--accent``, ``--rule``, ``--surface``, ``--size-body``, ``--size-h1``-``--size-h3``).
``reportgen theme reference-docx`` (or ``scripts/make_reference_docx.py``) writes it into the
shipped themes; a theme without one gets it built in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt, RGBColor

from ..atomic import write_atomic
from .package import Properties, deterministic_package

REFERENCE = "reference.docx"
#: The date stamped into a reference document (it describes styles, not data).
REFERENCE_DATE = dt.date(2024, 1, 1)
_VARIABLE = re.compile(r"--([a-z0-9-]+)\s*:\s*([^;]+);")
DEFAULTS = {
    "font": "Inter",
    "ink": "#1f2933",
    "primary": "#0b3d6e",
    "accent": "#0072b2",
    "rule": "#cfd7df",
    "surface": "#f2f5f8",
    "size-body": "9.5pt",
    "size-h1": "24pt",
    "size-h2": "13.5pt",
    "size-h3": "10.5pt",
}


def theme_variables(folder: Path) -> dict[str, str]:
    """The theme's CSS custom properties (the default theme's where it sets none)."""
    values = dict(DEFAULTS)
    for sheet in (Path(__file__).resolve().parents[2] / "themes" / "default" / "theme.css", folder / "theme.css"):
        if sheet.is_file():
            for name, value in _VARIABLE.findall(sheet.read_text(encoding="utf-8")):
                values[name] = value.strip().strip("\"'")
    return values


def _colour(value: str) -> RGBColor:
    value = value.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return RGBColor.from_string(value[:6].upper())
    except ValueError:
        return RGBColor(0, 0, 0)


def _points(value: str, fallback: float) -> Pt:
    match = re.match(r"([\d.]+)pt", value.strip())
    return Pt(float(match.group(1)) if match else fallback)


def _hex(value: str) -> str:
    return str(_colour(value))


def make_reference(folder: Path) -> bytes:
    """The bytes of ``folder``'s reference.docx (deterministic)."""
    v = theme_variables(folder)
    document = docx.Document()
    styles = document.styles
    heading_font = v.get("font-headings", v["font"])
    normal = styles["Normal"]
    normal.font.name = v["font"]
    normal.font.size = _points(v["size-body"], 9.5)
    normal.font.color.rgb = _colour(v["ink"])
    sizes = {1: _points(v["size-h1"], 24), 2: _points(v["size-h2"], 13.5), 3: _points(v["size-h3"], 10.5)}
    for level in range(1, 7):
        style = styles[f"Heading {level}"]
        style.font.name = heading_font
        style.font.color.rgb = _colour(v["primary"])
        style.font.size = sizes.get(level, sizes[3])
    for name in ("Title", "TOC Heading"):
        styles[name].font.name = heading_font
        styles[name].font.color.rgb = _colour(v["primary"])
    styles["Caption"].font.color.rgb = _colour(v.get("muted", v["ink"]))
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = _colour(v["accent"])
    link.font.underline = True
    table = styles.add_style("Report Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.size = _points(v.get("size-table", v["size-body"]), 8.3)
    rule, surface = _hex(v["rule"]), _hex(v["surface"])
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{rule}"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table.element.append(parse_xml(f"<w:tblPr {nsdecls('w')}><w:tblBorders>{borders}</w:tblBorders></w:tblPr>"))
    table.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{surface}"/></w:tcPr></w:tblStylePr>'
        )
    )
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = _points(v.get("size-table", v["size-body"]), 8.3)
    cell.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, the reports' default
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(20)
    buffer = io.BytesIO()
    document.save(buffer)
    name = folder.name
    return deterministic_package(
        buffer.getvalue(), Properties(f"reportgen styles: {name}", "reportgen", "", "", "", REFERENCE_DATE), {}
    )


def reference_path(folder: Path) -> Path | io.BytesIO:
    """The theme's reference.docx, or one built in memory when the theme has none."""
    path = folder / REFERENCE
    return path if path.is_file() else io.BytesIO(make_reference(folder))


def write_reference(folder: Path) -> Path:
    """Write ``folder/reference.docx`` atomically; returns its path."""
    return write_atomic(make_reference(folder), folder / REFERENCE)
