"""The report's HTML -> a python-docx document on the theme's ``reference.docx``.

The walk knows only HTML, never a report kind, so every kind's section order, wording and
figures come from its one template (no second copy to drift). The rules:

* ``h1``-``h6`` -> Heading 1-6; ``p``, ``li`` and loose text -> Normal, List Bullet, List Number;
* ``table`` -> a Word table in the "Report Table" style, ``thead`` rows repeated on every page
  (``w:tblHeader``), cells with class ``num`` right-aligned, the caption as a Caption paragraph;
* a chart's ``img`` -> its PNG variant with the chart's alternative text (``wp:docPr/@descr``);
  other images (logos, QR codes) are left out, their alternative text kept as a paragraph;
* ``em``/``strong``/``a``/``br`` -> italic, bold, hyperlink, line break;
* after the title block, a TOC field; the footer prints "Data as of" and "Page X of Y" fields,
  the header the organization and the report's title (and "Illustrative data" when the data is
  invented), as the PDF's running header;
* each narrative field (progress notes, the outcome statement and objectives: ``div.narrative``)
  is wrapped in a bookmark ``rg_<n>``; :attr:`Converter.field_map` says which outcome, year and
  field ``n`` is.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from ..formatting import long_date
from ..i18n import Translate
from ..kinds import Report

#: Elements whose content is a paragraph of its own.
PARAGRAPHS = frozenset({"p", "li", "caption", "figcaption", "dt", "dd"})
#: Elements that only group blocks.
CONTAINERS = frozenset(
    {
        "body",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "figure",
        "ul",
        "ol",
        "dl",
        "blockquote",
    }
)
#: Width of a chart image on the page.
CHART_WIDTH = Cm(16)
#: What follows ``w:tblW`` inside ``w:tblPr`` (ECMA-376 Part 1, CT_TblPr).
TBL_W_SUCCESSORS = (
    "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
#: The running header's type size (the PDF's 7.5pt).
HEADER_SIZE = Pt(7.5)
TABLE_STYLE = "Report Table"
CELL_STYLE = "Table Text"
BOOKMARK_PREFIX = "rg_"
#: Languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur"})
#: What follows ``w:lang`` in run properties, and ``w:bidi`` in paragraph properties (ECMA-376 Part 1,
#: CT_RPr and CT_PPrBase): an element appended at the end would be out of the schema's order.
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
PPR_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
#: What follows ``w:updateFields`` in ``w:settings`` (ECMA-376 Part 1, CT_Settings), by local name.
SETTINGS_AFTER_UPDATE = frozenset(
    {
        *("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema"),
        *("themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures"),
        *("forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults"),
        *("doNotEmbedSmartTags", "decimalSymbol", "listSeparator"),
    }
)
#: Inline parts the stylesheet sets on a line of their own (a cell's split, a year note...).
LINE_BEFORE = frozenset(
    {
        "split",
        "partner-type",
        "year-note",
        "indicator-type",
        "target-note",
        "currency-note",
        "figure-note",
        "outcome-country",
        "count",
    }
)


def _classes(element: HtmlElement) -> set[str]:
    return set(str(element.get("class", "")).split())


def _field(instruction: str, paragraph: Paragraph, placeholder: str = "") -> None:
    """A complex field (``PAGE``, ``NUMPAGES``, ``TOC ...``) at the end of ``paragraph``."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", placeholder),
        ("end", None),
    ):
        run = OxmlElement("w:r")
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text or ""
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                node.set(qn("w:dirty"), "true")  # Word updates it on opening
        run.append(node)
        paragraph._p.append(run)


#: Characters of room a cell that never wraps needs beyond its text: its margins, and the slack for
#: figures and capitals set wider than an average character (LibreOffice wraps "28.5%" at +3).
FIGURE_ROOM = 6


def _widths(table: Table, lengths: list[int], text_width: int) -> None:
    """Column widths shared out over the text column in proportion to their longest line."""
    total = sum(lengths)
    widths = [int(text_width * length / total) for length in lengths]
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(sum(widths) // 635))  # EMU -> twentieths of a point
    tbl_w.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(tbl_w, *TBL_W_SUCCESSORS)  # the schema's order (CT_TblPr), or Word repairs it
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width // 635))
    for row in table.rows:
        for tc in row._tr.tc_lst:
            start = sum(t.grid_span for t in row._tr.tc_lst[: row._tr.tc_lst.index(tc)])
            tc.width = Emu(sum(widths[start : start + tc.grid_span]))


class Converter:
    """One report's HTML written into one Word document."""

    def __init__(
        self,
        reference: Path | io.BytesIO,
        translate: Translate,
        report: Report,
        images: dict[str, bytes],
    ) -> None:
        self.document: Document = docx.Document(str(reference) if isinstance(reference, Path) else reference)
        self.translate = translate
        self.lang = report.lang
        self.locale = report.locale
        self.data_as_of = report.data_as_of
        self.report_year = report.report_year
        self.title = report.title
        self.organization = report.organization.display_name
        self.illustrative = bool(getattr(report, "illustrative", False))
        self.images = images
        self.field_map: dict[str, dict[str, Any]] = {}
        self._toc_done = False
        self._has_nav = False
        self._last: dict[Any, str] = {}  # a paragraph's last character written (HTML's whitespace rule)
        body = self.document.element.body
        for child in list(body):  # the reference document's sample content, if any
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    # -- document-level parts ------------------------------------------------------------
    def convert(self, html: str) -> None:
        root = lxml_html.document_fromstring(html)
        self._language(str(root.get("lang") or self.lang))
        self._footer()
        self._header()
        self._update_fields_on_open()
        body = root.find("body")
        self._has_nav = bool(root.xpath("//nav[contains(concat(' ', @class, ' '), ' toc ')]"))
        if body is not None:
            self._blocks(body, None)
        if not self._toc_done:
            self._toc()
        self._drop_empty()

    def _drop_empty(self) -> None:
        """Paragraphs left with nothing in them (a logo's or QR code's place) are removed."""
        body = self.document.element.body
        for paragraph in body.findall(qn("w:p")):
            if not any(child.tag != qn("w:pPr") for child in paragraph):
                body.remove(paragraph)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def _language(self, tag: str) -> None:
        """The document language on the default run properties; right-to-left paragraphs and runs
        for a right-to-left language (Arabic, Hebrew, Persian, Urdu)."""
        styles = self.document.styles.element
        rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr_default is None:
            return
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr_default.insert_element_before(lang, *RPR_AFTER_LANG)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:bidi"), tag)
        if tag.replace("_", "-").split("-")[0].lower() in RIGHT_TO_LEFT:
            rpr_default.insert_element_before(OxmlElement("w:rtl"), "w:cs", "w:em", "w:lang", *RPR_AFTER_LANG)
            ppr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:pPrDefault"))
            if ppr_default is None:
                ppr_default = OxmlElement("w:pPrDefault")
                rpr_default.getparent().addnext(ppr_default)
            ppr = ppr_default.find(qn("w:pPr"))
            if ppr is None:
                ppr = OxmlElement("w:pPr")
                ppr_default.append(ppr)
            ppr.insert_element_before(OxmlElement("w:bidi"), *PPR_AFTER_BIDI)

    def _update_fields_on_open(self) -> None:
        """``w:updateFields``: Word offers to update the TOC and page fields when the document opens."""
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is not None:
            return
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = next((child for child in settings if etree.QName(child).localname in SETTINGS_AFTER_UPDATE), None)
        if later is None:
            settings.append(update)
        else:
            later.addprevious(update)

    def _footer(self) -> None:
        """ "Data as of <date>" and "Page X of Y" (PAGE and NUMPAGES fields), as the PDF's page foot."""
        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.text = ""
        paragraph.add_run(f"{self.translate('Data as of')} {long_date(self.data_as_of, self.locale)}\t")
        paragraph.add_run(f"{self.translate('Page')} ")
        _field("PAGE", paragraph, "1")
        paragraph.add_run(f" {self.translate('of')} ")
        _field("NUMPAGES", paragraph, "1")

    def _header(self) -> None:
        """The organization left, the report's title right, "Illustrative data" between them when the
        data is invented: the PDF's running header, on every page."""
        section = self.document.sections[0]
        header = section.header
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = ""
        if "Header" in [style.name for style in self.document.styles]:
            paragraph.style = self.document.styles["Header"]
        width = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        stops = paragraph.paragraph_format.tab_stops
        style_stops = paragraph.style.paragraph_format.tab_stops if paragraph.style is not None else []
        for inherited in style_stops:  # the style's are for another page width: cleared here
            stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Emu(width // 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.paragraph_format.space_after = Pt(8)
        mark = self.translate("Illustrative data") if self.illustrative else ""
        for text, bold in ((self.organization, False), ("\t", False), (mark, True), ("\t", False), (self.title, False)):
            run = paragraph.add_run(text)
            run.font.size = HEADER_SIZE  # the PDF's running header: small, beside the page's own text
            run.bold = run.font.all_caps = bold or None

    def _toc(self, title: str | None = None) -> None:
        """A "Contents" heading (not itself in the contents) and a TOC field of Headings 1-3."""
        paragraph = self.document.add_paragraph(style="TOC Heading")
        paragraph.add_run(title or self.translate("Contents"))
        _field('TOC \\o "1-3" \\h \\z \\u', self.document.add_paragraph())
        self._toc_done = True

    # -- blocks ----------------------------------------------------------------------------
    def _new_paragraph(self, style: str | None, container: _Cell | None) -> Paragraph:
        owner = container if container is not None else self.document
        paragraph = owner.add_paragraph()
        if style:
            paragraph.style = self.document.styles[style]
        return paragraph

    def _blocks(self, element: HtmlElement, cell: _Cell | None, list_style: str | None = None) -> None:
        """The block content of ``element``: loose inline content gathered into paragraphs."""
        pending: Paragraph | None = None

        def inline_target() -> Paragraph:
            nonlocal pending
            if pending is None:
                pending = self._new_paragraph(None, cell)
            return pending

        if element.text and element.text.strip():
            self._text(inline_target(), element.text, {})
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if self._is_block(child):
                pending = None
                self._block(child, cell, list_style)
            else:
                self._inline(inline_target(), child, {})
            if child.tail and child.tail.strip():
                self._text(inline_target(), child.tail, {})

    @staticmethod
    def _is_block(element: HtmlElement) -> bool:
        tag = element.tag
        return (
            tag in PARAGRAPHS
            or tag in CONTAINERS
            or tag == "table"
            or (len(tag) == 2 and tag[0] == "h" and tag[1].isdigit())
        )

    def _block(self, element: HtmlElement, cell: _Cell | None, list_style: str | None) -> None:
        tag = element.tag
        classes = _classes(element)
        if tag == "nav" and "toc" in classes and cell is None:  # the HTML's contents page: Word's own TOC
            heading = element.find(".//h1")
            self._toc(" ".join(heading.text_content().split()) if heading is not None else None)
            return
        elif tag[0] == "h" and tag[1:].isdigit():
            paragraph = self._new_paragraph(f"Heading {min(int(tag[1:]), 6)}", cell)
            self._inline_content(paragraph, element, {})
        elif tag == "table":
            self._table(element)
        elif tag in ("ul", "ol"):
            self._blocks(element, cell, "List Number" if tag == "ol" else "List Bullet")
        elif tag == "li":
            nested = any(isinstance(c.tag, str) and c.tag in ("ul", "ol", "p") for c in element)
            if nested:
                self._blocks(element, cell, list_style)
            else:
                paragraph = self._new_paragraph(list_style, cell)
                self._inline_content(paragraph, element, {})
        elif tag in ("caption", "figcaption"):
            paragraph = self._new_paragraph("Caption", cell)
            self._inline_content(paragraph, element, {})
        elif tag in PARAGRAPHS:
            paragraph = self._new_paragraph(list_style if element.getparent().tag == "li" else None, cell)
            self._inline_content(paragraph, element, {})
        elif "narrative" in classes and cell is None:
            self._bookmarked(element)
        else:
            self._blocks(element, cell, list_style)
        if tag == "header" and "title-block" in classes and cell is None and not self._toc_done and not self._has_nav:
            self._toc()

    def _outcome_of(self, element: HtmlElement) -> str | None:
        """The outcome a narrative belongs to: a brief's ``section#<id>-summary`` or
        ``#<id>-progress``, a donor chapter's heading ``outcome-<id>``."""
        for section in element.xpath("ancestor::section[@id]"):
            for suffix in ("-summary", "-progress"):
                if str(section.get("id")).endswith(suffix):
                    return str(section.get("id")).removesuffix(suffix)
        chapter = element.xpath(
            "ancestor::section[contains(@class, 'outcome-chapter')][1]/h1[starts-with(@id, 'outcome-')]"
        )
        return str(chapter[0].get("id")).removeprefix("outcome-") if chapter else None

    def _field_of(self, element: HtmlElement) -> tuple[str, str, int] | None:
        """(field, outcome id, year) of a narrative block (``div.narrative``): a progress note
        (``div.note-text``; the year in its article's heading, else the report year's), the
        outcome statement (in ``blockquote.statement``) or its objectives (in ``div.objectives``)."""
        outcome = self._outcome_of(element)
        parent = element.getparent()
        if outcome is None or parent is None:
            return None
        if "note-text" in _classes(element):
            years = element.xpath("ancestor::article[1]//*[contains(@class, 'note-heading-year')]")
            year = years[0].text_content().strip() if years else str(self.report_year)
            return ("progress", outcome, int(year)) if year.isdigit() else None
        if parent.tag == "blockquote" and "statement" in _classes(parent):
            return "statement", outcome, self.report_year
        if "objectives" in _classes(parent):
            return "objectives", outcome, self.report_year
        return None

    def _bookmarked(self, element: HtmlElement) -> None:
        """A narrative field between ``w:bookmarkStart`` and ``w:bookmarkEnd``, named in the field
        map (a narrative whose outcome and field the HTML does not say is written without one)."""
        where = self._field_of(element)
        if where is None:
            self._blocks(element, None)
            return
        body = self.document.element.body
        number = len(self.field_map)
        name = f"{BOOKMARK_PREFIX}{number}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        anchor = self.document.add_paragraph()  # receives the start; removed once the note is in
        anchor._p.append(start)
        self._blocks(element, None)
        last = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
        first = anchor._p.getnext()
        if first is not None and first.tag == qn("w:p"):
            first.insert(1 if first.find(qn("w:pPr")) is not None else 0, start)
            body.remove(anchor._p)
            last = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
        last.append(end)
        self.field_map[name] = {
            "field": where[0],
            "outcome": where[1],
            "year": where[2],
            "lang": str(element.get("lang") or self.lang),
        }

    def _table(self, element: HtmlElement) -> None:
        caption = element.find("caption")
        if caption is not None:
            paragraph = self._new_paragraph("Caption", None)
            self._inline_content(paragraph, caption, {})
        groups: list[tuple[bool, HtmlElement]] = []
        for part in element:
            if part.tag in ("thead", "tbody", "tfoot"):
                groups.extend((part.tag == "thead", row) for row in part if row.tag == "tr")
            elif part.tag == "tr":
                groups.append((False, part))
        if not groups:
            return
        placed: list[tuple[int, int, int, int, HtmlElement]] = []  # row, column, rows, columns, cell
        taken: set[tuple[int, int]] = set()
        for index, (_, row) in enumerate(groups):
            column = 0
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                while (index, column) in taken:
                    column += 1
                rows = min(max(int(cell.get("rowspan", "1") or 1), 1), len(groups) - index)
                span = max(int(cell.get("colspan", "1") or 1), 1)
                taken.update((index + r, column + c) for r in range(rows) for c in range(span))
                placed.append((index, column, rows, span, cell))
                column += span
        width = max(column for _, column in taken) + 1
        table = self.document.add_table(rows=len(groups), cols=width)
        table.style = self.document.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for index, (header, _) in enumerate(groups):
            if header:
                table.rows[index]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        lengths = [1] * width  # per column: its longest line, which sets its share of the width
        words = [1] * width  # per column: the longest word of a cell that may wrap (a note, a header)
        figure_lengths: dict[int, int] = {}  # columns of figures: their longest figure
        for index, column, rows, span, cell in placed:
            header = groups[index][0]
            target = table.cell(index, column)
            if rows > 1 or span > 1:
                target = target.merge(table.cell(index + rows - 1, column + span - 1))
            paragraph = target.paragraphs[0]
            paragraph.style = self.document.styles[CELL_STYLE]
            self._inline_content(paragraph, cell, {"bold": header or cell.tag == "th"})
            note = bool(cell.find_class("no-data"))  # "No data available" in a column of figures: it may wrap
            numeric = "num" in _classes(cell) and not note
            if span == 1:
                longest = max((len(line) for line in paragraph.text.splitlines()), default=1)
                lengths[column] = max(lengths[column], min(longest, 40) + 3)  # cell margins
                if numeric:
                    figure_lengths[column] = max(figure_lengths.get(column, 1), longest + FIGURE_ROOM)
                else:  # a word is never broken: a column is at least as wide as its longest word
                    words[column] = max([words[column], *(len(word) + FIGURE_ROOM for word in paragraph.text.split())])
                    lengths[column] = max(lengths[column], words[column])
            if numeric:
                target._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            if numeric or note:
                for each in target.paragraphs:
                    each.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # A column of figures (kept on one line) is as wide as its figures; a note in it such as
        # "No data available" wraps instead of taking the width the figures of other columns need.
        for column, figure_length in figure_lengths.items():
            lengths[column] = max(figure_length, words[column])
        section = self.document.sections[-1]
        _widths(
            table,
            lengths,
            int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0),
        )

    # -- inline content ------------------------------------------------------------------
    def _inline_content(self, paragraph: Paragraph, element: HtmlElement, fmt: dict[str, Any]) -> None:
        if element.text:
            self._text(paragraph, element.text, fmt)
        for child in element:
            if isinstance(child.tag, str):
                if child.tag in ("ul", "ol", "p", "div"):  # a block inside a cell or list item
                    self._text(paragraph, " ", fmt)
                    self._inline_content(paragraph, child, fmt)
                else:
                    self._inline(paragraph, child, fmt)
            if child.tail:
                self._text(paragraph, child.tail, fmt)

    def _inline(self, paragraph: Paragraph, element: HtmlElement, fmt: dict[str, Any]) -> None:
        tag = element.tag
        classes = _classes(element)
        if tag == "br":
            paragraph.add_run().add_break()
            self._last[paragraph._p] = ""
        elif tag == "img":
            self._image(paragraph, element)
        elif tag in ("svg", "style", "script") or "swatch" in classes:
            return
        elif tag == "a" and element.get("href", "").startswith(("http:", "https:", "mailto:")):
            self._hyperlink(paragraph, element, fmt)
        else:
            inner = dict(fmt)
            if tag in ("em", "i"):
                inner["italic"] = True
            elif tag in ("strong", "b"):
                inner["bold"] = True
            if classes & LINE_BEFORE and self._last.get(paragraph._p, ""):
                self._text(paragraph, " ", fmt)
                paragraph.add_run().add_break()
                self._last[paragraph._p] = ""
            self._inline_content(paragraph, element, inner)
            if classes & {"term", "label"}:
                self._text(paragraph, ": ", fmt)

    def _text(self, paragraph: Paragraph, text: str, fmt: dict[str, Any]) -> None:
        """``text`` with HTML's whitespace rule: runs of white space are one space."""
        collapsed = " ".join(text.split())
        piece = (" " if text[:1].isspace() else "") + collapsed + (" " if collapsed and text[-1:].isspace() else "")
        if self._last.get(paragraph._p, "") in ("", " "):
            piece = piece.lstrip()
        if not piece:
            return
        self._last[paragraph._p] = piece[-1]
        run = paragraph.add_run(piece)
        run.bold = True if fmt.get("bold") else None
        run.italic = True if fmt.get("italic") else None

    def _hyperlink(self, paragraph: Paragraph, element: HtmlElement, fmt: dict[str, Any]) -> None:
        """A real ``w:hyperlink`` to the address, in the Hyperlink character style."""
        r_id = paragraph.part.relate_to(str(element.get("href")), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        before = len(paragraph._p)
        self._text(paragraph, element.text_content(), fmt)
        for run in list(paragraph._p)[before:]:
            paragraph._p.remove(run)
            r_pr = run.get_or_add_rPr()
            style = OxmlElement("w:rStyle")
            style.set(qn("w:val"), "Hyperlink")
            r_pr.insert(0, style)
            link.append(run)
        paragraph._p.append(link)

    def _image(self, paragraph: Paragraph, element: HtmlElement) -> None:
        alt = str(element.get("alt", ""))
        png = self.images.get(alt)
        if png is None:  # a logo or QR code: its text alternative stands in for it
            return
        run = paragraph.add_run()
        run.add_picture(io.BytesIO(png), width=CHART_WIDTH)
        for doc_pr in run._r.iter(qn("wp:docPr")):
            doc_pr.set("descr", alt)
