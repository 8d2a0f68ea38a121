"""The real batch: throughput per number of workers, one worker's memory over a whole batch, and
the cost of a re-run with nothing changed.

Each run is ``reportgen.batch.run_batch`` on the size's dataset making every 2024 brief (so size n
is an n-report batch) into a fresh folder with ``force=True``. The one-worker run never recycles
its worker, so its memory after each report shows what a long-lived worker does; runs with more
workers recycle after 100 reports, as production does. The largest-jobs batch is then run again on
its own folder without ``force``: every report should be skipped.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.batch import BatchOptions, BatchSummary, run_batch
from reportgen.batch.worker import WorkerMemory

YEAR = 2024
#: Reports after which a worker's memory is recorded ("last" is added).
MEMORY_POINTS = (1, 10, 100)
#: A memory ratio (rss after the last report / after the 100th) needs at least this many reports.
MEMORY_RATIO_MIN_REPORTS = 200


@dataclass
class MemoryPoint:
    report: int  # 1-based: after this many reports
    rss: int
    peak: int


@dataclass
class MemoryFigures:
    """The one-worker run's worker (it made every report): resident and peak bytes after reports."""

    pid: int
    reports: int
    points: dict[str, MemoryPoint]
    memory_ratio: float | None  # rss after the last report / rss after the 100th
    memory_ratio_reason: str | None  # why there is no ratio
    other_workers: int  # workers besides this one (a worker that died and was replaced)


@dataclass
class WorkerFigures:
    pid: int
    reports: int
    rss_last: int
    peak_max: int


@dataclass
class BatchRun:
    jobs: int
    recycle_after: int | None
    made: int
    skipped: int
    failed: int
    seconds: float
    reports_per_second: float
    stage_seconds: dict[str, float]  # summed over the runner and every worker
    stage_calls: dict[str, int]
    workers: list[WorkerFigures]
    failures: list[str]


@dataclass
class RerunFigures:
    """The largest-jobs batch again on its own folder, nothing changed, no ``force``."""

    jobs: int
    seconds: float
    made: int
    skipped: int
    failed: int
    stage_seconds: dict[str, float]
    full_seconds: float
    rerun_ratio: float  # seconds / full_seconds


@dataclass
class BatchFigures:
    reports: int  # the batch size: one brief per outcome
    runs: list[BatchRun] = field(default_factory=list)
    pool_jobs: int | None = None  # the jobs value pool_ratio compares with one job
    pool_ratio: float | None = None  # reports/s at pool_jobs / reports/s at one job
    memory: MemoryFigures | None = None
    rerun: RerunFigures | None = None
    problems: list[str] = field(default_factory=list)


def _workers(memory: dict[int, list[WorkerMemory]]) -> list[WorkerFigures]:
    return [
        WorkerFigures(pid, len(points), points[-1].rss, max(p.peak for p in points))
        for pid, points in sorted(memory.items())
        if points
    ]


def _failures(summary: BatchSummary) -> list[str]:
    return [f"{entry.id}: {entry.error}" for entry in summary.failures]


def _batch(data_dir: Path, out_dir: Path, jobs: int, force: bool) -> tuple[BatchSummary, BatchRun]:
    recycle = None if jobs == 1 else 100
    options = BatchOptions(
        out_dir=out_dir, kinds=("brief",), years=(YEAR,), workers=jobs, force=force, recycle_after=recycle
    )
    summary = run_batch(data_dir, options)
    run = BatchRun(
        jobs=jobs,
        recycle_after=recycle,
        made=summary.made,
        skipped=summary.skipped,
        failed=summary.failed,
        seconds=summary.seconds,
        reports_per_second=summary.made / summary.seconds if summary.seconds else 0.0,
        stage_seconds=dict(summary.timings.seconds),
        stage_calls=dict(summary.timings.calls),
        workers=_workers(summary.memory),
        failures=_failures(summary),
    )
    return summary, run


def memory_of(memory: dict[int, list[WorkerMemory]]) -> MemoryFigures | None:
    """The worker that made the most reports: its memory after reports 1, 10, 100 and the last."""
    if not memory:
        return None
    pid, points = max(memory.items(), key=lambda item: len(item[1]))
    marks = {str(n): MemoryPoint(n, points[n - 1].rss, points[n - 1].peak) for n in MEMORY_POINTS if n <= len(points)}
    marks["last"] = MemoryPoint(len(points), points[-1].rss, points[-1].peak)
    ratio: float | None = None
    reason: str | None = None
    if len(points) < MEMORY_RATIO_MIN_REPORTS:
        reason = f"{len(points)} reports: the ratio needs at least {MEMORY_RATIO_MIN_REPORTS}"
    else:
        ratio = points[-1].rss / points[99].rss
    return MemoryFigures(pid, len(points), marks, ratio, reason, len(memory) - 1)


def measure_batches(data_dir: Path, reports: int, work: Path, jobs_values: list[int]) -> BatchFigures:
    """Every ``jobs_values`` batch, the memory of the one-worker run, and the no-change re-run."""
    figures = BatchFigures(reports=reports)
    folders: dict[int, Path] = {}
    for jobs in jobs_values:
        out_dir = work / f"batch-j{jobs}"
        if out_dir.exists():
            shutil.rmtree(out_dir)
        summary, run = _batch(data_dir, out_dir, jobs, force=True)
        figures.runs.append(run)
        folders[jobs] = out_dir
        if run.failed or run.made != reports:
            figures.problems.append(f"batch with {jobs} jobs made {run.made} of {reports} reports, {run.failed} failed")
            figures.problems.extend(run.failures[:5])
        if jobs == 1:
            figures.memory = memory_of(summary.memory)
    by_jobs = {run.jobs: run for run in figures.runs}
    most = max(by_jobs)
    if 1 in by_jobs and most > 1 and by_jobs[1].reports_per_second:
        figures.pool_jobs = most
        figures.pool_ratio = by_jobs[most].reports_per_second / by_jobs[1].reports_per_second
    full = by_jobs[most]
    _, again = _batch(data_dir, folders[most], most, force=False)
    figures.rerun = RerunFigures(
        jobs=most,
        seconds=again.seconds,
        made=again.made,
        skipped=again.skipped,
        failed=again.failed,
        stage_seconds=again.stage_seconds,
        full_seconds=full.seconds,
        rerun_ratio=again.seconds / full.seconds,
    )
    if again.skipped != reports or again.made or again.failed:
        figures.problems.append(
            f"no-change re-run ({most} jobs) skipped {again.skipped} of {reports}, made {again.made}, "
            f"failed {again.failed}"
        )
    return figures
