"""What went wrong, as the preview shows it: located problems, with the lines they point at.

Every failure the pipeline reports (a data error with its issues, an unknown id, a template
error, a failed layout) and every warning logged while rendering (refused URLs, stylesheet
errors) becomes a :class:`Problem` with the file, line and field where known.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Issue, ReportgenError, Severity, TemplateRenderError

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
    """One error or warning, located as precisely as its source allows."""

    message: str
    severity: str = "error"  # "error" or "warning"
    file: str | None = None
    line: int | None = None
    field: str | None = None
    column: str | None = None
    sheet: str | None = None
    excerpt: tuple[SourceLine, ...] = ()

    @property
    def where(self) -> str:
        where = self.file or ""
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.line is not None:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where


def quote(file: Path | None, line: int | None, roots: Iterable[Path]) -> tuple[SourceLine, ...]:
    """The lines around ``line`` of ``file``, when it is a text file under one of ``roots``
    (the data and template folders: the preview quotes nothing else)."""
    if file is None or line is None or line < 1:
        return ()
    try:
        path = file.resolve()
        if not any(path.is_relative_to(root.resolve()) for root in roots) or path.suffix.lower() in (".xlsx", ".zip"):
            return ()
        if path.stat().st_size > _QUOTE_LIMIT:
            return ()
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    return tuple(SourceLine(n, lines[n - 1][:300], n == line) for n in range(first, last + 1))


def from_issue(issue: Issue, roots: Iterable[Path]) -> Problem:
    return Problem(
        message=issue.message,
        severity=issue.severity.value,
        file=str(issue.file) if issue.file is not None else None,
        line=issue.line,
        field=issue.field,
        column=issue.column,
        sheet=issue.sheet,
        excerpt=() if issue.sheet else quote(issue.file, issue.line, roots),
    )


def from_error(exc: ReportgenError, roots: Iterable[Path]) -> list[Problem]:
    """The problems an error stands for: each issue of a DataError, a template error located
    in its template, or the message of any other error."""
    roots = tuple(roots)
    if isinstance(exc, DataError):
        return [from_issue(issue, roots) for issue in exc.issues]
    if isinstance(exc, TemplateRenderError):
        return [
            Problem(
                message=exc.detail,
                file=str(exc.file) if exc.file is not None else None,
                line=exc.line,
                field="template",
                excerpt=quote(exc.file, exc.line, roots),
            )
        ]
    return [Problem(message=str(exc))]


def from_internal(exc: BaseException) -> Problem:
    """An unexpected exception (a bug met by this data): named as such."""
    return Problem(message=f"internal error: {type(exc).__name__}: {exc}")


_LOCATED = re.compile(r"^(?P<file>/[^:]+\.css): (?P<rest>.*? at (?P<line>\d+):\d+.*)$", re.DOTALL)


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
            found.append(_warning(record.getMessage(), roots))


def _warning(message: str, roots: tuple[Path, ...]) -> Problem:
    located = _LOCATED.match(message)
    if located is None:
        return Problem(message=message, severity=Severity.WARNING.value)
    file, line = Path(located["file"]), int(located["line"])
    return Problem(
        message=located["rest"], severity="warning", file=str(file), line=line, excerpt=quote(file, line, roots)
    )
