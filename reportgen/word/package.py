"""The .docx package made deterministic: the same report gives the same bytes in any process.

python-docx stamps each zip entry with the clock and leaves core properties from its template;
here the package is written again with the entries in one order ([Content_Types].xml first, then
by name), every entry dated the data's ``data_as_of``, core properties (title, author, subject,
keywords, language, created/modified = ``data_as_of``) written from the report's HTML head, and
the bookmark -> field map stored as the custom property ``reportgen.fields``, and the extended
properties (``docProps/app.xml``) naming reportgen as the application.

Two optional parts of python-docx's template are left out, with their relationships and content
types: ``word/stylesWithEffects.xml`` (Word 2010's copy of the styles, which no longer matches
the theme's styles: Word treats the mismatch as content to repair) and ``docProps/thumbnail.jpeg``
(a picture of the template, not of the report).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from lxml import html as lxml_html

CORE = "docProps/core.xml"
CUSTOM = "docProps/custom.xml"
APP = "docProps/app.xml"
#: Extended properties naming what made the document (python-docx's template says "Microsoft
#: Macintosh Word", with the page and word counts of its own empty page).
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>reportgen</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    b"</Properties>"
)
CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
FIELDS_PROPERTY = "reportgen.fields"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
#: Optional parts of python-docx's template that do not describe the report (see above).
DROPPED = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")
#: The relationship part that names each dropped part.
_RELS_OF = {"word/stylesWithEffects.xml": "word/_rels/document.xml.rels", "docProps/thumbnail.jpeg": ROOT_RELS}
#: The earliest date a zip entry can carry.
ZIP_EPOCH = dt.date(1980, 1, 1)


@dataclass(frozen=True)
class Properties:
    """The core properties of one Word edition (the PDF's metadata, from the same HTML head)."""

    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    date: dt.date

    @classmethod
    def from_html(cls, html: str, date: dt.date) -> Properties:
        root = lxml_html.document_fromstring(html)

        def meta(name: str) -> str:
            found = root.xpath(f"//meta[@name='{name}']/@content")
            return " ".join(str(found[0]).split()) if found else ""

        title = root.findtext(".//title") or ""
        return cls(
            " ".join(title.split()),
            meta("author"),
            meta("description"),
            meta("keywords"),
            str(root.get("lang", "")),
            date,
        )


def _core_xml(p: Properties) -> bytes:
    stamp = f"{p.date.isoformat()}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(p.title)}</dc:title><dc:subject>{escape(p.subject)}</dc:subject>"
        f"<dc:creator>{escape(p.author)}</dc:creator><cp:keywords>{escape(p.keywords)}</cp:keywords>"
        f"<dc:language>{escape(p.lang)}</dc:language><cp:lastModifiedBy>{escape(p.author)}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _custom_xml(fields: dict[str, dict[str, Any]]) -> bytes:
    value = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{FIELDS_PROPERTY}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>"
    ).encode()


def _with_custom(types: bytes, rels: bytes) -> tuple[bytes, bytes]:
    text = types.decode()
    if "/docProps/custom.xml" not in text:
        text = text.replace("</Types>", f'<Override PartName="/{CUSTOM}" ContentType="{CUSTOM_TYPE}"/></Types>')
    rel_text = rels.decode()
    if CUSTOM_REL not in rel_text:
        rel_text = rel_text.replace(
            "</Relationships>", f'<Relationship Id="rIdCustom" Type="{CUSTOM_REL}" Target="{CUSTOM}"/></Relationships>'
        )
    return text.encode(), rel_text.encode()


def _without(parts: dict[str, bytes], name: str) -> None:
    """Remove part ``name``, the relationship that targets it and its content-type override."""
    if parts.pop(name, None) is None:
        return
    rels = _RELS_OF[name]
    if rels in parts:
        base = rels.split("_rels/")[0]  # the folder the relationship targets are relative to
        tree = etree.fromstring(parts[rels])
        for relationship in list(tree):
            if base + str(relationship.get("Target", "")) == name:
                tree.remove(relationship)
        parts[rels] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    types = etree.fromstring(parts[CONTENT_TYPES])
    for override in list(types):
        if override.get("PartName") == f"/{name}":
            types.remove(override)
    parts[CONTENT_TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)


def read_fields(data: bytes) -> dict[str, dict[str, Any]]:
    """The bookmark -> field map a Word edition carries (empty when it has none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if CUSTOM not in archive.namelist():
            return {}
        text = archive.read(CUSTOM).decode("utf-8", errors="replace")
    match = re.search(rf'name="{re.escape(FIELDS_PROPERTY)}"[^>]*>\s*<vt:lpwstr>(.*?)</vt:lpwstr>', text, re.S)
    if match is None:
        return {}
    from xml.sax.saxutils import unescape

    try:
        loaded = json.loads(unescape(match.group(1), {"&quot;": '"'}))
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(name): where for name, where in loaded.items() if isinstance(where, dict)}


def deterministic_package(data: bytes, properties: Properties, fields: dict[str, dict[str, Any]]) -> bytes:
    """``data`` (a .docx) rewritten: fixed entry order and dates, core and custom properties."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name in DROPPED:
        _without(parts, name)
    parts[CORE] = _core_xml(properties)
    if APP in parts:
        parts[APP] = APP_XML
    parts[CUSTOM] = _custom_xml(fields)
    parts[CONTENT_TYPES], parts[ROOT_RELS] = _with_custom(parts[CONTENT_TYPES], parts[ROOT_RELS])
    date = max(properties.date, ZIP_EPOCH)
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts, key=lambda n: (n != CONTENT_TYPES, n)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts[name], compresslevel=9)
    return out.getvalue()
