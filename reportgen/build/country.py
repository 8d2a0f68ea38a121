"""Build stage for the country (office) annual report: Dataset + office id + year -> CountryReport.

Each outcome of the office whose plan period includes the year becomes a chapter (its
outcome brief for that year); the executive summary's key figures, the overview charts'
series and the annex tables are computed here across those chapters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from babel.lists import format_list

from ..errors import UsageError
from ..formatting import long_date, money, percent
from ..i18n import translations
from ..model import Dataset, Office, Outcome, ProgressStatus
from ..model.money import Money, sum_present
from .brief import build_brief, data_years, default_report_year, sum_splits
from .brief_model import BriefReport, ContributionTable, PartnerRow, Split
from .country_model import (
    CountryKeyFigures,
    CountryReport,
    OutcomeGlance,
    OutcomeSeries,
    ResourceCell,
    ResourceMatrix,
    ResourceMatrixRow,
    StatusCount,
)
from .language import resolve as resolve_language
from .links import office_url
from .names import in_language
from .provenance import provenance

#: A chapter's contribution table with more partners than this moves to Annex A.
MAX_CHAPTER_TABLE_ROWS = 8

#: (budget, expenditure or None) of one outcome's resource line.
Line = tuple[Money | None, Money | None]

#: gettext's ngettext(singular, plural, n).
NGettext = Callable[[str, str, int], str]


def office_outcomes(dataset: Dataset, office_id: str) -> list[Outcome]:
    """The office's outcomes, by id; UsageError for an unknown office or one without outcomes."""
    if office_id not in dataset.offices:
        known = ", ".join(sorted(dataset.offices)) or "none"
        raise UsageError(f"no office {office_id!r} in {dataset.root} (known: {known})")
    outcomes = sorted((o for o in dataset.outcomes.values() if o.office == office_id), key=lambda o: o.id)
    if not outcomes:
        raise UsageError(f"office {office_id!r} has no outcomes in {dataset.root}")
    return outcomes


def country_jobs(dataset: Dataset) -> list[tuple[str, int]]:
    """Every (office id, year) for which at least one of the office's outcomes has data."""
    years: set[tuple[str, int]] = set()
    for outcome in dataset.outcomes.values():
        years |= {(outcome.office, year) for year in data_years(outcome)}
    return sorted(years)


def resource_cell(lines: Sequence[Line]) -> ResourceCell | None:
    """Budget and expenditure of ``lines``; delivery counts only lines that report both."""
    if not lines:
        return None
    budget = sum_present([b for b, _ in lines])
    reported = [(b, e) for b, e in lines if b is not None and e is not None]
    spent_all = sum_present([e for _, e in lines])
    if not reported:
        return ResourceCell(budget, spent_all, None)
    spent, planned = sum_present([e for _, e in reported]), sum_present([b for b, _ in reported])
    return ResourceCell(budget, spent_all, spent.share_of(planned) if spent and planned else None)


def single_currency(office_id: str, chapters: Sequence[BriefReport], default: str) -> str:
    """The one currency of the chapters' amounts; a UsageError naming the outcomes when they mix."""
    found: dict[str, set[str]] = {}
    for chapter in chapters:
        codes = {t.currency for t in (chapter.contributions, *chapter.other_contributions) if not t.is_empty}
        for code in codes | set(chapter.resources.currencies):
            found.setdefault(code, set()).add(chapter.outcome.id)
    if len(found) > 1:
        detail = "; ".join(f"{code}: {', '.join(sorted(ids))}" for code, ids in sorted(found.items()))
        raise UsageError(
            f"the outcomes of office {office_id!r} report amounts in several currencies ({detail}); "
            "an annual report adds them up, so it needs one currency: convert the amounts before loading "
            "(each outcome's brief shows every currency separately)"
        )
    return next(iter(found), default)


def office_contributions(chapters: Sequence[BriefReport], currency: str) -> ContributionTable:
    """Partner x year contributions across the chapters; partners by total, largest first."""
    cells: dict[str, dict[int, Split]] = {}
    partners: dict[str, PartnerRow] = {}
    for chapter in chapters:
        table = chapter.contributions
        for row in table.rows:
            partners.setdefault(row.partner.id, row)
            by_year = cells.setdefault(row.partner.id, {})
            for year, cell in zip(table.years, row.cells, strict=True):
                if cell is not None:
                    by_year[year] = by_year[year] + cell if year in by_year else cell
    all_years = {year for by_year in cells.values() for year in by_year}
    if not all_years:
        return ContributionTable(currency, (), (), (), None)
    years = tuple(range(min(all_years), max(all_years) + 1))
    rows = []
    for partner_id, by_year in cells.items():
        row_cells = tuple(by_year.get(y) for y in years)
        total = sum_splits(row_cells)
        assert total is not None  # every partner here has at least one cell
        first = partners[partner_id]
        rows.append(PartnerRow(first.partner, first.colour_index, row_cells, total))
    rows.sort(key=lambda r: (-r.total.total.amount, r.partner.name))
    year_totals = tuple(sum_splits(r.cells[i] for r in rows) for i in range(len(years)))
    return ContributionTable(currency, years, tuple(rows), year_totals, sum_splits(year_totals))


def resource_matrix(chapters: Sequence[BriefReport], currency: str) -> ResourceMatrix:
    """Budget and expenditure by outcome x year (the chapters' resource lines), with totals."""
    lines: dict[tuple[str, int], Line] = {}
    for chapter in chapters:
        for r in chapter.resources.rows:
            lines[(chapter.outcome.id, r.year)] = (r.budget_total, r.expenditure_total)
    if not lines:
        return ResourceMatrix(currency, (), (), (), None)
    found = {year for _, year in lines}
    years = tuple(range(min(found), max(found) + 1))
    rows = []
    for chapter in chapters:
        oid = chapter.outcome.id
        cells = tuple(resource_cell([lines[(oid, y)]] if (oid, y) in lines else []) for y in years)
        own = [line for (o, _), line in lines.items() if o == oid]
        rows.append(ResourceMatrixRow(oid, chapter.short_title, cells, resource_cell(own)))
    year_totals = tuple(resource_cell([line for (_, y), line in lines.items() if y == year]) for year in years)
    return ResourceMatrix(currency, years, tuple(rows), year_totals, resource_cell(list(lines.values())))


def _year_status(chapter: BriefReport) -> ProgressStatus | None:
    return next((entry.status for entry in chapter.progress if entry.is_report_year), None)


def status_counts(chapters: Sequence[BriefReport]) -> tuple[StatusCount, ...]:
    """How many outcomes have each status in the report year (every status), then those without a note."""
    statuses = [_year_status(chapter) for chapter in chapters]
    counts = [StatusCount(status, statuses.count(status)) for status in ProgressStatus]
    missing = statuses.count(None)
    return tuple([*counts, StatusCount(None, missing)] if missing else counts)


def _outcome_series(chapters: Sequence[BriefReport], years: tuple[int, ...]) -> tuple[OutcomeSeries, ...]:
    series = []
    for chapter in chapters:
        table = chapter.contributions
        if table.is_empty:
            continue
        by_year = dict(zip(table.years, table.year_totals, strict=True))
        values = tuple(split.total if (split := by_year.get(y)) is not None else None for y in years)
        series.append(OutcomeSeries(chapter.outcome.id, chapter.short_title, values))
    return tuple(series)


def _status_phrase(status: ProgressStatus | None, n: int, ngettext: NGettext) -> str:
    """``"2 achieved"``: a count of outcomes with ``status`` (None: without a note), for a sentence."""
    match status:
        case ProgressStatus.ACHIEVED:
            text = ngettext("{n} achieved", "{n} achieved", n)
        case ProgressStatus.SIGNIFICANT_PROGRESS:
            text = ngettext("{n} with significant progress", "{n} with significant progress", n)
        case ProgressStatus.SOME_PROGRESS:
            text = ngettext("{n} not achieved but with some progress", "{n} not achieved but with some progress", n)
        case ProgressStatus.NOT_ACHIEVED:
            text = ngettext("{n} not achieved", "{n} not achieved", n)
        case ProgressStatus.NOT_ASSESSED:
            text = ngettext("{n} not assessed", "{n} not assessed", n)
        case None:
            text = ngettext("{n} without a progress note", "{n} without a progress note", n)
    return text.format(n=n)


def coverage(count: int, total: int, lang: str) -> str:
    """What the office-wide figures over the years cover, for their labels: "2 of 3 outcomes"
    when outcomes of the office that are not running in the report year are left out of
    them, else "all 3 outcomes" (or "1 outcome")."""
    ngettext = translations(lang).ngettext
    if count < total:
        return ngettext("{count} of {total} outcome", "{count} of {total} outcomes", total).format(
            count=count, total=total
        )
    return ngettext("{count} outcome", "all {count} outcomes", count).format(count=count)


def summary_text(
    report_year: int, office: Office, figures: CountryKeyFigures, counts: Sequence[StatusCount], lang: str, locale: str
) -> str:
    """The cover's paragraph: the key figures in sentences, in the report language."""
    catalog = translations(lang)
    _, ngettext = catalog.gettext, catalog.ngettext
    year, n = report_year, figures.outcome_count
    parts = [
        ngettext(
            "In {year}, the {office} worked towards {count} outcome.",
            "In {year}, the {office} worked towards {count} outcomes.",
            n,
        ).format(year=year, office=office.name, count=n)
    ]
    period, in_year, partners = figures.period_total, figures.year_total, figures.partner_count
    if period is not None and figures.period_years is not None:
        start, end = figures.period_years
        if in_year is not None and start == end:
            text = ngettext(
                "Its {partners} funding partner contributed {amount} in {year}.",
                "Its {partners} funding partners contributed {amount} in {year}.",
                partners,
            )
        elif in_year is not None:
            text = ngettext(
                "Its {partners} funding partner contributed {total} over {start}–{end}, {amount} of it in {year}.",
                "Its {partners} funding partners contributed {total} over {start}–{end}, {amount} of it in {year}.",
                partners,
            )
        else:
            text = ngettext(
                "Its {partners} funding partner contributed {total} over {start}–{end}; none is recorded for {year}.",
                "Its {partners} funding partners contributed {total} over {start}–{end}; none is recorded for {year}.",
                partners,
            )
        amount = money(in_year.total, locale) if in_year else ""
        total = money(period.total, locale)
        parts.append(text.format(partners=partners, total=total, start=start, end=end, amount=amount, year=year))
        # the shares of the amount just named: the report year's when there is one, else the period's
        split = in_year if in_year is not None else period
        if not split.humanitarian.amount:
            if in_year is not None:
                parts.append(_("All of the {year} contributions were development funding.").format(year=year))
            else:
                parts.append(
                    _("All of the contributions over {start}–{end} were development funding.").format(
                        start=start, end=end
                    )
                )
        elif in_year is not None:
            parts.append(
                _(
                    "Of the {amount} in {year}, {development} was development funding and {humanitarian} humanitarian."
                ).format(
                    amount=amount,
                    year=year,
                    development=percent(split.development_share, locale),
                    humanitarian=percent(split.humanitarian_share, locale),
                )
            )
        else:
            parts.append(
                _(
                    "Of the {total} over {start}–{end}, {development} was development funding and {humanitarian} "
                    "humanitarian."
                ).format(
                    total=total,
                    start=start,
                    end=end,
                    development=percent(split.development_share, locale),
                    humanitarian=percent(split.humanitarian_share, locale),
                )
            )
    else:
        parts.append(_("No funding partner contributions are recorded up to {year}.").format(year=year))
    if figures.excluded_outcomes:
        other = len(figures.excluded_outcomes)
        parts.append(
            ngettext(
                "These figures cover the {count} outcomes running in {year}; {other} other outcome of the office, "
                "not running in {year}, is left out of them.",
                "These figures cover the {count} outcomes running in {year}; {other} other outcomes of the office, "
                "not running in {year}, are left out of them.",
                other,
            ).format(count=n, year=year, other=other)
        )
    res = figures.year_resources
    if res is None or res.budget is None:
        parts.append(_("No budget was reported for {year}.").format(year=year))
    elif res.expenditure is None:
        parts.append(
            _("The {year} budget was {budget}; no expenditure was reported.").format(
                year=year, budget=money(res.budget, locale)
            )
        )
    else:
        parts.append(
            _("Of the {year} budget of {budget}, {spent} was spent, a delivery rate of {rate}.").format(
                year=year,
                budget=money(res.budget, locale),
                spent=money(res.expenditure, locale),
                rate=percent(res.delivery_rate, locale),
            )
        )
    phrases = [_status_phrase(c.status, c.count, ngettext) for c in counts if c.count]
    parts.append(
        _("Outcome status in {year}: {statuses}.").format(year=year, statuses=format_list(phrases, locale=locale))
    )
    return " ".join(parts)


def build_country(
    dataset: Dataset, office_id: str, year: int | None = None, lang: str | None = None, locale: str | None = None
) -> CountryReport:
    """The report model of one office's annual report, in ``lang`` / ``locale`` (default: the office's)."""
    outcomes = office_outcomes(dataset, office_id)
    if year is None:
        year = max(default_report_year(o) for o in outcomes)
    in_period = [o for o in outcomes if year in o.period]
    if not in_period:
        periods = ", ".join(f"{o.id} {o.period.start}-{o.period.end}" for o in outcomes)
        raise UsageError(f"year {year} is outside the period of every outcome of office {office_id!r} ({periods})")
    lang, locale = resolve_language(dataset.organization, dataset.offices[office_id], lang, locale)
    dataset = in_language(dataset, lang)  # names in the report's language (reportgen.build.names)
    organization, office = dataset.organization, dataset.offices[office_id]
    chapters = tuple(build_brief(dataset, o.id, year, lang, locale) for o in in_period)
    currency = single_currency(office_id, chapters, organization.currency)
    contributions = office_contributions(chapters, currency)
    resources = resource_matrix(chapters, currency)
    years = contributions.years
    figures = CountryKeyFigures(
        outcome_count=len(chapters),
        partner_count=len(contributions.rows),
        year_total=contributions.year_totals[years.index(year)] if year in years else None,
        period_total=contributions.grand_total,
        period_years=(years[0], years[-1]) if years else None,
        year_resources=resources.year_totals[resources.years.index(year)] if year in resources.years else None,
        excluded_outcomes=tuple(o.id for o in outcomes if year not in o.period),
        coverage=coverage(len(chapters), len(outcomes), lang),
    )
    cells = {row.outcome_id: row.cells for row in resources.rows}
    glance = tuple(
        OutcomeGlance(
            c.outcome.id,
            c.short_title,
            _year_status(c),
            c.key_figures.year_total,
            cells[c.outcome.id][resources.years.index(year)] if year in resources.years else None,
        )
        for c in chapters
    )
    counts = status_counts(chapters)
    data_as_of = max(c.data_as_of for c in chapters)
    origin = provenance(in_period, organization, lang)
    _ = translations(lang).gettext
    return CountryReport(
        organization=organization,
        office=office,
        report_year=year,
        lang=lang,
        locale=locale,
        currency=currency,
        data_as_of=data_as_of,
        chapters=chapters,
        annexed_tables=tuple(c.outcome.id for c in chapters if len(c.contributions.rows) > MAX_CHAPTER_TABLE_ROWS),
        key_figures=figures,
        status_counts=counts,
        glance=glance,
        outcome_contributions=_outcome_series(chapters, years),
        contributions=contributions,
        resources=resources,
        summary=summary_text(year, office, figures, counts, lang, locale),
        source_note=_(
            "Source: {source}, data as of {date}. Totals, shares and delivery rates are computed "
            "from the yearly figures."
        ).format(source=origin.source, date=long_date(data_as_of, locale)),
        online_url=office_url(organization, office, year, lang),
        illustrative=origin.illustrative,
    )
