"""Where a value came from: file, line or row, spreadsheet column and sheet.

Every loader records a :class:`Location` for each field path of the data it returns, so
any later stage (validation, rules, lint) can say exactly where a problem is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Issue, Severity

PathKey = tuple[str, ...]


def dotted(path: Sequence[object]) -> str:
    """``('contributions', 3, 'development')`` -> ``contributions[3].development``."""
    out = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit() and out):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def column_letter(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA`` (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Location:
    """A place in a data file. ``label`` names the field as the file's author sees it
    (a CSV column header) instead of the internal dotted path."""

    file: Path
    line: int | None = None
    column: str | None = None
    sheet: str | None = None
    label: str | None = None

    def describe(self, seen_from: Path | None = None) -> str:
        """``line 12`` / ``row 5 of contributions.csv`` for messages that point at a second place;
        the file is named when it is not ``seen_from`` (the file the message is printed at)."""
        if self.line is None:
            return str(self.file)
        unit = "line" if self.file.suffix.lower() in {".yaml", ".yml", ".json"} else "row"
        where = f"{unit} {self.line}"
        if self.label is not None or (seen_from is not None and seen_from != self.file):
            where += f" of {self.file.name}"
        return where


@dataclass
class LocatedDocument:
    """Parsed data plus the location of every field path in it."""

    file: Path
    data: Any
    locations: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: Sequence[object]) -> Location:
        """The location of ``path`` or of its nearest located parent."""
        key = tuple(str(part) for part in path)
        while key:
            if key in self.locations:
                return self.locations[key]
            key = key[:-1]
        return self.locations.get((), Location(self.file))

    def line_of(self, path: Sequence[object]) -> int | None:
        return self.locate(path).line

    def issue(self, path: Sequence[object], message: str, severity: Severity = Severity.ERROR) -> Issue:
        """An :class:`Issue` about ``path``, located and named for the reader."""
        loc = self.locate(path)
        exact = tuple(str(part) for part in path) in self.locations
        if loc.label is not None:
            # From a table: name the column the author typed into, or the missing column.
            name: str | None = loc.label if exact or not path else str(path[-1])
        else:
            name = dotted(path) or None
        return Issue(
            message, file=loc.file, line=loc.line, field=name, severity=severity, column=loc.column, sheet=loc.sheet
        )
