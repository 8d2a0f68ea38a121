"""``reportgen batch``: every report at once, locally or on a Dask cluster."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..word.formats import format_option, parse_formats
from .app import (
    archive_option,
    data_option,
    echo_err,
    handle_errors,
    main,
    page_size_option,
    print_option,
    render_options,
    templates_option,
    theme_option,
    two_sided_option,
)

if TYPE_CHECKING:
    from ..batch import BatchSummary, Entry


def _batch_formats(value: str, compendium: bool) -> tuple[str, ...]:
    """PDFs, Word editions or both; compendiums merge PDFs, so they need PDFs."""
    from ..errors import UsageError

    formats = parse_formats(value)
    if compendium and "pdf" not in formats:
        raise UsageError("--compendium merges each office's PDFs: use it with --format pdf or pdf,docx")
    return formats


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class _Bar:
    """A rich progress bar (terminal): counts, failures so far, ETA."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.failed = 0
        self.bar = Progress(
            TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"), TimeRemainingColumn(), transient=False,
        )  # fmt: skip
        self.task = self.bar.add_task("reports", total=0, failed=0)

    def start(self, total: int, skipped: int) -> None:
        self.bar.start()
        self.bar.update(self.task, total=total)
        if skipped:
            self.bar.console.print(f"{skipped} reports up to date: skipped")

    def update(self, entry: Entry) -> None:
        self.failed += entry.status == "failed"
        self.bar.update(self.task, advance=1, failed=self.failed)

    def finish(self, summary: BatchSummary) -> None:
        self.bar.stop()


class _Log:
    """Plain progress lines (not a terminal), at most every 5 seconds."""

    def __init__(self) -> None:
        self.total = self.done = self.failed = 0
        self.started = self.last = time.monotonic()

    def start(self, total: int, skipped: int) -> None:
        self.total = total
        click.echo(f"batch: {total} reports to make, {skipped} up to date (skipped)")

    def update(self, entry: Entry) -> None:
        self.done += 1
        self.failed += entry.status == "failed"
        now = time.monotonic()
        if now - self.last >= 5 or self.done == self.total:
            rate = self.done / max(now - self.started, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            click.echo(f"batch: {self.done}/{self.total} done, {self.failed} failed, about {eta:.0f} s left")
            self.last = now

    def finish(self, summary: BatchSummary) -> None:
        pass


@main.command()
@data_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("output"), show_default=True)
@click.option(
    "--year", "years", type=int, multiple=True, help="Only this report year (repeatable). Default: every year."
)
@click.option("--kinds", default="brief,donor,country", show_default=True, help="Comma-separated report kinds.")
@click.option("--lang", "langs", default=None, help="Comma-separated languages (en,es,fr); default: each report's own.")
@click.option("--jobs", "workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: cores).")
@click.option("--scheduler", default=None, help="A Dask scheduler address (tcp://HOST:PORT): render on that cluster.")
@click.option("--retry-failed", is_flag=True, help="Retry reports that failed last time even if nothing changed.")
@click.option("--force", is_flag=True, help="Rebuild everything, up to date or not.")
@click.option("--compendium", is_flag=True, help="Also merge each office's reports into one PDF with a cover.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    help="Seconds one report may take before it is stopped and reported as failed (0: no limit).",
)
@click.option(
    "--memory-limit",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    help="MB a worker process may use while rendering one report before it is stopped (0: no limit).",
)
@templates_option
@theme_option
@page_size_option
@print_option
@two_sided_option
@archive_option
@format_option
@handle_errors
def batch(
    data: Path,
    out: Path,
    years: tuple[int, ...],
    kinds: str,
    langs: str | None,
    workers: int | None,
    scheduler: str | None,
    retry_failed: bool,
    force: bool,
    compendium: bool,
    time_limit: float,
    memory_limit: int,
    templates: Path | None,
    theme: Path | None,
    page_size: str,
    print_ready: bool,
    two_sided: bool,
    archive: bool,
    formats: str,
) -> None:
    """Make every report the data supports (kind x entity x year x language), incrementally."""
    from ..batch import BatchOptions, Interrupted, run_batch
    from ..errors import UsageError
    from ..release.status import cleared

    wanted = _split(kinds)
    unknown = [k for k in wanted if k not in ("brief", "donor", "country")]
    if unknown:
        raise UsageError(f"unknown report kind {unknown[0]!r} (kinds: brief, donor, country)")
    languages: tuple[str | None, ...] = tuple(_split(langs)) if langs else (None,)
    options = BatchOptions(
        out_dir=out, kinds=tuple(wanted), languages=languages, years=years or None, workers=workers,
        scheduler=scheduler, retry_failed=retry_failed, force=force, compendium=compendium,
        render=render_options(page_size, templates, archive, theme, print_ready, two_sided),
        time_limit=time_limit or None, memory_limit=memory_limit or None, formats=_batch_formats(formats, compendium),
    )  # fmt: skip
    progress = _Bar() if sys.stdout.isatty() else _Log()
    was_cleared = cleared(out)  # to say which cleared reports this run re-opens
    try:
        summary = run_batch(data, options, progress)
    except Interrupted as exc:
        echo_err(f"batch {exc}: finished reports and the manifest were kept; run again to finish")
        sys.exit(128 + exc.signum)
    except KeyboardInterrupt:
        echo_err("batch interrupted: finished reports and the manifest were kept; run again to finish")
        sys.exit(130)
    for entry in summary.failures:
        echo_err(f"failed: {entry.id} ({entry.source}): {entry.error}")
    for path in summary.compendiums:
        click.echo(f"wrote {path}")
    for failure in summary.compendium_failures:
        echo_err(f"failed: compendium {failure}")
    click.echo(
        f"batch: {summary.made} made, {summary.skipped} up to date, {summary.failed} failed "
        f"in {summary.seconds:.1f} s; manifest: {out / 'manifest.json'}"
    )
    click.echo(_where_time_went(summary))
    reopened = sorted(was_cleared - cleared(out))
    if reopened:
        click.echo(f"batch: re-opened {len(reopened)} cleared reports (see reportgen status): {', '.join(reopened)}")
    sys.exit(summary.exit_code)


def _where_time_went(summary: BatchSummary) -> str:
    """One line: seconds per stage (over every process) and the largest worker's peak memory."""
    from ..timing import STAGES

    seconds = summary.timings.seconds
    parts = [f"{name} {seconds[name]:.1f} s" for name in STAGES if seconds.get(name)]
    line = "time by stage (all processes): " + ", ".join(parts)
    peaks = [memory[-1].peak for memory in summary.memory.values() if memory]
    if peaks:
        line += f"; peak worker memory {max(peaks) / 2**20:.0f} MB"
    return line
