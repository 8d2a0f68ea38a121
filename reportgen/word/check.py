"""The checks a batch runs on each Word edition before it writes it: the .docx counterpart of
``reportgen verify``'s accessibility checks, cheap enough to run on every report.

* ``package``: a zip whose every entry reads back (CRC), with ``[Content_Types].xml`` and
  ``word/document.xml``, that python-docx opens;
* ``properties``: core properties with a title and a language (what a reader's title bar and
  a screen reader's voice come from);
* ``figures``: every image (``wp:docPr``) has alternative text;
* ``tables``: every table's first row is a header row repeated on each page (``w:tblHeader``);
* ``headings``: at least one paragraph in a Heading style (the navigation pane, the TOC field).

The full schema validation is a test (tests/unit/test_word.py, with openxml-audit), not a
runtime dependency. A check never raises: a file that does not open fails ``package``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn

__all__ = ["NAMES", "DocxCheck", "check_docx"]

NAMES = ("package", "properties", "figures", "tables", "headings")
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


@dataclass(frozen=True)
class DocxCheck:
    name: str
    passed: bool
    detail: str


def check_docx(data: bytes) -> list[DocxCheck]:
    """One :class:`DocxCheck` per name of :data:`NAMES`, in that order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bad = archive.testzip()
            names = set(archive.namelist())
        missing = [name for name in REQUIRED_PARTS if name not in names]
        if bad is not None or missing:
            why = f"entry {bad} is corrupt" if bad is not None else f"no {missing[0]}"
            return _unchecked(f"not a Word package: {why}")
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a hostile or truncated file: this check fails, the others are not run
        return _unchecked(f"does not open: {type(exc).__name__}: {exc}")
    checks = [DocxCheck("package", True, f"{len(names)} parts")]
    core = document.core_properties
    lacking = [name for name, value in (("title", core.title), ("language", core.language)) if not value]
    checks.append(DocxCheck("properties", not lacking, "no " + " or ".join(lacking) if lacking else "title, language"))
    body = document.element.body
    images = list(body.iter(WP_DOCPR))
    bare = sum(1 for image in images if not (image.get("descr") or "").strip())
    checks.append(DocxCheck("figures", not bare, f"{bare} of {len(images)} images without alternative text"))
    tables = list(body.iter(qn("w:tbl")))
    headless = sum(1 for table in tables if not _header_row(table.find(qn("w:tr"))))
    checks.append(DocxCheck("tables", not headless, f"{headless} of {len(tables)} tables without a header row"))
    heading_ids = {style.style_id for style in document.styles if (style.name or "").startswith("Heading ")}
    headings = sum(1 for used in body.iter(qn("w:pStyle")) if used.get(qn("w:val")) in heading_ids)
    checks.append(DocxCheck("headings", headings > 0, f"{headings} headings"))
    return checks


def _header_row(row: object) -> bool:
    """Whether ``row`` (a ``w:tr``, or None for a table without rows) repeats as a header row."""
    return row is not None and row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None  # type: ignore[attr-defined]


def _unchecked(why: str) -> list[DocxCheck]:
    return [DocxCheck("package", False, why), *(DocxCheck(name, False, "not checked") for name in NAMES[1:])]
