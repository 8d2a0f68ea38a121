"""The run's figures as readable tables on the terminal (rich), as they are measured."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from .batchrun import BatchFigures
from .coldstart import ColdStart
from .figures import SizeFigures, Target
from .results import verdict

STAGE_COLUMNS = ("load", "model", "charts", "html", "layout", "write", "save")


def make_console() -> Console:
    """A console; off a terminal (a log, a test), wide enough that tables do not wrap."""
    console = Console()
    return console if console.is_terminal else Console(width=180)


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.1f}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def stages_table(size: SizeFigures) -> Table:
    table = Table(title=f"{size.outcomes} outcomes: one report (median ms; load amortised over the outcomes)")
    table.add_column("kind")
    table.add_column("sampled", justify="right")
    extra = sorted({name for k in size.kinds.values() for name in k.stages} - set(STAGE_COLUMNS))
    for name in (*STAGE_COLUMNS, *extra, "unmarked", "pipeline", "floor layout", "floor write", "floor"):
        table.add_column(name, justify="right")
    for name in ("overhead", "pages", "KB/page", "first report"):
        table.add_column(name, justify="right")
    for k in size.kinds.values():
        table.add_row(
            k.kind,
            f"{k.sampled}/{k.reports_at_size}",
            *(_ms(k.stages.get(name)) for name in (*STAGE_COLUMNS, *extra)),
            _ms(k.unmarked),
            _ms(k.pipeline_total),
            _ms(k.floor_layout),
            _ms(k.floor_write),
            _ms(k.floor_total),
            _ratio(k.overhead_ratio),
            f"{k.pages:g}",
            f"{k.bytes_per_page / 1024:.1f}",
            _ms(k.first_report_seconds),
        )
    return table


def batch_table(outcomes: int, batch: BatchFigures) -> Table:
    table = Table(title=f"{outcomes} outcomes: batch of {batch.reports} briefs")
    for name in ("jobs", "made", "failed", "seconds", "reports/s", "layout s", "write s", "verify s", "save s"):
        table.add_column(name, justify="right")
    for run in batch.runs:
        s = run.stage_seconds
        table.add_row(
            str(run.jobs), str(run.made), str(run.failed), f"{run.seconds:.2f}", f"{run.reports_per_second:.2f}",
            *(f"{s.get(name, 0.0):.2f}" for name in ("layout", "write", "verify", "save")),
        )  # fmt: skip
    rerun = batch.rerun
    if rerun is not None:
        s = rerun.stage_seconds
        table.add_row(
            f"{rerun.jobs} (re-run)", str(rerun.made), str(rerun.failed), f"{rerun.seconds:.2f}", "",
            *(f"{s.get(name, 0.0):.2f}" for name in ("layout", "write", "verify", "save")),
        )  # fmt: skip
    return table


def batch_summary(batch: BatchFigures) -> str:
    parts = []
    if batch.pool_ratio is not None:
        parts.append(f"pool ratio ({batch.pool_jobs} jobs / 1) {_ratio(batch.pool_ratio)}")
    if batch.rerun is not None:
        parts.append(
            f"re-run skipped {batch.rerun.skipped}, ratio {_ratio(batch.rerun.rerun_ratio)}; "
            f"re-run stages: {', '.join(f'{k} {v:.2f}s' for k, v in batch.rerun.stage_seconds.items())}"
        )
    m = batch.memory
    if m is not None:
        points = ", ".join(f"after {name} {p.rss / 2**20:.0f} MB" for name, p in m.points.items())
        ratio = _ratio(m.memory_ratio) if m.memory_ratio is not None else f"n/a ({m.memory_ratio_reason})"
        parts.append(f"one worker rss: {points}; peak {m.points['last'].peak / 2**20:.0f} MB; memory ratio {ratio}")
    return "\n".join(parts)


def cold_start_table(cold: ColdStart) -> Table:
    table = Table(title="cold start (fresh process, median ms)")
    table.add_column("command")
    table.add_column("ms", justify="right")
    table.add_column("runs (ms)")
    rows = (
        ("python -c pass", cold.baseline_seconds, cold.baseline_runs),
        ("reportgen --help", cold.help_seconds, cold.help_runs),
        (f"reportgen brief {cold.brief_outcome}", cold.brief_seconds, cold.brief_runs),
    )
    for name, median, runs in rows:
        table.add_row(name, _ms(median), " ".join(f"{r * 1000:.0f}" for r in runs))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def rows_table(title: str, rows: Iterable[dict[str, Any]]) -> Table:
    """Any list of dicts (e.g. the chart-embedding figures) as a table, columns in first-seen order."""
    rows = list(rows)
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(column, "")) for column in columns))
    return table


def targets_table(targets: list[Target]) -> Table:
    table = Table(title="targets")
    for name in ("target", "value", "limit", "outcomes", "result", "note"):
        table.add_column(name)
    for t in targets:
        seconds = t.name.endswith("_seconds")
        value = "n/a" if t.value is None else (f"{t.value * 1000:.0f} ms" if seconds else f"{t.value:.3f}")
        limit = f"{t.comparison} " + (f"{t.limit * 1000:.0f} ms" if seconds else f"{t.limit:g}")
        result = verdict(t)
        style = "green" if t.passed else ("red" if t.passed is False else "dim")
        table.add_row(
            t.name, value, limit, "" if t.size is None else str(t.size), f"[{style}]{result}[/{style}]", t.note
        )
    return table
