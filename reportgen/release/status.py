"""``reportgen status OUT``: where each report of a batch stands on its way to release.

- ``failing``: the batch could not make it, its file is missing or not the file the batch made,
  ``reportgen verify`` failed on it (the worker checks every PDF; the sha256 proves it is the
  file checked), or its data has lint warnings (release is strict);
- ``re-opened``: it was cleared, but the report changed since (its fingerprint or file moved),
  with the diff from the cleared version to this one;
- ``cleared``: every role the organization requires for its kind has cleared this very file
  (any one clearance when none is required); ``partly cleared`` names the roles still missing;
- ``draft``: nobody cleared it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..batch.manifest import Entry, Manifest
from ..digest import sha256_of
from ..errors import UsageError
from . import approvals, snapshot
from .diff import ReportDiff, compare_models, output_folder

FAILING, REOPENED, CLEARED, PARTLY, DRAFT = "failing", "re-opened", "cleared", "partly cleared", "draft"
ANY_ROLE = "any role"


@dataclass(frozen=True)
class ReportStatus:
    entry: Entry
    state: str
    holding: tuple[approvals.Approval, ...] = ()  # clearances of the file as it is now
    required: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    cleared_before: approvals.Approval | None = None  # the last clearance of an earlier version
    diff: ReportDiff | None = None

    @property
    def path(self) -> str:
        return self.entry.path


def _problems(out: Path, entry: Entry, kept: snapshot.Snapshot | None) -> list[str]:
    if entry.status != "ok":
        return [entry.error or "the batch could not make it"]
    file = out / entry.path
    if not file.is_file():
        return [f"{entry.path} is missing"]
    if sha256_of(file) != entry.sha256:
        return [f"{entry.path} is not the file the batch made (its sha256 differs from the manifest's)"]
    if kept is None:
        return ["the batch kept no report model for it (run reportgen batch again)"]
    return [f"strict lint: {warning}" for warning in kept.warnings]


def report_status(out: Path, entry: Entry, history: list[approvals.Approval]) -> ReportStatus:
    kept = snapshot.load(out, entry.fingerprint) if entry.fingerprint else None
    required = kept.required_roles if kept is not None else ()
    problems = _problems(out, entry, kept)
    holding = tuple(approvals.clearances(history, entry.path, entry.sha256, entry.fingerprint))
    roles = {a.role for a in holding}
    missing = tuple(r for r in required if r not in roles) if required else (() if holding else (ANY_ROLE,))
    earlier = [a for a in history if a.report == entry.path and a not in holding]
    base = ReportStatus(entry, DRAFT, holding, required, missing, tuple(problems))
    if problems:
        return _with_reopened(out, base, earlier, FAILING)
    if holding and not missing:
        return ReportStatus(entry, CLEARED, holding, required, missing)
    if earlier and not holding:
        return _with_reopened(out, base, earlier, REOPENED)
    return ReportStatus(entry, PARTLY if holding else DRAFT, holding, required, missing)


def _with_reopened(out: Path, base: ReportStatus, earlier: list[approvals.Approval], state: str) -> ReportStatus:
    """``base`` in ``state``, with the diff from its last earlier clearance when there is one."""
    if not earlier:
        return ReportStatus(base.entry, state, base.holding, base.required, base.missing, base.problems)
    last = earlier[-1]
    entry = base.entry
    diff = compare_models(entry.id, entry.kind, entry.path, (out, last.fingerprint), (out, entry.fingerprint))
    return ReportStatus(entry, state, base.holding, base.required, base.missing, base.problems, last, diff)


def statuses(out_dir: Path) -> list[ReportStatus]:
    """Every report of the batch in ``out_dir``, in job order. A tampered approvals.json raises
    :class:`~reportgen.release.approvals.BrokenHistory`."""
    out = output_folder(out_dir)
    history = approvals.read(out)
    entries = Manifest.load(out).entries
    return [report_status(out, entries[k], history) for k in sorted(entries) if entries[k].kind != "data"]


def cleared(out_dir: Path) -> set[str]:
    """The reports cleared now (empty when there is no batch or no valid history yet)."""
    if not (out_dir / approvals.APPROVALS).is_file():
        return set()
    try:
        return {s.path for s in statuses(out_dir) if s.state == CLEARED}
    except (approvals.BrokenHistory, UsageError):
        return set()
