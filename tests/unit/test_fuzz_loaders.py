"""Fuzzing the loaders: whatever bytes a data file holds, ``load_dataset`` returns a Dataset or
raises DataError with located issues; never any other exception.

The last section keeps, as regression tests, the inputs fuzzing found that once crashed the
loader; the random tests cover those shapes of input too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from yaml.reader import Reader

from reportgen.errors import DataError
from reportgen.load import TABLES, load_dataset
from reportgen.model import Dataset
from reportgen.scaffold import table_rows, write_csv_tables, write_workbook

from ..datafiles import MINIMAL_OUTCOME, ONE_PARTNER_ORGANIZATION

DATA = Path(__file__).resolve().parents[2] / "data"
#: Characters YAML does not allow in a document.
NON_PRINTABLE = Reader.NON_PRINTABLE

FUZZ = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SLOW = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ORGANIZATION = ONE_PARTNER_ORGANIZATION
OUTCOME = MINIMAL_OUTCOME


def load_checked(root: Path) -> Dataset | DataError:
    """``load_dataset(root)``: a Dataset, or the DataError it raised; any other exception fails the test."""
    try:
        dataset = load_dataset(root)
    except DataError as exc:
        assert exc.issues, "a DataError must carry at least one issue"
        for issue in [*exc.issues, *exc.warnings]:
            assert issue.file is not None, f"issue without a file: {issue}"
            assert str(issue)  # printable
        return exc
    for warning in dataset.warnings:
        assert warning.file is not None, f"warning without a file: {warning}"
    return dataset


@contextmanager
def data_folder(organization: str | None = ORGANIZATION, outcome: str | None = OUTCOME) -> Iterator[Path]:
    """A fresh data folder (hypothesis runs many examples per test, so no tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-fuzz-") as tmp:
        root = Path(tmp) / "data"
        (root / "outcomes").mkdir(parents=True)
        (root / "tables").mkdir()
        if organization is not None:
            (root / "organization.yaml").write_text(organization, encoding="utf-8")
        if outcome is not None:
            (root / "outcomes" / "x.yaml").write_text(outcome, encoding="utf-8")
        yield root


def write_bytes(root: Path, name: str, content: bytes) -> Path:
    path = root / name
    if name.startswith("organization."):
        for old in root.glob("organization.*"):
            old.unlink()
    if name.startswith("outcomes/"):
        for old in (root / "outcomes").iterdir():
            old.unlink()
    path.write_bytes(content)
    return path


# --- shapes of input that once crashed the loader (regression tests below) --------------


# --- random bytes as each kind of data file ------------------------------------------

TARGETS = [
    "organization.yaml",
    "organization.json",
    "outcomes/x.yaml",
    "outcomes/x.json",
    "tables/contributions.csv",
    "tables/indicator_values.csv",
    "tables/book.xlsx",
]

#: Bytes that look like the start of real files, so the parsers get past their first check.
PREFIXES = [b"", b"\xef\xbb\xbf", b"PK\x03\x04", b"id: x\n", b"{", b"outcome,partner,year,development,humanitarian\n"]


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(prefix=st.sampled_from(PREFIXES), content=st.binary(max_size=600))
def test_random_bytes(target: str, prefix: bytes, content: bytes) -> None:
    content = prefix + content
    with data_folder() as root:
        write_bytes(root, target, content)
        load_checked(root)


@pytest.mark.parametrize("target", ["organization.yaml", "outcomes/x.yaml", "outcomes/x.json", "tables/resources.csv"])
@FUZZ
@given(content=st.text(max_size=400))
def test_random_text(target: str, content: str) -> None:
    raw = content.encode("utf-8", "surrogatepass")
    with data_folder() as root:
        write_bytes(root, target, raw)
        load_checked(root)


@FUZZ
@given(members=st.dictionaries(st.text(min_size=1, max_size=20), st.binary(max_size=200), max_size=4))
def test_random_zip_as_a_workbook(members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("\x00", "_"), content)
    with data_folder() as root:
        write_bytes(root, "tables/book.xlsx", buffer.getvalue())
        result = load_checked(root)
    assert isinstance(result, DataError) or not members


# --- random YAML / JSON structures ---------------------------------------------------

SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats() | st.text(max_size=30)
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
)

OUTCOME_KEYS = ["id", "office", "short_title", "statement", "period", "report_year", "data_as_of", "strategic_plan"]
OUTCOME_KEYS += ["sdgs", "resources", "sdg_allocation", "indicators", "contributions", "progress"]
ORGANIZATION_KEYS = ["organization", "offices", "partners"]


def dump(data: Any, fmt: str) -> bytes:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")
    return json.dumps(data, default=str).encode("utf-8")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("part", ["organization", "outcome"])
@FUZZ
@given(data=STRUCTURES)
def test_random_structures(part: str, fmt: str, data: Any) -> None:
    with data_folder() as root:
        name = f"organization.{fmt}" if part == "organization" else f"outcomes/x.{fmt}"
        write_bytes(root, name, dump(data, fmt))
        load_checked(root)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("part", ["organization", "outcome"])
@FUZZ
@given(data=st.data())
def test_valid_document_with_random_values_in_real_fields(part: str, fmt: str, data: st.DataObject) -> None:
    """The valid minimal file with a few of its real fields (or their items) set to random values."""
    source = ORGANIZATION if part == "organization" else OUTCOME
    document = yaml.safe_load(source)
    keys = ORGANIZATION_KEYS if part == "organization" else OUTCOME_KEYS
    for key in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        value = data.draw(STRUCTURES, label=key)
        if isinstance(document.get(key), list) and document[key] and data.draw(st.booleans()):
            document[key][0] = value  # a bad item in a good list
        else:
            document[key] = value
    with data_folder() as root:
        name = f"organization.{fmt}" if part == "organization" else f"outcomes/x.{fmt}"
        write_bytes(root, name, dump(document, fmt))
        load_checked(root)


# --- truncated copies of the bundled files ---------------------------------------------


def _exact_json(data: Any) -> bytes:
    """JSON with Decimals written as numbers with their exact text (dates as strings)."""
    text = json.dumps(data, default=lambda o: f"@@{o}@@" if isinstance(o, Decimal) else str(o), ensure_ascii=False)
    return text.replace('"@@', "").replace('@@"', "").encode("utf-8")


def _bundled(name: str) -> Any:
    from reportgen.load.source import load_document

    return load_document(DATA / "outcomes" / f"{name}.yaml").data


def _without_tables(outcome: dict[str, Any]) -> dict[str, Any]:
    """The outcome without what the tables give (contributions, resources, indicator actuals),
    and with one-line progress notes, so that loading it is quick."""
    stripped = {k: v for k, v in outcome.items() if k not in ("contributions", "resources")}
    stripped["progress"] = [{**note, "note": f"Progress in {note['year']}."} for note in outcome["progress"]]
    stripped["indicators"] = [
        {k: v for k, v in indicator.items() if k != "actuals"} for indicator in outcome.get("indicators") or []
    ]
    return stripped


def _bundled_tables() -> dict[str, bytes]:
    rows = table_rows(load_dataset(DATA))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {f"tables/{p.name}": p.read_bytes() for p in write_csv_tables(folder, rows)}
        files["tables/book.xlsx"] = write_workbook(folder / "book.xlsx", rows).read_bytes()
    return files


OUTCOME_IDS = sorted(p.stem for p in (DATA / "outcomes").glob("*.yaml"))
#: The bundled outcomes as JSON files without their table parts (for the truncated tables).
STRIPPED = {f"outcomes/{name}.json": _exact_json(_without_tables(_bundled(name))) for name in OUTCOME_IDS}

BUNDLED: dict[str, bytes] = {
    "organization.yaml": (DATA / "organization.yaml").read_bytes(),
    **{f"outcomes/{name}.yaml": (DATA / "outcomes" / f"{name}.yaml").read_bytes() for name in OUTCOME_IDS},
    "outcomes/col-economic.json": _exact_json(_bundled("col-economic")),
    **_bundled_tables(),
}


@contextmanager
def bundled_folder(name: str) -> Iterator[Path]:
    """The bundled organization and what the bundled file ``name`` needs beside it: every
    bundled outcome stripped of its table parts (for a table), one of them (for the
    organization), nothing (for an outcome)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-fuzz-") as tmp:
        root = Path(tmp) / "data"
        (root / "outcomes").mkdir(parents=True)
        (root / "tables").mkdir()
        shutil.copy(DATA / "organization.yaml", root)
        if name.startswith("tables/"):
            for stripped, content in STRIPPED.items():
                (root / stripped).write_bytes(content)
        elif name == "organization.yaml":
            (root / "outcomes" / "mex-justice.json").write_bytes(STRIPPED["outcomes/mex-justice.json"])
        yield root


@pytest.mark.parametrize("name", sorted(BUNDLED))
@FUZZ_SLOW
@given(data=st.data())
def test_truncated_bundled_file(name: str, data: st.DataObject) -> None:
    content = BUNDLED[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(content)), label="length")
    with bundled_folder(name) as root:
        (root / name).write_bytes(content[:cut])
        result = load_checked(root)
    if cut == len(content):
        assert isinstance(result, Dataset)  # the whole file is valid: a check of the harness itself


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_whole_bundled_file_loads(name: str) -> None:
    with bundled_folder(name) as root:
        (root / name).write_bytes(BUNDLED[name])
        assert isinstance(load_checked(root), Dataset)


def test_stripped_outcomes_with_every_table_load_the_bundled_dataset() -> None:
    with bundled_folder("tables/") as root:
        for name, content in BUNDLED.items():
            if name.endswith(".csv"):
                (root / name).write_bytes(content)
        dataset = load_checked(root)
    assert isinstance(dataset, Dataset)
    for outcome_id, outcome in load_dataset(DATA).outcomes.items():
        loaded = dataset.outcome(outcome_id)
        assert loaded.contributions == outcome.contributions
        assert loaded.resources == outcome.resources
        assert loaded.indicators == outcome.indicators


# --- random tables with random cells in the right columns ------------------------------

TOKENS = [
    "x", "y", "p1", "nobody", "ind-1", "ind-9", "2021", "2024", "2026", "20x1", "0", "-5", "5", "100", "0.1",
    "98,145", "98.145", "98.145,50", "98,14", "$98,145", "USD 98,145.50", "EUR 5", "ZZQ 5", "(5)", "-$5", "5 €",
    "45%", "yes", "no", "maybe", "USD", "EUR", "nan", "inf", "1e5", "٣", " ", "\u00a05", "1_000",
]  # fmt: skip

TEXT_CELLS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
CSV_CELLS = st.sampled_from(TOKENS) | TEXT_CELLS | st.integers(-(10**6), 10**6).map(str)
XLSX_CELLS = (
    st.none()
    | st.sampled_from(TOKENS)
    | TEXT_CELLS
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.dates(min_value=dt.date(1900, 3, 1))
)


@st.composite
def tables(draw: st.DrawFn, cells: st.SearchStrategy[Any]) -> tuple[str, list[list[Any]]]:
    """A table name, and its header (real columns, shuffled, some optional ones left out) plus rows."""
    name = draw(st.sampled_from(sorted(TABLES)))
    columns = [c.name for c in TABLES[name].columns if c.required or draw(st.booleans())]
    columns = draw(st.permutations(columns))
    if draw(st.integers(0, 9)) == 0:
        columns = [*columns, draw(st.sampled_from(["colour", "", "Outcome", "YEAR"]))]
    width = st.integers(max(0, len(columns) - 1), len(columns) + 1)
    rows = draw(st.lists(width.flatmap(lambda n: st.lists(cells, min_size=n, max_size=n)), max_size=5))
    return name, [list(columns), *rows]


@FUZZ
@given(table=tables(CSV_CELLS), delimiter=st.sampled_from([",", ";"]))
def test_random_csv_tables(table: tuple[str, list[list[Any]]], delimiter: str) -> None:
    name, grid = table
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(grid)
    with data_folder() as root:
        (root / "tables" / f"{name}.csv").write_bytes(buffer.getvalue().encode("utf-8"))
        load_checked(root)


@FUZZ_SLOW
@given(sheets=st.lists(tables(XLSX_CELLS), min_size=1, max_size=3, unique_by=lambda t: t[0]))
def test_random_xlsx_tables(sheets: list[tuple[str, list[list[Any]]]]) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "README"
    for name, grid in sheets:
        sheet = workbook.create_sheet(name)
        for row in grid:
            sheet.append(row)
    with data_folder() as root:
        workbook.save(root / "tables" / "book.xlsx")
        load_checked(root)


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["p1", "nobody"]), st.integers(2018, 2026), CSV_CELLS, CSV_CELLS)))
def test_random_contribution_amounts_with_yaml_rows(rows: list[tuple[str, int, str, str]]) -> None:
    """Table rows merged into an outcome that already has contributions of its own."""
    outcome = OUTCOME + "contributions:\n  - {partner: p1, year: 2021, development: 1, humanitarian: 0}\n"
    grid = [["outcome", "partner", "year", "development", "humanitarian"], *[["x", *row] for row in rows]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(grid)
    with data_folder(outcome=outcome) as root:
        (root / "tables" / "contributions.csv").write_text(buffer.getvalue(), encoding="utf-8")
        result = load_checked(root)
    if isinstance(result, Dataset):
        assert len(result.outcome("x").contributions) == 1 + len(rows)


# --- YAML aliases ----------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("target", ["organization.yaml", "outcomes/x.yaml"])
def test_billion_laughs_is_refused(target: str) -> None:
    with data_folder() as root:
        base = ORGANIZATION if target == "organization.yaml" else OUTCOME
        path = write_bytes(root, target, (base + billion_laughs()).encode("utf-8"))
        started = time.monotonic()
        result = load_checked(root)
        elapsed = time.monotonic() - started
    assert isinstance(result, DataError)
    [issue] = result.issues
    assert (issue.file, issue.line) == (path, base.count("\n") + 6)  # lol5, the first to expand past 500000
    assert issue.message == (
        "the document holds too many values (counted with YAML aliases expanded): more than "
        "document_max_values=500000; if the file is trusted, raise the limit with --limit document_max_values=1000000"
    )
    assert elapsed < 1.0
    print(f"billion laughs refused in {elapsed:.2f}s")


def test_small_alias_expansion_still_loads() -> None:
    outcome = OUTCOME + "strategic_plan:\n  impact_areas: &areas [One, Two]\n  systemic_outcomes: *areas\n"
    with data_folder(outcome=outcome) as root:
        result = load_checked(root)
    assert isinstance(result, Dataset)
    assert result.outcome("x").strategic_plan.systemic_outcomes == ["One", "Two"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("depth", [100, 500, 990, 3000])
def test_deeply_nested_document_is_refused(fmt: str, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = f'{{"id": "x", "statement": {nested}}}\n'
    with data_folder(outcome=None) as root:
        (root / "outcomes" / f"x.{fmt}").write_text(text, encoding="utf-8")
        assert isinstance(load_checked(root), DataError)


# --- crashes found by fuzzing --------------------------------------------------------
# Each case raised something other than DataError out of load_dataset. Those still open are
# regression tests: each of these once escaped load_dataset as something other than DataError.


def _refused(root: Path) -> DataError:
    result = load_checked(root)
    assert isinstance(result, DataError), "expected the data to be refused"
    return result


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param(OUTCOME + "data_as_of: 2025-02-30\n", "data_as_of", id="impossible-date"),
        pytest.param(
            OUTCOME + "report_year: !!int twenty\n",
            "report_year",
            id="bad-int-tag",
        ),
        pytest.param(
            OUTCOME + "data_as_of: !!timestamp soon\n",
            "data_as_of",
            id="bad-timestamp-tag",
        ),
        pytest.param(
            OUTCOME + "report_year: !!bool maybe\n",
            "report_year",
            id="bad-bool-tag",
        ),
        pytest.param(
            OUTCOME + "report_year: " + "1" * 5000 + "\n",
            "report_year",
            id="int-over-4300-digits",
        ),
        pytest.param(
            OUTCOME.split("progress:")[0] + "progress: 2024\n",
            "progress",
            id="progress-is-a-number",
        ),
        pytest.param(
            OUTCOME
            + "contributions:\n  - {partner: p1, year: 2021, development: 9.0e+999999, humanitarian: 9.0e+999999, "
            "total: 1}\n",
            "total",
            id="decimal-overflow",
        ),
        pytest.param(
            OUTCOME.replace("A test outcome statement.", "A test\x0c outcome statement."),
            "statement",
            id="form-feed-character",
        ),
    ],
)
def test_crash_in_an_outcome_file(text: str, needle: str) -> None:
    with data_folder(outcome=text) as root:
        error = _refused(root)
    assert error.issues and {issue.file for issue in error.issues} == {root / "outcomes" / "x.yaml"}


def test_crash_json_int_over_4300_digits() -> None:
    with data_folder(outcome=None) as root:
        (root / "outcomes" / "x.json").write_text('{"id": "x", "report_year": ' + "1" * 5000 + "}\n", encoding="utf-8")
        _refused(root)


@pytest.mark.parametrize("section", ["offices", "partners"])
def test_crash_organization_section_is_a_number(section: str) -> None:
    document = yaml.safe_load(ORGANIZATION)
    document[section] = 5
    with data_folder(organization=yaml.safe_dump(document)) as root:
        _refused(root)


def test_crash_indicators_is_a_number_with_a_table_row() -> None:
    outcome = OUTCOME.replace("indicators:\n  - {id: ind-1, name: Number of shelters}\n", "indicators: 5\n")
    with data_folder(outcome=outcome) as root:
        (root / "tables" / "indicator_values.csv").write_text("outcome,indicator,year,value\nx,ind-1,2021,1\n")
        _refused(root)


@pytest.mark.parametrize(
    "amount",
    [
        "$",
        "€",
        "( $ )",
        "USD $",
        "-",
        pytest.param("()"),
        pytest.param("( )"),
    ],
)
def test_money_cell_without_digits(amount: str) -> None:
    with data_folder() as root:
        path = root / "tables" / "contributions.csv"
        path.write_text(f'outcome,partner,year,development,humanitarian\nx,p1,2021,"{amount}",0\n', encoding="utf-8")
        [issue] = _refused(root).issues
    assert (issue.file, issue.line, issue.column, issue.field) == (path, 2, "D", "development")
