"""``reportgen reconcile`` on a real public IATI file (UNDP Djibouti): data imported from it with
``reportgen import iati`` reconciles exactly; an edited contribution, budget or expenditure is
listed with both figures and the IATI lines it came from, within or beyond a tolerance."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..batchutil import cli
from ..seed import SHARED

REAL = SHARED / "data" / "iati-real" / "undp-djibouti-XM-DAC-41114.xml"

pytestmark = pytest.mark.skipif(
    not REAL.is_file(), reason=f"the real IATI file is missing: {REAL} (../shared, or set REPORTGEN_SHARED)"
)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reconcile") / "data-iati"
    result = cli("import", "iati", REAL, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def _reconcile(data: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = cli("reconcile", "--iati", REAL, "--data", data, "--format", "json", *extra)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _with_money(data: Path) -> tuple[Path, dict[str, Any]]:
    """The first imported outcome file that has contributions and resources, and its data."""
    for file in sorted((data / "outcomes").glob("*.yaml")):
        outcome = yaml.safe_load(file.read_text(encoding="utf-8"))
        if outcome.get("contributions") and any("budget" in r and "expenditure" in r for r in outcome["resources"]):
            return file, outcome
    raise AssertionError("no imported outcome with contributions, budgets and expenditure")


def _plain(value: Decimal) -> int | str:
    """A figure as YAML writes it: an integer, or exact decimal text (the loader reads both)."""
    return int(value) if value == value.to_integral_value() else str(value)


def _edited(imported: Path, tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, Any], dict[str, Any]]:
    data = tmp_path / "data"
    shutil.copytree(imported, data)
    _file, outcome = _with_money(data)
    row = outcome["contributions"][0]
    line = next(r for r in outcome["resources"] if "budget" in r and "expenditure" in r)
    return data, outcome, row, line


def test_imported_data_reconciles_exactly(imported: Path) -> None:
    code, report = _reconcile(imported)
    assert code == 0
    assert report["differences"] == []
    assert report["compared"] > 0 and report["matched"]
    outcomes = {p.stem for p in (imported / "outcomes").glob("*.yaml")}
    assert set(report["matched"]) == outcomes


def test_an_edited_contribution_is_listed_with_both_figures_and_its_transactions(
    imported: Path, tmp_path: Path
) -> None:
    data, outcome, row, _line = _edited(imported, tmp_path)
    published = Decimal(str(row["development"]))
    row["development"] = _plain(published + 250)
    file = data / "outcomes" / f"{outcome['id']}.yaml"
    file.write_text(yaml.safe_dump(outcome, allow_unicode=True, sort_keys=False), encoding="utf-8")

    code, report = _reconcile(data)

    assert code == 1
    (difference,) = report["differences"]
    currency = row.get("currency", "USD")
    assert difference["outcome"] == outcome["id"] and difference["reference"] == outcome["reference"]
    assert difference["figure"] == f"contribution {row['partner']} {row['year']} development ({currency})"
    assert difference["data"] == f"{published + 250} {currency}"
    assert difference["iati"] == f"{published} {currency}"
    assert difference["iati_sources"] and all("transaction line" in s for s in difference["iati_sources"])
    assert difference["data_file"].endswith(f"{outcome['id']}.yaml")
    # The transactions named sum to the published figure (their value is the last number before the currency).
    values = [Decimal(s.rsplit(", ", 1)[1].split()[0]) for s in difference["iati_sources"]]
    assert sum(values) == published

    assert _reconcile(data, "--tolerance", "250")[0] == 0
    assert _reconcile(data, "--tolerance", "249.99")[0] == 1


def test_edited_budget_and_expenditure_are_listed_with_the_budget_lines(imported: Path, tmp_path: Path) -> None:
    data, outcome, _row, line = _edited(imported, tmp_path)
    budget, spent = Decimal(str(line["budget"]["total"])), Decimal(str(line["expenditure"]["total"]))
    line["budget"]["total"] = _plain(budget * 2)
    line["expenditure"]["total"] = _plain(spent + 1)
    file = data / "outcomes" / f"{outcome['id']}.yaml"
    file.write_text(yaml.safe_dump(outcome, allow_unicode=True, sort_keys=False), encoding="utf-8")

    code, report = _reconcile(data)

    assert code == 1
    found = {d["figure"]: d for d in report["differences"]}
    currency = line["budget"].get("currency", "USD")
    year = line["year"]
    assert set(found) == {f"budget {year} ({currency})", f"expenditure {year} ({currency})"}
    assert found[f"budget {year} ({currency})"]["data"] == f"{budget * 2} {currency}"
    assert found[f"budget {year} ({currency})"]["iati"] == f"{budget} {currency}"
    assert all("budget line" in s for s in found[f"budget {year} ({currency})"]["iati_sources"])
    assert found[f"expenditure {year} ({currency})"]["iati"] == f"{spent} {currency}"
    # A share of the IATI figure: the doubled budget is 100% off, the expenditure 1 unit.
    assert _reconcile(data, "--tolerance", "99%")[0] == 1


def test_text_output_names_both_figures_and_the_iati_lines(imported: Path, tmp_path: Path) -> None:
    data, outcome, row, _line = _edited(imported, tmp_path)
    row["humanitarian"] = _plain(Decimal(str(row["humanitarian"])) + 7)
    file = data / "outcomes" / f"{outcome['id']}.yaml"
    file.write_text(yaml.safe_dump(outcome, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = cli("reconcile", "--iati", REAL, "--data", data)

    assert result.returncode == 1
    assert f"contribution {row['partner']} {row['year']} humanitarian" in result.stdout
    assert "IATI: transaction line" in result.stdout
    assert "1 differ" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_bad_tolerance_is_a_usage_error(imported: Path) -> None:
    result = cli("reconcile", "--iati", REAL, "--data", imported, "--tolerance", "a lot")
    assert result.returncode == 2
    assert "--tolerance" in result.stderr and "Traceback" not in result.stderr
