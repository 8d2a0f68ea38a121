"""The one exception tree of reportgen.

The library raises these; only the CLI prints them and chooses the exit code
(``ReportgenError.exit_code``). Data problems are collected, never raised one
at a time: a :class:`DataError` carries every :class:`Issue` found.

    ReportgenError
    ├── DataError          bad input data (exit 2); carries Issue objects
    ├── UsageError         a bad request: unknown outcome id, year outside the data (exit 2)
    └── RenderError        a report could not be produced (exit 1)
        ├── TemplateRenderError   a template has an error (file and line where known)
        └── UnsafeResourceError   the renderer was asked for a resource it must not load
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad an issue is: errors stop a build, warnings are printed (fatal with --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem in the input, located as precisely as the source allows.

    ``line`` is the line (YAML, JSON) or row (CSV, XLSX); ``column`` the spreadsheet
    column letter; ``sheet`` the workbook sheet. Printed compiler-style:
    ``data/tables/finance.xlsx[contributions]:5:D: development: must be >= 0, got -5``.
    """

    message: str
    file: Path | None = None
    line: int | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR
    column: str | None = None
    sheet: str | None = None

    @property
    def where(self) -> str:
        where = str(self.file) if self.file is not None else "<data>"
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.line is not None:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def as_dict(self) -> dict[str, str | int | None]:
        """A JSON-ready form for machine-readable output."""
        return {
            "file": str(self.file) if self.file is not None else None,
            "sheet": self.sheet,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "severity": self.severity.value,
            "message": self.message,
        }

    def __str__(self) -> str:
        prefix = f"{self.where}: "
        if self.field:
            prefix += f"{self.field}: "
        if self.severity is Severity.WARNING:
            prefix += "warning: "
        return prefix + self.message


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose."""

    exit_code = 1


class DataError(ReportgenError):
    """The input data is invalid; ``issues`` lists every problem found.

    ``warnings`` carries the lint warnings found in the same run, so a report of the
    errors can show them too; they are not part of the message.
    """

    exit_code = 2

    def __init__(self, issues: list[Issue], warnings: list[Issue] | None = None) -> None:
        self.issues = list(issues)
        self.warnings = list(warnings or [])
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__(head + ":\n" + "\n".join(f"  {issue}" for issue in self.issues))


class UsageError(ReportgenError):
    """The request cannot be served from this data (unknown id, year out of range, ...)."""

    exit_code = 2


class RenderError(ReportgenError):
    """A report could not be rendered or written."""

    exit_code = 1


class TemplateRenderError(RenderError):
    """A template could not be rendered: a syntax error, an undefined name, a failing filter.

    ``file`` and ``line`` locate the error in the template (the innermost template line
    being run), where known; ``detail`` is Jinja's message."""

    def __init__(self, detail: str, file: Path | None = None, line: int | None = None, name: str = "") -> None:
        self.detail = detail
        self.file = file
        self.line = line
        where = str(file) if file is not None else name or "<template>"
        super().__init__(f"template {where}{f':{line}' if line else ''}: {detail}")


class UnsafeResourceError(RenderError):
    """The renderer asked for a URL outside the project's assets."""
