"""What an import did, as data (:class:`ImportSummary`) and as text for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Issue

PROGRESS_NOTE = (
    "IATI has no yearly narrative progress notes, so no imported outcome has any: the briefs' progress "
    "sections will be empty, and `reportgen check` warns once per outcome (no progress note for the report "
    "year). To add notes by hand under progress:, also delete the file's import header; a re-import then "
    "refuses to overwrite the file instead of losing your notes."
)


@dataclass(frozen=True)
class Skipped:
    """An activity that was read but not imported."""

    identifier: str | None
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.identifier or '(no identifier)'} (line {self.line}): {self.reason}"


@dataclass(frozen=True)
class Imported:
    """One outcome written (with any child activities rolled into it)."""

    identifier: str
    line: int
    outcome_id: str
    path: Path
    office: str
    period: tuple[int, int]
    transactions: int
    uses: dict[str, int]
    indicators: int
    contributions: int
    notes: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    rolled_up: tuple[str, ...] = ()

    @property
    def transactions_used(self) -> int:
        return sum(self.uses.values())


@dataclass(frozen=True)
class Folder:
    """One project data folder written, and what loading it back found."""

    path: Path
    organization_id: str
    name: str
    outcomes: int
    notes: tuple[str, ...] = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    checked: bool = True


@dataclass
class ImportSummary:
    """The result of :func:`reportgen.iati.import_file`."""

    source: Path
    version: str | None
    read: int = 0
    imported: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    filtered: dict[str, int] = field(default_factory=dict)  # option -> activities it left out
    not_found: list[str] = field(default_factory=list)  # --activity identifiers not in the file
    split: bool = False
    folders: list[Folder] = field(default_factory=list)
    rolled_up: list[tuple[str, str]] = field(default_factory=list)  # (child, parent)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def transactions(self) -> int:
        """Transactions in the imported activities (rolled-up children included)."""
        return sum(i.transactions for i in self.imported)

    @property
    def indicators(self) -> int:
        return sum(i.indicators for i in self.imported)

    @property
    def ok(self) -> bool:
        """True when every folder written loads without errors."""
        return all(not folder.errors for folder in self.folders)

    def uses(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.imported:
            for use, count in item.uses.items():
                totals[use] = totals.get(use, 0) + count
        return totals

    def text(self) -> str:
        return "\n".join(_lines(self)) + "\n"


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _lines(s: ImportSummary) -> list[str]:
    version = f"IATI {s.version}" if s.version else "IATI version not stated"
    lines = [
        f"{s.source.name} ({version}): {_plural(s.read, 'activity', 'activities')} read; "
        f"{len(s.imported)} imported"
        + (f", {len(s.rolled_up)} rolled up into their parents" if s.rolled_up else "")
        + f", {len(s.skipped)} skipped"
        + (f", {sum(s.filtered.values())} filtered out" if s.filtered else "")
        + "."
    ]
    for option, count in s.filtered.items():
        lines.append(f"  filtered out by {option}: {_plural(count, 'activity', 'activities')}")
    if s.not_found:
        lines.append(f"  not in the file: {', '.join(s.not_found)}")
    if s.imported:
        uses = s.uses()
        used = sum(uses.values())
        lines.append(
            f"Transactions: {s.transactions} in the imported activities; "
            f"{uses.get('contributions', 0)} feed contributions (incoming funds, or incoming commitments of a funder "
            f"that sent no funds), {uses.get('expenditure', 0)} expenditure, {uses.get('disbursements', 0)} "
            f"disbursements; {s.transactions - used} not used (outgoing commitments, other types, incoming "
            "commitments of funders that also sent funds, unreadable ones)."
        )
        lines.append(f"Indicators: {s.indicators}.")
    for note in s.notes:
        lines.append(f"Note: {note}")
    if s.split:
        lines.append(
            f"The activities come from {len(s.folders)} publishers and no --reporting-org was given: "
            "one data folder per publisher:"
        )
    elif s.folders:
        lines.append("Data folder:")
    for folder in s.folders:
        lines.append(f"  {folder.path}/  {folder.name} ({_plural(folder.outcomes, 'outcome')})")
    if s.removed:
        lines.append(f"Removed {_plural(len(s.removed), 'outcome file')} of an earlier import not in this one:")
        lines.extend(f"  {path}" for path in s.removed)
    if s.imported:
        lines.append("")
        lines.append("Imported:")
    for item in s.imported:
        lines.append(f"  {item.identifier} (line {item.line}) -> {item.path}")
        lines.append(
            f"    office {item.office}; period {item.period[0]}-{item.period[1]}; "
            f"{_plural(item.transactions, 'transaction')} ({item.transactions_used} used); "
            f"{_plural(item.contributions, 'contribution row')}; {_plural(item.indicators, 'indicator')}"
        )
        if item.rolled_up:
            lines.append(f"    rolled up: {', '.join(item.rolled_up)}")
        lines.extend(f"    note: {note}" for note in item.notes)
        if item.lacks:
            lines.append("    the reports will lack: " + "; ".join(item.lacks))
    if s.skipped:
        lines.append("")
        lines.append("Skipped:")
        lines.extend(f"  {item}" for item in s.skipped)
    if s.imported:
        lines.append("")
        lines.append(PROGRESS_NOTE)
    lines.append("")
    for folder in s.folders:
        for note in folder.notes:
            lines.append(f"{folder.path}: note: {note}")
        if not folder.checked:
            continue
        if folder.errors:
            lines.append(f"{folder.path}: {_plural(len(folder.errors), 'problem')} when loading it back:")
            lines.extend(f"  {issue}" for issue in folder.errors)
        else:
            warned = f", {_plural(len(folder.warnings), 'warning')}" if folder.warnings else ""
            lines.append(
                f"{folder.path}: loads and validates with no errors{warned} (reportgen check --data {folder.path})"
            )
    return lines
