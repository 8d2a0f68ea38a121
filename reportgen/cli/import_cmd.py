"""``reportgen import iati``: an IATI activity file -> a project data folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import EXIT_BAD_INPUT, data_option, handle_errors, load_data, main


@main.group("import")
def import_group() -> None:
    """Import data published in other formats as project data."""


@import_group.command("iati")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--reporting-org",
    metavar="REF",
    default=None,
    help="Import only the activities this organisation reports (its IATI organisation identifier).",
)
@click.option(
    "--country",
    "countries",
    metavar="ISO2",
    multiple=True,
    help="Import only activities with this recipient country (repeat for several).",
)
@click.option(
    "--activity",
    "activities",
    metavar="ID",
    multiple=True,
    help="Import only the activity with this iati-identifier (repeat for several).",
)
@click.option(
    "--out",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data-iati"),
    show_default=True,
    help="The data folder to write (one sub-folder per publisher when the file has several).",
)
@click.option("--roll-up", is_flag=True, help="Merge child activities into their parent's outcome.")
@handle_errors
def import_iati(
    file: Path,
    reporting_org: str | None,
    countries: tuple[str, ...],
    activities: tuple[str, ...],
    out: Path,
    roll_up: bool,
) -> None:
    """Write the activities of an IATI activity FILE (2.01-2.03) as project data, then check it.

    Prints how many activities were imported, which were skipped and why, and what the
    reports of each will lack. Exits 2 if the folder written does not load cleanly.
    See docs/iati.md for the mapping.
    """
    from ..iati import import_file

    summary = import_file(
        file, out, reporting_org=reporting_org, countries=countries, activities=activities, roll_up=roll_up
    )
    click.echo(summary.text(), nl=False)
    if not summary.ok:
        sys.exit(EXIT_BAD_INPUT)


@import_group.command("docx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@data_option
@click.option("--apply", "write", is_flag=True, help="Write the changed narrative fields into the data files.")
@handle_errors
def import_docx(file: Path, data: Path, write: bool) -> None:
    """Show how the narrative of an edited Word edition FILE differs from the data, word by word.

    Progress notes are compared per outcome and year; --apply writes the changes into the data
    files (comments and layout kept, atomic). Figures are never taken from Word. See docs/word.md.
    """
    from ..word.importing import import_docx as run

    summary = run(file, load_data(data, False), write)
    click.echo(summary.text(write), nl=False)
