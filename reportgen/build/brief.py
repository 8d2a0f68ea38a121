"""Build stage for the outcome brief: Dataset + outcome id + year -> BriefReport.

All business rules live here: which years are shown, what "latest" means, totals,
shares, ordering of partners and progress notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..errors import UsageError
from ..model import Contribution, Dataset, Organization, Outcome, ResourceLine, localize
from ..model.money import Money, sum_present
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
from .links import outcome_url
from .names import in_language
from .provenance import source_of


def data_years(outcome: Outcome) -> set[int]:
    """Every year for which the outcome has any data."""
    years = {c.year for c in outcome.contributions}
    years |= {p.year for p in outcome.progress}
    years |= {r.year for r in outcome.resources}
    for indicator in outcome.indicators:
        years |= set(indicator.actuals)
    return {year for year in years if year in outcome.period}


def report_years(outcome: Outcome) -> list[int]:
    """The years a batch makes the outcome's brief for: every year of its period with data (the
    rule the office's annual reports follow too), and its default report year."""
    return sorted(data_years(outcome) | {default_report_year(outcome)})


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


def contribution_currency(row: Contribution, organization: Organization) -> str:
    """The currency of a contribution row: its own, else the organization's."""
    return row.currency or organization.currency


def build_contributions(dataset: Dataset, outcome: Outcome, year: int, currency: str) -> ContributionTable:
    """Partner x year table of the contributions in ``currency`` up to ``year``; partners by total,
    largest first."""
    organization = dataset.organization
    rows_in_scope = [
        c for c in outcome.contributions if c.year <= year and contribution_currency(c, organization) == currency
    ]
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


def contribution_currencies(outcome: Outcome, organization: Organization, year: int) -> list[str]:
    """The currencies of the outcome's contributions up to ``year``: the organization's first, then
    the others alphabetically (the organization's alone when there are none)."""
    found = {contribution_currency(c, organization) for c in outcome.contributions if c.year <= year}
    return sorted(found, key=lambda code: (code != organization.currency, code)) or [organization.currency]


def _money(value: Decimal | None, currency: str) -> Money | None:
    return Money(value, currency) if value is not None else None


def _resource_row(line: ResourceLine, default_currency: str) -> ResourceRow:
    budget, spent = line.budget, line.expenditure
    b_cur = (budget.currency if budget else None) or default_currency
    e_cur = (spent.currency if spent else None) or default_currency
    budget_total = Money(budget.total, b_cur) if budget else None
    spent_total = Money(spent.total, e_cur) if spent else None
    same = budget_total is not None and spent_total is not None and b_cur == e_cur
    return ResourceRow(
        year=line.year,
        budget_core=_money(budget.core, b_cur) if budget else None,
        budget_non_core=_money(budget.non_core, b_cur) if budget else None,
        budget_total=budget_total,
        expenditure_core=_money(spent.core, e_cur) if spent else None,
        expenditure_non_core=_money(spent.non_core, e_cur) if spent else None,
        expenditure_total=spent_total,
        delivery_rate=spent_total.share_of(budget_total) if same and spent_total and budget_total else None,
    )


def _add(values: Iterable[Money | None], currency: str) -> Money | None:
    """The sum of the amounts in ``currency``; None when there are none."""
    return sum_present(v for v in values if v is not None and v.currency == currency)


def _total_row(rows: Sequence[ResourceRow], currency: str) -> ResourceRow:
    """The total in ``currency``: parts add up only when every line in it gives them."""

    def parts(field: str, total: str) -> Money | None:
        lines = [r for r in rows if (m := getattr(r, total)) is not None and m.currency == currency]
        if any(getattr(r, field) is None for r in lines):
            return None
        return _add((getattr(r, field) for r in lines), currency)

    # delivery counts only the years that report expenditure, in the budget's currency
    reported = [
        r
        for r in rows
        if r.budget_total
        and r.expenditure_total
        and r.budget_total.currency == r.expenditure_total.currency == currency
    ]
    spent, planned = (
        _add((r.expenditure_total for r in reported), currency),
        _add((r.budget_total for r in reported), currency),
    )
    return ResourceRow(
        year=0,
        budget_core=parts("budget_core", "budget_total"),
        budget_non_core=parts("budget_non_core", "budget_total"),
        budget_total=_add((r.budget_total for r in rows), currency),
        expenditure_core=parts("expenditure_core", "expenditure_total"),
        expenditure_non_core=parts("expenditure_non_core", "expenditure_total"),
        expenditure_total=_add((r.expenditure_total for r in rows), currency),
        delivery_rate=spent.share_of(planned) if spent and planned else None,
    )


def build_resources(outcome: Outcome, year: int, currency: str) -> ResourceTable:
    """Budget and expenditure per year up to ``year``, with a computed total row per currency;
    ``currency`` is the default for lines that name none. Disbursements are kept apart."""
    lines = sorted((r for r in outcome.resources if r.year <= year), key=lambda r: r.year)
    rows = tuple(_resource_row(line, currency) for line in lines)
    found = {m.currency for r in rows for m in (r.budget_total, r.expenditure_total) if m is not None}
    currencies = tuple(sorted(found, key=lambda code: (code != currency, code)))
    totals = tuple(_total_row(rows, code) for code in currencies)
    split = any(
        (line.budget and line.budget.is_split) or (line.expenditure and line.expenditure.is_split) for line in lines
    )
    disbursed: dict[tuple[int, str], Decimal] = {}
    for d in outcome.disbursements:
        if d.year <= year:
            key = (d.year, d.currency or currency)
            disbursed[key] = disbursed.get(key, Decimal(0)) + d.amount
    disbursements = tuple((y, Money(amount, code)) for (y, code), amount in sorted(disbursed.items()))
    allocation = tuple(sorted(outcome.sdg_allocation, key=lambda s: (-s.share, s.goal)))
    return ResourceTable(currency, rows, totals, allocation, currencies, split, disbursements)


def build_indicators(outcome: Outcome, year: int, lang: str, default_lang: str) -> IndicatorTable:
    """Indicator rows with actuals (and yearly targets) per year up to ``year``; the columns are the
    years with any actual or yearly target."""
    years = tuple(sorted({y for i in outcome.indicators for y in (*i.actuals, *i.targets) if y <= year}))
    rows = []
    for indicator in outcome.indicators:
        reported = [y for y in indicator.actuals if y <= year]
        rows.append(
            IndicatorRow(
                indicator,
                localize(indicator.name, lang, default_lang),
                tuple(indicator.actuals.get(y) for y in years),
                max(reported) if reported else None,
                tuple(indicator.targets.get(y) for y in years) if indicator.targets else (),
                localize(indicator.result, lang, default_lang) if indicator.result else None,
                localize(indicator.baseline.comment, lang, default_lang)
                if indicator.baseline and indicator.baseline.comment
                else None,
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
        entries.append(ProgressEntry(note.year, note.status, note.year == year, text.lang, text.fallback, text.text))
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
    lang, locale = resolve_language(dataset.organization, dataset.office_of(outcome), lang, locale)
    dataset = in_language(dataset, lang)  # names in the report's language (reportgen.build.names)
    organization = dataset.organization
    office = dataset.office_of(outcome)
    default_lang = organization.language
    currency, *others = contribution_currencies(outcome, organization, year)
    contributions = build_contributions(dataset, outcome, year, currency)
    other_tables = tuple(build_contributions(dataset, outcome, year, code) for code in others)
    year_index = contributions.years.index(year) if year in contributions.years else None
    key_figures = KeyFigures(
        period_total=contributions.grand_total,
        period_years=(contributions.years[0], contributions.years[-1]) if contributions.years else None,
        year_total=contributions.year_totals[year_index] if year_index is not None else None,
        partner_count=len({r.partner.id for t in (contributions, *other_tables) for r in t.rows}),
        other_totals=tuple(t.grand_total for t in other_tables if t.grand_total is not None),
        other_year_totals=tuple(
            cell for t in other_tables if year in t.years and (cell := t.year_totals[t.years.index(year)]) is not None
        ),
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
        objectives=localize(outcome.objectives, lang, default_lang) if outcome.objectives else None,
        key_figures=key_figures,
        contributions=contributions,
        other_contributions=other_tables,
        committed_only=tuple(
            dataset.partners[p]
            for p in (outcome.imported_from.committed_only if outcome.imported_from else ())
            if p in dataset.partners
        ),
        resources=build_resources(outcome, year, organization.currency),
        indicators=build_indicators(outcome, year, lang, default_lang),
        progress=progress,
        strategic_plan=outcome.strategic_plan,
        sdgs=tuple(sorted(outcome.sdgs, key=lambda s: s.goal)),
        has_report_year_note=any(p.is_report_year for p in progress),
        online_url=outcome_url(organization, outcome, year, lang),
        source=source_of(outcome, organization),
        illustrative=outcome.illustrative,
    )
