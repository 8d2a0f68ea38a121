"""Cold start: wall-clock time of fresh ``reportgen`` processes, next to a bare interpreter.

``python -m reportgen --help`` (median of 5) and ``python -c pass`` (median of 5, in the same run,
alternating with it, so the difference is reportgen's own start-up), and one brief made from the
command line (median of 3): what a user waits for when they make a single report.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HELP_RUNS = 5
BRIEF_RUNS = 3


@dataclass
class ColdStart:
    help_seconds: float
    help_runs: list[float]
    baseline_seconds: float  # python -c pass
    baseline_runs: list[float]
    help_over_baseline_seconds: float
    brief_seconds: float
    brief_runs: list[float]
    brief_outcome: str
    brief_dataset: str
    problems: list[str]


class CommandFailed(Exception):
    """A timed command exited with an error."""


def wall_clock(command: list[str], cwd: Path) -> float:
    """Seconds from starting ``command`` to its exit."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise CommandFailed(f"{' '.join(command)} exited with {done.returncode}: {' / '.join(error)}")
    return seconds


def measure_cold_start(cwd: Path, dataset: Path, outcome: str, pdf: Path) -> ColdStart:
    """Time the commands; a failing command is reported in ``problems`` (its time as 0)."""
    problems: list[str] = []

    def timed(command: list[str]) -> float:
        try:
            return wall_clock(command, cwd)
        except CommandFailed as exc:
            problems.append(str(exc))
            return 0.0

    helps: list[float] = []
    baselines: list[float] = []
    for _ in range(HELP_RUNS):
        baselines.append(timed([sys.executable, "-c", "pass"]))
        helps.append(timed([sys.executable, "-m", "reportgen", "--help"]))
    brief = [sys.executable, "-m", "reportgen", "brief", outcome, "--data", str(dataset), "--out", str(pdf)]
    briefs = [timed(brief) for _ in range(BRIEF_RUNS)]
    help_seconds, baseline = statistics.median(helps), statistics.median(baselines)
    return ColdStart(
        help_seconds=help_seconds,
        help_runs=helps,
        baseline_seconds=baseline,
        baseline_runs=baselines,
        help_over_baseline_seconds=help_seconds - baseline,
        brief_seconds=statistics.median(briefs),
        brief_runs=briefs,
        brief_outcome=outcome,
        brief_dataset=str(dataset),
        problems=problems,
    )
