"""``OUT/approvals.json``: who cleared which report, at which sha256 and fingerprint.

An append-only history, written atomically under a lock (two people approving at once both
land). Each entry carries the sha256 of the entry before it (``previous``) and its own
(``hash``); the file's ``head`` is the last entry's hash. An edited entry breaks its own hash,
a removed or reordered one breaks the next entry's ``previous``, a removed last entry breaks
``head``: :func:`read` refuses such a history (status and release then refuse to go on). The
chain detects edits by hand or by a tool; it carries no secret, so someone who recomputes every
hash on purpose is not stopped by it (keep the folder where only the team can write).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import RenderError, UsageError
from ..io_errors import describe

APPROVALS = "approvals.json"
_LOCK = ".approvals.lock"
GENESIS = "0" * 64


class BrokenHistory(RenderError):
    """approvals.json was edited, or entries were removed: clearances cannot be trusted."""


@dataclass(frozen=True)
class Approval:
    """One clearance of one report file."""

    report: str  # path relative to the output folder, as in the manifest
    sha256: str
    fingerprint: str
    by: str
    role: str
    note: str
    time: str  # UTC, ISO 8601
    previous: str  # the previous entry's hash (GENESIS for the first)

    @property
    def hash(self) -> str:
        return entry_hash(asdict(self))


def entry_hash(fields: dict[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def read(out_dir: Path) -> list[Approval]:
    """The history, checked link by link (empty when nobody approved anything yet)."""
    path = out_dir / APPROVALS
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["approvals"]
        head = raw["head"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BrokenHistory(f"{path}: cannot be read as an approval history ({exc})") from exc
    previous = GENESIS
    history: list[Approval] = []
    names = set(Approval.__dataclass_fields__)
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) != names | {"hash"}:
            raise BrokenHistory(f"{path}: entry {number} does not have the fields of an approval")
        approval = Approval(**{k: str(item[k]) for k in names})
        if item["hash"] != approval.hash:
            raise BrokenHistory(f"{path}: entry {number} ({approval.report}) was changed after it was written")
        if approval.previous != previous:
            raise BrokenHistory(f"{path}: the entry before entry {number} ({approval.report}) was removed or changed")
        history.append(approval)
        previous = approval.hash
    if head != previous:
        raise BrokenHistory(f"{path}: the history ends before its last entry (entries were removed at the end)")
    return history


def _document(history: list[Approval]) -> bytes:
    items = [{**asdict(a), "hash": a.hash} for a in history]
    head = history[-1].hash if history else GENESIS
    document = {"generator": "reportgen approve", "head": head, "approvals": items}
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    try:
        handle = (out_dir / _LOCK).open("a")
    except OSError as exc:
        raise UsageError(f"cannot write to {out_dir}: {describe(exc)}") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@dataclass(frozen=True)
class Request:
    """One report to clear: its manifest path and what the file is now."""

    report: str
    sha256: str
    fingerprint: str


def append(out_dir: Path, requests: list[Request], by: str, role: str, note: str) -> list[Approval]:
    """Add one entry per request to the history (checked first), written atomically."""
    if not by.strip():
        raise UsageError("--by: give the name of the person clearing the reports")
    if not role.strip():
        raise UsageError("--role: give a role (programme, finance, communications, ...)")
    with _locked(out_dir):
        history = read(out_dir)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        added = []
        for request in requests:
            previous = history[-1].hash if history else GENESIS
            approval = Approval(request.report, request.sha256, request.fingerprint, by.strip(), role.strip(),
                                note, now, previous)  # fmt: skip
            history.append(approval)
            added.append(approval)
        write_atomic(_document(history), out_dir / APPROVALS)
    return added


def clearances(history: list[Approval], report: str, sha256: str, fingerprint: str) -> list[Approval]:
    """The approvals that still hold for ``report`` as it is now (same file, same fingerprint)."""
    return [a for a in history if a.report == report and a.sha256 == sha256 and a.fingerprint == fingerprint]


def history_head(out_dir: Path) -> str:
    """The hash the history ends with now (recorded by a release)."""
    history = read(out_dir)
    return history[-1].hash if history else GENESIS
