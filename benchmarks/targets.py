"""The targets, checked against the figures of the same run (ratios, so they hold on any machine
as long as both sides of a ratio were measured together).

* ``brief_overhead_ratio`` <= 1.15 at the largest size: the whole pipeline against WeasyPrint alone.
* ``pool_ratio`` >= 1.8 at the largest size: two workers against one (only when --jobs has 1 and 2).
* ``memory_ratio`` <= 1.1 at the largest size with at least 1000 reports; n/a below.
* ``rerun_ratio`` <= 0.02 at the largest size; informational below 1000 reports.
* ``help_cold_start_seconds`` <= 0.3: ``reportgen --help`` in a fresh process.
"""

from __future__ import annotations

from .coldstart import ColdStart
from .figures import SizeFigures, Target

OVERHEAD_LIMIT = 1.15
POOL_LIMIT = 1.8
MEMORY_LIMIT = 1.1
RERUN_LIMIT = 0.02
HELP_LIMIT = 0.3
BINDING_REPORTS = 1000  # memory and re-run targets bind from this batch size

NAMES = ("brief_overhead_ratio", "pool_ratio", "memory_ratio", "rerun_ratio", "help_cold_start_seconds")


def _check(value: float | None, limit: float, comparison: str) -> bool | None:
    if value is None:
        return None
    return value <= limit if comparison == "<=" else value >= limit


def _overhead(sizes: list[SizeFigures]) -> Target:
    description = "brief: pipeline total / WeasyPrint floor total"
    measured = [s for s in sizes if "brief" in s.kinds]
    if not measured:
        return Target("brief_overhead_ratio", description, None, OVERHEAD_LIMIT, "<=", None, None, note="not measured")
    size = measured[-1]
    value = size.kinds["brief"].overhead_ratio
    return Target(
        "brief_overhead_ratio", description, value, OVERHEAD_LIMIT, "<=", _check(value, OVERHEAD_LIMIT, "<="),
        size.outcomes,
    )  # fmt: skip


def _pool(sizes: list[SizeFigures]) -> Target:
    description = "batch reports/s with 2 jobs / with 1 job"
    for size in reversed(sizes):
        runs = {run.jobs: run for run in size.batch.runs} if size.batch else {}
        if 1 in runs and 2 in runs and runs[1].reports_per_second:
            value = runs[2].reports_per_second / runs[1].reports_per_second
            return Target("pool_ratio", description, value, POOL_LIMIT, ">=", _check(value, POOL_LIMIT, ">="),
                          size.outcomes)  # fmt: skip
    return Target("pool_ratio", description, None, POOL_LIMIT, ">=", None, None, note="needs --jobs with 1 and 2")


def _memory(sizes: list[SizeFigures]) -> Target:
    description = "one worker's rss after the last report / after the 100th"
    for size in reversed(sizes):
        memory = size.batch.memory if size.batch else None
        if memory is not None and memory.reports >= BINDING_REPORTS:
            value = memory.memory_ratio
            return Target("memory_ratio", description, value, MEMORY_LIMIT, "<=", _check(value, MEMORY_LIMIT, "<="),
                          size.outcomes)  # fmt: skip
    return Target(
        "memory_ratio", description, None, MEMORY_LIMIT, "<=", None, None,
        note=f"needs a one-job batch of at least {BINDING_REPORTS} reports",
    )  # fmt: skip


def _rerun(sizes: list[SizeFigures]) -> Target:
    description = "no-change re-run seconds / full batch seconds"
    for size in reversed(sizes):
        rerun = size.batch.rerun if size.batch else None
        if rerun is not None:
            small = size.outcomes < BINDING_REPORTS
            return Target(
                "rerun_ratio", description, rerun.rerun_ratio, RERUN_LIMIT, "<=",
                _check(rerun.rerun_ratio, RERUN_LIMIT, "<="), size.outcomes, informational=small,
                note=f"informational: binding from {BINDING_REPORTS} reports" if small else "",
            )  # fmt: skip
    return Target("rerun_ratio", description, None, RERUN_LIMIT, "<=", None, None, note="not measured")


def _help(cold: ColdStart | None) -> Target:
    description = "`python -m reportgen --help` wall-clock seconds, fresh process"
    if cold is None or 0.0 in cold.help_runs:  # a failed run counts as 0: no figure
        return Target("help_cold_start_seconds", description, None, HELP_LIMIT, "<=", None, None, note="not measured")
    value = cold.help_seconds
    return Target(
        "help_cold_start_seconds", description, value, HELP_LIMIT, "<=", _check(value, HELP_LIMIT, "<="), None
    )


def targets(sizes: list[SizeFigures], cold: ColdStart | None) -> list[Target]:
    """The five targets; ``sizes`` in increasing order."""
    ordered = sorted(sizes, key=lambda s: s.outcomes)
    return [_overhead(ordered), _pool(ordered), _memory(ordered), _rerun(ordered), _help(cold)]
