"""Reading rendered PDFs back for tests: structure-tagged tables and sections, fonts, metadata.

Text is recovered through the PDF's own structure tree (Table/TR/TH/TD, Art, H2...) and
the marked-content ids of the characters, so a cell's text is exactly what a screen
reader would announce for that cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
from pypdf import PdfReader


def norm(text: str) -> str:
    """Collapse all whitespace to single spaces."""
    return " ".join(text.split())


@dataclass
class Node:
    type: str
    text: str
    children: list[Node] = field(default_factory=list)
    alt: str | None = None

    def find(self, kind: str) -> Iterator[Node]:
        if self.type == kind:
            yield self
        for child in self.children:
            yield from child.find(kind)


class TaggedPdf:
    """A PDF's structure tree with the text of every element."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with pdfplumber.open(path) as pdf:
            self.page_count = len(pdf.pages)
            chars: dict[tuple[int, int], list[dict[str, Any]]] = {}
            self.page_text: list[str] = []
            for page in pdf.pages:
                self.page_text.append(page.extract_text() or "")
                for char in page.chars:
                    if char.get("mcid") is not None:
                        chars.setdefault((page.page_number, char["mcid"]), []).append(char)
            self._chars = chars
            self.root = Node("Root", "", [self._build(n) for n in pdf.structure_tree])

    def _mcid_text(self, page: int, mcid: int) -> str:
        chars = self._chars.get((page, mcid), [])
        out, last = "", None
        for char in chars:
            if last is not None and (abs(char["top"] - last["top"]) > 2 or char["x0"] - last["x1"] > 1.0):
                out += " "
            out += char["text"]
            last = char
        return out

    def _build(self, raw: dict[str, Any]) -> Node:
        children = [self._build(c) for c in raw.get("children", [])]
        own = " ".join(self._mcid_text(raw["page_number"], m) for m in raw.get("mcids") or [])
        text = norm(" ".join([own, *[c.text for c in children]]))
        return Node(raw.get("type", ""), text, children, raw.get("alt_text"))

    @property
    def text(self) -> str:
        return norm(" ".join(self.page_text))

    def tables(self) -> list[list[list[str]]]:
        """Each Table as rows of cell texts (TH and TD, in order)."""
        tables = []
        for table in self.root.find("Table"):
            rows = [[cell.text for cell in tr.children if cell.type in ("TH", "TD")] for tr in table.find("TR")]
            tables.append(rows)
        return tables

    def chart_figures(self) -> list[Node]:
        """Every Figure but the QR code of the report's online page (see :func:`qr_figures`)."""
        return [figure for figure in self.root.find("Figure") if not (figure.alt or "").startswith(QR_ALT)]


#: How the alternative text of a report's QR code starts (in English).
QR_ALT = "QR code linking to "


def qr_figures(pdf: TaggedPdf) -> list[Node]:
    """The Figures of QR codes of online pages, recognised by their English alternative text."""
    return [figure for figure in pdf.root.find("Figure") if (figure.alt or "").startswith(QR_ALT)]


def fonts(path: Path) -> dict[str, bool]:
    """Every font used by the PDF's pages: base name -> embedded?"""
    found: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        if not font_dict:
            continue
        for ref in font_dict.get_object().values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants.get_object()[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font.get("/BaseFont"))] = embedded
    return found


def outline_titles(path: Path) -> list[str]:
    """PDF bookmark titles, depth-first."""
    reader = PdfReader(path)

    def walk(items: list[Any]) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield norm(str(item.title))

    return list(walk(reader.outline))


def table_with_header(pdf: TaggedPdf, first_header_cell: str) -> list[list[str]]:
    """The table whose header row starts with ``first_header_cell``, its page fragments merged.

    A table split across pages is tagged as one Table per page, each repeating the header.
    Returns the header row followed by every body row, header repeats removed.
    """
    merged: list[list[str]] = []
    for rows in pdf.tables():
        if rows and rows[0] and rows[0][0] == first_header_cell:
            if not merged:
                merged.append(rows[0])
            merged.extend(row for row in rows[1:] if row != merged[0])
    if not merged:
        raise AssertionError(f"no table with header {first_header_cell!r}")
    return merged


def articles(pdf: TaggedPdf) -> list[tuple[str, str]]:
    """(heading, body) of every Art element; page fragments after the first are joined to it."""
    merged: list[tuple[str, str]] = []
    for art in pdf.root.find("Art"):
        first = art.children[0] if art.children else None
        if first is not None and first.type.startswith("H"):
            body = norm(" ".join(c.text for c in art.children[1:]))
            merged.append((first.text, body))
        elif merged:
            heading, body = merged[-1]
            merged[-1] = (heading, norm(body + " " + art.text))
    return merged


@dataclass(frozen=True)
class ColourSet:
    """A colour set by a content stream: ``rgb`` (rg/RG) or ``cmyk`` (scn/SCN with four
    components), on which page, and whether in the page's own stream or in a form it draws."""

    page: int
    space: str
    values: tuple[float, ...]
    on_page: bool


def _numbers(operands: Any) -> tuple[float, ...]:
    return tuple(round(float(value), 3) for value in operands)


def colours(path: Path) -> list[ColourSet]:
    """Every RGB and CMYK colour the PDF's pages set, forms (charts, pictures, marks) included."""
    found: list[ColourSet] = []
    with pikepdf.open(path) as pdf:
        seen: set[tuple[int, int]] = set()

        def walk(owner: pikepdf.Object, page: int, on_page: bool) -> None:
            for op in pikepdf.parse_content_stream(owner):
                name = str(op.operator)
                if name in ("rg", "RG"):
                    found.append(ColourSet(page, "rgb", _numbers(op.operands), on_page))
                elif name in ("scn", "SCN") and len(op.operands) == 4:
                    found.append(ColourSet(page, "cmyk", _numbers(op.operands), on_page))
            resources = owner.get("/Resources")
            if resources is not None and "/XObject" in resources:
                for xobject in resources.XObject.values():
                    if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
                        seen.add(xobject.objgen)
                        walk(xobject, page, False)

        for index, page in enumerate(pdf.pages):
            walk(page.obj, index, True)
    return found
