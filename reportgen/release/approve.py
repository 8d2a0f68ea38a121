"""``reportgen approve PDF... --by NAME --role R``: clear report files of a batch.

Each file must be one the batch made and recorded in its manifest (found by walking up to the
folder holding ``manifest.json``), unchanged since (same sha256), with a role the organization
requires for its kind when it requires any. The clearances go to that folder's approvals.json
(:mod:`.approvals`), one entry per file, with the manifest's fingerprint.
"""

from __future__ import annotations

from pathlib import Path

from ..batch.manifest import MANIFEST_JSON, Manifest
from ..digest import sha256_of
from ..errors import UsageError
from . import approvals, snapshot


def output_of(pdf: Path) -> Path:
    """The batch output folder holding ``pdf`` (the nearest parent with a manifest)."""
    for folder in pdf.resolve().parents:
        if (folder / MANIFEST_JSON).is_file():
            return folder
    raise UsageError(f"{pdf}: not inside a batch output folder (no {MANIFEST_JSON} above it)")


def _request(out: Path, manifest: Manifest, pdf: Path, role: str) -> approvals.Request:
    relative = pdf.resolve().relative_to(out).as_posix()
    entry = next((e for e in manifest.entries.values() if e.path == relative), None)
    if entry is None:
        raise UsageError(f"{pdf}: not a report of the batch in {out} (not in its {MANIFEST_JSON})")
    if entry.status != "ok":
        raise UsageError(f"{pdf}: the batch could not make it ({entry.error}); nothing to clear")
    if sha256_of(pdf) != entry.sha256:
        raise UsageError(f"{pdf}: not the file the batch made (its sha256 differs from {MANIFEST_JSON})")
    kept = snapshot.load(out, entry.fingerprint)
    if kept is not None and kept.required_roles and role not in kept.required_roles:
        raise UsageError(
            f"{pdf}: {role!r} is not a role that clears {entry.kind} reports "
            f"(organization.yaml, clearance: {', '.join(kept.required_roles)})"
        )
    return approvals.Request(relative, entry.sha256, entry.fingerprint)


def approve(pdfs: list[Path], by: str, role: str, note: str = "") -> list[approvals.Approval]:
    """Record that ``by`` cleared ``pdfs`` as ``role``; every file is checked before any is recorded."""
    missing = [str(p) for p in pdfs if not p.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    by_folder: dict[Path, list[approvals.Request]] = {}
    manifests: dict[Path, Manifest] = {}
    for pdf in pdfs:
        out = output_of(pdf)
        manifest = manifests.setdefault(out, Manifest.load(out))
        by_folder.setdefault(out, []).append(_request(out, manifest, pdf, role.strip()))
    added: list[approvals.Approval] = []
    for out, requests in by_folder.items():
        added += approvals.append(out, requests, by, role, note)
    return added
