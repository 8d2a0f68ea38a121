"""Streaming, safe reading of an IATI activity file: one ``iati-activity`` at a time.

The file is fed in chunks to defusedxml's expat parser, which refuses any DOCTYPE, entity
declaration or external reference (so a hostile file can neither read local files nor
expand entities until memory runs out). Each ``iati-activity`` is built as a small tree
of :class:`Node` objects, handed over, and dropped: memory holds one activity at a time,
however large the file. Every node knows its line, for messages.

Malformed XML, a non-IATI root element and an IATI 1.x file are :class:`DataError` s
naming the file, line and (for malformed XML) column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import DataError, Issue
from ..limits import Limits, current, using
from ..load.sniff import looks_like, looks_like_text
from ..safe_files import open_binary
from . import codes

ROOT = "iati-activities"
ACTIVITY = "iati-activity"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")

#: Bytes read from the file at a time.
CHUNK = 64 * 1024
# The limits (file size, nesting, elements and text of one activity) are in reportgen.limits.

_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


class Node:
    """One element of an activity: tag, attributes, text, children, line."""

    __slots__ = ("_chunks", "attrib", "children", "line", "tag", "text")

    def __init__(self, tag: str, attrib: dict[str, str], line: int) -> None:
        self.tag, self.attrib, self.line = tag, attrib, line
        self.children: list[Node] = []
        self.text = ""
        self._chunks: list[str] = []

    def get(self, name: str) -> str | None:
        """An attribute's value, stripped; None when absent or blank."""
        value = self.attrib.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def find(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def findtext(self, tag: str) -> str | None:
        child = self.find(tag)
        if child is None:
            return None
        return child.text.strip() or None


@dataclass(frozen=True)
class FileInfo:
    """What the root element says about the whole file."""

    path: Path
    version: str | None
    generated: dt.date | None = None
    lang: str | None = None
    default_currency: str | None = None
    line: int = 1
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        """``foodsecurity-dportal.xml (IATI 2.03)``."""
        return f"{self.path.name} (IATI {self.version or 'version not stated'})"


def parse_date(text: str | None) -> dt.date | None:
    """The date of an ISO date or date-time (``2014-09-10T07:15:37Z`` -> 2014-09-10); None when
    absent; ValueError when it is not a date or its year is outside 1900-2200."""
    if text is None or not text.strip():
        return None
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"not a date (YYYY-MM-DD), got {text.strip()!r}")
    year, month, day = (int(g) for g in match.groups())
    if not 1900 <= year <= 2200:
        raise ValueError(f"year {year} is outside 1900-2200")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a valid date, got {text.strip()!r} ({exc})") from exc


class _Refused(Exception):
    """Raised from inside the parser to stop at a problem found in a handler."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class _Builder:
    """Parser target: builds each activity as a tree of Nodes and queues it when complete."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits
        self.parser: Any = None  # the DefusedXMLParser, set once created
        self.info: FileInfo | None = None
        self.stack: list[Node] = []
        self.done: deque[Node] = deque()
        self._elements = 0
        self._chars = 0

    def _line(self) -> int:
        return int(self.parser.parser.CurrentLineNumber)

    def _refuse(self, name: str, found: str, line: int) -> None:
        raise _Refused(Issue(self.limits.message(name, found), file=self.path, line=line))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        line = self._line()
        if self.info is None:
            self.info = _root_info(self.path, tag, attrib, line)
            self.stack.append(Node(tag, {}, line))
            return
        if len(self.stack) >= self.limits.iati_max_depth:
            self._refuse("iati_max_depth", "elements are nested too deeply", line)
        node = Node(tag, attrib, line)
        if len(self.stack) == 1:
            self._elements = self._chars = 0
        else:
            self.stack[-1].children.append(node)
        self._elements += 1
        if self._elements > self.limits.iati_max_activity_elements:
            self._refuse("iati_max_activity_elements", "one activity holds too many elements", line)
        self.stack.append(node)

    def data(self, text: str) -> None:
        if len(self.stack) > 1:
            self._chars += len(text)
            if self._chars > self.limits.iati_max_activity_chars:
                self._refuse("iati_max_activity_chars", "one activity holds too much text", self._line())
            self.stack[-1]._chunks.append(text)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        node.text = "".join(node._chunks)
        node._chunks = []
        if len(self.stack) == 1 and node.tag == ACTIVITY:
            self.done.append(node)

    def close(self) -> None:
        return None


def _root_info(path: Path, tag: str, attrib: dict[str, str], line: int) -> FileInfo:
    """The root element checked: an IATI 2.x activity file, or a clear refusal."""
    if tag != ROOT:
        if tag == "iati-organisations":
            message = "this is an IATI organisation file; import an activity file (root element <iati-activities>)"
        else:
            message = f"not an IATI activity file: the root element is <{tag}>, expected <{ROOT}>"
        raise _Refused(Issue(message, file=path, line=line))
    version = (attrib.get("version") or "").strip() or None
    notes: list[str] = []
    if version is not None and version.startswith("1."):
        raise _Refused(
            Issue(
                f"IATI version {version}: IATI 1.x is retired and no longer read; the file must use "
                "version 2.01, 2.02 or 2.03. Get the publisher's current file from the IATI Registry "
                "(https://iatiregistry.org) or an extract from d-portal (https://d-portal.org)",
                file=path,
                line=line,
                field="version",
            )
        )
    if version is None:
        notes.append("the file does not state its IATI version; read as 2.03")
    elif version not in SUPPORTED_VERSIONS:
        notes.append(f"IATI version {version} is not one reportgen knows (2.01-2.03); read as 2.03")
    try:
        generated = parse_date(attrib.get("generated-datetime"))
    except ValueError as exc:
        generated = None
        notes.append(f"line {line}: generated-datetime: {exc}; ignored")
    return FileInfo(
        path=path,
        version=version,
        generated=generated,
        lang=codes.language(attrib.get(XML_LANG)),
        default_currency=(attrib.get("default-currency") or "").strip() or None,
        line=line,
        notes=tuple(notes),
    )


def _hint(head: bytes, chunk: bytes, message: str) -> str:
    """What a file that is not well-formed XML seems to be, from its first bytes and the chunk
    being read when the parser stopped; ``""`` when they say nothing."""
    if not head:
        return " (the file is empty)"
    what = looks_like(head)
    if what:
        return f" (the file looks like {what})"
    if looks_like_text(head) and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return " (the file is text, but not XML: it does not start with '<')"
    if "invalid token" in message:
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(chunk) - 3:  # not just a character cut at the chunk's end
                return (
                    f" (byte 0x{chunk[exc.start]:02x} is not UTF-8: save the file as UTF-8, or name its "
                    'encoding in the first line, <?xml version="1.0" encoding="ISO-8859-1"?>)'
                )
    return ""


class ActivityFile:
    """An IATI activity file read as a stream: iterate for the activities; ``info`` describes
    the file once iteration has started."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.limits = current()
        self._builder = _Builder(self.path, self.limits)

    @property
    def info(self) -> FileInfo:
        if self._builder.info is None:  # pragma: no cover - only before iteration starts
            raise RuntimeError("the file has not been read yet")
        return self._builder.info

    def __iter__(self) -> Iterator[Node]:
        with using(self.limits):  # a regular file (a FIFO would block), within iati_max_bytes, read bounded
            stream: IO[bytes] = open_binary(self.path, root=None, limit="iati_max_bytes")
        builder = self._builder
        parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        builder.parser = parser
        head, chunk, ended = b"", b"", False
        with stream:
            try:
                while chunk := stream.read(CHUNK):
                    head = head or chunk[:512]
                    parser.feed(chunk)
                    while builder.done:
                        yield builder.done.popleft()
                ended = True  # an error from here on means the file stopped before the XML did
                parser.close()
            except _Refused as exc:
                raise DataError([exc.issue]) from None
            except DefusedXmlException:
                line = int(parser.parser.CurrentLineNumber)
                raise DataError(
                    [
                        Issue(
                            "the file declares a DOCTYPE or entities, which IATI files never need; refused "
                            "(a declared entity could read local files or expand until memory runs out)",
                            file=self.path,
                            line=line,
                        )
                    ]
                ) from None
            except ParseError as exc:
                line, column = exc.position
                message = expat.ErrorString(exc.code) if getattr(exc, "code", None) else str(exc)
                message += _hint(head, chunk, message)
                if ended and head:
                    message += " (the file ends before its XML does: was it cut short?)"
                raise DataError(
                    [Issue(f"malformed XML: {message}", file=self.path, line=line, column=str(column + 1))]
                ) from None
        while builder.done:
            yield builder.done.popleft()
        if builder.info is None:  # pragma: no cover - expat reports an empty document first
            raise DataError([Issue("no root element", file=self.path)])
