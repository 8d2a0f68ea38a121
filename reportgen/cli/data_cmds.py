"""Commands for people who write data: ``check``, ``schema``, ``new outcome``, ``template``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..model import Dataset

from .app import EXIT_BAD_INPUT, data_option, handle_errors, main, strict_option
from .issues_out import issues_json, issues_text


@main.command()
@data_option
@strict_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people (grouped by file, coloured on a terminal), json for CI pipelines.",
)
@handle_errors
def check(data: Path, strict: bool, fmt: str) -> None:
    """Validate the data without rendering; exit 2 if there are errors (or warnings with --strict)."""
    from ..errors import DataError, Issue
    from ..load import load_dataset

    errors: list[Issue]
    try:
        dataset = load_dataset(data)
        errors, warnings = [], list(dataset.warnings)
        summary = (
            f"{data}: {len(dataset.outcomes)} outcomes, {len(dataset.offices)} offices, "
            f"{len(dataset.partners)} partners"
        )
    except DataError as exc:
        errors, warnings, summary = exc.issues, exc.warnings, ""
    if fmt == "json":
        click.echo(issues_json(errors, warnings, strict))
    elif errors or warnings:
        click.echo(issues_text(errors, warnings))
    else:
        click.echo(f"{summary}: no problems found")
    if errors or (strict and warnings):
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("part", type=click.Choice(["outcome", "organization"]), default="outcome")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to a file.")
@handle_errors
def schema(part: str, out: Path | None) -> None:
    """Print the JSON Schema of an outcome file (or organization.yaml) for editors."""
    from ..scaffold.schema import json_schema_text

    text = json_schema_text("outcome" if part == "outcome" else "organization")
    if out is None:
        click.echo(text, nl=False)
    else:
        from ..atomic import write_text_atomic

        write_text_atomic(text, out)
        click.echo(f"wrote {out}")


@main.group()
def new() -> None:
    """Create data files to start from."""


@new.command("outcome")
@click.argument("outcome_id")
@data_option
@click.option("--office", default=None, help="Office id (default: the first office in organization.yaml).")
@click.option("--start", type=int, default=None, help="First year of the plan period (default: this year).")
@click.option("--end", type=int, default=None, help="Last year of the plan period (default: start + 3).")
@handle_errors
def new_outcome_cmd(outcome_id: str, data: Path, office: str | None, start: int | None, end: int | None) -> None:
    """Write a filled-in skeleton to DATA/outcomes/OUTCOME_ID.yaml."""
    from ..atomic import write_text_atomic
    from ..errors import UsageError
    from ..scaffold.skeleton import new_outcome

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", outcome_id):
        raise UsageError(f"outcome id must be lowercase letters, digits and hyphens, got {outcome_id!r}")
    target = data / "outcomes" / f"{outcome_id}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; not overwritten")
    office = office or _first_office(data)
    write_text_atomic(new_outcome(outcome_id, office, start, end), target)
    click.echo(f"wrote {target}; replace the TBDs, then run: reportgen check --data {data}")


def _first_office(data: Path) -> str:
    from ..errors import DataError
    from ..load.source import load_document

    try:
        doc = load_document(data / "organization.yaml", data)  # a link out of the data folder is refused
        offices = doc.data.get("offices") if isinstance(doc.data, dict) else None
        if isinstance(offices, list) and offices and isinstance(offices[0], dict) and "id" in offices[0]:
            return str(offices[0]["id"])
    except DataError:
        pass
    return "office-id"


@main.group()
def template() -> None:
    """Write table templates to fill in: an .xlsx workbook or CSV files."""


@template.command("xlsx")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("tables.xlsx"), show_default=True)
@click.option("--fill", is_flag=True, help="Include the rows the data already has (from --data).")
@data_option
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handle_errors
def template_xlsx(out: Path, fill: bool, data: Path, force: bool) -> None:
    """A workbook with one sheet per table and a README sheet; put it in data/tables/ to load it."""
    from ..scaffold.tables import table_rows, write_workbook

    _refuse_overwrite(out, force)
    rows = table_rows(_load_quiet(data)) if fill else None
    click.echo(f"wrote {write_workbook(out, rows)}")


@template.command("csv")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("tables"), show_default=True)
@click.option("--fill", is_flag=True, help="Include the rows the data already has (from --data).")
@data_option
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@handle_errors
def template_csv(out: Path, fill: bool, data: Path, force: bool) -> None:
    """One CSV per table (header row, and the data's rows with --fill)."""
    from ..load.tables import TABLES
    from ..scaffold.tables import table_rows, write_csv_tables

    for name in TABLES:
        _refuse_overwrite(out / f"{name}.csv", force)
    rows = table_rows(_load_quiet(data)) if fill else {}
    for path in write_csv_tables(out, rows):
        click.echo(f"wrote {path}")


def _refuse_overwrite(path: Path, force: bool) -> None:
    from ..errors import UsageError

    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")


def _load_quiet(data: Path) -> Dataset:
    from ..load import load_dataset

    return load_dataset(data)
