"""Build stage for the donor report: Dataset + partner id + year -> DonorReport.

The business rules of the donor report live here: which years a partner's report can
be made for, its default year, the partner's totals per year and over the period, which
outcomes it funded and in what order, its share of each outcome's funding, the annex rows
and the summary paragraph. Figures reuse the outcome brief's computations
(``build_contributions``, ``build_progress``, ``Split``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from babel.lists import format_list

from ..errors import UsageError
from ..formatting import locale_of, money, percent
from ..i18n import translations
from ..model import Dataset, Office, Organization, Outcome, Partner, localize
from .brief import build_contributions, build_progress, contribution_currency, split_of, sum_splits
from .brief_model import Split
from .donor_model import (
    AnnexGroup,
    AnnexRow,
    ContributionAnnex,
    DonorReport,
    FundedOutcome,
    OutcomePeriodRow,
    OutcomeYear,
    Shares,
    YearTotal,
)
from .language import resolve_for_organization
from .links import outcome_url, partner_url
from .names import in_language
from .provenance import provenance

__all__ = ["DonorReport", "build_donor", "default_donor_year", "donor_jobs", "funded_outcomes", "shares"]


def funded_outcomes(dataset: Dataset, partner_id: str) -> list[Outcome]:
    """Every outcome with at least one contribution row of the partner (any year), by id."""
    return [o for _, o in sorted(dataset.outcomes.items()) if any(c.partner == partner_id for c in o.contributions)]


def contribution_years(dataset: Dataset, partner_id: str) -> list[int]:
    """The years in which the partner has a contribution row, sorted."""
    return sorted({c.year for o in dataset.outcomes.values() for c in o.contributions if c.partner == partner_id})


def donor_jobs(dataset: Dataset) -> list[tuple[str, int]]:
    """Every (partner id, year) with a contribution of that partner, sorted."""
    return sorted((pid, year) for pid in dataset.partners for year in contribution_years(dataset, pid))


def default_donor_year(dataset: Dataset, partner_id: str) -> int:
    """The latest year the partner contributed (a UsageError when it never did)."""
    years = contribution_years(dataset, _partner(dataset, partner_id).id)
    if not years:
        raise UsageError(f"partner {partner_id!r} has no contributions in {dataset.root}")
    return years[-1]


def _partner(dataset: Dataset, partner_id: str) -> Partner:
    try:
        return dataset.partners[partner_id]
    except KeyError:
        known = ", ".join(sorted(dataset.partners)) or "none"
        raise UsageError(f"no funding partner {partner_id!r} in {dataset.root} (known: {known})") from None


def _check_year(dataset: Dataset, partner_id: str, year: int, outcomes: list[Outcome]) -> None:
    """Refuse a year the report cannot be about: nothing contributed then, nor before, nor planned."""
    years = contribution_years(dataset, partner_id)
    if year in years:
        return
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    if not any(year in o.period for o in outcomes):
        periods = sorted({(o.period.start, o.period.end) for o in outcomes})
        shown = ", ".join(f"{start}–{end}" for start, end in periods)
        raise UsageError(
            f"partner {partner_id!r} has no contribution in {year}, and {year} is outside the plan period of "
            f"every outcome it funds ({shown}); it contributed in {span}"
        )
    if year < years[0]:
        raise UsageError(f"partner {partner_id!r} has no contribution up to {year}; its first is in {years[0]}")


def _currency(organization: Organization, partner_id: str, outcomes: list[Outcome]) -> str:
    """The one currency of the partner's contributions; a UsageError naming outcomes when they mix."""
    found: dict[str, list[str]] = {}
    for outcome in outcomes:
        mixed = sorted({contribution_currency(c, organization) for c in outcome.contributions})
        if len(mixed) > 1:
            raise UsageError(
                f"outcome {outcome.id!r}, which partner {partner_id!r} funds, has contributions in several "
                f"currencies ({', '.join(mixed)}); a donor report sets the partner's share against the "
                "outcome's total, so it needs one currency: convert the amounts before loading "
                "(the outcome's brief shows every currency separately)"
            )
        codes = {contribution_currency(c, organization) for c in outcome.contributions if c.partner == partner_id}
        for code in sorted(codes):
            found.setdefault(code, []).append(outcome.id)
    if len(found) > 1:
        detail = "; ".join(f"{code}: {', '.join(ids)}" for code, ids in sorted(found.items()))
        raise UsageError(
            f"partner {partner_id!r}'s contributions are in several currencies ({detail}); "
            "a donor report adds them up, so it needs one currency: convert the amounts before loading "
            "(each outcome's brief shows every currency separately)"
        )
    return next(iter(found), organization.currency)


def _funded(
    dataset: Dataset, partner_id: str, outcome: Outcome, year: int, currency: str, lang: str
) -> tuple[FundedOutcome | None, AnnexGroup | None]:
    """The outcome's chapter (when funded in ``year``) and annex group (when funded up to ``year``)."""
    default_lang = dataset.organization.language
    office = dataset.office_of(outcome)
    short_title = localize(outcome.short_title, lang, default_lang)
    rows = sorted(
        (c for c in outcome.contributions if c.partner == partner_id and c.year <= year),
        key=lambda c: (c.year, c.refund),
    )
    if not rows:
        return None, None
    annex_rows = tuple(AnnexRow(c.year, c.refund, split_of(c, currency)) for c in rows)
    period_total = sum_splits(r.split for r in annex_rows)
    assert period_total is not None  # rows is not empty
    group = AnnexGroup(outcome, office, short_title, annex_rows, period_total)
    if not any(c.year == year for c in rows):
        return None, group
    table = build_contributions(dataset, outcome, year, currency)
    at = table.years.index(year)
    partner_row = next(r for r in table.rows if r.partner.id == partner_id)
    year_total, outcome_year_total = partner_row.cells[at], table.year_totals[at]
    assert year_total is not None and outcome_year_total is not None  # the partner has a row in ``year``
    note = next((p for p in build_progress(outcome, year, lang, default_lang) if p.is_report_year), None)
    chapter = FundedOutcome(
        outcome=outcome,
        office=office,
        short_title=short_title,
        statement=localize(outcome.statement, lang, default_lang),
        year_total=year_total,
        outcome_year_total=outcome_year_total,
        period_total=period_total,
        period_years=(rows[0].year, rows[-1].year),
        progress=note,
        history=tuple(OutcomeYear(y, partner_row.cells[i], table.year_totals[i]) for i, y in enumerate(table.years)),
        online_url=outcome_url(dataset.organization, outcome, year, lang),
    )
    return chapter, group


def _countries(offices: Iterable[Office]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(office.country_name for office in offices))


def _period_rows(groups: list[AnnexGroup], years: list[int]) -> tuple[OutcomePeriodRow, ...]:
    """Outcome x year: the partner's contributions per outcome and year, largest total first."""
    rows = []
    for group in groups:
        cells = tuple(sum_splits(r.split for r in group.rows if r.year == year) for year in years)
        rows.append(OutcomePeriodRow(group, cells))
    rows.sort(key=lambda r: (-r.group.total.total.amount, r.group.short_title.text, r.group.outcome.id))
    return tuple(rows)


def shares(split: Split | None) -> Shares | None:
    """The development / humanitarian shares of ``split``, with one decimal where whole
    percents would print a non-zero part as 0% or a partial whole as 100%."""
    if split is None:
        return None
    dev, hum = split.development_share, split.humanitarian_share
    digits = 0
    if hum is not None and 0 < hum < 1 and not Decimal("0.005") <= hum <= Decimal("0.995"):
        digits = 1
    return Shares(dev, hum, digits)


def _summary(report: DonorReport) -> str:
    """The cover's paragraph: what the partner gave in the year, where, of which kind, and since when."""
    catalog = translations(report.lang)
    _, ngettext = catalog.gettext, catalog.ngettext
    locale, year, name = report.locale, report.report_year, report.partner.display_name

    def where(outcome_count: int, offices: Iterable[Office]) -> dict[str, str]:
        countries = _countries(offices)
        return {
            "outcomes": ngettext("{n} outcome", "{n} outcomes", outcome_count).format(n=outcome_count),
            "countries": ngettext("{n} country", "{n} countries", len(countries)).format(n=len(countries)),
            "names": format_list(list(countries), locale=locale_of(locale)),
        }

    def kind(split: Split) -> str:
        if split.humanitarian.amount == 0:
            return _("All of it was development funding.")
        if split.development.amount == 0:
            return _("All of it was humanitarian funding.")
        found = shares(split)
        assert found is not None
        development = percent(found.development, locale, found.digits)
        humanitarian = percent(found.humanitarian, locale, found.digits)
        return _("{development} of it was development funding and {humanitarian} humanitarian funding.").format(
            development=development, humanitarian=humanitarian
        )

    assert report.period_total is not None and report.first_year is not None  # checked by build_donor
    first = report.first_year
    if report.year_total is not None and report.outcomes:
        offices = (c.office for c in report.outcomes)
        sentences = [
            _("In {year}, {partner} contributed {amount} to {outcomes} in {countries} ({names}).").format(
                year=year,
                partner=name,
                amount=money(report.year_total.total, locale),
                **where(len(report.outcomes), offices),
            ),
            kind(report.year_total),
            _("That is {share} of all funding partners' contributions to these outcomes in {year}.").format(
                share=percent(report.funding_share, locale), year=year
            ),
        ]
        if first < year:
            sentences.append(
                _("Since {first}, its contributions total {amount}.").format(
                    first=first, amount=money(report.period_total.total, locale)
                )
            )
        return " ".join(sentences)
    last = max(y.year for y in report.years if y.split is not None)
    span = f"{first}–{last}" if first < last else str(first)
    groups = report.annex.groups
    return " ".join(
        [
            _("The data records no contribution from {partner} in {year}.").format(partner=name, year=year),
            _("In {span}, it contributed {amount} to {outcomes} in {countries} ({names}).").format(
                span=span,
                amount=money(report.period_total.total, locale),
                **where(len(groups), (g.office for g in groups)),
            ),
            kind(report.period_total),
        ]
    )


def build_donor(
    dataset: Dataset, partner_id: str, year: int | None = None, lang: str | None = None, locale: str | None = None
) -> DonorReport:
    """The report model of one funding partner's donor report, in ``lang`` / ``locale``
    (default: the organization's). ``year`` defaults to the partner's latest contribution year."""
    partner = _partner(dataset, partner_id)
    outcomes = funded_outcomes(dataset, partner.id)
    if year is None:
        year = default_donor_year(dataset, partner.id)
    elif not outcomes:
        raise UsageError(f"partner {partner_id!r} has no contributions in {dataset.root}")
    else:
        _check_year(dataset, partner.id, year, outcomes)
    lang, locale = resolve_for_organization(dataset.organization, lang, locale)
    dataset = in_language(dataset, lang)  # names in the report's language (reportgen.build.names)
    organization, partner = dataset.organization, dataset.partners[partner.id]
    currency = _currency(organization, partner.id, outcomes)

    chapters: list[FundedOutcome] = []
    groups: list[AnnexGroup] = []
    for outcome in outcomes:
        chapter, group = _funded(dataset, partner.id, outcome, year, currency, lang)
        if chapter is not None:
            chapters.append(chapter)
        if group is not None:
            groups.append(group)
    chapters.sort(key=lambda c: (-c.year_total.total.amount, c.short_title.text, c.outcome.id))
    groups.sort(key=lambda g: (g.office.country_name, g.short_title.text, g.outcome.id))

    by_year: dict[int, list[Split]] = {}
    for group in groups:
        for row in group.rows:
            by_year.setdefault(row.year, []).append(row.split)
    first = min(by_year)
    year_totals = tuple(YearTotal(y, sum_splits(by_year.get(y, []))) for y in range(first, year + 1))
    period_total = sum_splits(y.split for y in year_totals)
    _ = translations(lang).gettext
    origin = provenance([g.outcome for g in groups], organization, lang)
    report = DonorReport(
        organization=organization,
        partner=partner,
        colour_index=list(dataset.partners).index(partner.id),
        report_year=year,
        # Outcomes may be dated apart: the report is as current as its oldest part.
        data_as_of=min(g.outcome.data_as_of or organization.data_as_of for g in groups),
        source=origin.source,
        illustrative=origin.illustrative,
        lang=lang,
        locale=locale,
        currency=currency,
        years=year_totals,
        year_total=year_totals[-1].split,
        period_total=period_total,
        outcomes=tuple(chapters),
        outcomes_funding=sum_splits(c.outcome_year_total for c in chapters),
        year_shares=shares(year_totals[-1].split),
        period_shares=shares(period_total),
        countries=_countries(c.office for c in chapters),
        period_rows=_period_rows(groups, [y.year for y in year_totals]),
        period_outcome_count=len(groups),
        annex=ContributionAnnex(currency, tuple(groups), sum_splits(g.total for g in groups)),
        title_text=_("{partner} — Donor report {year}").format(partner=partner.display_name, year=year),
        summary="",
        online_url=partner_url(organization, partner, year, lang),
    )
    return replace(report, summary=_summary(report))
