"""``import_file``: an IATI activity file -> project data folders, and a summary.

Steps: stream the activities (``parse``), filter, read each into a record (``read``),
map it to a draft outcome (``mapping``, ``money``, ``results``), roll up children
(``hierarchy``), set periods, group by publisher, build each folder's organization file
(``organization``), check that no hand-written file would be overwritten, write every
file atomically (``write``), then load each folder back with ``load_dataset`` and report
what it found (``summary``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, Issue, UsageError
from . import hierarchy
from .ids import IdAllocator
from .mapping import Draft, cap_report_year, map_activity, set_period
from .organization import kept_links, organization_data, publisher_id, publisher_key
from .parse import ActivityFile, FileInfo, Node
from .partners import PartnerBook, pick
from .read import SkipActivity, read_activity
from .records import Note
from .summary import Folder, Imported, ImportSummary, Skipped
from .write import MARKER, check_overwrites, file_text, stale_imports, write_atomic

DEFAULT_OUT = Path("data-iati")
_LISTED_IN_HEADER = 20


@dataclass(frozen=True)
class Filters:
    reporting_org: str | None = None
    countries: frozenset[str] = frozenset()
    activities: frozenset[str] = frozenset()

    def reason(self, node: Node) -> str | None:
        """The option that leaves this activity out, or None to keep it."""
        if self.reporting_org is not None:
            org = node.find("reporting-org")
            ref = org.get("ref") if org is not None else None
            if ref is None or ref.lower() != self.reporting_org.lower():
                return "--reporting-org"
        if self.countries:
            codes = {(c.get("code") or "").upper() for c in node.findall("recipient-country")}
            if not codes & self.countries:
                return "--country"
        if self.activities:
            identifier = " ".join((node.findtext("iati-identifier") or "").split())
            if identifier not in self.activities:
                return "--activity"
        return None


@dataclass
class _Plan:
    """One data folder to write: its publisher's drafts, organization data and notes."""

    folder: Path
    organization: dict[str, Any]
    drafts: list[Draft]
    notes: list[Note]


def import_file(
    path: Path | str,
    out: Path | str = DEFAULT_OUT,
    reporting_org: str | None = None,
    countries: Iterable[str] = (),
    activities: Iterable[str] = (),
    roll_up: bool = False,
    validate: bool = True,
) -> ImportSummary:
    """Import the activities of an IATI activity file into project data under ``out``.

    Raises :class:`DataError` for a file that cannot be read (malformed, not IATI 2.x, a
    DOCTYPE), :class:`UsageError` when nothing is left to import or a hand-written file
    is in the way (then nothing is written). Per-activity problems are in the summary.
    With ``validate``, each folder written is loaded back and its problems reported.
    """
    path, out = Path(path), Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder")
    filters = Filters(
        reporting_org=reporting_org.strip() if reporting_org else None,
        countries=frozenset(c.strip().upper() for c in countries),
        activities=frozenset(" ".join(a.split()) for a in activities),
    )
    partners = PartnerBook()
    summary, drafts, info = _read(path, filters, partners)
    if roll_up:
        drafts, merged = roll_up_drafts(drafts)
        summary.rolled_up = [(m.child, m.parent) for m in merged]
    drafts = _with_periods(drafts, summary)
    if not drafts:
        raise UsageError(f"nothing imported from {path}:\n" + summary.text().rstrip())
    plans = _plan(drafts, out, info, partners, split=filters.reporting_org is None)
    summary.split = len(plans) > 1
    summary.removed = _write(plans, info)
    _report(plans, summary, validate)
    return summary


def _read(path: Path, filters: Filters, partners: PartnerBook) -> tuple[ImportSummary, list[Draft], FileInfo]:
    """Stream the file: filter, read and map every activity (the file is read once)."""
    source = ActivityFile(path)
    outcome_ids = IdAllocator()
    drafts: list[Draft] = []
    skipped: list[Skipped] = []
    filtered: dict[str, int] = {}
    first_line: dict[str, int] = {}
    seen: set[str] = set()
    read = 0
    for node in source:
        read += 1
        identifier = " ".join((node.findtext("iati-identifier") or "").split())
        seen.add(identifier)
        reason = filters.reason(node)
        if reason is not None:
            filtered[reason] = filtered.get(reason, 0) + 1
            continue
        if identifier in first_line:
            duplicate = f"duplicate iati-identifier (first at line {first_line[identifier]})"
            skipped.append(Skipped(identifier, node.line, duplicate))
            continue
        try:
            activity = read_activity(node, source.info)
        except SkipActivity as exc:
            skipped.append(Skipped(exc.identifier, exc.line, exc.reason))
            continue
        first_line[activity.identifier] = activity.line
        drafts.append(map_activity(activity, source.info, outcome_ids.allocate(activity.identifier), partners))
    info = source.info
    summary = ImportSummary(source=path, version=info.version, read=read, skipped=skipped, filtered=filtered)
    summary.notes.extend(info.notes)
    summary.not_found = sorted(filters.activities - seen)
    return summary, drafts, info


def _with_periods(drafts: list[Draft], summary: ImportSummary) -> list[Draft]:
    kept = []
    for draft in drafts:
        if set_period(draft):
            kept.append(draft)
        else:
            summary.skipped.append(
                Skipped(draft.identifier, draft.line, "no activity dates and no dated figures: no period")
            )
    return kept


def _plan(drafts: list[Draft], out: Path, info: FileInfo, partners: PartnerBook, split: bool) -> list[_Plan]:
    """One folder per publisher (``out/<org-id>``) when there are several and ``split``; else ``out``."""
    by_publisher: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_publisher.setdefault(publisher_key(draft.publisher), []).append(draft)
    split = split and len(by_publisher) > 1
    folder_ids = IdAllocator()
    plans = []
    for key, group in by_publisher.items():
        folder = out / folder_ids.allocate(key, publisher_id(group[0].publisher)) if split else out
        notes: list[Note] = []
        data = organization_data(group, info, partners, notes)
        for draft in group:
            cap_report_year(draft, draft.last_updated or data["organization"]["data_as_of"])
        links = kept_links(folder / "organization.yaml", notes)
        if links is not None:
            data["organization"]["links"] = links
        plans.append(_Plan(folder, data, group, notes))
    return plans


def _write(plans: list[_Plan], info: FileInfo) -> list[Path]:
    """Write every file (after checking that none is hand-written); the stale files removed."""
    files: dict[Path, str] = {}
    for plan in plans:
        files[plan.folder / "organization.yaml"] = file_text(_org_header(info, plan.drafts), plan.organization)
        for draft in plan.drafts:
            files[_outcome_path(plan.folder, draft)] = file_text(_outcome_header(info, draft), draft.data)
    check_overwrites(files)
    stale = [p for plan in plans for p in stale_imports(plan.folder, set(files))]
    for target, text in files.items():
        write_atomic(target, text)
    for old in stale:
        old.unlink(missing_ok=True)
    return stale


def _outcome_path(folder: Path, draft: Draft) -> Path:
    return folder / "outcomes" / f"{draft.outcome_id}.yaml"


def _report(plans: list[_Plan], summary: ImportSummary, validate: bool) -> None:
    """Fill in the summary's folders and activities; load each folder back when ``validate``."""
    every = [{str(n) for n in plan.notes} for plan in plans]
    shared = set.intersection(*every) if len(plans) > 1 else set()
    summary.notes.extend(sorted(shared))  # said once, not once per folder
    for plan in plans:
        errors, warnings = _check(plan.folder) if validate else ((), ())
        summary.folders.append(
            Folder(
                path=plan.folder,
                organization_id=str(plan.organization["organization"]["id"]),
                name=str(plan.organization["organization"]["name"]),
                outcomes=len(plan.drafts),
                notes=tuple(str(n) for n in plan.notes if str(n) not in shared),
                errors=errors,
                warnings=warnings,
                checked=validate,
            )
        )
        for draft in plan.drafts:
            period = draft.data["period"]
            summary.imported.append(
                Imported(
                    identifier=draft.identifier,
                    line=draft.line,
                    outcome_id=draft.outcome_id,
                    path=_outcome_path(plan.folder, draft),
                    office=f"{draft.office.id} ({draft.office.name})",
                    period=(int(period["start"]), int(period["end"])),
                    transactions=draft.transactions,
                    uses=dict(draft.uses),
                    indicators=len(draft.data.get("indicators", [])),
                    contributions=len(draft.data.get("contributions", [])),
                    notes=tuple(str(n) for n in draft.notes),
                    lacks=tuple(draft.lacks()),
                    rolled_up=tuple(draft.rolled_up),
                )
            )


def roll_up_drafts(drafts: list[Draft]) -> tuple[list[Draft], list[hierarchy.RolledUp]]:
    """Roll children into parents; children's transactions still count in the summary."""
    kept, merged = hierarchy.roll_up(drafts)
    by_id = {d.identifier: d for d in drafts}
    for item in merged:
        child, parent = by_id[item.child], by_id[item.parent]
        parent.transactions += child.transactions
    return kept, merged


def _check(folder: Path) -> tuple[tuple[Issue, ...], tuple[Issue, ...]]:
    from ..load import load_dataset

    try:
        dataset = load_dataset(folder)
    except DataError as exc:
        return tuple(exc.issues), tuple(exc.warnings)
    return (), tuple(dataset.warnings)


def _provenance(info: FileInfo) -> str:
    return f"{MARKER} from {info.label}"


def _outcome_header(info: FileInfo, draft: Draft) -> list[str]:
    lines = [_provenance(info), f"IATI activity: {draft.identifier} (line {draft.line})"]
    if draft.rolled_up:
        lines.append(f"Rolled up from its child activities: {', '.join(draft.rolled_up)}")
    lines.append("Re-importing overwrites this file; delete these header lines to keep your own edits")
    lines.append("(a re-import then refuses to overwrite it). See docs/iati.md for how each field was derived.")
    return lines


def _org_header(info: FileInfo, drafts: list[Draft]) -> list[str]:
    names = [d.identifier for d in drafts]
    shown = ", ".join(names[:_LISTED_IN_HEADER]) + (
        f", and {len(names) - _LISTED_IN_HEADER} more" if len(names) > _LISTED_IN_HEADER else ""
    )
    publisher = drafts[0].publisher
    return [
        _provenance(info),
        f"Publisher: {pick(publisher.name, 'en') or publisher.ref} ({publisher.ref or 'no ref'})",
        f"IATI activities: {shown}",
        "Re-importing overwrites this file; delete these header lines to keep your own edits",
        "(a re-import then refuses to overwrite it). See docs/iati.md for how each field was derived.",
    ]
