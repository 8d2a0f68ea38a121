"""build_donor and the donor charts on the sample data: every figure is recomputed here from the
dataset's Contribution rows, so the tests hold whatever the data folder contains."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.build.donor import build_donor, default_donor_year, donor_jobs, shares
from reportgen.build.donor_model import DonorReport
from reportgen.charts import style
from reportgen.charts.cache import clear_cache
from reportgen.charts.donor import MAX_BARS, donor_charts, outcome_bars, outcomes_chart, shared_scale, years_chart
from reportgen.errors import UsageError
from reportgen.formatting import money
from reportgen.kinds import kind
from reportgen.load import load_dataset
from reportgen.model import Contribution, Dataset, Money, Outcome

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(SAMPLE_DATA)


def rows_of(dataset: Dataset, partner: str, up_to: int | None = None) -> list[tuple[Outcome, Contribution]]:
    """(outcome, row) for every contribution row of ``partner`` (up to a year, inclusive)."""
    return [
        (outcome, row)
        for outcome in dataset.outcomes.values()
        for row in outcome.contributions
        if row.partner == partner and (up_to is None or row.year <= up_to)
    ]


def total(rows: list[tuple[Outcome, Contribution]]) -> Decimal:
    return sum((row.development + row.humanitarian for _, row in rows), Decimal(0))


def contributors(dataset: Dataset) -> list[str]:
    return sorted({row.partner for outcome in dataset.outcomes.values() for row in outcome.contributions})


@pytest.fixture(scope="module")
def reports(dataset: Dataset) -> dict[str, DonorReport]:
    """Every contributing partner's report for its default year."""
    return {pid: build_donor(dataset, pid) for pid in contributors(dataset)}


def busiest(reports: dict[str, DonorReport]) -> DonorReport:
    """The report with the most outcome chapters."""
    return max(reports.values(), key=lambda r: (len(r.outcomes), r.partner.id))


def without_rows(dataset: Dataset, partner: str, year: int) -> Dataset:
    """``dataset`` with ``partner``'s rows of ``year`` removed."""
    outcomes = {
        oid: o.model_copy(
            update={"contributions": [c for c in o.contributions if not (c.partner == partner and c.year == year)]}
        )
        for oid, o in dataset.outcomes.items()
    }
    return dataclasses.replace(dataset, outcomes=outcomes)


# --- jobs, default year, refused requests ---------------------------------------------------


def test_jobs_are_every_partner_year_with_a_contribution_sorted(dataset: Dataset) -> None:
    expected = sorted({(row.partner, row.year) for o in dataset.outcomes.values() for row in o.contributions})
    assert donor_jobs(dataset) == expected
    assert donor_jobs(dataset) == sorted(donor_jobs(dataset))


def test_default_year_is_the_latest_year_the_partner_contributed(
    dataset: Dataset, reports: dict[str, DonorReport]
) -> None:
    for pid, report in reports.items():
        latest = max(row.year for _, row in rows_of(dataset, pid))
        assert default_donor_year(dataset, pid) == latest
        assert report.report_year == latest


def test_unknown_partner_lists_the_known_ids(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        build_donor(dataset, "atlantis")
    for pid in dataset.partners:
        assert pid in str(caught.value)


def test_year_outside_every_funded_outcomes_period_is_refused(dataset: Dataset) -> None:
    for pid in contributors(dataset):
        starts = [o.period.start for o in dataset.outcomes.values() if any(c.partner == pid for c in o.contributions)]
        year = min(starts) - 1
        with pytest.raises(UsageError, match=f"no contribution in {year}"):
            build_donor(dataset, pid, year)


def test_year_before_the_first_contribution_is_refused(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = next(r for r in reports.values() if r.first_year is not None and r.first_year < r.report_year)
    assert report.first_year is not None
    later = without_rows(dataset, report.partner.id, report.first_year)  # the first year is now before any row
    with pytest.raises(UsageError, match=f"no contribution up to {report.first_year}"):
        build_donor(later, report.partner.id, report.first_year)


def test_a_partner_without_contributions_is_refused(dataset: Dataset) -> None:
    partner = contributors(dataset)[0]
    outcomes = {
        oid: o.model_copy(update={"contributions": [c for c in o.contributions if c.partner != partner]})
        for oid, o in dataset.outcomes.items()
    }
    empty = dataclasses.replace(dataset, outcomes=outcomes)
    assert all(key != partner for key, _ in donor_jobs(empty))
    with pytest.raises(UsageError, match="has no contributions"):
        build_donor(empty, partner)
    with pytest.raises(UsageError, match="has no contributions"):
        build_donor(empty, partner, 2024)


def test_mixed_currencies_are_refused(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = next(r for r in reports.values() if r.period_outcome_count > 1)
    outcome = report.annex.groups[0].outcome
    other = "EUR" if report.currency != "EUR" else "USD"
    changed = outcome.model_copy(
        update={"contributions": [c.model_copy(update={"currency": other}) for c in outcome.contributions]}
    )
    mixed = dataclasses.replace(dataset, outcomes={**dataset.outcomes, outcome.id: changed})
    with pytest.raises(UsageError, match="several currencies"):
        build_donor(mixed, report.partner.id)


# --- totals, shares, ordering ---------------------------------------------------------------


def test_year_totals_are_the_sums_of_the_partners_rows(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    for pid, report in reports.items():
        rows = rows_of(dataset, pid, report.report_year)
        by_year: dict[int, list[tuple[Outcome, Contribution]]] = defaultdict(list)
        for outcome, row in rows:
            by_year[row.year].append((outcome, row))
        assert [y.year for y in report.years] == list(range(min(by_year), report.report_year + 1))
        for entry in report.years:
            if entry.year in by_year:
                assert entry.split is not None
                assert entry.split.total.amount == total(by_year[entry.year])
                assert entry.split.humanitarian.amount == sum(r.humanitarian for _, r in by_year[entry.year])
            else:
                assert entry.split is None
        assert report.period_total is not None and report.period_total.total.amount == total(rows)
        assert report.year_total is not None
        assert report.year_total.total.amount == total(by_year[report.report_year])


def test_chapters_are_the_outcomes_funded_in_the_year_largest_first(
    dataset: Dataset, reports: dict[str, DonorReport]
) -> None:
    for pid, report in reports.items():
        in_year: dict[str, Decimal] = defaultdict(Decimal)
        for outcome, row in rows_of(dataset, pid):
            if row.year == report.report_year:
                in_year[outcome.id] += row.development + row.humanitarian
        assert {c.outcome.id for c in report.outcomes} == set(in_year)
        amounts = [c.year_total.total.amount for c in report.outcomes]
        assert amounts == [in_year[c.outcome.id] for c in report.outcomes]
        assert amounts == sorted(amounts, reverse=True)
        assert report.outcome_count == len(in_year)
        countries = {dataset.offices[dataset.outcomes[oid].office].country for oid in in_year}
        assert set(report.countries) == countries and report.country_count == len(countries)


def test_share_is_the_partners_part_of_all_partners_funding_that_year(
    dataset: Dataset, reports: dict[str, DonorReport]
) -> None:
    for pid, report in reports.items():
        year = report.report_year
        for chapter in report.outcomes:
            rows = [r for r in chapter.outcome.contributions if r.year == year]
            everyone = sum((r.development + r.humanitarian for r in rows), Decimal(0))
            mine = sum((r.development + r.humanitarian for r in rows if r.partner == pid), Decimal(0))
            assert chapter.outcome_year_total.total.amount == everyone
            assert chapter.share == mine / everyone
            assert isinstance(chapter.share, Decimal)
            up_to = [r for r in chapter.outcome.contributions if r.partner == pid and r.year <= year]
            assert chapter.period_total.total.amount == sum(r.development + r.humanitarian for r in up_to)
            assert chapter.period_years == (min(r.year for r in up_to), max(r.year for r in up_to))
            for entry in chapter.history:
                same_year = [r for r in chapter.outcome.contributions if r.year == entry.year]
                assert (entry.all_partners.total.amount if entry.all_partners else Decimal(0)) == sum(
                    r.development + r.humanitarian for r in same_year
                )
        funding = sum((c.outcome_year_total.total.amount for c in report.outcomes), Decimal(0))
        assert report.year_total is not None
        assert report.funding_share == report.year_total.total.amount / funding


def test_progress_note_is_the_report_years(reports: dict[str, DonorReport]) -> None:
    for report in reports.values():
        for chapter in report.outcomes:
            notes = [n for n in chapter.outcome.progress if n.year == report.report_year]
            if notes:
                assert chapter.progress is not None
                assert chapter.progress.year == report.report_year and chapter.progress.status == notes[0].status
            else:
                assert chapter.progress is None


def test_annex_holds_every_row_up_to_the_year_with_totals(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    for pid, report in reports.items():
        rows = rows_of(dataset, pid, report.report_year)
        shown = sorted(
            (g.outcome.id, r.year, r.refund, r.split.development.amount, r.split.humanitarian.amount)
            for g in report.annex.groups
            for r in g.rows
        )
        assert shown == sorted((o.id, r.year, r.refund, r.development, r.humanitarian) for o, r in rows)
        assert report.annex.row_count == len(rows)
        for group in report.annex.groups:
            assert group.total.total.amount == total([(o, r) for o, r in rows if o.id == group.outcome.id])
        assert report.annex.total is not None and report.annex.total.total.amount == total(rows)
        for row in report.period_rows:
            assert row.group.total.total.amount == sum((c.total.amount for c in row.cells if c is not None), Decimal(0))


def test_an_earlier_year_uses_only_data_up_to_it(dataset: Dataset) -> None:
    pid, year = donor_jobs(dataset)[0]
    report = build_donor(dataset, pid, year)
    assert report.years[-1].year == year
    assert all(r.year <= year for g in report.annex.groups for r in g.rows)
    assert report.period_total is not None and report.period_total.total.amount == total(rows_of(dataset, pid, year))


def test_a_year_without_contributions_inside_a_plan_period(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = next(r for r in reports.values() if r.first_year is not None and r.first_year < r.report_year)
    pid, year = report.partner.id, report.report_year
    gap = without_rows(dataset, pid, year)
    empty = build_donor(gap, pid, year)
    assert empty.outcomes == () and empty.year_total is None and empty.years[-1].split is None
    assert empty.period_total is not None
    assert empty.period_total.total.amount == total(rows_of(dataset, pid, year - 1))
    assert f"The data records no contribution from {report.partner.display_name} in {year}." in empty.summary
    charts = donor_charts(empty)
    assert list(charts) == ["donor/years"]


def test_summary_states_the_years_figures(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    for pid, report in reports.items():
        year_rows = [(o, r) for o, r in rows_of(dataset, pid) if r.year == report.report_year]
        amount = money(Money(total(year_rows), report.currency), report.locale)
        assert report.summary.startswith(
            f"In {report.report_year}, {report.partner.display_name} contributed {amount} to "
        )
        for country in report.countries:
            assert country in report.summary
        if report.first_year is not None and report.first_year < report.report_year:
            period = money(Money(total(rows_of(dataset, pid, report.report_year)), report.currency), report.locale)
            assert f"Since {report.first_year}, its contributions total {period}." in report.summary


def test_shares_never_print_a_small_part_as_zero(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    split = next(iter(reports.values())).period_total
    assert split is not None
    currency = split.total.currency
    small = dataclasses.replace(
        split, development=Money(Decimal(997), currency), humanitarian=Money(Decimal(3), currency)
    )
    small = dataclasses.replace(small, total=Money(Decimal(1000), currency))
    found = shares(small)
    assert found is not None and found.digits == 1 and found.humanitarian == Decimal("0.003")
    even = shares(
        dataclasses.replace(
            small, development=Money(Decimal(900), currency), humanitarian=Money(Decimal(100), currency)
        )
    )
    assert even is not None and even.digits == 0


def test_language_and_locale_default_to_the_organizations(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = next(iter(reports.values()))
    assert report.lang == dataset.organization.language
    assert report.locale == dataset.organization.locale
    assert report.title == f"{report.partner.display_name} — Donor report {report.report_year}"


def test_kind_names_files_partner_and_year(dataset: Dataset) -> None:
    donor = kind("donor")
    assert donor.folder == "donors" and donor.template == "donor.html"
    assert donor.jobs(dataset) == donor_jobs(dataset)
    assert donor.path(Path("out"), "sweden", 2024) == Path("out/donors/sweden-2024.pdf")


# --- charts ---------------------------------------------------------------------------------


def test_charts_share_one_scale_and_the_partners_colour(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = busiest(reports)
    charts = donor_charts(report)
    assert list(charts) == ["donor/years", "donor/outcomes"]
    largest = max(y.split.total.amount for y in report.years if y.split is not None)
    assert shared_scale(report) >= float(largest)
    assert report.colour_index == list(dataset.partners).index(report.partner.id)
    colour = style.current().colour(report.colour_index).lower()
    for chart in charts.values():
        assert colour in chart.svg.lower()


def test_charts_are_deterministic_with_alt_text_from_the_numbers(reports: dict[str, DonorReport]) -> None:
    report = busiest(reports)
    first = donor_charts(report)
    clear_cache()  # draw them again, not from the chart cache
    again = donor_charts(report)
    for chart_id, chart in first.items():
        assert chart.svg == again[chart_id].svg
        assert chart.alt.startswith("Bar chart: ")
    years = years_chart(report)
    assert years is not None
    for entry in report.years:
        if entry.split is not None:
            assert f"{entry.year}: {money(entry.split.total, report.locale)}" in years.alt
    outcomes = outcomes_chart(report)
    assert outcomes is not None
    positions = [outcomes.alt.index(money(c.year_total.total, report.locale)) for c in report.outcomes]
    assert positions == sorted(positions)  # largest first, as drawn


def test_many_outcomes_draw_the_smallest_as_one_bar(dataset: Dataset, reports: dict[str, DonorReport]) -> None:
    report = busiest(reports)
    copies = {
        f"{oid}-{i}": outcome.model_copy(update={"id": f"{oid}-{i}"})
        for oid, outcome in dataset.outcomes.items()
        for i in range(MAX_BARS)
    }
    many = build_donor(dataclasses.replace(dataset, outcomes=copies), report.partner.id, report.report_year)
    assert len(many.outcomes) > MAX_BARS
    bars = outcome_bars(many)
    assert len(bars) == MAX_BARS
    assert bars[-1][0] == f"Other outcomes ({len(many.outcomes) - MAX_BARS + 1})"
    assert many.year_total is not None
    assert sum((split.total.amount for _, split in bars), Decimal(0)) == many.year_total.total.amount
    chart = outcomes_chart(many)
    assert chart is not None and "smallest" in chart.caption and "smallest" in chart.alt
