"""The one exception tree of reportgen.

The library raises these; only the CLI prints them and chooses the exit code
(``ReportgenError.exit_code``). Data problems are collected, never raised one
at a time: a :class:`DataError` carries every :class:`Issue` found.

    ReportgenError
    ├── DataError          bad input data (exit 2); carries Issue objects
    ├── UsageError         a bad request: unknown outcome id, year outside the data (exit 2)
    └── RenderError        a report could not be produced (exit 1)
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
    """One problem in the input, located as precisely as the source allows."""

    message: str
    file: Path | None = None
    line: int | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else "<data>"
        if self.line is not None:
            where += f":{self.line}"
        prefix = f"{where}: "
        if self.field:
            prefix += f"{self.field}: "
        if self.severity is Severity.WARNING:
            prefix += "warning: "
        return prefix + self.message


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose."""

    exit_code = 1


class DataError(ReportgenError):
    """The input data is invalid; ``issues`` lists every problem found."""

    exit_code = 2

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__(head + ":\n" + "\n".join(f"  {issue}" for issue in self.issues))


class UsageError(ReportgenError):
    """The request cannot be served from this data (unknown id, year out of range, ...)."""

    exit_code = 2


class RenderError(ReportgenError):
    """A report could not be rendered or written."""

    exit_code = 1


class UnsafeResourceError(RenderError):
    """The renderer asked for a URL outside the project's assets."""
