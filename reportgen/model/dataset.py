"""A loaded, validated dataset: the organization, its offices, partners and outcomes.

Built by ``reportgen.load``; every reference inside it has been checked, so later
stages can look things up without defensive code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Issue, UsageError
from .entities import Office, Organization, Outcome, Partner


@dataclass(frozen=True)
class RejectedOutcome:
    """An outcome file left out because its data has errors (``load_dataset(skip_invalid=True)``).

    ``office`` and ``partners`` are read from the raw file where it still shows them, so the
    reports that would have used the outcome can be failed too; None means unknown.
    """

    file: Path
    outcome_id: str | None
    office: str | None
    partners: tuple[str, ...] | None
    issues: tuple[Issue, ...]
    partner_years: tuple[tuple[str, int], ...] = ()  # (partner, year) of its readable contribution rows
    years: tuple[int, ...] = ()  # years its readable rows and notes mention


@dataclass(frozen=True)
class Dataset:
    """Everything one data folder holds, validated and cross-referenced."""

    root: Path
    organization: Organization
    offices: Mapping[str, Office]
    partners: Mapping[str, Partner]
    outcomes: Mapping[str, Outcome]
    sources: Mapping[str, Path] = field(default_factory=dict)  # outcome id -> its data file
    organization_file: Path | None = None  # not in ``sources``: an outcome may be called "organization"
    warnings: tuple[Issue, ...] = ()
    rejected: tuple[RejectedOutcome, ...] = ()
    names_in: str | None = None  # the language names are put in for a report (reportgen.build.names)

    def outcome(self, outcome_id: str) -> Outcome:
        try:
            return self.outcomes[outcome_id]
        except KeyError:
            known = ", ".join(sorted(self.outcomes)) or "none"
            raise UsageError(f"no outcome {outcome_id!r} in {self.root} (known: {known})") from None

    def office_of(self, outcome: Outcome) -> Office:
        return self.offices[outcome.office]

    def source_of(self, outcome_id: str) -> Path | None:
        """The data file outcome ``outcome_id`` was read from."""
        return self.sources.get(outcome_id)
