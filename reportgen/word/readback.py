"""Reading an edited Word edition back: each bookmarked narrative field as Markdown and text.

The bookmarks ``rg_<n>`` and the ``reportgen.fields`` custom property (see :mod:`.convert`,
:mod:`.package`) say which paragraphs hold which field. A field's paragraphs become the
narrative Markdown subset again: bold and italic runs as ``**``/``*``, List Bullet and List
Number paragraphs as ``-`` and ``1.`` items, hyperlinks as ``[text](address)`` (the printed
``(address)`` after a link is dropped, the renderer adds it again). Tracked changes count as
accepted (insertions kept, deletions dropped) and are listed for the reader.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import DataError, Issue
from .package import CUSTOM, read_fields

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "word/document.xml"
RELS = "word/_rels/document.xml.rels"
#: The most an XML part of an imported .docx may unpack to (a long report's is under 2 MB): a
#: zip bomb is refused before it is inflated.
MAX_PART_BYTES = 64 * 1024 * 1024
BULLET_STYLES = frozenset({"ListBullet", "List Bullet", "ListBullet2"})
NUMBER_STYLES = frozenset({"ListNumber", "List Number", "ListNumber2"})


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass
class FieldText:
    """One narrative field as the document now has it."""

    name: str
    where: dict[str, Any]
    markdown: str = ""
    text: str = ""  # the plain text as printed (links with their printed address)
    inserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@dataclass
class WordEdition:
    """What :func:`read_edition` found in a .docx."""

    report: dict[str, Any]
    fields: list[FieldText]
    tables: list[list[list[str]]]  # every table's cell texts (accepted changes)


def _styles(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return str(style.get(w("val"))) if style is not None else ""


def _run_text(run: etree._Element, deleted: bool) -> str:
    parts: list[str] = []
    for node in run:
        if node.tag == w("delText" if deleted else "t"):
            parts.append(node.text or "")
        elif node.tag == w("tab"):
            parts.append("\t")
        elif node.tag in (w("br"), w("cr")):
            parts.append("\n")
    return "".join(parts)


def _flag(run: etree._Element, name: str) -> bool:
    node = run.find(f"{w('rPr')}/{w(name)}")
    return node is not None and node.get(w("val"), "true") not in ("0", "false")


class _Paragraph:
    """One paragraph's Markdown, printed text and tracked changes."""

    def __init__(self, element: etree._Element, links: dict[str, str]) -> None:
        self.markdown: list[str] = []
        self.text: list[str] = []
        self.inserted: list[str] = []
        self.deleted: list[str] = []
        self._links = links
        self._walk(element, None, False)

    def _add(self, text: str, run: etree._Element) -> None:
        self.text.append(text)
        if not text.strip():
            self.markdown.append(text.replace("\n", "  \n"))
            return
        core = text.strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if _flag(run, "b"):
            core = f"**{core}**"
        if _flag(run, "i"):
            core = f"*{core}*"
        self.markdown.append(lead + core.replace("\n", "  \n") + trail)

    def _walk(self, element: etree._Element, sink: list[etree._Element] | None, inserted: bool) -> None:
        """Runs in document order; inside a hyperlink they go to ``sink``, the link's label."""
        for node in element:
            if node.tag == w("r"):
                text = _run_text(node, False)
                if sink is not None:
                    sink.append(node)
                elif text:
                    self._add(text, node)
                if inserted and text:
                    self.inserted.append(text)
            elif node.tag == w("hyperlink"):
                target = self._links.get(str(node.get(f"{{{R}}}id", "")), "")
                if not target:
                    self._walk(node, sink, inserted)
                    continue
                runs: list[etree._Element] = []
                self._walk(node, runs, inserted)
                label = "".join(_run_text(run, False) for run in runs)
                self.text.append(label)
                self.markdown.append(f"[{label}]({target})" if label.strip() != target else f"<{target}>")
            elif node.tag == w("ins"):
                self._walk(node, sink, True)
            elif node.tag == w("del"):
                text = "".join(_run_text(run, True) for run in node.iter(w("r")))
                if text:
                    self.deleted.append(text)
            elif node.tag in (w("smartTag"), w("sdt"), w("sdtContent"), w("customXml"), w("fldSimple")):
                self._walk(node, sink, inserted)

    def result(self) -> tuple[str, str]:
        """(Markdown, plain text) of the paragraph."""
        return "".join(self.markdown).strip(), "".join(self.text).strip()


def _drop_printed_addresses(markdown: str) -> str:
    """``[text](url) (url)`` -> ``[text](url)``: the renderer prints the address itself."""

    def strip(match: re.Match[str]) -> str:
        url = match.group(2)
        printed = url.removeprefix("mailto:")
        return match.group(1) if match.group(3) in (url, printed) else match.group(0)

    return re.sub(r"(\[[^\]]*\]\(([^)\s]+)\)) \(([^)\s]+)\)", strip, markdown)


def _valid_field(where: dict[str, Any]) -> bool:
    """A field map entry as reportgen writes it (another one is ignored)."""
    return (
        where.get("field") in ("progress", "statement", "objectives")
        and isinstance(where.get("outcome"), str)
        and isinstance(where.get("year"), int)
        and isinstance(where.get("lang"), str)
    )


def _valid_report(report: dict[str, Any]) -> bool:
    """The report identity as reportgen writes it."""
    texts = ("kind", "key", "lang", "locale")
    return all(isinstance(report.get(name), str) for name in texts) and isinstance(report.get("year"), int)


def read_edition(path: Path) -> WordEdition:
    """The narrative fields and tables of the Word edition at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Issue(f"cannot read it ({exc.strerror})", file=path)]) from exc
    return read_edition_bytes(data, path)


def read_edition_bytes(data: bytes, path: Path) -> WordEdition:
    """:func:`read_edition` of bytes (``path`` names them in errors)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in (DOCUMENT, RELS, CUSTOM):
                if part in archive.namelist() and archive.getinfo(part).file_size > MAX_PART_BYTES:
                    size = archive.getinfo(part).file_size
                    message = f"its {part} unpacks to {size:,} bytes, more than {MAX_PART_BYTES:,}: not read"
                    raise DataError([Issue(message, file=path)])
            document = archive.read(DOCUMENT)
            rels = archive.read(RELS)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DataError([Issue(f"not a Word document reportgen can read ({exc})", file=path)]) from exc
    mapping = read_fields(data)
    report = mapping.pop("_report", {})
    if not _valid_report(report):
        report = {}
    mapping = {name: where for name, where in mapping.items() if _valid_field(where)}
    if not mapping:
        raise DataError([Issue("no reportgen fields in this document: is it a reportgen Word edition?", file=path)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(document, parser)
    links = {
        str(rel.get("Id")): str(rel.get("Target"))
        for rel in etree.fromstring(rels, parser)
        if str(rel.get("TargetMode", "")) == "External"
    }
    names = {str(start.get(w("id"))): str(start.get(w("name"))) for start in root.iter(w("bookmarkStart"))}
    fields = {name: FieldText(name, where) for name, where in mapping.items()}
    collected: dict[str, list[tuple[str, _Paragraph]]] = {name: [] for name in fields}
    active: set[str] = set()
    body = root.find(w("body"))
    for paragraph in body.iter(w("p")) if body is not None else ():
        if paragraph.getparent() is not None and paragraph.getparent().tag == w("tc"):
            continue
        ending: set[str] = set()
        for mark in paragraph.iter(w("bookmarkStart"), w("bookmarkEnd")):
            name = names.get(str(mark.get(w("id"))), "")
            if name not in fields:
                continue
            (active.add if mark.tag == w("bookmarkStart") else ending.add)(name)
        for name in active:
            collected[name].append((_styles(paragraph), _Paragraph(paragraph, links)))
        active -= ending
    for name, paragraphs in collected.items():
        _compose(fields[name], paragraphs)
    tables = [
        [[_cell_text(cell, links) for cell in row.iter(w("tc"))] for row in table.iter(w("tr"))]
        for table in root.iter(w("tbl"))
    ]
    return WordEdition(report, list(fields.values()), tables)


def _cell_text(cell: etree._Element, links: dict[str, str]) -> str:
    return " ".join(" ".join(_Paragraph(p, links).result()[1].split()) for p in cell.iter(w("p"))).strip()


def _compose(target: FieldText, paragraphs: list[tuple[str, _Paragraph]]) -> None:
    blocks: list[str] = []
    texts: list[str] = []
    number = 0
    previous_list = False
    for style, paragraph in paragraphs:
        markdown, text = paragraph.result()
        target.inserted.extend(paragraph.inserted)
        target.deleted.extend(paragraph.deleted)
        if not markdown:
            continue
        markdown = _drop_printed_addresses(markdown)
        texts.append(text)
        if style in BULLET_STYLES or style in NUMBER_STYLES:
            number = number + 1 if previous_list else 1
            item = f"- {markdown}" if style in BULLET_STYLES else f"{number}. {markdown}"
            if previous_list:
                blocks[-1] += "\n" + item
            else:
                blocks.append(item)
            previous_list = True
        else:
            blocks.append(markdown)
            previous_list = False
            number = 0
    target.markdown = "\n\n".join(blocks)
    target.text = " ".join(" ".join(texts).split())
