"""Every generated sentence and key figure of the bundled Mexico country report states its
period and is right for that period: each is recomputed here from the data files, read with
``yaml.safe_load`` (not with reportgen), and compared with what the PDF prints.

The cover once said "...$1,259,450.75 of it in 2024. Of this, 94% was development": 94% was
the 2020-2024 share; for 2024 alone it is 88%. And a key figure's label must say what the figure
covers: a country report headed "Contributions 2014–2020" left out, unsaid, the outcomes of the
office that had ended; the label now names its years and its outcomes ("2 of 3 outcomes").
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.load import load_dataset
from reportgen.pipeline import write_report

from ..pdfread import TaggedPdf, norm

DATA = Path(__file__).resolve().parents[2] / "data"
OFFICE, YEAR = "mex", 2024
MONEY = r"\$([\d,]+(?:\.\d+)?)"


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def close(printed: str, share: Decimal) -> bool:
    """A printed whole percent is the share rounded."""
    return abs(Decimal(printed) - share * 100) <= Decimal("0.5")


def expected() -> dict[str, Any]:
    """The office's figures for YEAR, from the YAML files alone."""
    outcomes = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "outcomes").glob("*.yaml"))]
    office = [o for o in outcomes if o["office"] == OFFICE]
    running = [o for o in office if o["period"]["start"] <= YEAR <= o["period"]["end"]]
    dev: dict[int, Decimal] = defaultdict(Decimal)
    hum: dict[int, Decimal] = defaultdict(Decimal)
    partners = set()
    for outcome in running:
        for row in outcome.get("contributions", []):
            if row["year"] <= YEAR:
                dev[row["year"]] += Decimal(str(row["development"]))
                hum[row["year"]] += Decimal(str(row["humanitarian"]))
                partners.add(row["partner"])
    budget = spent = Decimal(0)
    for outcome in running:
        for line in outcome.get("resources", []):
            if line["year"] == YEAR:
                budget += sum(Decimal(str(v)) for v in line["budget"].values())
                spent += sum(Decimal(str(v)) for v in line["expenditure"].values())
    years = sorted(set(dev) | set(hum))
    period = sum(dev.values()) + sum(hum.values())
    in_year = dev[YEAR] + hum[YEAR]
    return {
        "outcomes": len(running),
        "others": len(office) - len(running),
        "partners": len(partners),
        "years": (years[0], years[-1]),
        "period": period,
        "period_dev": sum(dev.values()) / period,
        "year": in_year,
        "year_dev": dev[YEAR] / in_year,
        "year_hum": hum[YEAR] / in_year,
        "budget": budget,
        "spent": spent,
        "rate": spent / budget,
    }


@pytest.fixture(scope="module")
def mexico(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(load_dataset(DATA), "country", OFFICE, tmp_path_factory.mktemp("mex") / "mex.pdf", YEAR)


@pytest.fixture(scope="module")
def pages(mexico: Path) -> list[str]:
    return [norm(text) for text in TaggedPdf(mexico).page_text]


def test_the_cover_sentences_are_true_for_the_period_they_name(pages: list[str]) -> None:
    want, cover = expected(), pages[0]
    start, end = want["years"]
    match = re.search(
        rf"worked towards (\d+) outcomes\. Its (\d+) funding partners contributed {MONEY} over (\d{{4}})–(\d{{4}}), "
        rf"{MONEY} of it in {YEAR}\. Of the {MONEY} in {YEAR}, (\d+)% was development funding "
        rf"and (\d+)% humanitarian\.",
        cover,
    )
    assert match, cover
    count, partners, total, first, last, of_year, again, dev, hum = match.groups()
    assert (int(count), int(partners)) == (want["outcomes"], want["partners"])
    assert (amount(total), int(first), int(last)) == (want["period"], start, end)
    assert amount(of_year) == amount(again) == want["year"]
    assert close(dev, want["year_dev"]) and close(hum, want["year_hum"])  # the 2024 shares, not 2020-2024's
    assert not close(dev, want["period_dev"])  # the two differ in this data, so the test tells them apart
    match = re.search(rf"Of the {YEAR} budget of {MONEY}, {MONEY} was spent, a delivery rate of (\d+)%\.", cover)
    assert match, cover
    assert (amount(match.group(1)), amount(match.group(2))) == (want["budget"], want["spent"])
    assert close(match.group(3), want["rate"])


def key_figures(pdf: TaggedPdf, heading: str) -> list[str]:
    """The key-figure items (label, then figure) of the executive summary, as tagged list items."""
    section = next(s for s in pdf.root.find("Sect") if s.text.startswith(heading))
    return [item.text.replace(" ,", ",") for item in section.find("LI")]


def test_the_key_figures_name_their_period_and_the_outcomes_they_cover(pages: list[str], mexico: Path) -> None:
    want = expected()
    start, end = want["years"]
    items = key_figures(TaggedPdf(mexico), "Key figures")
    covered = f"all {want['outcomes']} outcomes".upper()  # no outcome of the office has ended by YEAR
    assert want["others"] == 0
    patterns = [
        rf"CONTRIBUTIONS IN {YEAR} {MONEY}",
        rf"CONTRIBUTIONS {start}–{end}, {covered} {MONEY}",
        rf"FUNDING PARTNERS {start}–{end}, {covered} (\d+)",
        rf"DEVELOPMENT / HUMANITARIAN {start}–{end}, {covered} (\d+)% / (\d+)%",
        rf"OUTCOMES RUNNING IN {YEAR} (\d+)",
    ]
    found = [re.fullmatch(pattern, item) for pattern, item in zip(patterns, items, strict=False)]
    assert all(found), items
    (of_year,), (total,), (partners,), (dev, hum), (outcomes,) = (m.groups() for m in found if m)
    # key figures in whole units (half up); the page says so when that hides cents, as it does here
    assert (amount(of_year), amount(total)) == (whole(want["year"]), whole(want["period"]))
    assert int(partners) == want["partners"]
    assert close(dev, want["period_dev"]) and close(hum, 1 - want["period_dev"])
    assert int(outcomes) == want["outcomes"]
    assert want["year"] != whole(want["year"])
    assert "Key figures are rounded to whole units; the tables give the exact amounts." in pages[2]


def whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def test_a_headline_says_which_outcomes_it_leaves_out(tmp_path: Path) -> None:
    # in 2025 mex-justice (2020-2024) has ended: the office's figures cover the other two, and say so
    year = 2025
    outcomes = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "outcomes").glob("*.yaml"))]
    office = [o for o in outcomes if o["office"] == OFFICE]
    running = [o for o in office if o["period"]["start"] <= year <= o["period"]["end"]]
    rows = [r for o in running for r in o.get("contributions", []) if r["year"] <= year]
    total = sum(Decimal(str(r["development"])) + Decimal(str(r["humanitarian"])) for r in rows)
    pdf = write_report(load_dataset(DATA), "country", OFFICE, tmp_path / "mex-2025.pdf", year)
    pages = [norm(text) for text in TaggedPdf(pdf).page_text]
    sentence = (
        f"These figures cover the {len(running)} outcomes running in {year}; {len(office) - len(running)} other "
        f"outcome of the office, not running in {year}, is left out of them."
    )
    assert len(running) == 2 and sentence in pages[0]  # the cover
    assert any(sentence in page for page in pages[1:])  # and the key figures' note
    match = re.search(rf"contributed {MONEY} over", pages[0])
    assert match and amount(match.group(1)) == total, pages[0]
    # the headline's label itself says what it covers, not only the note below it
    first, last = min(r["year"] for r in rows), max(r["year"] for r in rows)
    covered = f"{len(running)} of {len(office)} outcomes".upper()
    items = key_figures(TaggedPdf(pdf), "Key figures")
    assert any(re.fullmatch(rf"CONTRIBUTIONS {first}–{last}, {covered} {MONEY}", i) for i in items), items
    assert any(i.startswith(f"DEVELOPMENT / HUMANITARIAN {first}–{last}, {covered} ") for i in items), items
    assert any(i.startswith(f"FUNDING PARTNERS {first}–{last}, {covered} ") for i in items), items
    assert f"OUTCOMES RUNNING IN {year} {len(running)}" in items
