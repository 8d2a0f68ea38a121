"""Build stage for the outcome brief: Dataset + outcome id + year -> BriefReport.

All business rules live here: which years are shown, what "latest" means, totals,
shares, ordering of partners and progress notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..errors import UsageError
from ..model import Contribution, Dataset, Outcome, localize
from ..model.entities import paragraphs
from ..model.money import Money
from .brief_model import (
    BriefReport,
    ContributionTable,
    IndicatorRow,
    IndicatorTable,
    KeyFigures,
    PartnerRow,
    ProgressEntry,
    ResourceRow,
    ResourceTable,
    Split,
)
from .language import resolve as resolve_language


def data_years(outcome: Outcome) -> set[int]:
    """Every year for which the outcome has any data."""
    years = {c.year for c in outcome.contributions}
    years |= {p.year for p in outcome.progress}
    years |= {r.year for r in outcome.resources}
    for indicator in outcome.indicators:
        years |= set(indicator.actuals)
    return {year for year in years if year in outcome.period}


def default_report_year(outcome: Outcome) -> int:
    """The outcome's declared report year, else the latest year with data, else the period's end."""
    if outcome.report_year is not None:
        return outcome.report_year
    years = data_years(outcome)
    return max(years) if years else outcome.period.end


def split_of(row: Contribution, currency: str) -> Split:
    """A contribution row as a Split in ``currency``."""
    dev, hum = Money(row.development, currency), Money(row.humanitarian, currency)
    return Split(dev + hum, dev, hum)


def sum_splits(splits: Iterable[Split | None]) -> Split | None:
    """The sum of the present splits; None when there are none (absent data stays absent)."""
    present = [s for s in splits if s is not None]
    if not present:
        return None
    result = present[0]
    for split in present[1:]:
        result = result + split
    return result


def build_contributions(dataset: Dataset, outcome: Outcome, year: int, currency: str) -> ContributionTable:
    """Partner x year table of contributions up to ``year``; partners by total, largest first."""
    rows_in_scope = [c for c in outcome.contributions if c.year <= year]
    if not rows_in_scope:
        return ContributionTable(currency, (), (), (), None)
    years = tuple(range(min(c.year for c in rows_in_scope), max(c.year for c in rows_in_scope) + 1))
    cells: dict[str, dict[int, Split]] = {}
    for row in rows_in_scope:  # a refund row nets against the same partner-year's contribution
        by_year = cells.setdefault(row.partner, {})
        split = split_of(row, currency)
        by_year[row.year] = by_year[row.year] + split if row.year in by_year else split
    colour_order = list(dataset.partners)
    rows = []
    for partner_id, by_year in cells.items():
        row_cells = tuple(by_year.get(y) for y in years)
        total = sum_splits(row_cells)
        assert total is not None  # every partner here has at least one cell
        rows.append(PartnerRow(dataset.partners[partner_id], colour_order.index(partner_id), row_cells, total))
    rows.sort(key=lambda r: (-r.total.total.amount, r.partner.name))
    year_totals = tuple(sum_splits(r.cells[i] for r in rows) for i in range(len(years)))
    return ContributionTable(currency, years, tuple(rows), year_totals, sum_splits(year_totals))


def build_resources(outcome: Outcome, year: int, currency: str) -> ResourceTable:
    """Budget and expenditure per year up to ``year``, with a computed total row."""
    rows = []
    for line in sorted((r for r in outcome.resources if r.year <= year), key=lambda r: r.year):
        exp = line.expenditure

        def m(value: Decimal) -> Money:
            return Money(value, currency)

        rows.append(
            ResourceRow(
                year=line.year,
                budget_core=m(line.budget.core),
                budget_non_core=m(line.budget.non_core),
                budget_total=m(line.budget.total),
                expenditure_core=m(exp.core) if exp else None,
                expenditure_non_core=m(exp.non_core) if exp else None,
                expenditure_total=m(exp.total) if exp else None,
            )
        )
    total = None
    if rows:
        zero = Money.zero(currency)

        def add(values: Iterable[Money | None]) -> Money | None:
            present = [v for v in values if v is not None]
            return sum(present, zero) if present else None

        total = ResourceRow(
            year=0,
            budget_core=sum((r.budget_core for r in rows), zero),
            budget_non_core=sum((r.budget_non_core for r in rows), zero),
            budget_total=sum((r.budget_total for r in rows), zero),
            expenditure_core=add(r.expenditure_core for r in rows),
            expenditure_non_core=add(r.expenditure_non_core for r in rows),
            expenditure_total=add(r.expenditure_total for r in rows),
        )
    allocation = tuple(sorted(outcome.sdg_allocation, key=lambda s: (-s.share, s.goal)))
    return ResourceTable(currency, tuple(rows), total, allocation)


def build_indicators(outcome: Outcome, year: int, lang: str, default_lang: str) -> IndicatorTable:
    """Indicator rows with actuals per year up to ``year``; columns are the years with any actual."""
    years = tuple(sorted({y for i in outcome.indicators for y in i.actuals if y <= year}))
    rows = []
    for indicator in outcome.indicators:
        reported = [y for y in indicator.actuals if y <= year]
        rows.append(
            IndicatorRow(
                indicator,
                localize(indicator.name, lang, default_lang),
                tuple(indicator.actuals.get(y) for y in years),
                max(reported) if reported else None,
            )
        )
    return IndicatorTable(years, tuple(rows))


def build_progress(outcome: Outcome, year: int, lang: str, default_lang: str) -> tuple[ProgressEntry, ...]:
    """Progress notes up to ``year``: the report year first, then the others, newest first."""
    notes = [n for n in outcome.progress if n.year <= year]
    notes.sort(key=lambda n: (n.year != year, -n.year))
    entries = []
    for note in notes:
        text = localize(note.note, lang, default_lang)
        entries.append(
            ProgressEntry(
                note.year, note.status, tuple(paragraphs(text.text)), note.year == year, text.lang, text.fallback
            )
        )
    return tuple(entries)


def build_brief(
    dataset: Dataset, outcome_id: str, year: int | None = None, lang: str | None = None, locale: str | None = None
) -> BriefReport:
    """The report model of one outcome brief, in ``lang`` / ``locale`` (default: the office's)."""
    outcome = dataset.outcome(outcome_id)
    if year is None:
        year = default_report_year(outcome)
    elif year not in outcome.period:
        raise UsageError(
            f"year {year} is outside outcome {outcome_id}'s period {outcome.period.start}-{outcome.period.end}"
        )
    organization = dataset.organization
    office = dataset.office_of(outcome)
    lang, locale = resolve_language(organization, office, lang, locale)
    default_lang = organization.language
    currency = next((c.currency for c in outcome.contributions if c.currency), organization.currency)
    contributions = build_contributions(dataset, outcome, year, currency)
    year_index = contributions.years.index(year) if year in contributions.years else None
    key_figures = KeyFigures(
        period_total=contributions.grand_total,
        period_years=(contributions.years[0], contributions.years[-1]) if contributions.years else None,
        year_total=contributions.year_totals[year_index] if year_index is not None else None,
        partner_count=len(contributions.rows),
    )
    progress = build_progress(outcome, year, lang, default_lang)
    return BriefReport(
        organization=organization,
        office=office,
        outcome=outcome,
        report_year=year,
        data_as_of=outcome.data_as_of or organization.data_as_of,
        lang=lang,
        locale=locale,
        currency=currency,
        short_title=localize(outcome.short_title, lang, default_lang),
        statement=localize(outcome.statement, lang, default_lang),
        key_figures=key_figures,
        contributions=contributions,
        resources=build_resources(outcome, year, organization.currency),
        indicators=build_indicators(outcome, year, lang, default_lang),
        progress=progress,
        strategic_plan=outcome.strategic_plan,
        sdgs=tuple(sorted(outcome.sdgs, key=lambda s: s.goal)),
        has_report_year_note=any(p.is_report_year for p in progress),
    )
