"""Commands that render reports: ``build`` and ``brief``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import (
    EXIT_FAILED,
    data_option,
    echo_err,
    handle_errors,
    load_data,
    main,
    page_size_option,
    render_options,
    strict_option,
    templates_option,
)


@main.command()
@data_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("output"), show_default=True)
@templates_option
@page_size_option
@strict_option
@handle_errors
def build(data: Path, out: Path, templates: Path | None, page_size: str, strict: bool) -> None:
    """Render every outcome brief in the data to OUT/briefs/<outcome-id>.pdf."""
    from ..pipeline import build_all_briefs

    dataset = load_data(data, strict)
    failed = 0
    for result in build_all_briefs(dataset, out, render_options(page_size, templates)):
        if result.error is not None:
            failed += 1
            echo_err(f"failed: brief {result.outcome_id} ({dataset.source_of(result.outcome_id)}): {result.error}")
        else:
            click.echo(f"wrote {result.path}")
    total = len(dataset.outcomes)
    click.echo(f"{total - failed} of {total} briefs written to {out / 'briefs'}")
    if failed:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("outcome_id")
@data_option
@click.option("--year", type=int, default=None, help="Report year (default: the outcome's latest year with data).")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="PDF to write (default: output/briefs/<outcome-id>.pdf).",
)
@templates_option
@page_size_option
@strict_option
@handle_errors
def brief(
    outcome_id: str,
    data: Path,
    year: int | None,
    out_file: Path | None,
    templates: Path | None,
    page_size: str,
    strict: bool,
) -> None:
    """Render the brief of one outcome."""
    from ..pipeline import write_brief

    dataset = load_data(data, strict)
    dataset.outcome(outcome_id)  # a clear error for an unknown id before any work
    target = out_file or Path("output") / "briefs" / f"{outcome_id}.pdf"
    click.echo(f"wrote {write_brief(dataset, outcome_id, target, year, render_options(page_size, templates))}")
