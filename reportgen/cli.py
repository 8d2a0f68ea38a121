"""Command-line interface: a thin layer over the pipeline.

Only this module prints and chooses exit codes: 0 success, 1 a report failed,
2 bad data or usage. Tracebacks appear only with ``--debug``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from .model import Dataset
    from .options import RenderOptions

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _echo_err(message: str) -> None:
    click.secho(message, fg="red", err=True)


def _handle_errors(func: F) -> F:
    """Turn reportgen errors into messages and exit codes; tracebacks only with --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import ReportgenError

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except ReportgenError as exc:
            if debug:
                raise
            _echo_err(f"error: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _echo_err("interrupted")
            sys.exit(130)
        except Exception as exc:  # an internal bug: say so, briefly
            if debug:
                raise
            _echo_err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
            sys.exit(EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


def _load(data: Path, strict: bool) -> Dataset:
    from .errors import DataError
    from .load import load_dataset

    dataset = load_dataset(data)
    for warning in dataset.warnings:
        click.secho(str(warning), fg="yellow", err=True)
    if strict and dataset.warnings:
        raise DataError(list(dataset.warnings))
    return dataset


def _options(page_size: str, templates: Path | None) -> RenderOptions:
    from .options import PageSize, RenderOptions

    return RenderOptions(page_size=PageSize(page_size), templates_dir=templates)


data_option = click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data"),
    show_default=True,
    help="Data folder (organization.yaml and outcomes/).",
)
templates_option = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="A folder of templates searched before the built-in ones (override one partial without copying the rest).",
)
page_size_option = click.option(
    "--page-size",
    type=click.Choice(["A4", "letter"], case_sensitive=False),
    default="A4",
    show_default=True,
    callback=lambda _c, _p, v: "A4" if v.upper() == "A4" else "letter",
)
strict_option = click.option("--strict", is_flag=True, help="Treat data warnings as errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="reportgen")
def main(debug: bool) -> None:
    """Turn programme-results data into print-ready PDF reports."""


@main.command()
@data_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("output"), show_default=True)
@templates_option
@page_size_option
@strict_option
@_handle_errors
def build(data: Path, out: Path, templates: Path | None, page_size: str, strict: bool) -> None:
    """Render every outcome brief in the data to OUT/briefs/<outcome-id>.pdf."""
    from .pipeline import build_all_briefs

    dataset = _load(data, strict)
    failed = 0
    for result in build_all_briefs(dataset, out, _options(page_size, templates)):
        if result.error is not None:
            failed += 1
            _echo_err(f"failed: brief {result.outcome_id} ({dataset.source_of(result.outcome_id)}): {result.error}")
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
@_handle_errors
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
    from .pipeline import write_brief

    dataset = _load(data, strict)
    dataset.outcome(outcome_id)  # a clear error for an unknown id before any work
    target = out_file or Path("output") / "briefs" / f"{outcome_id}.pdf"
    click.echo(f"wrote {write_brief(dataset, outcome_id, target, year, _options(page_size, templates))}")


if __name__ == "__main__":  # pragma: no cover
    main()
