"""``reportgen import docx FILE [--data DIR] [--apply]``: the report of what Word changed."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..kinds import kind
from ..model import Dataset
from .apply import Change, apply, changes, figure_changes
from .readback import WordEdition, read_edition, read_edition_bytes


@dataclass
class ImportSummary:
    """What ``import docx`` found and did, as lines for the terminal."""

    changes: list[Change]
    figures: list[str]
    notes: list[str]
    written: list[Path] = field(default_factory=list)

    def text(self, applied: bool) -> str:
        lines: list[str] = []
        for change in self.changes:
            lines.append(f"{change.label} [{change.file}]")
            lines.append(f"  {change.diff}")
            if change.field.inserted or change.field.deleted:
                tracked = [f"{{+{t}+}}" for t in change.field.inserted] + [f"[-{t}-]" for t in change.field.deleted]
                lines.append(f"  tracked changes in Word: {' '.join(tracked)}")
        lines.extend(self.figures)
        lines.extend(self.notes)
        if not self.changes:
            lines.append("no narrative field differs from the data")
        elif applied:
            lines.extend(f"wrote {path}" for path in self.written)
        else:
            lines.append(f"{len(self.changes)} field(s) differ; run again with --apply to write them into the data")
        return "\n".join(lines) + "\n"


def _rebuilt(edition: WordEdition, dataset: Dataset) -> WordEdition | None:
    """The Word edition the data gives today for the same report (None when unknown)."""
    from ..pipeline import DEFAULT_OPTIONS, effective_options
    from .build import report_docx

    meta = edition.report
    if not meta:
        return None
    if meta["kind"] not in ("brief", "donor", "country"):
        return None
    report_kind = kind(str(meta["kind"]))
    report = report_kind.build(dataset, str(meta["key"]), int(meta["year"]), str(meta["lang"]), str(meta["locale"]))
    data = report_docx(report_kind, report, effective_options(dataset, DEFAULT_OPTIONS), str(meta["key"]))
    return read_edition_bytes(io.BytesIO(data).getvalue(), Path("rebuilt.docx"))


def import_docx(file: Path, dataset: Dataset, write: bool) -> ImportSummary:
    """Compare the Word edition ``file`` with ``dataset``; with ``write``, apply the changes."""
    edition = read_edition(file)
    found, notes = changes(edition, dataset)
    rebuilt = _rebuilt(edition, dataset)
    figures = figure_changes(edition, rebuilt) if rebuilt is not None else []
    summary = ImportSummary(found, figures, notes)
    if write and found:
        summary.written = apply(found)
    return summary
