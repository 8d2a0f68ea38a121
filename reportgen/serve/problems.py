"""What went wrong, as the preview shows it: located problems, with the lines they point at.

Every failure the pipeline reports (a data error with its issues, an unknown id, a template
error, a failed layout) and every warning logged while rendering (refused URLs, stylesheet
errors) becomes a :class:`Problem` with the file, line and field where known.
"""

from __future__ import annotations

import logging
import re
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Issue, ReportgenError, Severity, TemplateRenderError
from ..pdf.writer import STYLESHEET_ATTRIBUTE

#: Lines of context shown around the line a problem points at.
CONTEXT_LINES = 2
#: Files larger than this are not quoted.
_QUOTE_LIMIT = 2_000_000


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    marked: bool


@dataclass(frozen=True)
class Problem:
    """One error or warning (an :class:`Issue`, located as precisely as its source allows)
    and the lines of its file it points at."""

    issue: Issue
    excerpt: tuple[SourceLine, ...] = ()

    @property
    def message(self) -> str:
        return self.issue.message

    @property
    def severity(self) -> str:
        """``error`` or ``warning``."""
        return self.issue.severity.value

    @property
    def file(self) -> str | None:
        return str(self.issue.file) if self.issue.file is not None else None

    @property
    def line(self) -> int | None:
        return self.issue.line

    @property
    def field(self) -> str | None:
        return self.issue.field

    @property
    def where(self) -> str:
        """``file[sheet]:line:column``, or nothing for a problem that is nowhere in particular."""
        return self.issue.where if self.issue.file is not None else ""


def problem(message: str, severity: Severity = Severity.ERROR) -> Problem:
    """A problem that is nowhere in particular (a layout failure, an internal error)."""
    return Problem(Issue(message, severity=severity))


def quote(file: Path | None, line: int | None, roots: Iterable[Path]) -> tuple[SourceLine, ...]:
    """The lines around ``line`` of ``file``, when it is a text file under one of ``roots``
    (the data and template folders: the preview quotes nothing else)."""
    if file is None or line is None or line < 1:
        return ()
    try:
        path = file.resolve()
        if not any(path.is_relative_to(root.resolve()) for root in roots) or path.suffix.lower() in (".xlsx", ".zip"):
            return ()
        found = path.stat()
        if not stat.S_ISREG(found.st_mode) or found.st_size > _QUOTE_LIMIT:  # a FIFO would never end
            return ()
        with path.open("rb") as handle:
            lines = handle.read(_QUOTE_LIMIT).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    return tuple(SourceLine(n, lines[n - 1][:300], n == line) for n in range(first, last + 1))


def from_issue(issue: Issue, roots: Iterable[Path]) -> Problem:
    return Problem(issue, () if issue.sheet else quote(issue.file, issue.line, roots))


def from_error(exc: ReportgenError, roots: Iterable[Path]) -> list[Problem]:
    """The problems an error stands for: each issue of a DataError, a template error located
    in its template, or the message of any other error."""
    roots = tuple(roots)
    if isinstance(exc, DataError):
        return [from_issue(issue, roots) for issue in exc.issues]
    if isinstance(exc, TemplateRenderError):
        return [Problem(Issue(exc.detail, exc.file, exc.line, "template"), quote(exc.file, exc.line, roots))]
    return [problem(str(exc))]


def from_internal(exc: BaseException) -> Problem:
    """An unexpected exception (a bug met by this data): named as such."""
    return problem(f"internal error: {type(exc).__name__}: {exc}")


_AT_LINE = re.compile(r" at (\d+):\d+")  # WeasyPrint's "Ignored `x` at 12:5, ..."


class _Collect(logging.Handler):
    """Keeps the warnings logged by one thread."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append(record)


@contextmanager
def captured_warnings(roots: Iterable[Path]) -> Iterator[list[Problem]]:
    """Collect the warnings reportgen and WeasyPrint log in this thread while the block runs;
    a stylesheet's warning is located at its file and line."""
    roots = tuple(roots)
    found: list[Problem] = []
    handler = _Collect(threading.get_ident())
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("reportgen")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield found
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        for record in handler.records:
            found.append(_warning(record, roots))


def _warning(record: logging.LogRecord, roots: tuple[Path, ...]) -> Problem:
    """A logged warning; one met while parsing a stylesheet is located in it (the writer names
    the stylesheet on the record, WeasyPrint the line in its message)."""
    parsed: tuple[Path, str] | None = getattr(record, STYLESHEET_ATTRIBUTE, None)
    if parsed is None:
        return problem(record.getMessage(), Severity.WARNING)
    file, message = parsed
    at_line = _AT_LINE.search(message)
    line = int(at_line.group(1)) if at_line else None
    return Problem(Issue(message, file, line, severity=Severity.WARNING), quote(file, line, roots))
