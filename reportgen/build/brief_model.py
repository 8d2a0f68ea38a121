"""The outcome brief's report model: frozen dataclasses holding computed figures.

Templates read these and nothing else; every total and share here was computed by
``reportgen.build`` from the data, never copied from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..model import Indicator, Office, Organization, Outcome, Partner, ProgressStatus, SdgLink, SdgShare, StrategicPlan
from ..model.money import Money
from ..model.text import Localized


@dataclass(frozen=True)
class Split:
    """An amount with its development / humanitarian parts and their shares (0-1)."""

    total: Money
    development: Money
    humanitarian: Money

    @property
    def development_share(self) -> Decimal | None:
        return self.development.share_of(self.total)

    @property
    def humanitarian_share(self) -> Decimal | None:
        return self.humanitarian.share_of(self.total)

    def __add__(self, other: Split) -> Split:
        return Split(
            self.total + other.total, self.development + other.development, self.humanitarian + other.humanitarian
        )


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    colour_index: int
    cells: tuple[Split | None, ...]  # one per ContributionTable.years; None = no data
    total: Split


@dataclass(frozen=True)
class ContributionTable:
    currency: str
    years: tuple[int, ...]
    rows: tuple[PartnerRow, ...]
    year_totals: tuple[Split | None, ...]
    grand_total: Split | None

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class KeyFigures:
    period_total: Split | None
    period_years: tuple[int, int] | None
    year_total: Split | None
    partner_count: int


@dataclass(frozen=True)
class ResourceRow:
    year: int
    budget_core: Money
    budget_non_core: Money
    budget_total: Money
    expenditure_core: Money | None
    expenditure_non_core: Money | None
    expenditure_total: Money | None

    @property
    def delivery_rate(self) -> Decimal | None:
        """Expenditure as a fraction of budget."""
        if self.expenditure_total is None:
            return None
        return self.expenditure_total.share_of(self.budget_total)


@dataclass(frozen=True)
class ResourceTable:
    currency: str
    rows: tuple[ResourceRow, ...]
    total: ResourceRow | None
    sdg_allocation: tuple[SdgShare, ...]

    @property
    def total_delivery_rate(self) -> Decimal | None:
        """Expenditure over the budget of the years that report expenditure (never of years without)."""
        reported = [r for r in self.rows if r.expenditure_total is not None]
        if not reported:
            return None
        spent = sum((r.expenditure_total.amount for r in reported if r.expenditure_total), Decimal(0))
        planned = sum((r.budget_total.amount for r in reported), Decimal(0))
        return spent / planned if planned else None


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    name: Localized
    actuals: tuple[Decimal | None, ...]  # one per IndicatorTable.years
    latest_actual_year: int | None


@dataclass(frozen=True)
class IndicatorTable:
    years: tuple[int, ...]
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class ProgressEntry:
    year: int
    status: ProgressStatus
    paragraphs: tuple[str, ...]
    is_report_year: bool
    lang: str
    fallback: bool


@dataclass(frozen=True)
class BriefReport:
    """Everything an outcome brief prints, for one outcome and report year."""

    organization: Organization
    office: Office
    outcome: Outcome
    report_year: int
    data_as_of: dt.date
    lang: str
    locale: str
    currency: str
    short_title: Localized
    statement: Localized
    key_figures: KeyFigures
    contributions: ContributionTable
    resources: ResourceTable
    indicators: IndicatorTable
    progress: tuple[ProgressEntry, ...]
    strategic_plan: StrategicPlan
    sdgs: tuple[SdgLink, ...]
    has_report_year_note: bool

    @property
    def title(self) -> str:
        return f"{self.short_title.text} — {self.office.country} {self.report_year}"
