"""The donor report's model: frozen dataclasses holding the figures of one partner x year.

Built by ``reportgen.build.donor``; templates and charts read these and nothing else.
Every total, share and ordering here was computed from the dataset's contribution rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..model import Office, Organization, Outcome, Partner
from ..model.text import Localized
from .brief_model import ProgressEntry, Split


@dataclass(frozen=True)
class Shares:
    """Development and humanitarian shares (0-1) of an amount, and the decimals that print them
    without showing a non-zero part as 0% (or a partial whole as 100%)."""

    development: Decimal | None
    humanitarian: Decimal | None
    digits: int


@dataclass(frozen=True)
class YearTotal:
    """The partner's contributions in one year, over every outcome; None when it has no row that year."""

    year: int
    split: Split | None


@dataclass(frozen=True)
class OutcomeYear:
    """One year of an outcome's funding: the partner's part and every partner's together."""

    year: int
    partner: Split | None  # None: the partner has no row for the outcome that year
    all_partners: Split | None  # None: no partner has a row for the outcome that year

    @property
    def share(self) -> Decimal | None:
        """The partner's share (0-1) of the outcome's funding that year; None when either is absent."""
        if self.partner is None or self.all_partners is None:
            return None
        return self.partner.total.share_of(self.all_partners.total)


@dataclass(frozen=True)
class FundedOutcome:
    """One outcome the partner funded in the report year: a chapter of the report."""

    outcome: Outcome
    office: Office
    short_title: Localized
    statement: Localized
    year_total: Split  # the partner's contribution to this outcome in the report year
    outcome_year_total: Split  # every partner's contributions to this outcome in the report year
    period_total: Split  # the partner's contributions to this outcome up to the report year
    period_years: tuple[int, int]  # first and last year of ``period_total``
    progress: ProgressEntry | None  # the report year's progress note, if any
    history: tuple[OutcomeYear, ...]  # the outcome's funding per year up to the report year, oldest first
    online_url: str | None = None  # the outcome's online page (organization.links.outcome), if any

    @property
    def anchor(self) -> str:
        """The chapter's id in the document (TOC links and cross-references)."""
        return f"outcome-{self.outcome.id}"

    @property
    def share(self) -> Decimal | None:
        """The partner's share (0-1) of all partners' funding of this outcome in the report year."""
        return self.year_total.total.share_of(self.outcome_year_total.total)


@dataclass(frozen=True)
class AnnexRow:
    """One contribution row of the partner, as the data gives it (a refund row stays separate)."""

    year: int
    refund: bool
    split: Split


@dataclass(frozen=True)
class AnnexGroup:
    """The partner's rows for one outcome, oldest first, with their computed total."""

    outcome: Outcome
    office: Office
    short_title: Localized
    rows: tuple[AnnexRow, ...]
    total: Split


@dataclass(frozen=True)
class OutcomePeriodRow:
    """The partner's contributions to one outcome in each year of the report's period."""

    group: AnnexGroup
    cells: tuple[Split | None, ...]  # one per DonorReport.years; None: no row that year


@dataclass(frozen=True)
class ContributionAnnex:
    """Every contribution row of the partner up to the report year, grouped by outcome."""

    currency: str
    groups: tuple[AnnexGroup, ...]
    total: Split | None

    @property
    def row_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


@dataclass(frozen=True)
class DonorReport:
    """Everything a donor report prints, for one funding partner and report year."""

    organization: Organization
    partner: Partner
    colour_index: int  # the partner's position in organization.yaml: its colour in every chart
    report_year: int
    data_as_of: dt.date
    source: str  # where the data comes from, for the footnote
    lang: str
    locale: str
    currency: str
    years: tuple[YearTotal, ...]  # first year with a contribution .. report year
    year_total: Split | None  # the report year, over every outcome
    period_total: Split | None  # every year up to the report year
    outcomes: tuple[FundedOutcome, ...]  # funded in the report year, largest contribution first
    outcomes_funding: Split | None  # every partner's contributions to those outcomes in the report year
    year_shares: Shares | None  # of ``year_total``
    period_shares: Shares | None  # of ``period_total``
    countries: tuple[str, ...]  # countries of those outcomes, in the same order, each once
    period_rows: tuple[OutcomePeriodRow, ...]  # every outcome funded up to the report year, largest total first
    period_outcome_count: int  # outcomes funded in any year up to the report year
    annex: ContributionAnnex
    title_text: str  # translated title; see ``title``
    summary: str  # one paragraph in the report language, generated from the figures above
    online_url: str | None = None  # the partner's online page (organization.links.partner), if any
    illustrative: bool = False  # some outcomes are invented sample data: every page is marked

    @property
    def title(self) -> str:
        return self.title_text

    @property
    def first_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def outcome_count(self) -> int:
        return len(self.outcomes)

    @property
    def country_count(self) -> int:
        return len(self.countries)

    @property
    def funded_in_year(self) -> bool:
        return bool(self.outcomes)

    @property
    def funding_share(self) -> Decimal | None:
        """The partner's share (0-1) of all partners' funding of the outcomes it funded in the report year."""
        if self.year_total is None or self.outcomes_funding is None:
            return None
        return self.year_total.total.share_of(self.outcomes_funding.total)
