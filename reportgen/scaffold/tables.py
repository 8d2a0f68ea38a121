"""Tables out of a dataset (CSV files, a workbook) and the blank workbook template.

``table_rows`` is the inverse of ``reportgen.load.tables``: loading what it writes gives
back the same figures. ``write_workbook`` with no rows is the template a team fills in.
"""

from __future__ import annotations

import csv
import gc
import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import RenderError
from ..load.tables import TABLES
from ..model import Dataset

Rows = dict[str, list[dict[str, Any]]]

_HELP: dict[str, dict[str, str]] = {
    "contributions": {
        "outcome": "outcome id (as in outcomes/<id>.yaml)",
        "partner": "partner id (as in organization.yaml)",
        "year": "four-digit year within the outcome's period",
        "development": "development amount, >= 0",
        "humanitarian": "humanitarian amount, >= 0",
        "total": "optional; checked: must equal development + humanitarian",
        "currency": "optional ISO 4217 code; default: the organization's",
        "refund": "optional yes/no; a refund row has amounts <= 0",
    },
    "indicator_values": {
        "outcome": "outcome id",
        "indicator": "indicator id (defined under indicators: in the outcome file)",
        "year": "four-digit year",
        "value": "actual value (a number; percentages as 45 or 45%)",
    },
    "resources": {
        "outcome": "outcome id",
        "year": "four-digit year within the outcome's period",
        "budget_core": "planned core budget, >= 0 (or give budget_total alone)",
        "budget_non_core": "planned non-core budget, >= 0",
        "budget_total": "optional; the budget's total (must equal core + non-core when those are given)",
        "expenditure_core": "optional; core expenditure, >= 0",
        "expenditure_non_core": "optional; non-core expenditure, >= 0",
        "expenditure_total": "optional; the expenditure's total",
        "currency": "optional; ISO 4217 code of the row's amounts (default: the organization's)",
    },
}


def table_rows(dataset: Dataset) -> Rows:
    """Every contribution, indicator value and resource line of ``dataset`` as table rows."""
    rows: Rows = {name: [] for name in TABLES}
    for outcome in sorted(dataset.outcomes.values(), key=lambda o: o.id):
        for c in outcome.contributions:
            row: dict[str, Any] = {
                "outcome": outcome.id, "partner": c.partner, "year": c.year,
                "development": c.development, "humanitarian": c.humanitarian,
            }  # fmt: skip
            if c.total is not None:
                row["total"] = c.total
            if c.currency is not None:
                row["currency"] = c.currency
            if c.refund:
                row["refund"] = "yes"
            rows["contributions"].append(row)
        for indicator in outcome.indicators:
            for year, value in sorted(indicator.actuals.items()):
                rows["indicator_values"].append(
                    {"outcome": outcome.id, "indicator": indicator.id, "year": year, "value": value}
                )
        for line in outcome.resources:
            res: dict[str, Any] = {"outcome": outcome.id, "year": line.year}
            for part, split in (("budget", line.budget), ("expenditure", line.expenditure)):
                if split is None:
                    continue
                if split.is_split:
                    res[f"{part}_core"], res[f"{part}_non_core"] = split.core, split.non_core
                else:
                    res[f"{part}_total"] = split.total
                if split.currency is not None:
                    res["currency"] = split.currency
            rows["resources"].append(res)
    return rows


def _cell(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def write_csv_tables(folder: Path, rows: Rows) -> list[Path]:
    """One UTF-8 CSV per table in ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        columns = [c.name for c in spec.columns]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows.get(name, []):
            writer.writerow([_cell(row[c]) if c in row else "" for c in columns])
        written.append(write_atomic(buffer.getvalue().encode("utf-8"), path))
    return written


def write_workbook(path: Path, rows: Rows | None = None) -> Path:
    """A workbook with a README sheet and one sheet per table (header row, notes, optional rows)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "README"
    readme.append(["reportgen data workbook"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append(["Each sheet is a table; its first row names the columns. Put the workbook in data/tables/."])
    readme.append(["Amounts are plain numbers in the row's currency; leave a cell empty when there is no data."])
    readme.append([])
    readme.append(["sheet", "column", "required", "meaning"])
    for cell in readme[5]:
        cell.font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F0")
    for name, spec in TABLES.items():
        sheet = workbook.create_sheet(name)
        sheet.append([c.name for c in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.comment = Comment(_HELP[name][column.name], "reportgen")
            sheet.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 4)
            readme.append([name, column.name, "yes" if column.required else "no", _HELP[name][column.name]])
        sheet.freeze_panes = "A2"
        for row in (rows or {}).get(name, []):
            sheet.append([row.get(c.name) for c in spec.columns])
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 22
    readme.column_dimensions["D"].width = 70
    buffer = io.BytesIO()
    failure = _save_quietly(workbook, buffer)
    if failure is not None:
        raise RenderError(
            f"cannot write {path}: building the workbook failed ({failure}); is the disk or the temporary folder full?"
        )
    return write_atomic(buffer.getvalue(), path)


def _save_quietly(workbook: Any, buffer: io.BytesIO) -> str | None:
    """Save ``workbook`` into ``buffer``; the failure as text, or None.

    openpyxl builds each sheet in a temporary file first, so a full disk can fail it (OSError, or
    lxml's SerialisationError IO_EFBIG). Its half-run sheet writers then fail again when they are
    collected, which Python prints as "Exception ignored in ..." with a traceback; they are
    collected here, with that printing turned off, so the user sees one clear message."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        try:
            workbook.save(buffer)
        except Exception as exc:
            failure: str | None = f"{type(exc).__name__}: {exc}"
        else:
            failure = None
        gc.collect()
    finally:
        sys.unraisablehook = hook
    return failure
