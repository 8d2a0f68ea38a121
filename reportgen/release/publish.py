"""``reportgen release OUT --to DIR``: copy out only what may go to readers.

A report is released when every role its kind requires has cleared this very file (same
sha256, same fingerprint), it passes ``reportgen verify`` (run again here on the bytes that are
copied) and strict lint; every other report is refused with its reason. Each file is copied
atomically (:func:`reportgen.atomic.write_atomic`) and ``DIR/release.json`` lists the sha256 of
every file released, written last. A folder that is not empty and was not made by a release of
this OUT (and year) is refused, and a release never overwrites a file it did not make. ``--year N``
releases (and refuses) only the reports of year N: every brief, donor and country report of that
year the batch made, the others are left out of it. ``--per-recipient``
also puts, under ``DIR/partners/<partner>/``, each funding partner's donor reports and the briefs
of the outcomes it funds. :func:`check_release` re-hashes a release folder against its manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import UsageError
from ..safe_names import file_name, inside
from ..verify import verify_bytes
from . import approvals, snapshot
from .diff import output_folder
from .status import CLEARED, REOPENED, ReportStatus, statuses

RELEASE_MANIFEST = "release.json"
PARTNERS = "partners"


@dataclass(frozen=True)
class Refusal:
    report: str
    reason: str


@dataclass
class ReleaseResult:
    target: Path
    copied: list[str] = field(default_factory=list)  # paths inside the release folder
    refused: list[Refusal] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files of an earlier release no longer released

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _why_not(status: ReportStatus) -> str:
    if status.state == REOPENED and status.cleared_before is not None:
        before = status.cleared_before
        moved = len(status.diff.changes) if status.diff is not None else 0
        return (f"changed since {before.by} ({before.role}) cleared it on {before.time}"
                f" ({moved} value{'s' if moved != 1 else ''} changed; see reportgen status)")  # fmt: skip
    if status.problems:
        return "; ".join(status.problems)
    if status.holding:
        return f"not cleared by {', '.join(status.missing)} yet"
    needed = ", ".join(status.required) if status.required else "any role"
    return f"not cleared yet (needs {needed})"


def _previous(target: Path, source: Path, year: int | None) -> set[str]:
    """The files an earlier release of ``source`` (for ``year``) made in ``target``; refuses a folder
    that is not one."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"--to {target} is a file; give a folder")
    if not target.exists() or not any(target.iterdir()):
        return set()
    try:
        made = json.loads((target / RELEASE_MANIFEST).read_text(encoding="utf-8"))
        files = {str(item["path"]) for item in made["files"]}
        origin = str(made["source"])
        made_for = made.get("year")
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(
            f"--to {target} is not empty and was not made by reportgen release; give an empty or new folder"
        ) from None
    if origin != str(source):
        raise UsageError(f"--to {target} holds a release of {origin}, not of {source}; give another folder")
    if made_for != year:
        held = "every year" if made_for is None else f"the year {made_for}"
        raise UsageError(f"--to {target} holds a release of {held}; give another folder")
    return files


def _destinations(status: ReportStatus, kept: snapshot.Snapshot | None, per_recipient: bool) -> list[str]:
    paths = [status.path]
    if per_recipient and kept is not None and kept.kind in ("donor", "brief"):
        paths += [f"{PARTNERS}/{file_name(partner)}/{status.path}" for partner in kept.partners]
    return paths


def release(out_dir: Path, target: Path, per_recipient: bool = False, year: int | None = None) -> ReleaseResult:
    """Release the cleared reports of ``out_dir`` (of ``year`` only, when given) into ``target``
    (see the module's docstring)."""
    out = output_folder(out_dir).resolve()
    previous = _previous(target, out, year)
    history_head = approvals.history_head(out)  # refuses a tampered history before anything is copied
    result = ReleaseResult(target)
    plan: list[tuple[ReportStatus, bytes, list[str]]] = []
    every = statuses(out)
    if year is not None and not any(s.entry.year == year for s in every):
        years = ", ".join(sorted({str(s.entry.year) for s in every})) or "none"
        raise UsageError(f"{out} holds no report of {year} (its years: {years}); nothing was copied")
    for status in every:
        if year is not None and status.entry.year != year:
            continue
        if status.state != CLEARED:
            result.refused.append(Refusal(status.path, _why_not(status)))
            continue
        data = (out / status.path).read_bytes()
        if _sha(data) != status.entry.sha256:
            result.refused.append(Refusal(status.path, "the file changed while it was being released"))
            continue
        failed = [f"{c.name}: {c.detail}" for c in verify_bytes(data, name=status.path) if not c.passed]
        if failed:
            result.refused.append(Refusal(status.path, "verify failed: " + "; ".join(failed)))
            continue
        kept = snapshot.load(out, status.entry.fingerprint)
        plan.append((status, data, _destinations(status, kept, per_recipient)))
    for _status, _data, paths in plan:
        for path in paths:
            if (target / path).exists() and path not in previous:
                raise UsageError(f"{target / path} exists and no release made it; nothing was copied")
    files: list[dict[str, Any]] = []
    try:
        for status, data, paths in plan:
            cleared_by = [{"by": a.by, "role": a.role, "time": a.time} for a in status.holding]
            for path in paths:
                write_atomic(data, inside(target, target / path))
                result.copied.append(path)
                files.append({"path": path, "report": status.path, "job": status.entry.id, "sha256": _sha(data),
                              "bytes": len(data), "fingerprint": status.entry.fingerprint,
                              "cleared_by": cleared_by})  # fmt: skip
        for stale in sorted(previous - set(result.copied)):
            (target / stale).unlink(missing_ok=True)
            result.removed.append(stale)
    finally:  # even after a failed copy, the manifest lists exactly what this release wrote
        document = {
            "generator": "reportgen release",
            "source": str(out),
            "year": year,
            "made": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "approvals_head": history_head,
            "files": files,
            "refused": [{"report": r.report, "reason": r.reason} for r in result.refused],
        }
        write_atomic(json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"), target / RELEASE_MANIFEST)
    return result


def check_release(target: Path) -> list[str]:
    """What in a release folder differs from its manifest: a changed, missing or extra file."""
    try:
        made = json.loads((target / RELEASE_MANIFEST).read_text(encoding="utf-8"))
        listed = {str(item["path"]): str(item["sha256"]) for item in made["files"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{target}: no readable {RELEASE_MANIFEST} ({exc})") from None
    problems = []
    for path, digest in sorted(listed.items()):
        file = target / path
        if not file.is_file():
            problems.append(f"{path}: missing")
        elif _sha(file.read_bytes()) != digest:
            problems.append(f"{path}: changed since it was released (sha256 differs from {RELEASE_MANIFEST})")
    for file in sorted(p for p in target.rglob("*") if p.is_file()):
        relative = file.relative_to(target).as_posix()
        if relative != RELEASE_MANIFEST and relative not in listed and not file.name.endswith(".part"):
            problems.append(f"{relative}: not part of the release")
    return problems
