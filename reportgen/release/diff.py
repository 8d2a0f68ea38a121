"""``reportgen diff OLD NEW``: what changed between two batches, report by report.

Reports are matched by job id (the manifest's key, e.g. ``donor/eu/2024/-``) and compared
through the models the batches kept (:mod:`.snapshot`), never the data files: each figure that
changed old -> new, each narrative as a word-level diff, reports added and removed, and reports
whose only change is presentation (the fingerprint moved, the model did not: templates, theme,
reportgen's version or options).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.manifest import MANIFEST_JSON, Entry, Manifest
from ..errors import UsageError
from . import snapshot
from .textdiff import Piece, word_diff

#: A string of this many words or more is narrative: shown as a word-level diff.
NARRATIVE_WORDS = 6
#: List items are matched by these fields (the first present), so a reordered table is no change.
_IDENTITY = ("id", "partner", "indicator", "outcome", "office")
_QUALIFIERS = ("year", "goal", "lang", "currency")
SEPARATOR = " › "


@dataclass(frozen=True)
class Change:
    """One value that changed in a report; ``words`` is the word-level diff of a narrative."""

    where: str
    old: str | None
    new: str | None
    words: tuple[Piece, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"where": self.where, "old": self.old, "new": self.new}
        if self.words:
            data["words"] = [{"op": p.op, "text": p.text} for p in self.words]
        return data


@dataclass(frozen=True)
class ReportDiff:
    """One report: ``added``, ``removed``, ``changed``, ``presentation`` (fingerprint only),
    ``unchanged`` or ``unknown`` (no model kept to compare)."""

    job: str
    kind: str
    path: str
    state: str
    changes: tuple[Change, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "kind": self.kind,
            "path": self.path,
            "state": self.state,
            "note": self.note,
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass
class BatchDiff:
    old: Path
    new: Path
    reports: list[ReportDiff] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for report in self.reports:
            out[report.state] = out.get(report.state, 0) + 1
        return out

    @property
    def differs(self) -> bool:
        return any(r.state != "unchanged" for r in self.reports)

    def as_dict(self) -> dict[str, Any]:
        return {"old": str(self.old), "new": str(self.new), "counts": self.counts(),
                "reports": [r.as_dict() for r in self.reports]}  # fmt: skip


def output_folder(path: Path) -> Path:
    """A batch output folder, given the folder or its manifest.json."""
    folder = path.parent if path.name == MANIFEST_JSON and path.is_file() else path
    if not (folder / MANIFEST_JSON).is_file():
        raise UsageError(f"{path}: no {MANIFEST_JSON} here; give a batch output folder (reportgen batch --out)")
    return folder


def _leaf(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['amount']} {value['currency']}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _is_money(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"amount", "currency"}


def _identity(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    parts: list[str] = []
    for name in _IDENTITY:
        if name in item:
            value = item[name]
            value = value.get("id") if isinstance(value, dict) else value
            if isinstance(value, str | int):
                parts.append(str(value))
                break
    for name in _QUALIFIERS:
        value = item.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool):
            parts.append(str(value))
    return " ".join(parts) or None


def _labelled(items: list[Any], years: list[int] | None) -> dict[str, Any]:
    """List items by a label: their identity when every item has a distinct one, else the year
    each stands for (a row of cells, one per year of the table), else their position."""
    ids = [_identity(item) for item in items]
    if items and all(ids) and len(set(ids)) == len(ids):
        return dict(zip((str(i) for i in ids), items, strict=True))
    if years is not None and len(years) == len(items):
        return {str(year): item for year, item in zip(years, items, strict=True)}
    return {f"#{index + 1}": item for index, item in enumerate(items)}


def changes(old: Any, new: Any, where: tuple[str, ...] = (), years: list[int] | None = None) -> Iterator[Change]:
    """Every value that differs between two JSON trees, located by a readable path."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and not (_is_money(old) and _is_money(new)):
        here = old.get("years", new.get("years"))
        inner = here if isinstance(here, list) and all(isinstance(y, int) for y in here) else years
        for key in [*old, *(k for k in new if k not in old)]:
            yield from changes(old.get(key), new.get(key), (*where, str(key)), inner)
        return
    if isinstance(old, list) and isinstance(new, list):
        left, right = _labelled(old, years), _labelled(new, years)
        for key in [*left, *(k for k in right if k not in left)]:
            yield from changes(left.get(key), right.get(key), (*where, key), years)
        return
    label = SEPARATOR.join(where)
    if isinstance(old, str) and isinstance(new, str) and max(len(old.split()), len(new.split())) >= NARRATIVE_WORDS:
        if old.split() != new.split():
            yield Change(label, old, new, word_diff(old, new))
        return
    yield Change(label, _leaf(old), _leaf(new))


def _once(found: Iterator[Change]) -> tuple[Change, ...]:
    """The changes, each change of an outcome's own data said once: a donor or country report embeds
    the same outcome in several places (its section, its rows, the annex)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    kept = []
    for change in found:
        parts = change.where.split(SEPARATOR)
        if "outcome" in parts:
            key = (SEPARATOR.join(parts[len(parts) - parts[::-1].index("outcome") :]), change.old, change.new)
            if key in seen:
                continue
            seen.add(key)
        kept.append(change)
    return tuple(kept)


def compare_models(job: str, kind: str, path: str, old: tuple[Path, str], new: tuple[Path, str]) -> ReportDiff:
    """One report under two fingerprints, each (output folder, fingerprint), through the kept models."""
    if old[1] and old[1] == new[1]:
        return ReportDiff(job, kind, path, "unchanged")
    before = snapshot.load(*old) if old[1] else None
    after = snapshot.load(*new) if new[1] else None
    if before is None or after is None:
        which = "old" if before is None else "new"
        return ReportDiff(job, kind, path, "unknown", note=f"no report model kept by the {which} batch")
    found = _once(changes(before.model, after.model))
    if not found:
        return ReportDiff(job, kind, path, "presentation", note="templates, theme, options or reportgen changed")
    return ReportDiff(job, kind, path, "changed", found)


def compare_reports(job: str, old_out: Path, old: Entry | None, new_out: Path, new: Entry | None) -> ReportDiff:
    """One report of two batches (either may lack it)."""
    if old is None or new is None:
        entry = new or old
        assert entry is not None
        return ReportDiff(job, entry.kind, entry.path, "added" if old is None else "removed")
    return compare_models(job, new.kind, new.path, (old_out, old.fingerprint), (new_out, new.fingerprint))


def compare(old: Path, new: Path) -> BatchDiff:
    """Every report of two batch output folders (or manifests), in job order."""
    old_out, new_out = output_folder(old), output_folder(new)
    before, after = _reports(old_out), _reports(new_out)
    result = BatchDiff(old_out, new_out)
    for job in sorted(set(before) | set(after)):
        result.reports.append(compare_reports(job, old_out, before.get(job), new_out, after.get(job)))
    return result


def _reports(out: Path) -> dict[str, Entry]:
    return {k: e for k, e in Manifest.load(out).entries.items() if e.kind != "data"}
