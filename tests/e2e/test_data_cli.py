"""The commands for people who write data, run as a user runs them: ``check``, ``schema``,
``new outcome``, ``template``; and ``build`` refusing bad data with the same messages."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen import Dataset, load_dataset

from ..unit.test_formats import copy_without_tables

NEGATIVE = "must be >= 0, got -5 (a refund is a row marked refund: true)"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; returns its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:index].count("\n") + 1


def line_of(text: str, needle: str) -> int:
    found = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}, expected exactly one"
    return found[0]


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr


def printed(issue: dict[str, Any]) -> str:
    """An issue from ``check --format json`` as ``build`` prints it: ``file:line: field: message``."""
    where = issue["file"] + (f"[{issue['sheet']}]" if issue["sheet"] else "")
    if issue["line"] is not None:
        where += f":{issue['line']}" + (f":{issue['column']}" if issue["column"] else "")
    field = f"{issue['field']}: " if issue["field"] else ""
    return f"{where}: {field}{issue['message']}"


@pytest.fixture
def broken(data_copy: Path) -> tuple[Path, list[tuple[Path, int, str]]]:
    """The data copy with two errors in two files: (data folder, [(file, line, expected text line)])."""
    justice = data_copy / "outcomes" / "mex-justice.yaml"
    evaw = data_copy / "outcomes" / "mex-evaw.yaml"
    first = replace_in(justice, "development: 12283", "development: -5")
    second = replace_in(evaw, "office: mex", "office: atlantis")
    return data_copy, [
        (evaw, second, f"  {second}: error: office: office 'atlantis' is not defined in organization.yaml"),
        (justice, first, f"  {first}: error: contributions[0].development: {NEGATIVE}"),
    ]


# --- check -----------------------------------------------------------------------------


def test_check_bundled_data_has_no_problems(data_copy: Path, dataset: Dataset) -> None:
    result = run("check", "--data", data_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = f"{len(dataset.outcomes)} outcomes, {len(dataset.offices)} offices, {len(dataset.partners)} partners"
    assert result.stdout == f"{data_copy}: {counts}: no problems found\n"
    assert result.stderr == ""


def test_check_broken_data_groups_issues_by_file(broken: tuple[Path, list[tuple[Path, int, str]]]) -> None:
    data, expected = broken
    result = run("check", "--data", data)
    assert result.returncode == 2, result.stdout + result.stderr
    no_traceback(result)
    lines = result.stdout.splitlines()
    for file, _line, text in expected:
        header = lines.index(str(file))
        assert lines[header + 1] == text
    assert lines[-1] == "2 errors and 0 warnings in 2 files"
    assert "\x1b[" not in result.stdout  # no colours when the output is not a terminal


def test_check_json_output(broken: tuple[Path, list[tuple[Path, int, str]]]) -> None:
    data, expected = broken
    result = run("check", "--data", data, "--format", "json")
    assert result.returncode == 2
    no_traceback(result)
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["warnings"] == []
    evaw, justice = expected[0], expected[1]
    assert report["errors"] == [
        {
            "file": str(evaw[0]),
            "sheet": None,
            "line": evaw[1],
            "column": None,
            "field": "office",
            "severity": "error",
            "message": "office 'atlantis' is not defined in organization.yaml",
        },
        {
            "file": str(justice[0]),
            "sheet": None,
            "line": justice[1],
            "column": None,
            "field": "contributions[0].development",
            "severity": "error",
            "message": NEGATIVE,
        },
    ]


def test_check_json_output_on_clean_data(data_copy: Path) -> None:
    result = run("check", "--data", data_copy, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "errors": [], "warnings": []}


def test_check_table_issue_names_file_sheet_row_and_column(data_copy: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "contributions"
    sheet.append(["outcome", "partner", "year", "development", "humanitarian"])
    sheet.append(["mex-justice", "mex-gov", 2020, "98.145,50", 0])
    book = data_copy / "tables" / "finance.xlsx"
    book.parent.mkdir()
    workbook.save(book)
    result = run("check", "--data", data_copy)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    header = lines.index(f"{book}[contributions]")
    assert lines[header + 1] == (
        "  2:D: error: development: '98.145,50' looks like a decimal comma or '.' thousands; write it as 1234.56"
    )
    report = json.loads(run("check", "--data", data_copy, "--format", "json").stdout)
    [error] = report["errors"]
    assert (error["file"], error["sheet"], error["line"], error["column"]) == (str(book), "contributions", 2, "D")


def test_warnings_only_exit_0_and_strict_makes_them_fatal(data_copy: Path) -> None:
    file = data_copy / "outcomes" / "mex-justice.yaml"
    line = replace_in(file, "short_title: Women's access to justice", "short_title: TBD")
    result = run("check", "--data", data_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[lines.index(str(file)) + 1] == f"  {line}: warning: short_title: placeholder value"
    assert lines[-1] == "0 errors and 1 warning in 1 file"

    strict = run("check", "--strict", "--data", data_copy)
    assert strict.returncode == 2
    assert f"  {line}: warning: short_title: placeholder value" in strict.stdout
    no_traceback(strict)

    report = json.loads(run("check", "--strict", "--data", data_copy, "--format", "json").stdout)
    assert report["ok"] is False
    assert report["errors"] == []
    assert [(w["line"], w["field"], w["severity"]) for w in report["warnings"]] == [(line, "short_title", "warning")]
    lenient = json.loads(run("check", "--data", data_copy, "--format", "json").stdout)
    assert lenient["ok"] is True


def test_check_missing_data_folder(tmp_path: Path) -> None:
    result = run("check", "--data", tmp_path / "nowhere")
    assert result.returncode == 2
    no_traceback(result)
    assert "data folder does not exist" in result.stdout + result.stderr


# --- build refuses the same data with the same messages --------------------------------


def test_build_with_errors_exits_2_with_the_check_messages(
    broken: tuple[Path, list[tuple[Path, int, str]]], tmp_path: Path
) -> None:
    data, _ = broken
    issues = json.loads(run("check", "--data", data, "--format", "json").stdout)["errors"]
    assert len(issues) == 2
    out = tmp_path / "out"
    result = run("build", "--data", data, "--out", out)
    assert result.returncode == 2
    no_traceback(result)
    assert "2 problems in the data" in result.stderr
    for issue in issues:
        assert f"  {printed(issue)}\n" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.rglob("*.pdf"))


# --- schema ----------------------------------------------------------------------------


def test_schema_of_an_outcome_file() -> None:
    result = run("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"contributions", "progress", "indicators", "resources", "id", "period"} <= set(schema["properties"])
    assert {"id", "office", "short_title", "statement", "period"} <= set(schema["required"])


def test_schema_of_the_organization_file(tmp_path: Path) -> None:
    result = run("schema", "organization")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert {"organization", "offices", "partners"} <= set(schema["properties"])
    target = tmp_path / "organization.schema.json"
    written = run("schema", "organization", "--out", target)
    assert written.returncode == 0
    assert json.loads(target.read_text(encoding="utf-8")) == schema


def _plain(value: Any) -> Any:
    """YAML data as JSON would hold it (dates as ISO strings, keys as strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_validates_the_bundled_files(data_copy: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    outcome_schema = json.loads(run("schema").stdout)
    organization_schema = json.loads(run("schema", "organization").stdout)
    for file in sorted((data_copy / "outcomes").glob("*.yaml")):
        jsonschema.validate(_plain(yaml.safe_load(file.read_text(encoding="utf-8"))), outcome_schema)
    organization = _plain(yaml.safe_load((data_copy / "organization.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(organization, organization_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x"}, outcome_schema)


# --- new outcome -----------------------------------------------------------------------


def test_new_outcome_loads_with_warnings_for_its_placeholders(data_copy: Path) -> None:
    result = run("new", "outcome", "test-outcome", "--data", data_copy)
    assert result.returncode == 0, result.stderr
    target = data_copy / "outcomes" / "test-outcome.yaml"
    assert str(target) in result.stdout
    text = target.read_text(encoding="utf-8")
    assert "id: test-outcome\n" in text and "office: mex\n" in text  # the first office of the organization

    check = run("check", "--data", data_copy)
    assert check.returncode == 0, check.stdout + check.stderr
    lines = check.stdout.splitlines()
    group = lines[lines.index(str(target)) + 1 :]
    expected = [
        f"  {line_of(text, 'short_title: TBD')}: warning: short_title: placeholder value",
        f"  {line_of(text, 'statement: TBD')}: warning: statement: placeholder value",
        f"  {line_of(text, '    note: TBD')}: warning: progress[0].note: placeholder value",
    ]
    assert group[: len(expected)] == expected
    assert lines[-1] == "0 errors and 3 warnings in 1 file"
    assert run("check", "--strict", "--data", data_copy).returncode == 2
    dataset = load_dataset(data_copy)
    assert dataset.outcome("test-outcome").office == "mex"


def test_new_outcome_refuses_to_overwrite(data_copy: Path) -> None:
    assert run("new", "outcome", "test-outcome", "--data", data_copy).returncode == 0
    target = data_copy / "outcomes" / "test-outcome.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("short_title: TBD", "short_title: Mine"))
    before = target.read_text(encoding="utf-8")
    again = run("new", "outcome", "test-outcome", "--data", data_copy)
    assert again.returncode == 2
    no_traceback(again)
    assert f"{target} already exists; not overwritten" in again.stderr
    assert target.read_text(encoding="utf-8") == before


def test_new_outcome_refuses_a_bad_id(data_copy: Path) -> None:
    before = sorted(p.name for p in (data_copy / "outcomes").iterdir())
    result = run("new", "outcome", "Test Outcome", "--data", data_copy)
    assert result.returncode == 2
    assert "outcome id must be lowercase letters, digits and hyphens, got 'Test Outcome'" in result.stderr
    assert sorted(p.name for p in (data_copy / "outcomes").iterdir()) == before


# --- template --------------------------------------------------------------------------


def test_blank_template_workbook_loads_and_adds_nothing(data_copy: Path, dataset: Dataset, tmp_path: Path) -> None:
    book = tmp_path / "template.xlsx"
    result = run("template", "xlsx", "--out", book)
    assert result.returncode == 0, result.stderr
    assert f"wrote {book}" in result.stdout
    (data_copy / "tables").mkdir()
    book.rename(data_copy / "tables" / "template.xlsx")
    loaded = load_dataset(data_copy)
    assert loaded.outcomes == dataset.outcomes
    assert [(w.file and w.file.name, w.line, w.field, w.message) for w in loaded.warnings] == [
        (w.file and w.file.name, w.line, w.field, w.message) for w in dataset.warnings
    ]


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    book = tmp_path / "template.xlsx"
    book.write_bytes(b"mine")
    result = run("template", "xlsx", "--out", book)
    assert result.returncode == 2
    assert "already exists; use --force to overwrite it" in result.stderr
    assert book.read_bytes() == b"mine"
    assert run("template", "xlsx", "--out", book, "--force").returncode == 0
    assert book.read_bytes()[:2] == b"PK"


def test_filled_workbook_replaces_the_table_parts_of_the_yaml(data_copy: Path, tmp_path: Path) -> None:
    book = tmp_path / "filled.xlsx"
    result = run("template", "xlsx", "--fill", "--data", data_copy, "--out", book)
    assert result.returncode == 0, result.stderr
    stripped = copy_without_tables(tmp_path / "stripped")
    assert all(not o.contributions for o in load_dataset(stripped).outcomes.values())
    (stripped / "tables").mkdir()
    book.rename(stripped / "tables" / "filled.xlsx")
    assert load_dataset(stripped).outcomes == load_dataset(data_copy).outcomes


def test_filled_csv_tables_replace_the_table_parts_of_the_yaml(data_copy: Path, tmp_path: Path) -> None:
    stripped = copy_without_tables(tmp_path / "stripped")
    result = run("template", "csv", "--fill", "--data", data_copy, "--out", stripped / "tables")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (stripped / "tables").iterdir()) == [
        "contributions.csv",
        "indicator_values.csv",
        "resources.csv",
    ]
    assert load_dataset(stripped).outcomes == load_dataset(data_copy).outcomes


def test_filling_a_template_from_broken_data_fails_cleanly(
    broken: tuple[Path, list[tuple[Path, int, str]]], tmp_path: Path
) -> None:
    data, _ = broken
    book = tmp_path / "filled.xlsx"
    result = run("template", "xlsx", "--fill", "--data", data, "--out", book)
    assert result.returncode == 2
    no_traceback(result)
    assert "office 'atlantis' is not defined" in result.stderr
    assert not book.exists()
