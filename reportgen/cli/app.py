"""The command group, shared options, error handling and data loading for every command."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..limits import Limits
    from ..model import Dataset
    from ..options import RenderOptions

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def echo_err(message: str) -> None:
    click.secho(message, fg="red", err=True)


def handle_errors(func: F) -> F:
    """Turn reportgen errors into messages and exit codes; tracebacks only with --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import ReportgenError

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except ReportgenError as exc:
            if debug:
                raise
            echo_err(f"error: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            echo_err("interrupted")
            sys.exit(130)
        except Exception as exc:  # an internal bug: say so, briefly
            if debug:
                raise
            echo_err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
            sys.exit(EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


def load_data(data: Path, strict: bool) -> Dataset:
    """Load the dataset, printing its warnings; with ``strict`` warnings are errors."""
    from ..errors import DataError
    from ..load import load_dataset

    try:
        dataset = load_dataset(data)
    except DataError as exc:
        for warning in exc.warnings:
            click.secho(str(warning), fg="yellow", err=True)
        raise
    for warning in dataset.warnings:
        click.secho(str(warning), fg="yellow", err=True)
    if strict and dataset.warnings:
        raise DataError(list(dataset.warnings))
    return dataset


def render_options(
    page_size: str,
    templates: Path | None,
    archive: bool = False,
    theme: Path | None = None,
    print_ready: bool = False,
    two_sided: bool = False,
) -> RenderOptions:
    from ..options import PageSize, RenderOptions

    return RenderOptions(
        page_size=PageSize(page_size),
        templates_dir=templates,
        archive=archive,
        theme_dir=theme,
        print_ready=print_ready,
        two_sided=two_sided,
    )


def _theme_folder(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``--theme``: a theme folder, or the name of a built-in theme."""
    if value is None:
        return None
    from ..paths import THEMES_DIR
    from ..themes import THEME_FILE, built_in

    folder = Path(value)
    if (folder / THEME_FILE).is_file():
        return folder
    if value in built_in():
        return THEMES_DIR / value
    raise click.BadParameter(
        f"{value!r} is neither a folder with {THEME_FILE} nor a built-in theme ({', '.join(built_in())})", ctx, param
    )


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
theme_option = click.option(
    "--theme",
    metavar="DIR|NAME",
    callback=_theme_folder,
    default=None,
    help="A theme folder or a built-in theme's name (default: the organization's theme, else 'default').",
)
print_option = click.option(
    "--print",
    "print_ready",
    is_flag=True,
    help="For a professional printer: 3 mm bleed, crop and registration marks, the theme's CMYK colours.",
)
two_sided_option = click.option(
    "--two-sided", is_flag=True, help="Two-sided printing: mirrored margins, chapters start on a right-hand page."
)
archive_option = click.option(
    "--archive", is_flag=True,
    help="Archival PDF/A-3a with the source data attached (default: PDF/UA-1; or archive: true in organization.yaml).",
)  # fmt: skip


def _limits_option(ctx: click.Context, param: click.Parameter, settings: tuple[str, ...]) -> Limits:
    """The limits of ``REPORTGEN_LIMITS`` with each ``--limit NAME=VALUE`` applied (those win)."""
    from ..limits import LimitError, from_environment, parse_settings

    try:
        base = from_environment()
    except LimitError as exc:
        raise click.UsageError(str(exc), ctx) from None
    try:
        return parse_settings(settings, base)
    except LimitError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--limit",
    "limits",
    metavar="NAME=VALUE",
    multiple=True,
    callback=_limits_option,
    help="Change a limit on input files (repeatable), e.g. --limit xlsx_max_bytes=50MiB or "
    "--limit document_max_values=1M; also REPORTGEN_LIMITS='name=value,...'. An unknown name lists them all.",
)
@click.version_option(package_name="reportgen")
@click.pass_context
def main(ctx: click.Context, debug: bool, limits: Limits) -> None:
    """Turn programme-results data into print-ready PDF reports."""
    from ..limits import using

    ctx.with_resource(using(limits))
    _show_warnings(debug)


class _TerminalWarnings(logging.Handler):
    """reportgen's logged warnings (a refused URL, say) as ``warning: ...`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.secho(f"{record.levelname.lower()}: {record.getMessage()}", fg="yellow", err=True)
        except Exception:  # pragma: no cover - a closed terminal must not stop a render
            self.handleError(record)


def _show_warnings(debug: bool) -> None:
    """Send the ``reportgen`` loggers to the terminal once (a handler per process, not per command)."""
    logger = logging.getLogger("reportgen")
    if not any(isinstance(handler, _TerminalWarnings) for handler in logger.handlers):
        logger.addHandler(_TerminalWarnings())
        logger.propagate = False
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
