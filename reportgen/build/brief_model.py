"""The outcome brief's report model: frozen dataclasses holding computed figures.

Templates read these and nothing else; every total and share here was computed by
``reportgen.build`` from the data, never copied from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..model import Indicator, Office, Organization, Outcome, Partner, ProgressStatus, SdgLink, SdgShare, StrategicPlan
from ..model.entities import paragraphs
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
    other_totals: tuple[Split, ...] = ()  # period totals in the other currencies (never added in)
    other_year_totals: tuple[Split, ...] = ()  # the report year's totals in the other currencies


@dataclass(frozen=True)
class ResourceRow:
    """One year's budget and expenditure (or, with ``year`` 0, a total in one currency).

    Core and non-core parts are None where the data gives only a total; a budget or an
    expenditure is None where the data has none for the year."""

    year: int
    budget_core: Money | None
    budget_non_core: Money | None
    budget_total: Money | None
    expenditure_core: Money | None
    expenditure_non_core: Money | None
    expenditure_total: Money | None
    delivery_rate: Decimal | None  # expenditure over budget, when both are in one currency


@dataclass(frozen=True)
class ResourceTable:
    currency: str
    rows: tuple[ResourceRow, ...]
    totals: tuple[ResourceRow, ...]  # one per currency used, in ``currencies`` order
    sdg_allocation: tuple[SdgShare, ...]
    currencies: tuple[str, ...] = ()
    split: bool = True  # whether any line gives core and non-core parts
    disbursements: tuple[tuple[int, Money], ...] = ()

    @property
    def mixed(self) -> bool:
        return len(self.currencies) > 1


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    name: Localized
    actuals: tuple[Decimal | None, ...]  # one per IndicatorTable.years
    latest_actual_year: int | None
    targets: tuple[Decimal | None, ...] = ()  # yearly targets, one per IndicatorTable.years
    result: Localized | None = None  # the result the indicator measures
    baseline_comment: Localized | None = None

    @property
    def group(self) -> tuple[str, str]:
        """(level, result title): consecutive rows with the same group print under one heading."""
        level = self.indicator.level.value if self.indicator.level else ""
        return level, self.result.text if self.result else ""


@dataclass(frozen=True)
class IndicatorTable:
    years: tuple[int, ...]
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class ProgressEntry:
    year: int
    status: ProgressStatus
    is_report_year: bool
    lang: str
    fallback: bool
    text: str  # the note as written: templates render it as narrative Markdown (lists need its lines)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The note as plain paragraphs (split on blank lines, line breaks folded), for user
        templates written before notes were rendered as Markdown."""
        return tuple(paragraphs(self.text))


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
    objectives: Localized | None
    key_figures: KeyFigures
    contributions: ContributionTable
    other_contributions: tuple[ContributionTable, ...]  # the other currencies' tables, if any
    committed_only: tuple[Partner, ...]  # partners whose figures are commitments, not funds received
    resources: ResourceTable
    indicators: IndicatorTable
    progress: tuple[ProgressEntry, ...]
    strategic_plan: StrategicPlan
    sdgs: tuple[SdgLink, ...]
    has_report_year_note: bool
    online_url: str | None = None  # the outcome's online page (organization.links.outcome), if any
    source: str = ""  # where the outcome's figures come from (reportgen.build.provenance)
    illustrative: bool = False  # invented sample data: every page is marked

    @property
    def title(self) -> str:
        return f"{self.short_title.text} — {self.office.country} {self.report_year}"
