"""The country (office) annual report's model: frozen dataclasses holding computed figures.

A chapter per outcome is the outcome's :class:`BriefReport` for the same year; the rest
(key figures across the chapters, the series of the overview charts, the annex tables)
is computed by ``reportgen.build.country``. Templates read these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..i18n import translator
from ..model import Office, Organization, ProgressStatus
from ..model.money import Money
from ..model.text import Localized
from .brief_model import BriefReport, ContributionTable, Split


@dataclass(frozen=True)
class ResourceCell:
    """Budget and expenditure of one or more resource lines, with their delivery rate.

    ``expenditure`` is None when no line reports expenditure; ``delivery_rate`` counts
    only the budget of the lines that report expenditure (as the brief's total does)."""

    budget: Money | None  # None when no line gives a budget
    expenditure: Money | None
    delivery_rate: Decimal | None


@dataclass(frozen=True)
class ResourceMatrixRow:
    outcome_id: str
    title: Localized
    cells: tuple[ResourceCell | None, ...]  # one per ResourceMatrix.years; None = no data
    total: ResourceCell | None


@dataclass(frozen=True)
class ResourceMatrix:
    """Annex B and the resources chart: budget and expenditure by outcome x year, with totals."""

    currency: str
    years: tuple[int, ...]
    rows: tuple[ResourceMatrixRow, ...]
    year_totals: tuple[ResourceCell | None, ...]
    grand_total: ResourceCell | None

    @property
    def is_empty(self) -> bool:
        return self.grand_total is None


@dataclass(frozen=True)
class OutcomeSeries:
    """One outcome's contributions per year, for the overview chart."""

    outcome_id: str
    title: Localized
    values: tuple[Money | None, ...]  # one per CountryReport.contributions.years; None = no data


@dataclass(frozen=True)
class OutcomeGlance:
    """One line of the executive summary's table of outcomes, for the report year."""

    outcome_id: str
    title: Localized
    status: ProgressStatus | None  # None: no progress note for the year
    contributions: Split | None
    resources: ResourceCell | None


@dataclass(frozen=True)
class StatusCount:
    status: ProgressStatus | None  # None: outcomes without a progress note for the year
    count: int


@dataclass(frozen=True)
class CountryKeyFigures:
    outcome_count: int
    partner_count: int  # distinct funding partners over the period, across the outcomes
    year_total: Split | None  # contributions in the report year
    period_total: Split | None  # contributions over period_years
    period_years: tuple[int, int] | None
    year_resources: ResourceCell | None  # budget, expenditure and delivery in the report year
    excluded_outcomes: tuple[str, ...] = ()  # outcomes of the office not running in the report year: not counted
    coverage: str = ""  # which outcomes the figures over the years cover, for their labels ("2 of 3 outcomes")


@dataclass(frozen=True)
class CountryReport:
    """Everything a country office's annual report prints, for one office and year."""

    organization: Organization
    office: Office
    report_year: int
    lang: str
    locale: str
    currency: str
    data_as_of: dt.date
    chapters: tuple[BriefReport, ...]  # one per outcome whose period includes the year, by id
    annexed_tables: tuple[str, ...]  # outcome ids whose contribution table prints in Annex A
    key_figures: CountryKeyFigures
    status_counts: tuple[StatusCount, ...]  # statuses found in the year's notes, then "no note"
    glance: tuple[OutcomeGlance, ...]  # one per chapter
    outcome_contributions: tuple[OutcomeSeries, ...]  # one per chapter with contributions
    contributions: ContributionTable  # Annex A: partner x year across the office
    resources: ResourceMatrix  # Annex B
    summary: str  # the cover's paragraph, in the report language
    source_note: str  # the footnote naming the data source and its date
    online_url: str | None = None  # the office's online page (organization.links.office), if any
    illustrative: bool = False  # some outcomes are invented sample data: every page is marked

    @property
    def title(self) -> str:
        _ = translator(self.lang)
        return _("{office} — Annual report {year}").format(office=self.office.name, year=self.report_year)

    def table_in_annex(self, chapter: BriefReport) -> bool:
        """True when ``chapter``'s contribution table is too long for the chapter and moves to Annex A."""
        return chapter.outcome.id in self.annexed_tables

    @property
    def annexed_chapters(self) -> tuple[BriefReport, ...]:
        return tuple(c for c in self.chapters if c.outcome.id in self.annexed_tables)
