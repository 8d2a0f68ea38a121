"""Rules that span fields or files: references, duplicates, years, currencies, shares.

Each check yields located :class:`~reportgen.errors.Issue` objects; none raises, so every
problem in a dataset is reported in one run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ..errors import Issue, ReportgenError, Severity
from ..model import Organization, Outcome
from .location import LocatedDocument


def _issue(doc: LocatedDocument, path: tuple[object, ...], message: str) -> Issue:
    return doc.issue(path, message)


class _Locator:
    """Maps list indices of a pruned outcome back to the rows of the file."""

    def __init__(self, doc: LocatedDocument, index_map: Mapping[str, Sequence[int]]) -> None:
        self.doc, self.index_map = doc, index_map

    def index(self, name: str, i: int) -> int:
        kept = self.index_map.get(name)
        return kept[i] if kept is not None else i

    def where(self, name: str, i: int, seen_from: tuple[object, ...]) -> str:
        """``line 12`` / ``row 5 of contributions.csv``: where item ``i`` of list ``name`` is, naming
        its file when the message is printed in another one (at ``seen_from``)."""
        printed_at = self.doc.locate(self._mapped(seen_from)).file
        return self.doc.locate((name, self.index(name, i))).describe(printed_at)

    def _mapped(self, path: tuple[object, ...]) -> tuple[object, ...]:
        if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
            return (path[0], self.index(path[0], path[1]), *path[2:])
        return path

    def issue(self, path: tuple[object, ...], message: str, severity: Severity = Severity.ERROR) -> Issue:
        return self.doc.issue(self._mapped(path), message, severity)


def check_outcome(
    outcome: Outcome,
    doc: LocatedDocument,
    organization: Organization,
    office_ids: Mapping[str, object],
    partner_ids: Mapping[str, object],
    index_map: Mapping[str, Sequence[int]] | None = None,
) -> Iterator[Issue]:
    """Every cross-field and cross-file rule for one outcome file.

    ``index_map`` maps list positions of ``outcome`` back to the file's rows when invalid
    rows were dropped before these checks (see ``validate_with_rest``).
    """
    at = _Locator(doc, index_map or {})
    period = outcome.period
    span = f"{period.start}-{period.end}"
    if outcome.office not in office_ids:
        yield at.issue(("office",), f"office {outcome.office!r} is not defined in organization.yaml")
    if outcome.report_year is not None and outcome.report_year not in period:
        yield at.issue(("report_year",), f"must be within the period {span}, got {outcome.report_year}")

    seen_cells: dict[tuple[str, int, bool], int] = {}
    currencies: set[str] = set()
    for i, row in enumerate(outcome.contributions):
        if row.partner not in partner_ids:
            yield at.issue(
                ("contributions", i, "partner"), f"partner {row.partner!r} is not defined in organization.yaml"
            )
        if row.year not in period:
            yield at.issue(("contributions", i, "year"), f"must be within the period {span}, got {row.year}")
        key = (row.partner, row.year, row.refund)
        if key in seen_cells:
            kind = "refund row" if row.refund else "row"
            yield at.issue(
                ("contributions", i),
                f"duplicate {kind} for partner {row.partner!r} in {row.year} "
                f"(first at {at.where('contributions', seen_cells[key], ('contributions', i))})",
            )
        seen_cells.setdefault(key, i)
        currencies.add(row.currency or organization.currency)
    if len(currencies) > 1:
        yield at.issue(
            ("contributions",),
            f"mixes currencies {', '.join(sorted(currencies))}: the brief shows each currency separately, "
            "but the office's annual report needs one currency",
            Severity.WARNING,
        )

    seen_years: dict[int, int] = {}
    for i, note in enumerate(outcome.progress):
        if note.year not in period:
            yield at.issue(("progress", i, "year"), f"must be within the period {span}, got {note.year}")
        if note.year in seen_years:
            first_note = at.where("progress", seen_years[note.year], ("progress", i, "year"))
            yield at.issue(("progress", i, "year"), f"second note for {note.year} (first at {first_note})")
        seen_years.setdefault(note.year, i)

    for i, amount in enumerate(outcome.disbursements):
        if amount.year not in period:
            yield at.issue(("disbursements", i, "year"), f"must be within the period {span}, got {amount.year}")

    seen_resource_years: set[int] = set()
    for i, line in enumerate(outcome.resources):
        if line.year not in period:
            yield at.issue(("resources", i, "year"), f"must be within the period {span}, got {line.year}")
        if line.year in seen_resource_years:
            yield at.issue(("resources", i, "year"), f"second resources row for {line.year}")
        seen_resource_years.add(line.year)

    if outcome.sdg_allocation:
        shares = sum((share.share for share in outcome.sdg_allocation), Decimal(0))
        if shares != 100:
            yield at.issue(("sdg_allocation",), f"shares must sum to 100, got {shares}")

    seen_indicators: set[str] = set()
    for i, indicator in enumerate(outcome.indicators):
        for field, label in (("actuals", "actual"), ("targets", "target")):
            for year in getattr(indicator, field):
                if year not in period:
                    yield at.issue(("indicators", i, field, year), f"{label} for {year} is outside the period {span}")
        if indicator.id in seen_indicators:
            yield at.issue(("indicators", i, "id"), f"duplicate indicator id {indicator.id!r}")
        seen_indicators.add(indicator.id)


def check_organization(doc: LocatedDocument, office_ids: list[str], partner_ids: list[str]) -> Iterator[Issue]:
    """Duplicate office and partner ids in organization.yaml."""
    for section, ids in (("offices", office_ids), ("partners", partner_ids)):
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                yield _issue(doc, (section, i, "id"), f"duplicate id {ident!r}")
            seen.add(ident)


def check_theme(doc: LocatedDocument, name: str, root: Path) -> Iterator[Issue]:
    """The theme ``organization.theme`` names exists, and its own files are right."""
    from ..themes import built_in, find_theme, load_theme

    folder = find_theme(name, root)
    if folder is None:
        yield doc.issue(
            ("organization", "theme"),
            f"no theme {name!r}: neither a folder with theme.yaml inside the data folder {root} nor a "
            f"built-in theme ({', '.join(built_in())})",
        )
        return
    try:
        load_theme(folder)
    except ReportgenError as exc:
        yield from getattr(exc, "issues", [Issue(str(exc), file=folder)])


def check_duplicate_outcomes(docs: list[tuple[Outcome, LocatedDocument]]) -> Iterator[Issue]:
    """An outcome id defined by two files."""
    first: dict[str, LocatedDocument] = {}
    for outcome, doc in docs:
        if outcome.id in first:
            yield _issue(doc, ("id",), f"duplicate outcome id {outcome.id!r} (also in {first[outcome.id].file})")
        first.setdefault(outcome.id, doc)


def check_office_currencies(docs: list[tuple[Outcome, LocatedDocument]], organization: Organization) -> Iterator[Issue]:
    """The outcomes of one office in different currencies (its annual report adds them up)."""
    first: dict[str, tuple[str, Outcome]] = {}
    for outcome, doc in docs:
        currencies = {c.currency or organization.currency for c in outcome.contributions}
        if len(currencies) != 1:
            continue  # no contributions, or mixed within the file (reported by check_outcome)
        currency = currencies.pop()
        seen = first.setdefault(outcome.office, (currency, outcome))
        if seen[0] != currency:
            yield doc.issue(
                ("contributions",),
                f"in {currency}, but outcome {seen[1].id!r} of the same office is in {seen[0]}; "
                "the office's annual report needs one currency (convert before loading)",
                Severity.WARNING,
            )
