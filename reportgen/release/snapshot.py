"""What a batch keeps of each report for later: its model as JSON, beside the manifest.

``OUT/.models/<fingerprint>.json`` holds the report model the batch rendered (every figure and
text it prints, ``TypeAdapter.dump_python(mode="json")``), with what clearance needs to know
without re-reading the data: the roles the organization requires for the report's kind, the
lint warnings of the data files the report comes from, the partners whose money it shows.
Files are named by the job's fingerprint, so a model an approval points to stays readable
after later batches (a diff against what was cleared), and an unchanged report is not
written again. Written atomically (:func:`reportgen.atomic.write_atomic`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ..atomic import write_atomic
from ..errors import ReportgenError, UsageError
from ..model import Dataset

MODELS_DIR = ".models"
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One report's model as a batch kept it."""

    job: str
    kind: str
    key: str
    year: int
    fingerprint: str
    model: dict[str, Any]
    required_roles: tuple[str, ...]
    warnings: tuple[str, ...]
    partners: tuple[str, ...]


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(model_type: type) -> TypeAdapter[Any]:
    if model_type not in _ADAPTERS:
        _ADAPTERS[model_type] = TypeAdapter(model_type)
    return _ADAPTERS[model_type]


def model_json(model: object) -> dict[str, Any]:
    """A report model (frozen dataclasses holding pydantic models) as plain JSON data."""
    dumped: dict[str, Any] = _adapter(type(model)).dump_python(model, mode="json")
    return dumped


def snapshot_path(out_dir: Path, fingerprint: str) -> Path:
    if not _FINGERPRINT.match(fingerprint):
        raise UsageError(f"not a report fingerprint: {fingerprint!r}")
    return out_dir / MODELS_DIR / f"{fingerprint}.json"


def _outcome_ids(dataset: Dataset, kind: str, key: str) -> list[str]:
    if kind == "brief":
        return [key]
    if kind == "donor":
        return [o.id for o in dataset.outcomes.values() if any(c.partner == key for c in o.contributions)]
    return [o.id for o in dataset.outcomes.values() if o.office == key]


def _warnings(dataset: Dataset, kind: str, key: str) -> list[str]:
    """The data's lint warnings in the files this report is made from (strict lint refuses them)."""
    files = {dataset.source_of(oid) for oid in _outcome_ids(dataset, kind, key)} - {None}
    return [str(issue) for issue in dataset.warnings if issue.file in files]


def _partners(dataset: Dataset, kind: str, key: str) -> list[str]:
    if kind == "donor":
        return [key]
    ids = _outcome_ids(dataset, kind, key)
    return sorted({c.partner for oid in ids for c in dataset.outcomes[oid].contributions})


def required_roles(dataset: Dataset, kind: str) -> list[str]:
    """The roles ``organization.clearance`` requires for ``kind`` (none: any one clearance will do)."""
    return next((list(roles) for name, roles in dataset.organization.clearance.items() if name == kind), [])


def keep(
    out_dir: Path, job: str, kind: str, key: str, year: int, model: object, fingerprint: str, dataset: Dataset
) -> None:
    """Keep ``model`` under its fingerprint (rewritten only when what is kept changed: the roles
    required or the warnings, which are not part of the model). A model that cannot be written is
    logged, not raised: the report is still made, and its diff says the model is missing."""
    target = snapshot_path(out_dir, fingerprint)
    document = {
        "job": job,
        "kind": kind,
        "key": key,
        "year": year,
        "fingerprint": fingerprint,
        "required_roles": required_roles(dataset, kind),
        "warnings": _warnings(dataset, kind, key),
        "partners": _partners(dataset, kind, key),
        "model": model_json(model),
    }
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")  # in the model's order, as the diff lists it
    try:
        if target.is_file() and target.read_bytes() == data:
            return
        write_atomic(data, target)
    except (OSError, ReportgenError) as exc:
        _log.warning("report model of %s not kept (a diff of it will say so): %s", job, exc)


def load(out_dir: Path, fingerprint: str) -> Snapshot | None:
    """The model kept for ``fingerprint``, or None when the batch kept none (or it cannot be read)."""
    try:
        raw = json.loads(snapshot_path(out_dir, fingerprint).read_text(encoding="utf-8"))
        return Snapshot(
            job=str(raw["job"]),
            kind=str(raw["kind"]),
            key=str(raw["key"]),
            year=int(raw["year"]),
            fingerprint=str(raw["fingerprint"]),
            model=dict(raw["model"]),
            required_roles=tuple(str(r) for r in raw.get("required_roles", [])),
            warnings=tuple(str(w) for w in raw.get("warnings", [])),
            partners=tuple(str(p) for p in raw.get("partners", [])),
        )
    except (OSError, ValueError, KeyError, TypeError, UsageError):
        return None
