"""Commands that render reports: ``build`` (everything) and ``brief`` / ``donor`` / ``country`` (one)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..word.formats import docx_path, format_option, parse_formats
from .app import (
    EXIT_FAILED,
    archive_option,
    data_option,
    echo_err,
    handle_errors,
    load_data,
    main,
    page_size_option,
    print_option,
    render_options,
    strict_option,
    templates_option,
    theme_option,
    two_sided_option,
)

KINDS = ("brief", "donor", "country")

lang_option = click.option("--lang", default=None, help="Language of the report (en, es, fr; default: the office's).")
locale_option = click.option(
    "--locale", default=None, help="Locale for numbers, money and dates (en_US, es_MX, fr_FR; default: from --lang)."
)


@main.command()
@data_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("output"), show_default=True)
@click.option("--kinds", default=",".join(KINDS), show_default=True, help="Comma-separated report kinds to make.")
@lang_option
@templates_option
@theme_option
@page_size_option
@print_option
@two_sided_option
@archive_option
@strict_option
@format_option
@handle_errors
def build(
    data: Path,
    out: Path,
    kinds: str,
    lang: str | None,
    templates: Path | None,
    theme: Path | None,
    page_size: str,
    print_ready: bool,
    two_sided: bool,
    archive: bool,
    strict: bool,
    formats: str,
) -> None:
    """Render every report the data supports: briefs, donor reports and country reports."""
    from ..errors import UsageError
    from ..pipeline import build_all
    from ..runtime import tune_process

    tune_process()

    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown report kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
    dataset = load_data(data, strict)
    debug = bool(click.get_current_context().find_root().params.get("debug", False))
    options = render_options(page_size, templates, archive, theme, print_ready, two_sided)
    file_formats = parse_formats(formats)
    results = build_all(dataset, out, options, wanted, lang)
    if "docx" in file_formats:
        from ..word.write import build_all_docx, with_docx

        results = (
            with_docx(dataset, results, options, lang)
            if "pdf" in file_formats
            else build_all_docx(dataset, out, options, wanted, lang)
        )
    done: dict[tuple[str, str, int], bool] = {}  # report -> every file it was to have written
    files = {".pdf": 0, ".docx": 0}
    for result in results:
        report = (result.kind, result.key, result.year)
        done[report] = done.get(report, True) and result.error is None
        if result.error is not None:
            source = dataset.source_of(result.key) or data
            echo_err(f"failed: {result.kind} {result.key} {result.year} ({source}): {result.error}")
            if debug and result.error.__cause__ is not None:  # an internal error: show where
                traceback.print_exception(result.error.__cause__, file=sys.stderr)
        elif result.path is not None:
            files[result.path.suffix] = files.get(result.path.suffix, 0) + 1
            click.echo(f"wrote {result.path}")
    made = sum(done.values())
    closing = f"{made} of {len(done)} reports written to {out}"
    if "docx" in file_formats:  # each report is one PDF and/or one Word file: say which
        closing += f" ({_files(files['.pdf'], 'PDF')}, {_files(files['.docx'], 'Word file')})"
    click.echo(closing)
    if made < len(done):
        sys.exit(EXIT_FAILED)


def _files(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _one_report(kind_name: str, help_text: str, key_name: str) -> Callable[..., Any]:
    """A command rendering one report of ``kind_name`` for the entity ``KEY``."""

    @click.argument("key", metavar=key_name)
    @data_option
    @click.option("--year", type=int, default=None, help="Report year (default: the latest year with data).")
    @lang_option
    @locale_option
    @click.option(
        "--out",
        "out_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="PDF to write (default: under output/).",
    )
    @templates_option
    @theme_option
    @page_size_option
    @print_option
    @two_sided_option
    @archive_option
    @strict_option
    @format_option
    @handle_errors
    def command(
        key: str,
        data: Path,
        year: int | None,
        lang: str | None,
        locale: str | None,
        out_file: Path | None,
        templates: Path | None,
        theme: Path | None,
        page_size: str,
        print_ready: bool,
        two_sided: bool,
        archive: bool,
        strict: bool,
        formats: str,
    ) -> None:
        from ..kinds import kind
        from ..pipeline import write_report
        from ..runtime import tune_process

        tune_process()

        report_kind = kind(kind_name)
        dataset = load_data(data, strict)
        report = report_kind.build(dataset, key, year, lang, locale)  # clear errors before any work
        target = out_file or report_kind.path(Path("output"), key, report.report_year, lang)
        wanted = parse_formats(formats)
        options = render_options(page_size, templates, archive, theme, print_ready, two_sided)
        if "pdf" in wanted:
            path = write_report(dataset, kind_name, key, target, report.report_year, lang, locale, options)
            click.echo(f"wrote {path}")
        if "docx" in wanted:
            from ..word.write import write_docx

            docx = write_docx(dataset, kind_name, key, docx_path(target), report.report_year, lang, locale, options)
            click.echo(f"wrote {docx}")

    command.__doc__ = help_text
    return main.command(kind_name)(command)


brief = _one_report("brief", "Render the brief of one outcome.", "OUTCOME_ID")
donor = _one_report("donor", "Render the report for one funding partner and year.", "PARTNER_ID")
country = _one_report("country", "Render the annual report of one country office and year.", "OFFICE_ID")
