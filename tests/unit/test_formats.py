"""Every data format (YAML, JSON, CSV tables, XLSX workbooks) loads to the same dataset and
reports the same problem at the same place: file, line or row, column letter, sheet, field."""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from reportgen.errors import DataError, Issue, Severity
from reportgen.load import load_dataset
from reportgen.model import Dataset
from reportgen.scaffold import table_rows, write_csv_tables, write_workbook

from ..datafiles import ORGANIZATION

DATA = Path(__file__).resolve().parents[2] / "data"


#: The required fields of a valid outcome, and a note for its report year (2024) so it lints clean.
HEADER = """\
id: x
office: mex
short_title: Test outcome
statement: A test outcome statement.
period: {start: 2020, end: 2024}
progress:
  - {year: 2024, status: achieved, note: The outcome was achieved.}
"""

#: HEADER as a JSON object's members (without the braces), one member per line.
JSON_HEADER = """\
  "id": "x",
  "office": "mex",
  "short_title": "Test outcome",
  "statement": "A test outcome statement.",
  "period": {"start": 2020, "end": 2024},
  "progress": [{"year": 2024, "status": "achieved", "note": "The outcome was achieved."}],
"""

INDICATOR = "indicators:\n  - id: ind-1\n    name: Number of shelters\n"

NEGATIVE = "must be >= 0, got -5 (a refund is a row marked refund: true)"
CONTRIBUTION_COLUMNS = ["outcome", "partner", "year", "development", "humanitarian", "total", "currency", "refund"]
ALL_FORMATS = ["yaml", "json", "csv", "xlsx"]
TABLE_FORMATS = ["csv", "xlsx"]
BOOK = "book.xlsx"


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the one line of ``text`` that contains ``needle``."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}, expected exactly one"
    return found[0]


def letter(index: int) -> str:
    """0 -> A (the tables in these tests have fewer than 27 columns)."""
    assert 0 <= index < 26
    return chr(ord("A") + index)


def write_csv(path: Path, rows: Sequence[Sequence[object]], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook with one sheet per entry (rows written from A1)."""
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar
    return str(value)


def cell(value: object, kind: str) -> object:
    """A contribution value as a table cell: yes/no for booleans; CSV cells are text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "csv":
        return str(value)
    return float(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Written:
    """Where each contribution row was written, to build the expected messages."""

    path: Path
    kind: str
    lines: list[int]
    columns: list[str] = field(default_factory=list)

    def at(self, index: int, name: str | None = None) -> str:
        """The printed prefix of an issue about row ``index`` (or its field ``name``)."""
        line = self.lines[index]
        if self.kind in ("yaml", "json"):
            dotted = f"contributions[{index}]" + (f".{name}" if name else "")
            return f"{self.path}:{line}: {dotted}: "
        where = f"{self.path}[contributions]" if self.kind == "xlsx" else str(self.path)
        if name is None:
            return f"{where}:{line}: contributions: "
        return f"{where}:{line}:{letter(self.columns.index(name))}: {name}: "


@dataclass(frozen=True)
class DataFolder:
    """A data folder in tmp_path: organization.yaml plus what each test writes."""

    root: Path

    @property
    def tables(self) -> Path:
        return self.root / "tables"

    def write(self, text: str, name: str = "x.yaml") -> Path:
        path = self.root / "outcomes" / name
        path.write_text(text, encoding="utf-8")
        return path

    def contributions(self, kind: str, rows: list[dict[str, Any]], outcome: str = HEADER) -> Written:
        """Write ``rows`` as contributions of outcome x, in the format ``kind``."""
        if kind == "yaml":
            head = outcome + "contributions:\n"
            body = "".join(
                "  - {" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in row.items()) + "}\n" for row in rows
            )
            first = head.count("\n") + 1
            return Written(self.write(head + body), kind, [first + i for i in range(len(rows))])
        if kind == "json":
            head = "{\n" + JSON_HEADER + '  "contributions": [\n'
            items = [json.dumps({k: _jsonable(v) for k, v in row.items()}) for row in rows]
            text = head + ",\n".join("    " + item for item in items) + "\n  ]\n}\n"
            text = _raw_decimals(text)
            first = head.count("\n") + 1
            return Written(self.write(text, "x.json"), kind, [first + i for i in range(len(rows))])
        self.write(outcome)
        columns = ["outcome", *[c for c in CONTRIBUTION_COLUMNS[1:] if any(c in row for row in rows)]]
        grid: list[list[object]] = [list(columns)]
        for row in rows:
            grid.append(["x", *[cell(row[c], kind) if c in row else None for c in columns[1:]]])
        if kind == "csv":
            grid = [["" if value is None else value for value in line] for line in grid]
            path = write_csv(self.tables / "contributions.csv", grid)
        else:
            path = write_xlsx(self.tables / BOOK, {"contributions": grid})
        return Written(path, kind, [i + 2 for i in range(len(rows))], columns)

    def table(self, kind: str, name: str, grid: Sequence[Sequence[object]]) -> Path:
        """One table as ``tables/<name>.csv`` or as sheet ``name`` of the workbook."""
        if kind == "csv":
            return write_csv(self.tables / f"{name}.csv", grid)
        return write_xlsx(self.tables / BOOK, {name: grid})

    def where(self, kind: str, path: Path, name: str, row: int, column: str | None = None) -> str:
        """``file:row:COL`` (CSV) or ``file[sheet]:row:COL`` (XLSX)."""
        prefix = f"{path}[{name}]" if kind == "xlsx" else str(path)
        return f"{prefix}:{row}" + (f":{column}" if column else "")

    def load(self) -> Dataset:
        return load_dataset(self.root)

    def error(self) -> DataError:
        with pytest.raises(DataError) as info:
            load_dataset(self.root)
        return info.value

    def problems(self) -> list[str]:
        return [str(issue) for issue in self.error().issues]


@pytest.fixture
def folder(tmp_path: Path) -> DataFolder:
    data = DataFolder(tmp_path / "data")
    (data.root / "outcomes").mkdir(parents=True)
    (data.root / "organization.yaml").write_text(ORGANIZATION, encoding="utf-8")
    return data


def contribution(
    partner: str = "p1", year: object = 2021, development: object = 100, humanitarian: object = 0, **rest: object
) -> dict[str, Any]:
    return {"partner": partner, "year": year, "development": development, "humanitarian": humanitarian, **rest}


# --- writing the bundled data in every format ------------------------------------------


class _DecimalLoader(yaml.SafeLoader):
    """YAML floats as exact Decimals (independent of the package's own loader)."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: Decimal(str(loader.construct_scalar(node)).replace("_", ""))
)


class _DecimalDumper(yaml.SafeDumper):
    """Decimals written as YAML numbers with their exact text."""


_DecimalDumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)

_MARK = "@@exact-decimal@@"


class ExactJSONEncoder(json.JSONEncoder):
    """Marks Decimals (and dates) so :func:`dumps_exact` can write the Decimal's own text as a number."""

    def default(self, o: object) -> object:
        if isinstance(o, Decimal):
            return f"{_MARK}{o}{_MARK}"
        if hasattr(o, "isoformat"):
            return o.isoformat()
        return super().default(o)


def _raw_decimals(text: str) -> str:
    return re.sub(f'"{_MARK}(.*?){_MARK}"', r"\1", text)


def _jsonable(value: object) -> object:
    return f"{_MARK}{value}{_MARK}" if isinstance(value, Decimal) else value


def dumps_exact(data: object) -> str:
    """JSON whose numbers are the Decimals' exact text (``611480.60`` stays ``611480.60``)."""
    text = json.dumps(data, cls=ExactJSONEncoder, indent=2, ensure_ascii=False)
    return _raw_decimals(text) + "\n"


def read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)  # a SafeLoader subclass


def without_tables(outcome: dict[str, Any]) -> dict[str, Any]:
    """An outcome's data without the parts tables provide: contributions, resources, indicator actuals."""
    stripped = copy.deepcopy(outcome)
    stripped.pop("contributions", None)
    stripped.pop("resources", None)
    for indicator in stripped.get("indicators") or []:
        indicator.pop("actuals", None)
    return stripped


def copy_without_tables(target: Path) -> Path:
    """A copy of the bundled data whose outcome files have their table parts removed."""
    shutil.copytree(DATA, target)
    for file in sorted((target / "outcomes").glob("*.yaml")):
        text = yaml.dump(without_tables(read_yaml(file)), Dumper=_DecimalDumper, sort_keys=False, allow_unicode=True)
        file.write_text(text, encoding="utf-8")
    return target


def copy_as_json(target: Path) -> Path:
    """A copy of the bundled data with every YAML file converted to JSON."""
    shutil.copytree(DATA, target)
    for file in [target / "organization.yaml", *sorted((target / "outcomes").glob("*.yaml"))]:
        file.with_suffix(".json").write_text(dumps_exact(read_yaml(file)), encoding="utf-8")
        file.unlink()
    return target


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Dataset]:
    """The bundled data loaded from each format."""
    base = tmp_path_factory.mktemp("formats")
    yaml_data = base / "yaml"
    shutil.copytree(DATA, yaml_data)
    reference = load_dataset(yaml_data)
    rows = table_rows(reference)
    assert all(rows.values()), "the bundled data should exercise every table"

    csv_data = copy_without_tables(base / "csv")
    write_csv_tables(csv_data / "tables", rows)
    xlsx_data = copy_without_tables(base / "xlsx")
    write_workbook(xlsx_data / "tables" / BOOK, rows)
    mixed = copy_without_tables(base / "mixed")
    write_csv_tables(mixed / "tables", {"contributions": rows["contributions"]})
    write_workbook(mixed / "tables" / BOOK, {k: v for k, v in rows.items() if k != "contributions"})
    json_data = copy_as_json(base / "json")
    return {
        "yaml": reference,
        "csv": load_dataset(csv_data),
        "xlsx": load_dataset(xlsx_data),
        "csv+xlsx": load_dataset(mixed),
        "json": load_dataset(json_data),
        "yaml without tables": load_dataset(copy_without_tables(base / "bare")),
    }


@pytest.mark.parametrize("variant", ["csv", "xlsx", "csv+xlsx", "json"])
def test_every_format_loads_the_same_dataset(variants: dict[str, Dataset], variant: str) -> None:
    reference, other = variants["yaml"], variants[variant]
    assert sorted(other.outcomes) == sorted(reference.outcomes)
    for outcome_id, outcome in reference.outcomes.items():
        assert other.outcomes[outcome_id] == outcome, outcome_id
    assert other.outcomes == reference.outcomes
    assert other.partners == reference.partners
    assert other.offices == reference.offices
    assert other.organization == reference.organization


def test_the_tables_carry_the_figures(variants: dict[str, Dataset]) -> None:
    bare, reference = variants["yaml without tables"], variants["yaml"]
    assert all(not o.contributions and not o.resources for o in bare.outcomes.values())
    assert all(not i.actuals for o in bare.outcomes.values() for i in o.indicators)
    assert bare.outcomes != reference.outcomes


def test_json_keeps_the_decimals_written(variants: dict[str, Dataset], tmp_path: Path) -> None:
    text = dumps_exact({"value": Decimal("611480.60"), "n": 3})
    assert json.loads(text, parse_float=Decimal) == {"value": Decimal("611480.60"), "n": 3}
    assert '"value": 611480.60' in text
    line = next(line for line in variants["json"].outcome("col-economic").resources if line.year == 2022)
    assert line.expenditure is not None
    assert str(line.expenditure.non_core) == "611480.60"
    assert variants["json"].sources["col-economic"].suffix == ".json"


# --- one located error per check, in every format where it applies -------------------


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_negative_amount(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(year=2021), contribution(year=2022, development=-5)])
    assert folder.problems() == [at.at(1, "development") + NEGATIVE]


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_total_must_equal_development_plus_humanitarian(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(development=100, humanitarian=5, total=110)])
    assert folder.problems() == [at.at(0, "total") + "must equal development + humanitarian (100 + 5 = 105), got 110"]


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_partner_not_defined(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(), contribution(partner="nobody")])
    assert folder.problems() == [at.at(1, "partner") + "partner 'nobody' is not defined in organization.yaml"]


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_year_outside_the_period(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(year=2026)])
    assert folder.problems() == [at.at(0, "year") + "must be within the period 2020-2024, got 2026"]


DUPLICATE_ROWS = [contribution("p1"), contribution("p2"), contribution("p1", development=250)]


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_duplicate_contribution_row(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, DUPLICATE_ROWS)
    first = f"line {at.lines[0]}" if kind in ("yaml", "json") else f"row {at.lines[0]} of {at.path.name}"
    assert folder.problems() == [at.at(2) + f"duplicate row for partner 'p1' in 2021 (first at {first})"]


def test_table_row_duplicating_a_row_of_the_outcome_file(folder: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 1, humanitarian: 0}\n"
    folder.write(text)
    path = write_csv(folder.tables / "contributions.csv", [CONTRIBUTION_COLUMNS[:5], ["x", "p1", 2021, 2, 0]])
    [problem] = folder.problems()
    assert problem.startswith(f"{path}:2: contributions: duplicate row for partner 'p1' in 2021 (first at line ")


def test_table_row_duplicating_a_row_of_the_outcome_file_names_that_file(folder: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 1, humanitarian: 0}\n"
    folder.write(text)
    path = write_csv(folder.tables / "contributions.csv", [CONTRIBUTION_COLUMNS[:5], ["x", "p1", 2021, 2, 0]])
    assert folder.problems() == [
        f"{path}:2: contributions: duplicate row for partner 'p1' in 2021 "
        f"(first at line {line_of(text, 'partner: p1')} of x.yaml)"
    ]


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_refund_row_with_negative_amounts_loads(folder: DataFolder, kind: str) -> None:
    folder.contributions(kind, [contribution(refund=True, development=-5, humanitarian=-1)])
    [row] = folder.load().outcome("x").contributions
    assert (row.refund, row.development, row.humanitarian) == (True, Decimal(-5), Decimal(-1))


@pytest.mark.parametrize("kind", ALL_FORMATS)
def test_refund_row_with_a_positive_amount_is_refused(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(refund=True, development=5, humanitarian=0)])
    assert folder.problems() == [at.at(0, "development") + "must be <= 0 on a refund row, got 5"]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("yaml", "input should be a valid integer, unable to parse string as an integer, got '20x1'"),
        ("json", "input should be a valid integer, unable to parse string as an integer, got '20x1'"),
        ("csv", "must be a year such as 2023, got '20x1'"),
        ("xlsx", "must be a year such as 2023, got '20x1'"),
    ],
)
def test_year_that_is_not_a_year(folder: DataFolder, kind: str, message: str) -> None:
    at = folder.contributions(kind, [contribution(year="20x1")])
    assert folder.problems() == [at.at(0, "year") + message]


def test_year_stored_as_a_fractional_excel_number(folder: DataFolder) -> None:
    at = folder.contributions("xlsx", [contribution(year=2021.5)])
    assert folder.problems() == [at.at(0, "year") + "must be a year such as 2023, got '2021.5'"]


def test_year_stored_as_a_whole_excel_number_loads(folder: DataFolder) -> None:
    folder.contributions("xlsx", [contribution(year=2021.0)])
    assert [row.year for row in folder.load().outcome("x").contributions] == [2021]


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_required_field_missing(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [{"partner": "p1", "year": 2021, "development": 1}])
    assert folder.problems() == [at.at(0, "humanitarian") + "required field is missing"]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_required_value_empty(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(), {"year": 2022, "development": 1, "humanitarian": 0}])
    [issue] = folder.error().issues
    sheet = "contributions" if kind == "xlsx" else None
    assert (issue.file, issue.sheet, issue.line, issue.field) == (at.path, sheet, at.lines[1], "partner")
    assert issue.message == "required value is empty"


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_required_value_empty_names_its_column(folder: DataFolder, kind: str) -> None:
    at = folder.contributions(kind, [contribution(), {"year": 2022, "development": 1, "humanitarian": 0}])
    assert folder.problems() == [at.at(1, "partner") + "required value is empty"]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_outcome_not_defined_by_any_outcome_file(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER)
    grid = [
        ["outcome", "partner", "year", "development", "humanitarian"],
        ["x", "p1", 2021, 1, 0],
        ["zzz", "p1", 2021, 1, 0],
    ]
    path = folder.table(kind, "contributions", grid)
    assert folder.problems() == [
        folder.where(kind, path, "contributions", 3, "A") + ": outcome: outcome 'zzz' is not defined in outcomes/"
    ]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_indicator_not_defined_in_the_outcome(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER + INDICATOR)
    grid = [["outcome", "indicator", "year", "value"], ["x", "ind-1", 2021, 4], ["x", "ind-9", 2021, 5]]
    path = folder.table(kind, "indicator_values", grid)
    assert folder.problems() == [
        folder.where(kind, path, "indicator_values", 3, "B")
        + ": indicator: indicator 'ind-9' is not defined in x.yaml (define it under indicators:)"
    ]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_duplicate_indicator_value_for_the_same_year(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER + INDICATOR)
    grid = [["outcome", "indicator", "year", "value"], ["x", "ind-1", 2021, 4], ["x", "ind-1", 2022, 5]]
    grid.append(["x", "ind-1", 2022, 6])
    path = folder.table(kind, "indicator_values", grid)
    first = 3  # the first 2022 row
    assert folder.problems() == [
        folder.where(kind, path, "indicator_values", 4, "C")
        + f": year: a value for indicator 'ind-1' in 2022 is already given (row {first} of {path.name})"
    ]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_table_value_for_a_year_the_outcome_file_gives(folder: DataFolder, kind: str) -> None:
    text = HEADER + INDICATOR + "    actuals: {2021: 3}\n"
    folder.write(text)
    path = folder.table(kind, "indicator_values", [["outcome", "indicator", "year", "value"], ["x", "ind-1", 2021, 4]])
    [problem] = folder.problems()
    assert problem.startswith(
        folder.where(kind, path, "indicator_values", 2, "C")
        + f": year: a value for indicator 'ind-1' in 2021 is already given (line {line_of(text, 'actuals')}"
    )


def test_table_value_for_a_year_the_outcome_file_gives_names_that_file(folder: DataFolder) -> None:
    text = HEADER + INDICATOR + "    actuals: {2021: 3}\n"
    folder.write(text)
    folder.table("csv", "indicator_values", [["outcome", "indicator", "year", "value"], ["x", "ind-1", 2021, 4]])
    [problem] = folder.problems()
    assert f"already given (line {line_of(text, 'actuals')} of x.yaml)" in problem


@pytest.mark.parametrize("kind", ["json", "yaml-quoted-key"])
def test_table_value_duplicating_a_string_keyed_actual_is_refused(folder: DataFolder, kind: str) -> None:
    if kind == "json":
        folder.write(
            "{\n" + JSON_HEADER + '  "indicators": [{"id": "ind-1", "name": "N", "actuals": {"2021": 3}}]\n}\n',
            "x.json",
        )
    else:
        folder.write(HEADER + INDICATOR + '    actuals: {"2021": 3}\n')
    folder.table("csv", "indicator_values", [["outcome", "indicator", "year", "value"], ["x", "ind-1", 2021, 4]])
    with pytest.raises(DataError) as info:
        actuals = folder.load().outcome("x").indicators[0].actuals
        pytest.fail(f"loaded with actuals {actuals}: the table's 4 silently replaced the file's 3")
    assert any("already given" in issue.message for issue in info.value.issues)


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_unknown_column(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER)
    path = folder.table(
        kind, "contributions", [["outcome", "partner", "year", "development", "humanitarian", "colour"]]
    )
    assert folder.problems() == [
        folder.where(kind, path, "contributions", 1, "F")
        + ": unknown column 'colour'; the contributions table has: "
        + ", ".join(CONTRIBUTION_COLUMNS)
    ]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["outcome", "partner", "year", "development"], "missing column: humanitarian"),
        (["outcome", "year", "humanitarian"], "missing columns: partner, development"),
    ],
    ids=["one", "two"],
)
def test_missing_column(folder: DataFolder, kind: str, header: list[str], message: str) -> None:
    folder.write(HEADER)
    path = folder.table(kind, "contributions", [header, ["x", "p1", 2021, 1][: len(header)]])
    assert folder.problems() == [folder.where(kind, path, "contributions", 1) + ": " + message]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_column_given_twice(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER)
    header = ["outcome", "partner", "year", "development", "humanitarian", "development"]
    path = folder.table(kind, "contributions", [header, ["x", "p1", 2021, 100, 0, 200]])
    [issue] = folder.error().issues
    assert (issue.file, issue.line, issue.column) == (path, 1, "F")
    assert "development" in issue.message


def test_unknown_table_file_name(folder: DataFolder) -> None:
    folder.write(HEADER)
    path = write_csv(folder.tables / "finance.csv", [["outcome", "year"]])
    assert folder.problems() == [
        f"{path}: unknown table 'finance'; table files are: contributions.csv, indicator_values.csv, resources.csv"
    ]


def test_unknown_sheet_name(folder: DataFolder) -> None:
    folder.write(HEADER)
    path = write_xlsx(folder.tables / BOOK, {"Finance": [["outcome", "year"]], "contributions": [CONTRIBUTION_COLUMNS]})
    assert folder.problems() == [
        f"{path}[Finance]: unknown sheet 'Finance'; table sheets are: contributions, indicator_values, resources "
        "(name other sheets README or start them with '_')"
    ]


def test_unsupported_table_file_type(folder: DataFolder) -> None:
    folder.write(HEADER)
    path = folder.tables / "contributions.txt"
    path.parent.mkdir()
    path.write_text("outcome,partner\n", encoding="utf-8")
    assert folder.problems() == [f"{path}: unsupported table file '.txt'; supported: .csv, .xlsx"]


DECIMAL_COMMA = "looks like a decimal comma or '.' thousands; write it as 1234.56"


@pytest.mark.parametrize("kind", TABLE_FORMATS)
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("98.145,50", f"'98.145,50' {DECIMAL_COMMA}"),
        ("98,14", f"'98,14' {DECIMAL_COMMA}"),
        (
            "98.145",
            "98.145 has more decimals than USD has (2); if '.' separates thousands, write the amount without it",
        ),
        ("EUR 5", "amount 'EUR 5' is in EUR, but the row's currency is USD"),
        ("ZZQ 5", "unknown currency code 'ZZQ' in amount 'ZZQ 5'"),
    ],
    ids=["dot-thousands-comma-decimals", "decimal-comma", "too-many-decimals", "other-currency", "unknown-code"],
)
def test_ambiguous_or_wrong_money_cell(folder: DataFolder, kind: str, amount: str, message: str) -> None:
    at = folder.contributions(kind, [contribution(development=amount)])
    assert folder.problems() == [at.at(0, "development") + message]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
@pytest.mark.parametrize(
    ("amount", "value"),
    [("$98,145", "98145"), ("USD 98,145.50", "98145.50"), ("98145.5 USD", "98145.5"), ("(5)", "-5")],
)
def test_unambiguous_money_cells(folder: DataFolder, kind: str, amount: str, value: str) -> None:
    refund = value.startswith("-")
    folder.contributions(kind, [contribution(development=amount, **({"refund": True} if refund else {}))])
    [row] = folder.load().outcome("x").contributions
    assert row.development == Decimal(value)
    assert str(row.development) == value


def test_comma_amount_in_a_semicolon_separated_csv(folder: DataFolder) -> None:
    folder.write(HEADER)
    path = write_csv(
        folder.tables / "contributions.csv",
        [["outcome", "partner", "year", "development", "humanitarian"], ["x", "p1", 2021, "98,145", 0]],
        delimiter=";",
    )
    assert folder.problems() == [
        f"{path}:2:D: development: '98,145' is ambiguous in a file whose columns are separated by ';' "
        "(is ',' a decimal separator?); write the number without separators, with '.' for decimals"
    ]


@pytest.mark.parametrize("kind", TABLE_FORMATS)
def test_negative_budget_in_the_resources_table(folder: DataFolder, kind: str) -> None:
    folder.write(HEADER)
    grid = [["outcome", "year", "budget_core", "budget_non_core"], ["x", 2021, 10, 20], ["x", 2022, -5, 20]]
    path = folder.table(kind, "resources", grid)
    assert folder.problems() == [folder.where(kind, path, "resources", 3, "C") + ": budget_core: must be >= 0, got -5"]


# --- CSV encodings and separators ------------------------------------------------------

CSV_TEXT = "outcome,partner,year,development,humanitarian\nx,p1,2021,98145.50,0\nx,p2,2021,1,2\n"


def test_csv_with_a_byte_order_mark_loads(folder: DataFolder) -> None:
    folder.write(HEADER)
    (folder.tables).mkdir()
    (folder.tables / "contributions.csv").write_bytes(CSV_TEXT.encode("utf-8-sig"))
    rows = folder.load().outcome("x").contributions
    assert [(r.partner, r.development) for r in rows] == [("p1", Decimal("98145.50")), ("p2", Decimal(1))]


def test_latin1_csv_names_the_row_of_the_first_bad_byte(folder: DataFolder) -> None:
    folder.write(HEADER)
    text = "outcome,partner,year,development,humanitarian,currency\nx,p1,2021,1,0,\nx,p2,2021,1,0,Bogotá\n"
    folder.tables.mkdir()
    path = folder.tables / "contributions.csv"
    path.write_bytes(text.encode("latin-1"))
    assert folder.problems() == [
        f"{path}:{line_of(text, 'Bogotá')}: not UTF-8 text (byte 0xe1); save it as 'CSV UTF-8'"
    ]


def test_semicolon_separated_csv_loads(folder: DataFolder) -> None:
    folder.write(HEADER)
    folder.tables.mkdir()
    (folder.tables / "contributions.csv").write_text(CSV_TEXT.replace(",", ";"), encoding="utf-8")
    rows = folder.load().outcome("x").contributions
    assert [(r.partner, r.development, r.humanitarian) for r in rows] == [
        ("p1", Decimal("98145.50"), Decimal(0)),
        ("p2", Decimal(1), Decimal(2)),
    ]


def test_blank_lines_in_a_csv_keep_the_row_numbers(folder: DataFolder) -> None:
    folder.write(HEADER)
    folder.tables.mkdir()
    text = "outcome,partner,year,development,humanitarian\n\nx,p1,2021,1,0\n\n,,,,\nx,p2,2021,-5,0\n"
    path = folder.tables / "contributions.csv"
    path.write_text(text, encoding="utf-8")
    assert folder.problems() == [f"{path}:{line_of(text, '-5')}:D: development: {NEGATIVE}"]


# --- JSON ------------------------------------------------------------------------------


def test_invalid_json_names_line_and_column(folder: DataFolder) -> None:
    text = "{\n" + JSON_HEADER.replace('"office": "mex",', '"office": "mex"') + '  "report_year": 2024\n}\n'
    path = folder.write(text, "x.json")
    line = line_of(text, '"short_title"')
    column = text.splitlines()[line - 1].index('"') + 1
    assert folder.problems() == [f"{path}:{line}:{column}: invalid JSON: Expecting ',' delimiter"]


def test_duplicate_key_in_json_is_refused_like_yaml(folder: DataFolder) -> None:
    text = (
        "{\n" + JSON_HEADER + '  "contributions": [\n    {"partner": "p1", "year": 2021,\n'
        '     "development": 100,\n     "development": 200,\n     "humanitarian": 0}\n  ]\n}\n'
    )
    path = folder.write(text, "x.json")
    first, second = line_of(text, '"development": 100'), line_of(text, '"development": 200')
    assert folder.problems() == [
        f"{path}:{second}: contributions[0].development: key given twice (first at line {first}); "
        "only one value can be right"
    ]


def test_json_total_check_is_exact_where_floats_are_not(folder: DataFolder) -> None:
    assert 0.1 + 0.2 != 0.3  # the reason exact decimals matter
    at = folder.contributions(
        "json", [contribution(development=Decimal("0.1"), humanitarian=Decimal("0.2"), total=Decimal("0.3"))]
    )
    assert '"development": 0.1,' in at.path.read_text(encoding="utf-8")
    [row] = folder.load().outcome("x").contributions
    assert type(row.development) is Decimal
    assert row.total == row.development + row.humanitarian == Decimal("0.3")


# --- XLSX ------------------------------------------------------------------------------


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [random.Random(5).randbytes(2000), _zip({"hello.txt": "not a workbook"})],
    ids=["random-bytes", "zip-not-a-workbook"],
)
def test_corrupt_workbook_is_named(folder: DataFolder, content: bytes) -> None:
    folder.write(HEADER)
    folder.tables.mkdir()
    path = folder.tables / BOOK
    path.write_bytes(content)
    [problem] = folder.problems()
    assert problem.startswith(f"{path}: not a readable .xlsx workbook (")


def _damaged(part: str) -> bytes:
    """A valid workbook with one XML part cut in half (a broken download, a crashed save)."""
    source = io.BytesIO()
    write_workbook_bytes(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as damaged:
        for name in original.namelist():
            content = original.read(name)
            damaged.writestr(name, content[: len(content) // 2] if name == part else content)
    return out.getvalue()


def write_workbook_bytes(target: io.BytesIO) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "contributions"
    sheet.append(CONTRIBUTION_COLUMNS[:5])
    sheet.append(["x", "p1", 2021, 1, 0])
    workbook.save(target)


@pytest.mark.parametrize("part", ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_workbook_with_damaged_xml_is_named(folder: DataFolder, part: str) -> None:
    folder.write(HEADER)
    folder.tables.mkdir()
    path = folder.tables / BOOK
    path.write_bytes(_damaged(part))
    [problem] = folder.problems()
    assert problem.startswith(f"{path}: not a readable .xlsx workbook (")


def test_readme_and_notes_sheets_are_ignored(folder: DataFolder) -> None:
    folder.write(HEADER)
    path = write_workbook(folder.tables / BOOK, {"contributions": [{"outcome": "x", **contribution()}]})
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for title in ("_notes", "Notes", "Instructions"):
        workbook.create_sheet(title).append(["anything", "at all", -5])
    workbook.save(path)
    assert load_workbook(path, read_only=True).sheetnames[0] == "README"
    [row] = folder.load().outcome("x").contributions
    assert (row.partner, row.year, row.development) == ("p1", 2021, Decimal(100))


def test_excel_numbers_load_as_exact_decimals(folder: DataFolder) -> None:
    folder.write(HEADER)
    grid = [
        ["outcome", "partner", "year", "development", "humanitarian", "total"],
        ["x", "p1", 2021, 0.1, 0.2, 0.3],
        ["x", "p2", 2021, 48750.25, 611480.6, 660230.85],
    ]
    write_xlsx(folder.tables / BOOK, {"contributions": grid})
    first, second = folder.load().outcome("x").contributions
    assert all(type(v) is Decimal for v in (first.development, first.humanitarian, first.total))
    assert first.total == first.development + first.humanitarian == Decimal("0.3")
    assert (str(second.development), str(second.humanitarian)) == ("48750.25", "611480.6")


def test_workbook_issues_name_the_sheet_and_cell(folder: DataFolder) -> None:
    folder.write(HEADER)
    grid = [["outcome", "partner", "year", "development", "humanitarian"], ["x", "p1", 2021, -5, 0]]
    path = write_xlsx(folder.tables / BOOK, {"Contributions": grid})
    assert folder.problems() == [f"{path}[Contributions]:2:D: development: {NEGATIVE}"]


# --- SDG targets -----------------------------------------------------------------------


def test_sdg_target_that_does_not_exist(folder: DataFolder) -> None:
    text = HEADER + "sdgs:\n  - goal: 5\n    targets: ['5.2', '5.9']\n"
    path = folder.write(text)
    assert folder.problems() == [
        f"{path}:{line_of(text, 'targets')}: sdgs[0].targets: SDG target 5.9 does not exist "
        "(goal 5 has 5.1-5.6, 5.a-5.c)"
    ]


@pytest.mark.parametrize(("goal", "target"), [(17, "17.19"), (5, "5.a"), (5, "5.c"), (1, "1.b")])
def test_sdg_targets_that_exist(folder: DataFolder, goal: int, target: str) -> None:
    folder.write(HEADER + f"sdgs:\n  - goal: {goal}\n    targets: ['{target}']\n")
    [link] = folder.load().outcome("x").sdgs
    assert link.targets == [target]


@pytest.mark.parametrize("target", ["17.20", "5.d"])
def test_sdg_targets_just_past_the_last(folder: DataFolder, target: str) -> None:
    goal = int(target.split(".")[0])
    folder.write(HEADER + f"sdgs:\n  - goal: {goal}\n    targets: ['{target}']\n")
    [issue] = folder.error().issues
    assert issue.message.startswith(f"SDG target {target} does not exist (goal {goal} has ")


# --- lint ------------------------------------------------------------------------------

PARAGRAPH = (
    "The programme trained 640 police officers, prosecutors and forensic staff in survivor-centred case "
    "management across three priority states."
)


def _warnings(dataset: Dataset) -> list[str]:
    assert all(w.severity is Severity.WARNING for w in dataset.warnings)
    return [str(w) for w in dataset.warnings]


def test_paragraph_pasted_into_two_outcomes_warns_at_the_second(folder: DataFolder) -> None:
    assert len(PARAGRAPH) >= 80
    first_text = HEADER.replace("The outcome was achieved.", json.dumps(PARAGRAPH))
    second_text = HEADER.replace("id: x", "id: y").replace(
        "statement: A test outcome statement.", f"statement: |\n  Opening words.\n\n  {PARAGRAPH}"
    )
    first = folder.write(first_text, "x.yaml")
    second = folder.write(second_text, "y.yaml")
    where = f"{first}:{line_of(first_text, 'note:')}"
    snippet = PARAGRAPH[:57] + "..."
    assert _warnings(folder.load()) == [
        f"{second}:{line_of(second_text, 'statement:')}: statement: warning: "
        f"paragraph also appears in {where}: {snippet!r}"
    ]


def test_short_paragraph_shared_by_two_outcomes_is_not_flagged(folder: DataFolder) -> None:
    folder.write(HEADER, "x.yaml")
    folder.write(HEADER.replace("id: x", "id: y"), "y.yaml")
    assert _warnings(folder.load()) == []


def test_report_year_without_a_progress_note_warns(folder: DataFolder) -> None:
    text = HEADER + "report_year: 2023\n"
    path = folder.write(text)
    assert _warnings(folder.load()) == [
        f"{path}:{line_of(text, 'report_year')}: report_year: warning: no progress note for the report year 2023"
    ]


def test_note_over_1000_words_warns(folder: DataFolder) -> None:
    note = " ".join(f"word{i}." if i % 12 == 11 else f"word{i}" for i in range(1001))
    text = HEADER.replace("note: The outcome was achieved.}", f"note: {note}}}")
    path = folder.write(text)
    assert _warnings(folder.load()) == [
        f"{path}:{line_of(text, 'note:')}: progress[0].note: warning: "
        "note is 1001 words; a brief has room for about 1000"
    ]


def test_note_of_1000_words_does_not_warn(folder: DataFolder) -> None:
    note = " ".join(f"word{i}" for i in range(1000))
    folder.write(HEADER.replace("note: The outcome was achieved.}", f"note: {note}}}"))
    assert _warnings(folder.load()) == []


# --- every issue names its file --------------------------------------------------------


def _all_issues(run: Callable[[], object]) -> list[Issue]:
    with pytest.raises(DataError) as info:
        run()
    return [*info.value.issues, *info.value.warnings]


def test_table_and_file_problems_are_reported_together(folder: DataFolder) -> None:
    text = HEADER.replace("office: mex", "office: atlantis")
    path = folder.write(text)
    csv_path = write_csv(
        folder.tables / "contributions.csv",
        [["outcome", "partner", "year", "development", "humanitarian"], ["x", "p1", 2021, -5, 0]],
    )
    issues = _all_issues(folder.load)
    assert sorted(str(i) for i in issues) == sorted(
        [
            f"{path}:{line_of(text, 'office')}: office: office 'atlantis' is not defined in organization.yaml",
            f"{csv_path}:2:D: development: {NEGATIVE}",
        ]
    )
