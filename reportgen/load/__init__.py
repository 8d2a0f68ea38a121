"""Load stage: a data folder -> a validated :class:`~reportgen.model.Dataset`.

Reads ``organization.yaml`` and every file under ``outcomes/``, validates each, checks
the rules that span files, and collects *all* problems before raising one
:class:`~reportgen.errors.DataError`. Lint warnings travel on ``Dataset.warnings``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, Issue, Severity
from ..model import Dataset, OrganizationFile, Outcome, RejectedOutcome
from ..timing import stage
from .checks import (
    check_duplicate_outcomes,
    check_office_currencies,
    check_organization,
    check_outcome,
    check_theme,
)
from .lint import lint_across, lint_document, lint_outcome
from .location import LocatedDocument
from .source import LOADERS, load_document
from .tables import TABLES, TABLES_DIR, merge_tables, read_tables
from .validate import IndexMap, validate_with_rest

__all__ = ["LOADERS", "TABLES", "TABLES_DIR", "load_dataset"]

ORGANIZATION_STEM = "organization"
OUTCOMES_DIR = "outcomes"


def _find_organization_file(root: Path) -> Path:
    candidates = sorted(p for p in root.glob(f"{ORGANIZATION_STEM}.*") if p.suffix.lower() in LOADERS)
    if not candidates:
        looked_for = ", ".join(f"{ORGANIZATION_STEM}{suffix}" for suffix in sorted(LOADERS))
        raise DataError([Issue(f"no organization file in the data folder (looked for {looked_for})", file=root)])
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise DataError([Issue(f"several organization files ({names}); keep one", file=root)])
    return candidates[0]


def _outcome_files(root: Path) -> list[Path]:
    """Every entry of ``outcomes/`` but folders and dot files. Links, FIFOs and devices are
    listed too, so that reading them refuses them with a message (see reportgen.safe_files)
    instead of leaving them out without a word."""
    folder = root / OUTCOMES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and not p.is_dir())


def load_dataset(root: Path | str, *, skip_invalid: bool = False) -> Dataset:
    """Load and validate every data file under ``root``.

    Raises :class:`DataError` listing every error found; warnings are returned on the dataset.
    With ``skip_invalid`` (batch runs), outcome files with errors are left out instead and
    listed on ``Dataset.rejected``; errors that cannot be pinned to one outcome (the
    organization file, a table that cannot be read) still raise.
    """
    with stage("load"):
        return _load_dataset(Path(root), skip_invalid)


def _load_dataset(root: Path, skip_invalid: bool) -> Dataset:
    if not root.is_dir():
        raise DataError([Issue("data folder does not exist", file=root)])
    errors: list[Issue] = []
    warnings: list[Issue] = []

    def read(file: Path) -> LocatedDocument | None:
        try:
            doc = load_document(file, root)
        except DataError as exc:
            errors.extend(exc.issues)
            return None
        warnings.extend(lint_document(doc))
        return doc

    try:
        org_doc = read(_find_organization_file(root))
    except DataError as exc:
        errors.extend(exc.issues)
        org_doc = None
    org_file, org_rest, _ = validate_with_rest(OrganizationFile, org_doc, errors) if org_doc else (None, None, {})
    if org_doc is not None and isinstance(org_doc.data, dict):

        def ids(section: str) -> list[str]:
            items = org_doc.data.get(section) if org_doc is not None else None
            return [str(i.get("id")) for i in items if isinstance(i, dict)] if isinstance(items, list) else []

        errors.extend(check_organization(org_doc, ids("offices"), ids("partners")))
    if org_doc is not None and org_rest is not None and org_rest.organization.theme:
        errors.extend(check_theme(org_doc, org_rest.organization.theme, root))

    files = _outcome_files(root)
    if not files:
        errors.append(Issue(f"no outcome files in {root / OUTCOMES_DIR}", file=root / OUTCOMES_DIR))
    docs = [doc for doc in map(read, files) if doc is not None]
    warnings.extend(lint_across(docs))

    # Table rows (CSV / XLSX) join the outcome they name before anything is validated.
    rows, table_issues = read_tables(root)
    errors.extend(table_issues)
    by_id = {str(d.data["id"]): d for d in docs if isinstance(d.data, dict) and "id" in d.data}
    currency = org_rest.organization.currency if org_rest is not None else "USD"
    owners: dict[Issue, str] = {}
    errors.extend(merge_tables(rows, by_id, currency, owners))

    outcomes: list[tuple[Outcome, LocatedDocument]] = []
    to_check: list[tuple[Outcome, LocatedDocument, IndexMap]] = []
    for doc in docs:
        outcome, rest, index_map = validate_with_rest(Outcome, doc, errors)
        if outcome is not None:
            outcomes.append((outcome, doc))
            warnings.extend(lint_outcome(outcome, doc))
            if doc.file.stem != outcome.id:
                warnings.append(
                    doc.issue(
                        ("id",), f"id {outcome.id!r} differs from the file name {doc.file.name!r}", Severity.WARNING
                    )
                )
        if rest is not None:
            to_check.append((rest, doc, index_map))

    if org_rest is not None:  # the organization's valid rest is enough to check references against
        offices = {office.id: office for office in org_rest.offices}
        partners = {partner.id: partner for partner in org_rest.partners}
        for outcome, doc, index_map in to_check:
            for issue in check_outcome(outcome, doc, org_rest.organization, offices, partners, index_map):
                (warnings if issue.severity is Severity.WARNING else errors).append(issue)
        warnings.extend(check_office_currencies([(o, d) for o, d, _ in to_check], org_rest.organization))
    errors.extend(check_duplicate_outcomes([(outcome, doc) for outcome, doc, _ in to_check]))

    rejected: tuple[RejectedOutcome, ...] = ()
    if errors and skip_invalid and org_file is not None and org_doc is not None:
        left_out = _reject(errors, files, docs, owners, org_doc.file)
        if left_out is not None:
            gone = {r.file for r in left_out}
            outcomes = [(o, d) for o, d in outcomes if d.file not in gone]
            rejected, errors = left_out, []
    if errors or org_file is None or org_doc is None:
        raise DataError(errors, warnings)
    return Dataset(
        root=root,
        organization=org_file.organization,
        offices=offices,
        partners=partners,
        outcomes={outcome.id: outcome for outcome, _ in outcomes},
        sources={o.id: d.file for o, d in outcomes},
        organization_file=org_doc.file,
        warnings=tuple(warnings),
        rejected=rejected,
    )


def _reject(
    errors: list[Issue], files: list[Path], docs: list[LocatedDocument], owners: dict[Issue, str], org_file: Path
) -> tuple[RejectedOutcome, ...] | None:
    """The outcome files to leave out so that every error is accounted for; None when an error
    belongs to no single outcome (then nothing can be trusted and loading fails)."""
    doc_of_file = {d.file: d for d in docs}
    file_of_id = {str(d.data["id"]): d.file for d in docs if isinstance(d.data, dict) and "id" in d.data}
    outcome_files = set(files)
    by_file: dict[Path, list[Issue]] = {}
    for issue in errors:
        file = issue.file if issue.file in outcome_files else file_of_id.get(owners.get(issue, ""))
        if file is None or issue.file == org_file:
            return None
        by_file.setdefault(file, []).append(issue)
    rejected = []
    for file, issues in sorted(by_file.items()):
        raw = doc_of_file[file].data if file in doc_of_file else None
        data = raw if isinstance(raw, dict) else {}
        contributions = data.get("contributions", [])
        partners: tuple[str, ...] | None = None  # unknown: the file did not parse, or its rows are unreadable
        if raw is not None and isinstance(contributions, list):
            partners = tuple(sorted({str(c.get("partner")) for c in contributions if isinstance(c, dict)}))
        office = data.get("office")
        partner_years = sorted(
            {(str(c["partner"]), c["year"]) for c in contributions if isinstance(c, dict)
             and isinstance(c.get("partner"), str) and isinstance(c.get("year"), int)}
        ) if isinstance(contributions, list) else []  # fmt: skip
        notes = data.get("progress", [])
        years = {y for _p, y in partner_years} | (
            {n["year"] for n in notes if isinstance(n, dict) and isinstance(n.get("year"), int)}
            if isinstance(notes, list) else set()
        )  # fmt: skip
        rejected.append(
            RejectedOutcome(
                file=file,
                outcome_id=str(data.get("id") or file.stem),
                office=str(office) if isinstance(office, str) else None,
                partners=partners,
                issues=tuple(issues),
                partner_years=tuple(partner_years),
                years=tuple(sorted(years)),
            )
        )
    return tuple(rejected)
