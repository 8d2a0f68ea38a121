"""The importer on the real IATI files in ../shared/data/iati; every expected value is
computed here from the XML with plain xml.etree, not with the importer's code."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.iati import ImportSummary, import_file
from reportgen.load import load_dataset
from reportgen.model import Dataset, Outcome

from ..seed import SHARED, needs_iati_files

IATI = SHARED / "data" / "iati"  # ../shared beside the checkout, or REPORTGEN_SHARED
pytestmark = needs_iati_files
DPORTAL = IATI / "foodsecurity-dportal.xml"
EXAMPLE = IATI / "activity-standard-example-annotated.xml"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def activities(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("iati-activity")


def by_identifier(path: Path, identifier: str) -> ET.Element:
    return next(a for a in activities(path) if (a.findtext("iati-identifier") or "").strip() == identifier)


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def amount(element: ET.Element) -> Decimal:
    return Decimal((element.findtext("value") or "").strip())


def attr(element: ET.Element, path: str, name: str) -> str:
    """The attribute ``name`` of the child at ``path`` ("" when either is missing)."""
    child = element.find(path)
    return (child.get(name) or "") if child is not None else ""


def kind(transaction: ET.Element) -> str:
    return attr(transaction, "transaction-type", "code")


def year(element: ET.Element, path: str) -> int:
    return int(attr(element, path, "iso-date")[:4])


@pytest.fixture(scope="module")
def dportal(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportSummary, Path]:
    out = tmp_path_factory.mktemp("dportal")
    return import_file(DPORTAL, out), out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportSummary, Dataset]:
    out = tmp_path_factory.mktemp("example")
    summary = import_file(EXAMPLE, out)
    return summary, load_dataset(out)


def outcome_of(out: Path, identifier: str) -> Outcome:
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        for outcome in load_dataset(folder).outcomes.values():
            if outcome.reference == identifier:
                return outcome
    raise AssertionError(f"{identifier} not imported")


def test_counts_of_activities_transactions_and_indicators(dportal: tuple[ImportSummary, Path]) -> None:
    summary, _out = dportal
    xml = activities(DPORTAL)
    assert summary.read == len(xml) == 7
    assert len(summary.imported) == 7 and summary.skipped == [] and summary.filtered == {}
    assert summary.transactions == sum(len(a.findall("transaction")) for a in xml)
    assert summary.indicators == sum(len(a.findall("result/indicator")) for a in xml)
    per_activity = {i.identifier: (i.transactions, i.indicators) for i in summary.imported}
    for a in xml:
        identifier = (a.findtext("iati-identifier") or "").strip()
        assert per_activity[identifier] == (len(a.findall("transaction")), len(a.findall("result/indicator")))
    # what feeds what: every type 1, 3 and 4 transaction (the file's type 11s all come from funders that sent funds)
    types = [kind(t) for a in xml for t in a.findall("transaction")]
    uses = summary.uses()
    assert uses["contributions"] == types.count("1")
    assert uses["expenditure"] == types.count("4")
    assert uses["disbursements"] == types.count("3")


def test_one_folder_per_publisher_and_every_folder_loads(dportal: tuple[ImportSummary, Path]) -> None:
    summary, out = dportal
    publishers = {attr(a, "reporting-org", "ref") for a in activities(DPORTAL)}
    assert len(publishers) == 6
    assert summary.split
    assert sorted(f.path.name for f in summary.folders) == sorted(slug(p) for p in publishers)
    assert summary.ok, summary.text()
    for folder in summary.folders:
        dataset = load_dataset(folder.path)
        assert len(dataset.outcomes) == folder.outcomes
        assert dataset.organization.id == folder.path.name
    assert len(load_dataset(out / "de-1").outcomes) == 2
    assert "one data folder per publisher" in summary.text()


def test_pax_contributions_per_provider_and_year_are_its_incoming_funds(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    xml = by_identifier(DPORTAL, "NL-KVK-30214009-C380")
    expected: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    commitments = []
    for t in xml.findall("transaction"):
        if kind(t) == "1":
            expected[(slug(attr(t, "provider-org", "ref")), year(t, "transaction-date"))] += amount(t)
        elif kind(t) == "11":
            commitments.append((year(t, "transaction-date"), amount(t)))
    assert commitments == [(2020, Decimal("57024708"))]
    outcome = outcome_of(out, "NL-KVK-30214009-C380")
    got = {(c.partner, c.year): c.development + c.humanitarian for c in outcome.contributions}
    assert got == dict(expected)
    assert got[("xm-dac-7", 2020)] == Decimal("5000000")  # the 2020 commitment is not added
    assert all(c.humanitarian == 0 and c.currency == "EUR" and not c.refund for c in outcome.contributions)
    assert outcome.imported_from is not None and outcome.imported_from.committed_only == []
    # funds received in December 2020 widen the 2021-2025 plan period
    assert (outcome.period.start, outcome.period.end) == (2020, 2025)
    assert outcome.office == "region-298"  # Africa 55% over Middle East 45%


def test_an_indicator_baseline_targets_and_actuals(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    xml = by_identifier(DPORTAL, "NL-KVK-30214009-C380")
    outcome = outcome_of(out, "NL-KVK-30214009-C380")
    for code in ("SCS061", "SCS062", "SCS063"):
        element = next(i for i in xml.iter("indicator") if attr(i, "reference", "code") == code)
        base = element.find("baseline")
        assert base is not None
        targets, actuals = {}, {}
        for period in element.findall("period"):
            end = year(period, "period-end")
            if period.find("target") is not None:
                targets[end] = Decimal(attr(period, "target", "value"))
            if period.find("actual") is not None:
                actuals[end] = Decimal(attr(period, "actual", "value"))
        indicator = next(i for i in outcome.indicators if i.id == code.lower())
        assert indicator.baseline is not None
        assert (indicator.baseline.year, indicator.baseline.value) == (
            int(base.get("year", "")),
            Decimal(base.get("value", "")),
        )
        assert indicator.targets == targets and indicator.actuals == actuals
        assert indicator.target is not None and (indicator.target.year, indicator.target.value) == (
            max(targets),
            targets[max(targets)],
        )
        assert indicator.level is not None and indicator.level.value == "output"
        assert indicator.name == {"en": " ".join((element.findtext("title/narrative") or "").split())}
    scs063 = next(i for i in outcome.indicators if i.id == "scs063")
    assert scs063.baseline is not None and scs063.baseline.value == 22
    assert scs063.targets == {2021: 24, 2022: 25} and scs063.actuals == {2021: 22}


def test_mixed_currencies_are_kept_apart(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    xml = by_identifier(DPORTAL, "US-EIN-06-1597-668-PU1-GL")
    budgets = {year(b, "period-start"): amount(b) for b in xml.findall("budget")}
    assert {attr(b, "value", "currency") for b in xml.findall("budget")} == {"EUR"}
    spent: dict[int, Decimal] = defaultdict(Decimal)
    disbursed: dict[int, Decimal] = defaultdict(Decimal)
    for t in xml.findall("transaction"):
        if kind(t) in ("3", "4"):
            assert attr(t, "value", "currency") == "USD"
            (spent if kind(t) == "4" else disbursed)[year(t, "transaction-date")] += amount(t)
    outcome = outcome_of(out, "US-EIN-06-1597-668-PU1-GL")
    lines = {line.year: line for line in outcome.resources}
    assert {y: line.budget.total for y, line in lines.items() if line.budget} == budgets
    assert {line.budget.currency for line in lines.values() if line.budget} == {"EUR"}
    assert {y: line.expenditure.total for y, line in lines.items() if line.expenditure} == dict(spent)
    assert {line.expenditure.currency for line in lines.values() if line.expenditure} == {"USD"}
    assert {d.year: d.amount for d in outcome.disbursements} == dict(disbursed)
    assert {d.currency for d in outcome.disbursements} == {"USD"}
    assert outcome.contributions == []


def test_funding_without_provider_falls_back_to_the_single_funder(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    xml = by_identifier(DPORTAL, "NL-KVK-41155305-GLA2-Coord")
    funder = next(p for p in xml.findall("participating-org") if p.get("role") == "1")
    incoming = [t for t in xml.findall("transaction") if kind(t) == "1"]
    assert len(incoming) == 1 and incoming[0].find("provider-org") is None
    outcome = outcome_of(out, "NL-KVK-41155305-GLA2-Coord")
    assert [(c.partner, c.year, c.development) for c in outcome.contributions] == [
        (slug(funder.get("ref") or ""), 2021, amount(incoming[0]))
    ]


def test_languages_from_uppercase_and_three_letter_codes(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    bmz = outcome_of(out, "DE-1-202033942-0")
    xml = by_identifier(DPORTAL, "DE-1-202033942-0")
    titles = {n.get(LANG, "").lower(): n.text for n in xml.findall("title/narrative")}
    assert bmz.short_title == titles == {"de": titles["de"], "en": titles["en"]}
    assert bmz.objectives is not None and set(bmz.objectives) == {"de", "en"}
    pax = outcome_of(out, "NL-KVK-30214009-C380")  # xml:lang="ENG"
    assert isinstance(pax.short_title, dict) and list(pax.short_title) == ["en"]
    # German is the most common language of the BMZ narratives, but reports are not translated into it
    assert load_dataset(out / "de-1").organization.language == "en"


def test_offices_statuses_markers_sectors_and_sdgs(dportal: tuple[ImportSummary, Path]) -> None:
    _summary, out = dportal
    ec = outcome_of(out, "XI-IATI-EC_INTPA-2021/429-054")
    xml = by_identifier(DPORTAL, "XI-IATI-EC_INTPA-2021/429-054")
    assert ec.id == "xi-iati-ec-intpa-2021-429-054" and ec.office == "cg"
    assert [link.goal for link in ec.sdgs] == sorted(
        int(t.get("code") or 0) for t in xml.findall("tag") if t.get("vocabulary") == "2"
    )
    assert [(s.scheme, s.code, s.percentage) for s in ec.sectors] == [
        ("DAC 5-digit", s.get("code"), Decimal(s.get("percentage") or "")) for s in xml.findall("sector")
    ]
    assert ec.status is not None and ec.status.value == "implementation"
    assert ec.gender_marker is not None and ec.gender_marker.value == "not_targeted"
    tropenbos = outcome_of(out, "NL-KVK-41155305-GLA2-Coord")
    assert tropenbos.gender_marker is not None and tropenbos.gender_marker.value == "principal"
    assert [s.scheme for s in tropenbos.sectors] == ["DAC 3-digit"] * 3
    offices = {folder.name: load_dataset(folder).offices for folder in out.iterdir() if folder.is_dir()}
    assert offices["gb-chc-285776"]["ng"].name == "Nigeria" and offices["gb-chc-285776"]["ng"].country_code == "NG"
    assert offices["nl-kvk-41155305"]["region-998"].name == "Developing countries, unspecified"
    assert offices["us-ein-06-1597-668"]["region-389"].name == "North and Central America, regional"


def test_the_summary_says_what_each_report_will_lack(dportal: tuple[ImportSummary, Path]) -> None:
    summary, _out = dportal
    lacks = {i.identifier: " ".join(i.lacks) for i in summary.imported}
    no_funding = {
        (a.findtext("iati-identifier") or "").strip()
        for a in activities(DPORTAL)
        if not any(kind(t) in ("1", "11") for t in a.findall("transaction"))
    }
    for identifier, text in lacks.items():
        assert ("no contributions: its donor reports" in text) == (identifier in no_funding), identifier
    assert "no results/indicators" in lacks["DE-1-202033942-0"]
    assert "no results/indicators" not in lacks["NL-KVK-30214009-C380"]
    text = summary.text()
    assert text.count("IATI has no yearly narrative progress notes") == 1
    assert "filed under office region-298 (55%); also region 589 (45%)" in text


def test_annotated_example_multilingual_title_and_foreign_currency(example: tuple[ImportSummary, Dataset]) -> None:
    summary, dataset = example
    xml = by_identifier(EXAMPLE, "AA-AAA-123456789-ABC123")
    default_lang = xml.get(LANG)
    titles = {n.get(LANG, default_lang): n.text for n in xml.findall("title/narrative")}
    assert set(titles) == {"en", "fr", "es"}
    (outcome,) = dataset.outcomes.values()
    assert outcome.short_title == titles
    assert xml.get("default-currency") == "USD" and dataset.organization.currency == "USD"
    (incoming,) = [t for t in xml.findall("transaction") if kind(t) == "1"]
    assert attr(incoming, "value", "currency") == "EUR"
    (row,) = outcome.contributions
    assert (row.partner, row.year, row.development, row.currency) == (
        slug(attr(incoming, "provider-org", "ref")),
        year(incoming, "transaction-date"),
        amount(incoming),
        "EUR",
    )
    (line,) = outcome.resources
    (budget,) = xml.findall("budget")
    assert line.budget is not None and (line.year, line.budget.total, line.budget.currency) == (
        2014,
        amount(budget),
        "EUR",
    )
    assert dataset.organization.data_as_of.isoformat() == xml.get("last-updated-datetime", "")[:10]
    (indicator,) = outcome.indicators
    assert indicator.baseline is not None and indicator.baseline.comment == {"en": "Baseline comment text"}
    assert (indicator.baseline.year, indicator.baseline.value) == (2012, 10)
    assert indicator.targets == {2013: 10} and indicator.actuals == {2013: 11}
    assert summary.imported[0].office == "af (Afghanistan)"  # four recipients of 25%: the first listed
    assert outcome.imported_from is not None and outcome.imported_from.version == "2.01"
