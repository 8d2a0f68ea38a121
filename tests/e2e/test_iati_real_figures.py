"""The importer on real IATI files from eleven publishers (../shared/data/iati-real), checked
against a short parser of this test's own (plain xml.etree), and against what the rendered
brief prints.

For every activity of every file, the parser here computes incoming funds per year and
currency (type 1; type 11 only for a provider with no type 1 in the activity), budgets per
year under the rule of docs/iati.md (revised over original, committed over indicative, a
covering period over the periods it contains, no budget longer than a year, a year with
overlapping budgets left out), expenditure per year (type 4) and the indicators (placeholders,
with no title and no value, left out). Every figure the importer writes must match; a figure
it leaves out must be named in the import summary.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.iati import ImportSummary, import_file
from reportgen.load import load_dataset
from reportgen.model import Dataset, Outcome
from reportgen.pipeline import write_report

from ..pdfread import TaggedPdf, norm
from ..seed import SHARED

REAL = SHARED / "data" / "iati-real"
FILES = sorted(REAL.glob("*.xml")) if REAL.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"the real IATI files are not here ({REAL})")

Sums = dict[tuple[int, str], Decimal]  # (year, currency) -> amount


def text(element: ET.Element | None, attr: str) -> str:
    return (element.get(attr) or "").strip() if element is not None else ""


def day(element: ET.Element | None) -> dt.date | None:
    value = text(element, "iso-date")[:10]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def currency_of(value: ET.Element, default: str) -> str:
    return (value.get("currency") or default).strip().upper()


def provider_key(transaction: ET.Element, activity: ET.Element) -> str:
    org = transaction.find("provider-org")
    ref = text(org, "ref")
    if ref and any(c.isalnum() for c in ref):
        return ref
    name = org.findtext("narrative") if org is not None else None
    if name and name.strip():
        return " ".join(name.split())
    funders = [o for o in activity.findall("participating-org") if o.get("role") == "1"]
    if len(funders) == 1:
        return text(funders[0], "ref") or (funders[0].findtext("narrative") or "").strip()
    return "(none)"


def transaction_year(transaction: ET.Element) -> int:
    when = day(transaction.find("transaction-date"))
    value = transaction.find("value")
    if when is None and value is not None:
        when = dt.date.fromisoformat(value.get("value-date", "")[:10])
    assert when is not None
    return when.year


def kind(transaction: ET.Element) -> str:
    code = text(transaction.find("transaction-type"), "code")
    return {"IF": "1", "IC": "11", "E": "4"}.get(code, code)  # IATI 1.x letter codes


def incoming(activity: ET.Element, default: str) -> Sums:
    transactions = activity.findall("transaction")
    funded = {provider_key(t, activity) for t in transactions if kind(t) == "1"}
    sums: Sums = defaultdict(Decimal)
    for t in transactions:
        if kind(t) == "1" or (kind(t) == "11" and provider_key(t, activity) not in funded):
            value = t.find("value")
            assert value is not None
            sums[(transaction_year(t), currency_of(value, default))] += Decimal((value.text or "").strip())
    return dict(sums)


def per_year_single_currency(sums: Sums) -> dict[int, tuple[Decimal, str]]:
    years: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for (year, currency), amount in sums.items():
        years[year].append((currency, amount))
    return {y: (v[0][1], v[0][0]) for y, v in years.items() if len(v) == 1 and v[0][1] >= 0}


def expenditure(activity: ET.Element, default: str) -> dict[int, tuple[Decimal, str]]:
    sums: Sums = defaultdict(Decimal)
    for t in activity.findall("transaction"):
        if kind(t) == "4":
            value = t.find("value")
            assert value is not None and value.text
            sums[(transaction_year(t), currency_of(value, default))] += Decimal(value.text.strip())
    return per_year_single_currency(sums)


def most_days_year(start: dt.date, end: dt.date) -> int:
    days = {
        y: (min(end, dt.date(y, 12, 31)) - max(start, dt.date(y, 1, 1))).days + 1
        for y in range(start.year, end.year + 1)
    }
    return max(days, key=lambda y: (days[y], -y))


def budgets(activity: ET.Element, default: str) -> dict[int, tuple[Decimal, str]]:
    """Budgets per year under docs/iati.md's rule, computed independently here."""
    by_period: dict[tuple[dt.date, dt.date], list[tuple[tuple[bool, bool], Decimal, str]]] = defaultdict(list)
    for b in activity.findall("budget"):
        start, end, value = day(b.find("period-start")), day(b.find("period-end")), b.find("value")
        if start is None or end is None or value is None or not value.text or Decimal(value.text) < 0:
            continue
        rank = (b.get("type") == "2", b.get("status") == "2")
        by_period[(start, end)].append((rank, Decimal(value.text.strip()), currency_of(value, default)))
    chosen = {p: max(c, key=lambda item: item[0])[1:] for p, c in by_period.items()}
    short = {p: v for p, v in chosen.items() if (p[1] - p[0]).days + 1 <= 366}
    covering = {p: v for p, v in short.items() if not any(o != p and o[0] <= p[0] and p[1] <= o[1] for o in short)}
    overlapping = {p for p in covering for o in covering if o != p and p[0] <= o[1] and o[0] <= p[1]}
    blocked = {most_days_year(*p) for p in overlapping}
    sums: Sums = defaultdict(Decimal)
    for period, (amount, currency) in covering.items():
        year = most_days_year(*period)
        if period not in overlapping and year not in blocked:
            sums[(year, currency)] += amount
    return per_year_single_currency(sums)


def budget_years(activity: ET.Element) -> set[int]:
    """The years the activity's dated budgets fall in (by most days), counted or not."""
    periods = [(day(b.find("period-start")), day(b.find("period-end"))) for b in activity.findall("budget")]
    return {most_days_year(start, end) for start, end in periods if start and end}


def notes_of(summary: str, identifier: str) -> str:
    """The import summary's lines about one activity (its heading line and the indented notes under it)."""
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if " ".join(line.split()).startswith(f"{identifier} (line "))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        block.append(line)
    return "\n".join(block)


def indicator_count(activity: ET.Element) -> int:
    count = 0
    for result in activity.findall("result"):
        heading = result.find("title")
        result_title = "".join(heading.itertext()) if heading is not None else ""
        for indicator in result.findall("indicator"):
            title = indicator.find("title")
            own = bool(title is not None and "".join(title.itertext()).strip())
            values = [
                e
                for e in indicator.iter()
                if e.tag in ("baseline", "target", "actual") and (e.get("value") or "").strip()
            ]
            dated = [v for v in values if not str(v.get("year", "")).startswith("9999")]
            if own or (dated and result_title.strip()):
                count += 1
    return count


def shown(amount: Decimal) -> str:
    """An amount as the English reports print it: thousands separators, cents only when there are any."""
    return f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def activities(path: Path) -> list[tuple[ET.Element, str]]:
    root = ET.parse(path).getroot()
    default = root.get("default-currency") or ""
    return [(a, a.get("default-currency") or default) for a in root.findall("iati-activity")]


def ident(activity: ET.Element) -> str:
    return " ".join((activity.findtext("iati-identifier") or "").split())


@pytest.fixture(scope="module", params=[p.name for p in FILES])
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportSummary]:
    path = REAL / request.param
    summary = import_file(path, tmp_path_factory.mktemp(path.stem))
    assert summary.ok, summary.text()
    return path, summary


def outcomes(summary: ImportSummary) -> dict[str, tuple[Outcome, Dataset]]:
    found = {}
    for folder in summary.folders:
        dataset = load_dataset(folder.path)
        for outcome in dataset.outcomes.values():
            assert outcome.reference is not None
            found[outcome.reference] = (outcome, dataset)
    return found


def test_every_figure_matches_an_independent_parser(imported: tuple[Path, ImportSummary]) -> None:
    path, summary = imported
    text_of_summary = summary.text()
    by_reference = outcomes(summary)
    for activity, default in activities(path):
        outcome, dataset = by_reference[ident(activity)]
        where = (path.name, ident(activity))
        got: Sums = defaultdict(Decimal)
        for row in outcome.contributions:
            got[(row.year, row.currency or dataset.organization.currency)] += row.development + row.humanitarian
        assert dict(got) == incoming(activity, default), where
        lines = {line.year: line for line in outcome.resources}
        got_budgets = {y: (r.budget.total, r.budget.currency) for y, r in lines.items() if r.budget}
        want_budgets = budgets(activity, default)
        assert got_budgets == want_budgets, where
        got_spent = {y: (r.expenditure.total, r.expenditure.currency) for y, r in lines.items() if r.expenditure}
        assert got_spent == expenditure(activity, default), where
        assert len(outcome.indicators) == indicator_count(activity), where
        if activity.findall("budget") and not want_budgets:
            assert "budget" in text_of_summary, where  # every budget left out is said
        left_out = budget_years(activity) - set(want_budgets)
        if left_out:  # a year whose budgets are not counted: the activity's own notes say why
            assert "budget" in notes_of(text_of_summary, ident(activity)), (where, sorted(left_out))


def test_the_rendered_brief_prints_the_figures(imported: tuple[Path, ImportSummary], tmp_path: Path) -> None:
    """One activity per file (the first with incoming funds, else the first): its brief's
    contribution, budget and expenditure amounts and its count of indicators, read back from the PDF."""
    path, summary = imported
    by_reference = outcomes(summary)
    pairs = activities(path)
    activity, default = next(((a, d) for a, d in pairs if incoming(a, d)), pairs[0])
    outcome, dataset = by_reference[ident(activity)]
    pdf = TaggedPdf(write_report(dataset, "brief", outcome.id, tmp_path / "brief.pdf", lang="en"))
    printed = norm(" ".join(pdf.page_text))
    year = max([y for y, _c in incoming(activity, default)] + list(budgets(activity, default)) + [outcome.period.start])
    year = min(year, outcome.period.end)
    year = outcome.report_year or year  # the import caps it at the data date's year (docs/iati.md)
    for (when, _currency), amount in incoming(activity, default).items():
        if when <= year and amount > 0:
            assert shown(amount) in printed, (path.name, when, amount)
    for when, (amount, _currency) in budgets(activity, default).items():
        if when <= year and amount > 0:
            assert shown(amount) in printed, (path.name, when, amount)
    for when, (amount, _currency) in expenditure(activity, default).items():
        if when <= year and amount > 0:
            assert shown(amount) in printed, (path.name, "expenditure", when, amount)
    # the results framework: a row per indicator (under its year and result-level heading rows)
    tables = [t for t in pdf.tables() if t and t[0][:1] == ["INDICATOR"]]
    rows = [row for t in tables for row in t[1:] if len(row) > 1 and not row[0].isdigit()]
    assert len(rows) == indicator_count(activity), (path.name, [r[0] for r in rows])


def funds_by_provider(path: Path) -> dict[str, dict[str, Sums]]:
    """provider -> activity identifier -> (year, currency) -> incoming funds (type 1; type 11 for a
    provider with no type 1 in the activity), over every activity of the file."""
    found: dict[str, dict[str, Sums]] = defaultdict(dict)
    for activity, default in activities(path):
        transactions = activity.findall("transaction")
        funded = {provider_key(t, activity) for t in transactions if kind(t) == "1"}
        for t in transactions:
            key = provider_key(t, activity)
            if kind(t) == "1" or (kind(t) == "11" and key not in funded):
                value = t.find("value")
                assert value is not None
                sums = found[key].setdefault(ident(activity), defaultdict(Decimal))
                sums[(transaction_year(t), currency_of(value, default))] += Decimal((value.text or "").strip())
    return found


def test_the_rendered_donor_report_prints_the_partners_yearly_totals(
    imported: tuple[Path, ImportSummary], tmp_path: Path
) -> None:
    """Per file, the funding partner with the most funds in one currency (GDI Hub's FCDO among them:
    five of its refs have a trailing space): its donor report's yearly totals are the sums of its
    incoming funds over the file's activities, computed here. A donor report needs one currency
    per outcome (it sets the partner's share against the outcome's total): where every partner
    funds an outcome in several currencies, the import summary says so and no figure is printed."""
    path, summary = imported
    by_activity = {ident(a): (a, d) for a, d in activities(path)}
    providers = funds_by_provider(path)
    if not providers:
        assert "no contributions" in summary.text(), path.name  # said: "its donor reports ... will be empty"
        return

    def single(key: str) -> bool:
        """Every activity the provider funds has all its contributions in one currency."""
        return all(
            len({c for _y, c in incoming(*by_activity[a])}) == 1 and min(incoming(*by_activity[a]).values()) >= 0
            for a in providers[key]
        )

    candidates = [k for k in providers if single(k) and k != "(none)"]
    if not candidates:
        assert "several currencies" in summary.text(), path.name
        return
    key = max(candidates, key=lambda k: (sum(len(v) for v in providers[k].values()), k))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for sums in providers[key].values():
        for (year, _currency), amount in sums.items():
            totals[year] += amount
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    (folder,) = summary.folders
    dataset = load_dataset(folder.path)
    (partner,) = [p.id for p in dataset.partners.values() if p.id == slug or p.full_name == key]
    pdf = write_report(dataset, "donor", partner, tmp_path / "donor.pdf", max(totals), lang="en")
    printed = norm(" ".join(TaggedPdf(pdf).page_text))
    for when, amount in totals.items():
        if amount > 0:
            assert shown(amount) in printed, (path.name, key, when, amount)
