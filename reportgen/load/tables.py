"""Tabular data (CSV files and XLSX sheets) merged into the outcomes they belong to.

Finance and monitoring systems export one row per partner x year (contributions), per
indicator x year (indicator values) or per year (resources). Put such files in
``data/tables/``: ``<table>.csv`` or any ``.xlsx`` workbook whose sheets are named after
the tables. Each row names its outcome; rows are merged into that outcome's data before
validation, so one set of rules checks every format and every error names the file,
row and column of the cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, Issue
from ..limits import Limits, current
from ..safe_files import read_bytes
from .archive_check import check_workbook_archive
from .cells import CellError, parse_bool, parse_currency, parse_indicator_value, parse_money, parse_text, parse_year
from .location import LocatedDocument, Location, column_letter
from .source import read_text

TABLES_DIR = "tables"

#: A column's parser: (raw cell, row currency, commas group thousands) -> value.
Parser = Callable[[object, str, bool], Any]


def _money(value: object, currency: str, commas: bool) -> Any:
    return parse_money(value, currency, commas_group_thousands=commas)


def _number(value: object, _currency: str, commas: bool) -> Any:
    return parse_indicator_value(value, commas_group_thousands=commas)


def _year(value: object, _c: str, _k: bool) -> Any:
    return parse_year(value)


def _text(value: object, _c: str, _k: bool) -> Any:
    return parse_text(value)


def _currency(value: object, _c: str, _k: bool) -> Any:
    return parse_currency(value)


def _bool(value: object, _c: str, _k: bool) -> Any:
    return parse_bool(value)


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    description: str

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "contributions",
            (
                Column("outcome", _text),
                Column("partner", _text),
                Column("year", _year),
                Column("development", _money),
                Column("humanitarian", _money),
                Column("total", _money, required=False),
                Column("currency", _currency, required=False),
                Column("refund", _bool, required=False),
            ),
            "one row per outcome x funding partner x year",
        ),
        TableSpec(
            "indicator_values",
            (Column("outcome", _text), Column("indicator", _text), Column("year", _year), Column("value", _number)),
            "actual values: one row per outcome x indicator x year (the indicator is defined in the outcome file)",
        ),
        TableSpec(
            "resources",
            (
                Column("outcome", _text),
                Column("year", _year),
                Column("budget_core", _money, required=False),
                Column("budget_non_core", _money, required=False),
                Column("budget_total", _money, required=False),
                Column("expenditure_core", _money, required=False),
                Column("expenditure_non_core", _money, required=False),
                Column("expenditure_total", _money, required=False),
                Column("currency", _currency, required=False),
            ),
            "one row per outcome x year: planned budget and expenditure, core and non-core or totals only",
        ),
    )
}

#: Workbook sheets with these names (or starting with "_") are notes for people, not data.
IGNORED_SHEETS = {"readme", "instructions", "notes"}


@dataclass
class Cell:
    value: object
    location: Location


@dataclass
class Row:
    table: TableSpec
    cells: dict[str, Cell]  # by column name, present and non-empty only
    location: Location  # the row as a whole
    commas_group_thousands: bool
    letters: dict[str, str]  # column name -> spreadsheet column letter


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shorten(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


def _rows_from_grid(
    table: TableSpec,
    grid: Iterator[tuple[int, list[object]]],
    where: Callable[[int, int | None, str | None], Location],
    commas: bool,
) -> tuple[list[Row], list[Issue]]:
    """Rows of a table from (row number, cells) pairs whose first pair is the header."""
    issues: list[Issue] = []
    try:
        header_number, header = next(grid)
    except StopIteration:
        loc = where(1, None, None)
        return [], [Issue("table is empty; the first row must name the columns", file=loc.file, sheet=loc.sheet)]
    names = [parse_text(h).lower() if not _blank(h) else "" for h in header]
    known = [c.name for c in table.columns]
    if any(names) and not set(names) & set(known):  # data where the column names belong
        loc = where(header_number, None, None)
        given = ", ".join(repr(name) for name in names if name)
        message = f"the first row must name the columns ({', '.join(known)}); it holds {_shorten(given)}"
        return [], [Issue(message, file=loc.file, line=loc.line, sheet=loc.sheet)]
    first_at: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in first_at:
            loc = where(header_number, index, None)
            issues.append(
                Issue(
                    f"column {name!r} is given twice (first in column {column_letter(first_at[name])}); "
                    "only one value can be right",
                    file=loc.file,
                    line=loc.line,
                    column=loc.column,
                    sheet=loc.sheet,
                )
            )
        first_at.setdefault(name, index)
    for index, name in enumerate(names):
        if name and name not in known:
            loc = where(header_number, index, None)
            issues.append(
                Issue(
                    f"unknown column {name!r}; the {table.name} table has: {', '.join(known)}",
                    file=loc.file,
                    line=loc.line,
                    column=loc.column,
                    sheet=loc.sheet,
                )
            )
    missing = [c.name for c in table.columns if c.required and c.name not in names]
    if missing:
        loc = where(header_number, None, None)
        issues.append(
            Issue(
                f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                file=loc.file,
                line=loc.line,
                sheet=loc.sheet,
            )
        )
    if issues:
        return [], issues
    rows = []
    for number, values in grid:
        cells = {
            names[i]: Cell(value, where(number, i, names[i]))
            for i, value in enumerate(values)
            if i < len(names) and names[i] and not _blank(value)
        }
        if cells:
            letters = {name: column_letter(i) for name, i in first_at.items() if name}
            rows.append(Row(table, cells, where(number, None, table.name), commas, letters))
    return rows, issues


class _TableLimit(Exception):
    """A table passed one of its limits (``name``) at row ``row``."""

    def __init__(self, name: str, found: str, row: int) -> None:
        super().__init__(name)
        self.name, self.found, self.row = name, found, row


def read_csv(file: Path, root: Path | None = None) -> tuple[list[Row], list[Issue]]:
    """A CSV table: UTF-8 (with or without BOM), comma- or semicolon-separated; ``root``: the
    data folder it must stay inside (see :func:`~reportgen.load.source.read_text`)."""
    table = TABLES.get(file.stem.lower())
    if table is None:
        return [], [
            Issue(
                f"unknown table {file.stem!r}; table files are: {', '.join(name + '.csv' for name in TABLES)}",
                file=file,
            )
        ]
    limits = current()
    try:
        text = read_text(file, "csv_max_bytes", "save it as 'CSV UTF-8'", root=root)
    except DataError as exc:
        return [], exc.issues
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def where(row: int, col: int | None, label: str | None) -> Location:
        return Location(file, row, column_letter(col) if col is not None else None, None, label)

    def grid() -> Iterator[tuple[int, list[object]]]:
        for count, values in enumerate(reader, start=1):
            if count > limits.csv_max_rows:
                raise _TableLimit("csv_max_rows", "the table has too many rows", reader.line_num)
            yield reader.line_num, list(values)

    previous = csv.field_size_limit(limits.csv_max_field_chars)
    try:
        return _rows_from_grid(table, grid(), where, commas=delimiter == ",")
    except _TableLimit as exc:
        return [], [Issue(limits.message(exc.name, exc.found), file=file, line=exc.row)]
    except csv.Error as exc:
        row = reader.line_num
        if "field larger than field limit" in str(exc):
            found = "a cell holds too many characters"
            return [], [Issue(limits.message("csv_max_field_chars", found), file=file, line=row)]
        return [], [Issue(f"malformed CSV: {exc}", file=file, line=row)]
    finally:
        csv.field_size_limit(previous)


def read_xlsx(file: Path, root: Path | None = None) -> tuple[list[Row], list[Issue]]:
    """Every table sheet of a workbook (read-only: values, never formulas or macros), after
    :func:`~reportgen.load.archive_check.check_workbook_archive` has vetted the archive. The
    file is read once, safely (``root``: see :func:`~reportgen.load.source.read_text`), and
    both the check and openpyxl read those bytes: what was vetted is what is opened."""
    from openpyxl import load_workbook

    try:
        content = read_bytes(file, root=root, limit="xlsx_max_bytes")
    except DataError as exc:
        return [], exc.issues
    refused = check_workbook_archive(file, content)
    if refused is not None:
        return [], [refused]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook can raise anything (zip, XML, openpyxl errors)
        return [], [Issue(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=file)]
    limits = current()
    rows: list[Row] = []
    issues: list[Issue] = []
    try:
        for sheet in workbook.worksheets:
            found, problems = _read_sheet(file, sheet, limits)
            rows += found
            issues += problems
    except Exception as exc:  # pragma: no cover - _read_sheet turns a damaged sheet into an issue
        issues.append(Issue(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=file))
    finally:
        workbook.close()
    return rows, issues


def _read_sheet(file: Path, sheet: Any, limits: Limits) -> tuple[list[Row], list[Issue]]:
    """The rows of one sheet, or the issue that stopped reading it (located at the row reached)."""
    title = str(sheet.title)
    if title.startswith("_") or title.strip().lower() in IGNORED_SHEETS:
        return [], []
    table = TABLES.get(title.strip().lower())
    if table is None:
        message = (
            f"unknown sheet {title!r}; table sheets are: {', '.join(TABLES)} "
            "(name other sheets README or start them with '_')"
        )
        return [], [Issue(message, file=file, sheet=title)]
    if hasattr(sheet, "reset_dimensions"):  # pad rows to their own cells, not to a declared size
        sheet.reset_dimensions()
    reached = 0

    def where(row: int, col: int | None, label: str | None) -> Location:
        return Location(file, row, column_letter(col) if col is not None else None, title, label)

    def grid() -> Iterator[tuple[int, list[object]]]:
        nonlocal reached
        cells = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            reached = number
            cells += len(values)
            if number > limits.xlsx_max_rows:
                raise _TableLimit("xlsx_max_rows", "the sheet has too many rows", number)
            if cells > limits.xlsx_max_cells:
                raise _TableLimit("xlsx_max_cells", "the sheet has too many cells", number)
            yield number, list(values)

    try:
        return _rows_from_grid(table, grid(), where, commas=True)
    except _TableLimit as exc:
        return [], [Issue(limits.message(exc.name, exc.found), file=file, line=exc.row, sheet=title)]
    except Exception as exc:  # damaged sheet XML surfaces while reading rows; the parser reads ahead,
        # so the row reached is no position: the parser's own (line and column of the XML) is in its message
        damage = f"{type(exc).__name__}: {exc}"
        message = f"not a readable .xlsx workbook (sheet {title!r} is damaged after row {reached}: {damage})"
        return [], [Issue(message, file=file)]


READERS: dict[str, Callable[[Path, Path | None], tuple[list[Row], list[Issue]]]] = {
    ".csv": read_csv,
    ".xlsx": read_xlsx,
}


def read_tables(root: Path) -> tuple[list[Row], list[Issue]]:
    """Every row of every table file under ``root/tables``."""
    folder = root / TABLES_DIR
    if not folder.is_dir():
        return [], []
    rows: list[Row] = []
    issues: list[Issue] = []
    # Links, FIFOs and devices are listed too: reading them refuses them with a message.
    for file in sorted(p for p in folder.iterdir() if not p.is_dir() and not p.name.startswith((".", "~$"))):
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            issues.append(
                Issue(
                    f"unsupported table file {file.suffix or '(none)'!r}; supported: {', '.join(sorted(READERS))}",
                    file=file,
                )
            )
            continue
        found, problems = reader(file, root)
        rows += found
        issues += problems
    return rows, issues


def _cell_issue(cell: Cell, message: str) -> Issue:
    loc = cell.location
    return Issue(message, file=loc.file, line=loc.line, field=loc.label, column=loc.column, sheet=loc.sheet)


def _parsed(row: Row, currency: str, issues: list[Issue]) -> dict[str, Any] | None:
    """The row's values by column, or None (with issues) when a cell cannot be read."""
    values: dict[str, Any] = {}
    ok = True
    for name, cell in row.cells.items():
        column = row.table.column(name)
        assert column is not None  # unknown columns were refused with the header
        try:
            values[name] = column.parse(cell.value, currency, row.commas_group_thousands)
        except CellError as exc:
            issues.append(_cell_issue(cell, str(exc)))
            ok = False
    missing = [c.name for c in row.table.columns if c.required and c.name not in values and c.name not in row.cells]
    for name in missing:
        loc = row.location
        issues.append(
            Issue(
                "required value is empty",
                file=loc.file,
                line=loc.line,
                field=name,
                sheet=loc.sheet,
                column=row.letters.get(name),
            )
        )
        ok = False
    return values if ok else None


def merge_tables(
    rows: list[Row], docs: dict[str, LocatedDocument], default_currency: str, owners: dict[Issue, str] | None = None
) -> list[Issue]:
    """Append table rows to the outcome documents they name (``docs`` by outcome id), in place.

    ``owners`` (when given) receives, for each issue of a row that names a known outcome,
    that outcome's id: the outcome is incomplete without the row."""
    issues: list[Issue] = []
    for row in rows:
        before = len(issues)
        outcome_cell = row.cells.get("outcome")
        doc = docs.get(parse_text(outcome_cell.value)) if outcome_cell else None
        if outcome_cell is not None and doc is None:
            issues.append(
                _cell_issue(outcome_cell, f"outcome {parse_text(outcome_cell.value)!r} is not defined in outcomes/")
            )
            continue
        currency_cell = row.cells.get("currency")
        currency = parse_text(currency_cell.value).upper() if currency_cell else default_currency
        values = _parsed(row, currency, issues)
        if values is None or doc is None:
            if owners is not None and outcome_cell is not None and doc is not None:
                for issue in issues[before:]:
                    owners[issue] = parse_text(outcome_cell.value)
            continue
        if not isinstance(doc.data, dict):
            continue
        _MERGERS[row.table.name](row, values, doc, issues)
        if owners is not None and outcome_cell is not None and doc is not None:
            for issue in issues[before:]:
                owners[issue] = parse_text(outcome_cell.value)
    return issues


def _append(
    doc: LocatedDocument, list_name: str, item: dict[str, Any], row: Row, fields: dict[tuple[str, ...], str]
) -> None:
    """Append ``item`` to ``doc.data[list_name]`` and locate its fields at their cells."""
    target = doc.data.setdefault(list_name, [])
    if not isinstance(target, list):
        return
    index = str(len(target))
    target.append(item)
    doc.locations[(list_name, index)] = row.location
    for sub_path, column in fields.items():
        cell = row.cells.get(column)
        doc.locations[(list_name, index, *sub_path)] = cell.location if cell else row.location


def _merge_contribution(row: Row, values: dict[str, Any], doc: LocatedDocument, issues: list[Issue]) -> None:
    item = {k: v for k, v in values.items() if k != "outcome"}
    _append(doc, "contributions", item, row, {(k,): k for k in item})


def _merge_resource(row: Row, values: dict[str, Any], doc: LocatedDocument, issues: list[Issue]) -> None:
    item: dict[str, Any] = {"year": values["year"]}
    fields: dict[tuple[str, ...], str] = {("year",): "year"}
    for part in ("budget", "expenditure"):
        given = {key: values[f"{part}_{key}"] for key in ("core", "non_core", "total") if f"{part}_{key}" in values}
        if not given:
            continue
        if "currency" in values:
            given["currency"] = values["currency"]
            fields[(part, "currency")] = "currency"
        item[part] = given
        fields |= {(part, key): f"{part}_{key}" for key in ("core", "non_core", "total") if key in given}
        fields.setdefault((part,), f"{part}_total" if "total" in given else f"{part}_core")
    _append(doc, "resources", item, row, fields)


def _merge_indicator_value(row: Row, values: dict[str, Any], doc: LocatedDocument, issues: list[Issue]) -> None:
    indicators = doc.data.get("indicators")
    ident, year = values["indicator"], values["year"]
    listed = indicators if isinstance(indicators, list) else []
    index = next((i for i, ind in enumerate(listed) if isinstance(ind, dict) and str(ind.get("id")) == ident), None)
    if index is None or not isinstance(indicators, list):
        issues.append(
            _cell_issue(
                row.cells["indicator"],
                f"indicator {ident!r} is not defined in {doc.file.name} (define it under indicators:)",
            )
        )
        return
    actuals = indicators[index].setdefault("actuals", {})
    if not isinstance(actuals, dict):
        return
    if year in actuals or str(year) in actuals:  # JSON (and quoted YAML) keys are text
        first = doc.locate(("indicators", index, "actuals", year)).describe(row.location.file)
        issues.append(
            _cell_issue(row.cells["year"], f"a value for indicator {ident!r} in {year} is already given ({first})")
        )
        return
    actuals[year] = values["value"]
    doc.locations[("indicators", str(index), "actuals", str(year))] = row.cells["value"].location


_MERGERS: dict[str, Callable[[Row, dict[str, Any], LocatedDocument, list[Issue]], None]] = {
    "contributions": _merge_contribution,
    "resources": _merge_resource,
    "indicator_values": _merge_indicator_value,
}
