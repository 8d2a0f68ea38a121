"""The mapping rules of the IATI importer, each on a small file written in the test."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from reportgen.errors import UsageError
from reportgen.iati import ImportSummary, import_file
from reportgen.iati.budgets import budget_year
from reportgen.iati.ids import make_id
from reportgen.load import load_dataset
from reportgen.model import Dataset, Outcome

from ..iati_xml import activity, budget, document, transaction, write


def run(tmp_path: Path, *activities: str, **options: object) -> tuple[ImportSummary, Dataset]:
    source = write(tmp_path, document(*activities))
    out = tmp_path / "out"
    summary = import_file(source, out, **options)  # type: ignore[arg-type]
    assert summary.ok, summary.text()
    return summary, load_dataset(out)


def only(dataset: Dataset) -> Outcome:
    (outcome,) = dataset.outcomes.values()
    return outcome


def test_budgets_revised_over_original_then_committed_over_indicative(tmp_path: Path) -> None:
    body = "".join(
        [
            # 2021: the same period four times: revised + committed wins
            budget("2021-01-01", "2021-12-31", "100", kind="1", status="1"),
            budget("2021-01-01", "2021-12-31", "200", kind="2", status="1"),
            budget("2021-01-01", "2021-12-31", "300", kind="2", status="2"),
            budget("2021-01-01", "2021-12-31", "400", kind="1", status="2"),
            # 2022: revised (indicative) beats original (committed)
            budget("2022-01-01", "2022-12-31", "50", kind="1", status="2"),
            budget("2022-01-01", "2022-12-31", "70.25", kind="2", status="1"),
            # 2023: two quarters are distinct periods: summed
            budget("2023-01-01", "2023-03-31", "10.10", kind="1"),
            budget("2023-04-01", "2023-06-30", "20.20", kind="1"),
        ]
    )
    _summary, dataset = run(tmp_path, activity(body=body))
    got = {line.year: line.budget.total for line in only(dataset).resources if line.budget}
    assert got == {2021: Decimal("300"), 2022: Decimal("70.25"), 2023: Decimal("30.30")}


def test_an_annual_budget_and_its_quarters_count_once(tmp_path: Path) -> None:
    # the UNICEF pattern: a budget for the year and the four quarters that break it down
    quarters = [("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31")]
    body = budget("2022-01-01", "2022-12-31", "1000", status="2")
    body += "".join(budget(f"2022-{a}", f"2022-{b}", "250", status="2") for a, b in quarters)
    summary, dataset = run(tmp_path, activity(body=body))
    got = {line.year: line.budget.total for line in only(dataset).resources if line.budget}
    assert got == {2022: Decimal("1000")}
    text = summary.text()
    assert text.count("lies within the budget 2022-01-01 to 2022-12-31 (1000 USD") == 4
    assert "the covering budget is counted, not the part" in text


def test_a_revised_budget_replaces_the_original_and_the_summary_says_so(tmp_path: Path) -> None:
    body = budget("2023-01-01", "2023-12-31", "4925478", kind="1") + budget(
        "2023-01-01", "2023-12-31", "5925478", kind="2"
    )
    summary, dataset = run(tmp_path, activity(body=body))
    got = {line.year: line.budget.total for line in only(dataset).resources if line.budget}
    assert got == {2023: Decimal("5925478")}
    assert "2 budgets for 2023-01-01-2023-12-31: counted the revised indicative one (5925478 USD)" in summary.text()


def test_overlapping_budgets_that_do_not_nest_are_not_added_and_their_year_gets_none(tmp_path: Path) -> None:
    body = budget("2021-01-01", "2021-08-31", "10") + budget("2021-06-01", "2021-12-31", "20")
    body += budget("2021-02-01", "2021-03-31", "3")  # inside the first: never counted either way
    body += budget("2022-01-01", "2022-12-31", "5")
    summary, dataset = run(tmp_path, activity(body=body))
    got = {line.year: line.budget.total for line in only(dataset).resources if line.budget}
    assert got == {2022: Decimal("5")}
    text = summary.text()
    assert "budget 2021-01-01 to 2021-08-31 (10 USD, line" in text
    assert "without either containing the other: not added, and 2021 gets no budget" in text


def test_a_budget_longer_than_a_year_is_not_put_in_one_year(tmp_path: Path) -> None:
    # UNOPS publishes single budgets of 15, 57 and 104 months
    body = budget("2019-01-01", "2023-09-30", "5700000") + budget("2024-01-01", "2024-12-31", "800")
    summary, dataset = run(tmp_path, activity(body=body, end="2024-12-31"))
    got = {line.year: line.budget.total for line in only(dataset).resources if line.budget}
    assert got == {2024: Decimal("800")}
    assert "budget 2019-01-01 to 2023-09-30 (5700000 USD, line" in summary.text()
    assert "covers 1734 days, more than a year" in summary.text()


def test_a_budget_counts_in_the_year_holding_most_of_its_days() -> None:
    import datetime as dt

    assert budget_year(dt.date(2020, 7, 1), dt.date(2021, 6, 30)) == 2020  # 184 days against 181
    assert budget_year(dt.date(2020, 10, 1), dt.date(2021, 9, 30)) == 2021
    assert budget_year(dt.date(2022, 12, 31), dt.date(2023, 1, 1)) == 2022  # a tie: the start year


def test_a_year_whose_budgets_mix_currencies_is_left_out_and_said(tmp_path: Path) -> None:
    body = budget("2021-01-01", "2021-06-30", "10", currency="EUR") + budget("2021-07-01", "2021-12-31", "20")
    body += budget("2022-01-01", "2022-12-31", "5")
    summary, dataset = run(tmp_path, activity(body=body))
    assert {line.year for line in only(dataset).resources if line.budget} == {2022}
    assert "budget of 2021 is in several currencies (10 EUR, 20 USD); left out rather than added up" in summary.text()


def test_contributions_by_provider_year_and_humanitarian_flag(tmp_path: Path) -> None:
    body = "".join(
        [
            transaction("1", "2021-03-01", "100", provider="XM-A"),
            transaction("1", "2021-09-01", "50.5", provider="XM-A", attrs='humanitarian="1"'),
            transaction("1", "2022-01-15", "70", provider="XM-A", attrs='humanitarian="true"'),
            transaction("1", "2022-02-01", "30", provider="XM-B"),
            transaction("1", "2022-05-01", "-10", provider="XM-B"),  # a refund
            transaction("2", "2022-05-01", "999", provider="XM-A"),  # outgoing commitment: not used
        ]
    )
    summary, dataset = run(tmp_path, activity(body=body))
    rows = {(c.partner, c.year, c.refund): (c.development, c.humanitarian) for c in only(dataset).contributions}
    assert rows == {
        ("xm-a", 2021, False): (Decimal("100"), Decimal("50.5")),
        ("xm-a", 2022, False): (Decimal("0"), Decimal("70")),
        ("xm-b", 2022, False): (Decimal("30"), Decimal("0")),
        ("xm-b", 2022, True): (Decimal("-10"), Decimal("0")),
    }
    assert {p.id: p.name for p in dataset.partners.values()} == {"xm-a": "Org XM-A", "xm-b": "Org XM-B"}
    assert summary.imported[0].uses == {"contributions": 5, "expenditure": 0, "disbursements": 0}


def test_the_activity_humanitarian_flag_applies_when_a_transaction_has_none(tmp_path: Path) -> None:
    body = transaction("1", "2021-03-01", "100", provider="XM-A")
    body += transaction("1", "2021-04-01", "5", provider="XM-A", attrs='humanitarian="0"')
    _summary, dataset = run(tmp_path, activity(body=body, attrs='default-currency="USD" humanitarian="1"'))
    (row,) = only(dataset).contributions
    assert (row.development, row.humanitarian) == (Decimal("5"), Decimal("100"))


def test_incoming_commitments_only_for_a_funder_that_sent_no_funds(tmp_path: Path) -> None:
    body = "".join(
        [
            transaction("11", "2020-12-01", "1000", provider="XM-A"),
            transaction("1", "2021-02-01", "400", provider="XM-A"),
            transaction("11", "2021-06-01", "250", provider="XM-B"),
        ]
    )
    summary, dataset = run(tmp_path, activity(body=body))
    outcome = only(dataset)
    rows = {(c.partner, c.year): c.development for c in outcome.contributions}
    assert rows == {("xm-a", 2021): Decimal("400"), ("xm-b", 2021): Decimal("250")}
    assert outcome.imported_from is not None and outcome.imported_from.committed_only == ["xm-b"]
    assert "partner xm-b: no incoming funds, so its incoming commitments are shown" in summary.text()


def test_a_transaction_without_provider(tmp_path: Path) -> None:
    one_funder = '<participating-org ref="XM-F" role="1" type="10"><narrative>Funder F</narrative></participating-org>'
    body = one_funder + transaction("1", "2021-03-01", "100")
    _summary, dataset = run(tmp_path, activity(body=body))
    assert [(c.partner, c.development) for c in only(dataset).contributions] == [("xm-f", Decimal("100"))]
    assert dataset.partners["xm-f"].name == "Funder F" and dataset.partners["xm-f"].type == "Government"

    two_funders = one_funder + one_funder.replace("XM-F", "XM-G").replace("Funder F", "Funder G")
    (tmp_path / "two").mkdir()
    _summary, dataset = run(tmp_path / "two", activity(body=two_funders + transaction("1", "2021-03-01", "100")))
    assert [c.partner for c in only(dataset).contributions] == ["funder-not-stated"]
    assert dataset.partners["funder-not-stated"].name == "Funder not stated"


def test_expenditure_and_disbursements_per_year(tmp_path: Path) -> None:
    body = "".join(
        [
            transaction("4", "2021-03-31", "10.5"),
            transaction("4", "2021-12-31", "0.25"),
            transaction("4", "2022-06-30", "7", extra='currency="EUR"'),
            transaction("3", "2021-05-01", "3"),
            transaction("3", "2021-06-01", "4", extra='currency="EUR"'),
        ]
    )
    _summary, dataset = run(tmp_path, activity(body=body))
    outcome = only(dataset)
    spent = {
        line.year: (line.expenditure.total, line.expenditure.currency) for line in outcome.resources if line.expenditure
    }
    assert spent == {2021: (Decimal("10.75"), "USD"), 2022: (Decimal("7"), "EUR")}
    assert all(line.budget is None for line in outcome.resources)
    assert {(d.year, d.currency): d.amount for d in outcome.disbursements} == {
        (2021, "EUR"): Decimal("4"),
        (2021, "USD"): Decimal("3"),
    }


def test_decimals_are_written_as_exact_numbers(tmp_path: Path) -> None:
    body = transaction("1", "2021-03-01", "0.1", provider="XM-A") + transaction(
        "1", "2021-04-01", "0.2", provider="XM-A"
    )
    body += transaction("1", "2022-04-01", "1234567890123.45", provider="XM-A")
    summary, dataset = run(tmp_path, activity(body=body))
    text = summary.imported[0].path.read_text(encoding="utf-8")
    assert "development: 0.3\n" in text and "development: 1234567890123.45\n" in text
    assert {c.year: c.development for c in only(dataset).contributions} == {
        2021: Decimal("0.3"),
        2022: Decimal("1234567890123.45"),
    }


def test_indicators_periods_measures_and_ids(tmp_path: Path) -> None:
    results = """
    <result type="2"><title><narrative>Better services</narrative></title>
     <indicator measure="2" ascending="0">
      <title><narrative>Share of complaints unresolved</narrative></title>
      <reference vocabulary="99" code="IND/1"/>
      <baseline iso-date="2020-06-30" value="40">
       <comment><narrative>From the 2020 survey</narrative></comment></baseline>
      <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
       <target value="35"/><actual value="36.5"/></period>
      <period><period-start iso-date="2021-07-01"/><period-end iso-date="2021-12-31"/>
       <target value="33"/></period>
      <period><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/>
       <target value="30"/><actual value="about 30"/></period>
     </indicator>
     <indicator measure="5"><title><narrative>How people describe the service</narrative></title>
      <baseline year="2020" value="1"/>
      <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/><target value="2"/></period>
     </indicator>
     <indicator measure="1"><title><narrative>Second with the same code</narrative></title>
      <reference vocabulary="99" code="IND/1"/></indicator>
    </result>
    <result type="3"><title><narrative>Impact</narrative></title>
     <indicator><title><narrative>No reference</narrative></title></indicator>
    </result>"""
    summary, dataset = run(tmp_path, activity(body=results))
    by_id = {i.id: i for i in only(dataset).indicators}
    assert list(by_id) == ["ind-1", "r1-i2", "ind-1-2", "r2-i1"]
    share = by_id["ind-1"]
    assert share.unit == "percent" and share.ascending is False and share.level is not None
    assert share.level.value == "outcome" and share.result == {"en": "Better services"}
    assert share.baseline is not None and (share.baseline.year, share.baseline.value) == (2020, Decimal("40"))
    assert share.baseline.comment == {"en": "From the 2020 survey"}
    # two periods end in 2021: the one starting later is kept; "about 30" is not a number
    assert share.targets == {2021: Decimal("33"), 2022: Decimal("30")} and share.actuals == {}
    assert share.target is not None and (share.target.year, share.target.value) == (2022, Decimal("30"))
    qualitative = by_id["r1-i2"]
    assert qualitative.unit == "qualitative" and qualitative.baseline is None and qualitative.targets == {}
    assert qualitative.baseline_text is not None and qualitative.baseline_text.text == "1"
    assert qualitative.target_texts == {2021: "2"}
    assert by_id["r2-i1"].level is not None and by_id["r2-i1"].level.value == "impact"
    text = summary.text()
    assert "several periods end in 2021; kept the one starting 2021-07-01" in text
    assert "indicator ind-1: 1 value(s) are not numbers though its measure is numeric; left out" in text
    assert "(actual 2022: 'about 30')" in text
    assert "indicator r1-i2: qualitative: its values are kept as written" in text


def test_year_prefixed_and_grouped_numbers_are_read_and_qualitative_text_is_kept(tmp_path: Path) -> None:
    results = """
    <result type="1"><title><narrative>People reached</narrative></title>
     <indicator measure="1"><title><narrative>People reached</narrative></title>
      <baseline year="2015" value="2015:1004106"/>
      <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
       <target value="1,250,000"/><actual value="Available"/></period>
     </indicator>
     <indicator measure="5"><title><narrative>Law adopted</narrative></title>
      <baseline year="2020" value="No law"/>
      <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
       <target value="Law adopted"/><actual value="As at Appraisal"/></period>
     </indicator>
    </result>"""
    summary, dataset = run(tmp_path, activity(body=results))
    reached, law = only(dataset).indicators
    assert reached.baseline is not None and reached.baseline.value == Decimal("1004106")
    assert reached.targets == {2021: Decimal("1250000")} and reached.actuals == {}
    assert law.baseline_text is not None and (law.baseline_text.year, law.baseline_text.text) == (2020, "No law")
    assert law.target_texts == {2021: "Law adopted"} and law.actual_texts == {2021: "As at Appraisal"}
    text = summary.text()
    assert "value '2015:1004106' read as 1004106 (the 2015: prefix is dropped)" in text
    assert "(actual 2021: 'Available')" in text


def test_sdg_links_from_tags_sectors_and_indicator_references(tmp_path: Path) -> None:
    body = """
    <sector vocabulary="1" code="15170" percentage="60"><narrative>Women's rights organisations</narrative></sector>
    <sector vocabulary="7" code="16" percentage="20"/>
    <sector vocabulary="8" code="16.1" percentage="10"/>
    <sector vocabulary="9" code="5.3.1" percentage="10"/>
    <tag vocabulary="2" code="5"/>
    <tag vocabulary="3" code="5.A"/>
    <tag vocabulary="3" code="5.9"/>
    <tag vocabulary="1" code="anything"/>
    <result type="1"><title><narrative>R</narrative></title>
     <indicator measure="1"><title><narrative>I</narrative></title><reference vocabulary="9" code="1.2.1"/></indicator>
    </result>"""
    summary, dataset = run(tmp_path, activity(body=body))
    outcome = only(dataset)
    assert [(link.goal, link.targets) for link in outcome.sdgs] == [(1, ["1.2"]), (5, ["5.3", "5.a"]), (16, ["16.1"])]
    assert [(s.scheme, s.code, s.name) for s in outcome.sectors] == [
        ("DAC 5-digit", "15170", {"en": "Women's rights organisations"})
    ]
    assert "SDG target '5.9' (tag vocabulary 3) names no existing SDG target; left out" in summary.text()


def test_narratives_by_language(tmp_path: Path) -> None:
    title = (
        '<narrative xml:lang="FRA">Titre</narrative><narrative xml:lang="spa">Título</narrative>'
        "<narrative>Title in the activity's language</narrative>"
    )
    text = document(
        activity(attrs='default-currency="USD" xml:lang="ENG"', title="x").replace("<narrative>x</narrative>", title)
    )
    out = tmp_path / "out"
    import_file(write(tmp_path, text), out)
    outcome = only(load_dataset(out))
    assert outcome.short_title == {"fr": "Titre", "es": "Título", "en": "Title in the activity's language"}


def test_status_gender_marker_and_dates(tmp_path: Path) -> None:
    body = '<policy-marker vocabulary="1" code="1" significance="2"/><policy-marker code="2" significance="1"/>'
    body += '<activity-date type="4" iso-date="2022-06-30"/>'  # the actual end beats the planned end
    body += '<activity-date type="1" iso-date="2019-01-01"/>'  # the actual start (2021) beats the planned one
    body += transaction("1", "2018-05-01", "1", provider="XM-A")  # widens the period
    summary, dataset = run(tmp_path, activity(body=body))
    outcome = only(dataset)
    assert outcome.gender_marker is not None and outcome.gender_marker.value == "principal"
    assert (outcome.period.start, outcome.period.end) == (2018, 2022)
    assert "period: widened from 2021-2022 to 2018-2022 to include figures for 2018" in summary.text()


def test_ids_are_slugs_shortened_with_a_hash_and_unique(tmp_path: Path) -> None:
    long_id = "XM-DAC-41114-" + "PROJECT-" * 10 + "1"
    assert make_id("XI-IATI-EC_INTPA-2021/429-054") == "xi-iati-ec-intpa-2021-429-054"
    assert make_id("Ñandú / Café") == "nandu-cafe"
    made = make_id(long_id)
    assert len(made) == 64 and made.startswith("xm-dac-41114-project-") and made == make_id(long_id)
    _summary, dataset = run(tmp_path, activity("XM-A_1"), activity("xm-a-1"), activity(long_id))
    ids = sorted(dataset.outcomes)
    assert len(ids) == 3 and "xm-a-1" in ids
    assert all(len(i) <= 64 for i in ids)


def test_filters_and_their_counts(tmp_path: Path) -> None:
    text = document(
        activity("XM-ONE-1", reporting_ref="XM-ONE", country="KE"),
        activity("XM-ONE-2", reporting_ref="XM-ONE", country="UG"),
        activity("XM-TWO-1", reporting_ref="XM-TWO", country="KE"),
    )
    source = write(tmp_path, text)
    summary = import_file(source, tmp_path / "a", reporting_org="XM-ONE", countries=["ke"])
    assert [i.identifier for i in summary.imported] == ["XM-ONE-1"]
    assert summary.filtered == {"--reporting-org": 1, "--country": 1}
    assert not summary.split and (tmp_path / "a" / "organization.yaml").is_file()
    summary = import_file(source, tmp_path / "b", activities=["XM-ONE-2", "XM-TWO-1", "XM-NOPE"])
    assert sorted(i.identifier for i in summary.imported) == ["XM-ONE-2", "XM-TWO-1"]
    assert summary.filtered == {"--activity": 1} and summary.not_found == ["XM-NOPE"]
    assert summary.split and sorted(f.path.name for f in summary.folders) == ["xm-one", "xm-two"]
    with pytest.raises(UsageError, match="nothing imported"):
        import_file(source, tmp_path / "c", countries=["FR"])
    assert not (tmp_path / "c").exists()


def test_roll_up_merges_children_into_their_parent(tmp_path: Path) -> None:
    indicator = (
        '<result type="1"><title><narrative>{r}</narrative></title><indicator measure="1">'
        '<title><narrative>{i}</narrative></title><reference vocabulary="99" code="K1"/>'
        '<period><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/>'
        '<target value="5"/><actual value="{a}"/></period></indicator></result>'
    )
    parent = activity(
        "XM-P",
        '<related-activity type="2" ref="XM-C1"/>'
        + transaction("1", "2021-02-01", "1000", provider="XM-DONOR")
        + indicator.format(r="Parent result", i="Parent indicator", a="4"),
        title="Parent programme",
        attrs='default-currency="USD" hierarchy="1"',
    )
    child1 = activity(
        "XM-C1",
        transaction("1", "2021-03-01", "400", provider="XM-P-ORG") + indicator.format(r="R1", i="Child one", a="2"),
        title="Child one",
        attrs='default-currency="USD" hierarchy="2"',
        country="UG",
    )
    child2 = activity(
        "XM-C2",
        '<related-activity type="1" ref="XM-P"/>'
        + indicator.format(r="R2", i="Child two", a="3").replace("2022-12-31", "2024-12-31"),
        title="Child two",
        attrs='default-currency="USD" hierarchy="2"',
    )
    outside = activity("XM-C3", '<related-activity type="1" ref="XM-NOT-IN-FILE"/>', title="Orphan")
    summary, dataset = run(tmp_path, parent, child1, child2, outside, roll_up=True)
    assert sorted(dataset.outcomes) == ["xm-c3", "xm-p"]
    assert summary.rolled_up == [("XM-C1", "XM-P"), ("XM-C2", "XM-P")]
    merged = dataset.outcomes["xm-p"]
    assert [(i.id, i.level.value if i.level else None, i.result) for i in merged.indicators] == [
        ("k1", "output", {"en": "Parent result"}),
        ("xm-c1-k1", "output", {"en": "Child one"}),
        ("xm-c2-k1", "output", {"en": "Child two"}),
    ]
    assert [(c.partner, c.development) for c in merged.contributions] == [("xm-donor", Decimal("1000"))]
    assert merged.period.end == 2024  # widened for the child's 2024 figures
    assert summary.imported[0].rolled_up == ("XM-C1", "XM-C2")
    assert "4 activities read; 2 imported, 2 rolled up into their parents, 0 skipped." in summary.text()
    # without --roll-up, every activity is an outcome of its own
    (tmp_path / "flat").mkdir()
    _summary, flat = run(tmp_path / "flat", parent, child1, child2, outside)
    assert sorted(flat.outcomes) == ["xm-c1", "xm-c2", "xm-c3", "xm-p"]


def test_a_reimport_overwrites_its_own_files_but_never_a_hand_written_one(tmp_path: Path) -> None:
    source = write(tmp_path, document(activity("XM-A"), activity("XM-B")))
    out = tmp_path / "out"
    import_file(source, out)
    first = (out / "outcomes" / "xm-a.yaml").read_text(encoding="utf-8")
    assert first.startswith("# Imported by reportgen import iati from activities.xml (IATI 2.03)\n")
    assert "# IATI activity: XM-A (line" in first
    summary = import_file(source, out)  # again: our own files are overwritten
    assert (out / "outcomes" / "xm-a.yaml").read_text(encoding="utf-8") == first and summary.removed == []
    # a narrower import removes the outcome files the earlier import wrote and this one does not
    summary = import_file(source, out, activities=["XM-A"])
    assert summary.removed == [out / "outcomes" / "xm-b.yaml"] and not (out / "outcomes" / "xm-b.yaml").exists()
    # a file without the header is hand-written: refused, and nothing is written
    hand = out / "outcomes" / "xm-a.yaml"
    hand.write_text("id: xm-a\n# Imported by reportgen import iati (not in the header)\n", encoding="utf-8")
    organization = (out / "organization.yaml").read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="not written by reportgen import iati") as refused:
        import_file(source, out)
    assert str(hand) in str(refused.value)
    assert hand.read_text(encoding="utf-8").startswith("id: xm-a")
    assert (out / "organization.yaml").read_text(encoding="utf-8") == organization
    assert not (out / "outcomes" / "xm-b.yaml").exists()
    assert not list(out.rglob(".*.tmp"))


def test_every_file_names_source_version_and_activity(tmp_path: Path) -> None:
    source = write(tmp_path, document(activity("XM-A"), activity("XM-B")), name="my file.xml")
    import_file(source, tmp_path / "out")
    starts = [n for n, line in enumerate(source.read_text().splitlines(), 1) if "<iati-activity " in line]
    expected = {
        "organization.yaml": "# IATI activities: XM-A, XM-B",
        "xm-a.yaml": f"# IATI activity: XM-A (line {starts[0]})",
        "xm-b.yaml": f"# IATI activity: XM-B (line {starts[1]})",
    }
    files = sorted((tmp_path / "out").rglob("*.yaml"))
    assert sorted(p.name for p in files) == sorted(expected)
    for path in files:
        text = path.read_text(encoding="utf-8")
        head = [line for line in text.splitlines() if line.startswith("#")]
        assert head[0] == "# Imported by reportgen import iati from my file.xml (IATI 2.03)"
        assert expected[path.name] in head
        assert isinstance(yaml.safe_load(text), dict)


def test_per_activity_problems_skip_the_activity_or_the_field(tmp_path: Path) -> None:
    no_identifier = activity("").replace("<iati-identifier></iati-identifier>", "")
    bad_parts = activity(
        "XM-BAD",
        transaction("1", "2021-03-01", "12,5", provider="XM-A")
        + transaction("1", "2021-13-45", "10", provider="XM-A")
        + transaction("1", "2021-04-01", "7", provider="XM-A")
        + transaction("4", "2021-04-01", "3", extra='currency="ZZZ"')
        + budget("2021-01-01", "not a date", "5"),
    )
    no_title = activity("XM-NO-TITLE").replace("<title><narrative>Test activity</narrative></title>", "")
    summary, dataset = run(tmp_path, no_identifier, bad_parts, no_title)
    assert [i.identifier for i in summary.imported] == ["XM-BAD"]
    assert [(s.identifier, s.reason) for s in summary.skipped] == [
        (None, "no iati-identifier"),
        ("XM-NO-TITLE", "no title (every outcome needs one)"),
    ]
    assert all(s.line > 1 for s in summary.skipped)
    (row,) = only(dataset).contributions
    assert row.development == Decimal("7")
    notes = "\n".join(summary.imported[0].notes)
    assert "transaction[0].value: not a number, got '12,5'; transaction left out" in notes
    assert "transaction[1].transaction-date: not a valid date, got '2021-13-45'" in notes
    assert "transaction[3].value: not an ISO 4217 currency code, got 'ZZZ'; transaction left out" in notes
    assert "budget[0].period-end: not a date (YYYY-MM-DD), got 'not a date'" in notes
    assert all(note.startswith("line ") for note in summary.imported[0].notes[:4])


def test_an_empty_placeholder_indicator_is_left_out_and_reported(tmp_path: Path) -> None:
    results = """
    <result type="1"><title><narrative>Output 1</narrative></title>
     <indicator measure="1" ascending="0">
      <title/>
      <baseline year="9999" value="0"/>
      <period><period-start iso-date="9999-01-01"/><period-end iso-date="9999-12-31"/>
       <target value="0"/></period>
     </indicator>
     <indicator measure="1"><title><narrative>Schools built</narrative></title>
      <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/><target value="4"/></period>
     </indicator>
    </result>"""
    summary, dataset = run(tmp_path, activity(body=results))
    (kept,) = only(dataset).indicators
    assert kept.name == {"en": "Schools built"}
    text = summary.text()
    assert (
        "placeholder indicator (no title of its own, no baseline, target or actual with a real year); left out" in text
    )


def test_data_as_of_is_a_date_from_the_file_never_today(tmp_path: Path) -> None:
    body = transaction("1", "2021-03-01", "10", provider="XM-A") + transaction("4", "2022-06-30", "4")
    text = document(activity(body=body)).replace('generated-datetime="2024-05-01T10:00:00Z"', "")
    source = write(tmp_path, text)
    first = import_file(source, tmp_path / "one")
    second = import_file(source, tmp_path / "two")
    assert first.ok and second.ok, first.text()
    written = (tmp_path / "one" / "organization.yaml").read_text(encoding="utf-8")
    assert written == (tmp_path / "two" / "organization.yaml").read_text(encoding="utf-8")
    assert str(load_dataset(tmp_path / "one").organization.data_as_of) == "2022-06-30"
    assert "data_as_of is 2022-06-30: the newest transaction date (the file has no generated-datetime" in first.text()


def test_data_as_of_prefers_the_latest_date_the_file_states(tmp_path: Path) -> None:
    summary, dataset = run(
        tmp_path, activity(attrs='default-currency="USD" last-updated-datetime="2023-02-01T00:00:00"')
    )
    assert str(dataset.organization.data_as_of) == "2024-05-01"  # the file's generated-datetime, the later
    assert "data_as_of is 2024-05-01: the file's generated-datetime" in summary.text()


def test_a_provider_ref_that_is_only_punctuation_is_no_identifier(tmp_path: Path) -> None:
    funds = (
        '<transaction><transaction-type code="1"/><transaction-date iso-date="2023-02-01"/><value>5</value>'
        '<provider-org ref="-"><narrative>Private donors in the Netherlands</narrative></provider-org></transaction>'
        '<transaction><transaction-type code="1"/><transaction-date iso-date="2023-03-01"/><value>7</value>'
        '<provider-org ref=" XM-A "><narrative>Org A</narrative></provider-org></transaction>'
    )
    summary, dataset = run(tmp_path, activity(body=funds))
    assert {p.id: p.name for p in dataset.partners.values()} == {
        "private-donors-in-the-netherlands": "Private donors in the Netherlands",
        "xm-a": "Org A",
    }
    assert "'-' is no organisation identifier; the name is used" in summary.text()


def test_a_brief_is_not_dated_before_its_report_year(tmp_path: Path) -> None:
    body = "".join(budget(f"{y}-01-01", f"{y}-12-31", "100") for y in (2021, 2022, 2023))
    attrs = 'default-currency="USD" last-updated-datetime="2021-05-01T00:00:00"'
    summary, dataset = run(tmp_path, activity(body=body, attrs=attrs))
    outcome = only(dataset)
    assert outcome.report_year == 2021 and outcome.data_as_of is not None and outcome.data_as_of.year == 2021
    assert "report_year 2021, the year of the data date (2021-05-01): the outcome has figures up to 2023" in (
        summary.text()
    )
