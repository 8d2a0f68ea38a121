"""Optional outcome fields (imported data's status, marker, sectors, totals-only budgets, mixed
currencies, result levels, yearly targets), rendered into a brief and read back from the PDF."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import Dataset, load_dataset
from reportgen.errors import UsageError
from reportgen.formatting import money
from reportgen.model import Money
from reportgen.pipeline import write_report
from reportgen.verify import all_passed, verify

from ..pdfread import TaggedPdf, norm, table_with_header

RICH = Path(__file__).resolve().parents[1] / "data" / "rich"


@pytest.fixture(scope="module")
def rich() -> Dataset:
    return load_dataset(RICH)


@pytest.fixture(scope="module")
def pdfs(rich: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rich")
    return {lang: write_report(rich, "brief", "ng-rights", out / f"{lang}.pdf", lang=lang) for lang in ("en", "fr")}


@pytest.fixture(scope="module")
def english(pdfs: dict[str, Path]) -> TaggedPdf:
    return TaggedPdf(pdfs["en"])


def eur(amount: Decimal) -> str:
    return money(Money(amount, "EUR"), "en_GB")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_passes_verify(pdfs: dict[str, Path], lang: str) -> None:
    checks = verify(pdfs[lang])
    assert all_passed(checks), [c for c in checks if not c.passed]


def test_title_block_prints_reference_status_and_marker(english: TaggedPdf, rich: Dataset) -> None:
    outcome = rich.outcome("ng-rights")
    text = norm(english.text)
    assert f"IATI IDENTIFIER PLAN PERIOD REPORT YEAR ng-rights {outcome.reference}" in text
    assert "STATUS GENDER EQUALITY MARKER DATA AS OF Implementation Principal objective 31 March 2024" in text
    assert norm(f"SOURCE {rich.organization.data_source}") in text  # on a row of its own, naming the real file
    assert "Objectives Increase the advocacy capacity of 40 women-led organisations by 2024." in text


def test_resources_total_per_currency_never_across(english: TaggedPdf, rich: Dataset) -> None:
    lines = rich.outcome("ng-rights").resources
    (table,) = [t for t in english.tables() if t[0] == ["YEAR", "BUDGET", "EXPENDITURE", "DELIVERY"]]
    rows = {row[0]: row for row in table[1:]}
    budgets_eur = sum(line.budget.total for line in lines if line.budget and line.budget.currency == "EUR")
    spent_eur = sum(line.expenditure.total for line in lines if line.expenditure and line.expenditure.currency == "EUR")
    assert rows["Total in EUR"][1:3] == [eur(budgets_eur), eur(spent_eur)]
    (usd_line,) = [line for line in lines if line.expenditure and line.expenditure.currency == "USD"]
    assert usd_line.expenditure is not None
    assert rows["Total in USD"][2] == money(Money(usd_line.expenditure.total, "USD"), "en_GB")
    # 2021: budget in EUR, expenditure in USD: no delivery rate; 2022: both in EUR
    assert rows["2021"][3] == "No data available"
    line_2022 = next(line for line in lines if line.year == 2022)
    assert line_2022.budget and line_2022.expenditure
    assert rows["2022"][3] == f"{line_2022.expenditure.total / line_2022.budget.total:.0%}"
    assert "amounts in different currencies are never added up" in norm(english.text)


def test_contributions_have_a_table_per_currency(english: TaggedPdf, rich: Dataset) -> None:
    rows = rich.outcome("ng-rights").contributions
    tables = [t for t in english.tables() if t[0][0] == "FUNDING PARTNER"]
    assert len(tables) == 2
    totals = [next(r for r in t if r[0] == "Total")[-1] for t in tables]
    eur_total = sum(r.development + r.humanitarian for r in rows if r.currency == "EUR")
    gbp_total = sum(r.development + r.humanitarian for r in rows if r.currency == "GBP")
    assert totals[0].startswith(eur(eur_total))
    assert totals[1].startswith(money(Money(gbp_total, "GBP"), "en_GB"))
    text = norm(english.text)
    assert f"and {money(Money(gbp_total, 'GBP'), 'en_GB')}, not added" in text
    assert "Commitments, not funds received: CAFOD General Funds." in text
    assert "incoming funds (transaction type 1)" in text  # the footnote naming the transaction types


def test_results_are_grouped_with_levels_targets_and_comments(english: TaggedPdf) -> None:
    rows = table_with_header(english, "INDICATOR")
    assert rows[2] == ["OUTPUT CSOs included in the programme"]  # one heading for both of its indicators
    assert rows[3] == [
        "Number of women-led CSOs included in the programme Baseline: Organisations already partnered in 2020",
        "number", "5 2021", "12 2024", "6 target 6", "8 target 9", "No data available",
    ]  # fmt: skip
    assert rows[4][0] == "Number of youth-led CSOs included in the programme"
    assert rows[5] == ["OUTCOME Survivors get a response"]
    assert rows[6][0].endswith("lower is better")
    assert rows[6][2:4] == ["64% 2021", "30% 2024"]


def test_disbursements_and_sectors(english: TaggedPdf, rich: Dataset) -> None:
    text = norm(english.text)
    for amount in rich.outcome("ng-rights").disbursements:
        assert f"{amount.year} {money(Money(amount.amount, 'USD'), 'en_GB')}" in text
    assert "DAC 5-digit 15170 Women's rights organisations and movements (60%)" in text
    assert "SDG links and sectors" in text
    assert "Strategic plan contributions" not in text  # imported data has no strategic plan


def test_french_brief_translates_the_coded_values(pdfs: dict[str, Path]) -> None:
    text = norm(TaggedPdf(pdfs["fr"]).text)
    assert "Organisations de défense des droits des femmes au Nigeria" in text
    for label in ("Mise en œuvre", "Objectif principal", "PRODUIT", "Total en EUR", "Décaissements"):
        assert label in text


@pytest.mark.parametrize(("kind", "key"), [("donor", "xm-dac-7"), ("country", "ng")])
def test_reports_that_add_across_currencies_refuse_and_say_why(
    rich: Dataset, kind: str, key: str, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match=r"several currencies \((EUR, GBP|EUR: ng-rights; GBP: ng-rights)"):
        write_report(rich, kind, key, tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())  # nothing half-written
