"""Run reportgen's benchmarks and write their results.

    python benchmarks/run.py [--outcomes 10,100,1000] [--jobs 1,2] [--sample N] [--repeat R]
                             [--label L] [--note TEXT] [--results DIR] [--work DIR] [--skip-charts] [--quick]

For each size: a synthetic dataset (reused when already generated), its load time, one report of
each kind stage by stage against WeasyPrint alone (the floor), and the real batch of every brief at
each ``--jobs`` (throughput, one worker's memory, a no-change re-run). Once per run: cold start and
(unless ``--skip-charts``) chart embedding. Then the targets, checked on this run's own figures.

Writes ``<results>/<date>-<label>.json`` and ``.png``, appends to ``<results>/history.csv`` and
rewrites ``<results>/latest.md``. Exit code 0 even when a target is missed (this reports, it does not
test); 1 when a measurement itself failed (a failed report, a failed command, an error).

Only the standard library is imported at the top: the batch's fork server imports this file again
(as the main module) in every worker's parent, and the harness must not weigh on the workers' memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

ROOT = Path(__file__).resolve().parents[1]
if not __package__:  # run as a script: import benchmarks.* from the repository, not this folder's modules
    sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

if TYPE_CHECKING:
    from rich.console import Console

    from benchmarks.figures import RunFigures, SizeFigures

DEFAULT_OUTCOMES = (10, 100, 1000)
DEFAULT_JOBS = (1, 2)
DEFAULT_SAMPLE = 20
DEFAULT_REPEAT = 3
QUICK = {"outcomes": (10,), "sample": 3, "repeat": 1}
SEED = 0


def _numbers(text: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected numbers of at least 1, got {text!r}")
    return values


def _positive(text: str) -> int:
    value = _numbers(text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"expected one number, got {text!r}")
    return value[0]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py", description="Measure reportgen and write the results."
    )
    parser.add_argument("--outcomes", type=_numbers, help="dataset sizes (default 10,100,1000)")
    parser.add_argument("--jobs", type=_numbers, default=DEFAULT_JOBS, help="batch workers to compare (default 1,2)")
    parser.add_argument("--sample", type=_positive, help="briefs measured per size (default 20; other kinds 1/4)")
    parser.add_argument("--repeat", type=_positive, help="runs per measured report and of the load (default 3)")
    parser.add_argument("--label", help="names the result files (default: git short commit, -dirty if changed)")
    parser.add_argument("--note", default="", help="what changed since the last run (goes into history.csv)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results", help="results folder")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work", help="datasets and outputs")
    parser.add_argument("--skip-charts", action="store_true", help="leave out the chart-embedding measurement")
    parser.add_argument("--quick", action="store_true", help="--outcomes 10 --sample 3 --repeat 1")
    args = parser.parse_args(argv)
    defaults = (
        QUICK if args.quick else {"outcomes": DEFAULT_OUTCOMES, "sample": DEFAULT_SAMPLE, "repeat": DEFAULT_REPEAT}
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def _git(*command: str) -> str | None:
    try:
        done = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _dirty() -> bool:
    """Changes to tracked files (as ``git describe --dirty`` counts them)."""
    return bool(_git("status", "--porcelain", "--untracked-files=no"))


def default_label() -> str:
    commit = _git("rev-parse", "--short", "HEAD")
    if commit is None:
        return "no-git"
    return commit + ("-dirty" if _dirty() else "")


def _memory_total() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine_info() -> dict[str, Any]:
    import matplotlib
    import weasyprint

    import reportgen

    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": _memory_total(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "reportgen": reportgen.__version__,
        "weasyprint": weasyprint.__version__,
        "matplotlib": matplotlib.__version__,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": _dirty(),
        "datetime": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _say(console: Console, text: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {text}")


def measure_size(console: Console, run: RunFigures, outcomes: int, args: argparse.Namespace) -> SizeFigures:
    from benchmarks.batchrun import measure_batches
    from benchmarks.console import batch_summary, batch_table, stages_table
    from benchmarks.data import ensure_dataset, time_load
    from benchmarks.figures import SizeFigures
    from benchmarks.stages import KINDS, measure_kind, sample_size

    work: Path = args.work
    console.rule(f"{outcomes} outcomes")
    info = ensure_dataset(work, outcomes, SEED)
    if info.generated:
        _say(console, f"dataset generated in {info.generate_seconds:.1f} s: {info.path}")
    else:
        _say(console, f"dataset reused: {info.path}")
    dataset, load = time_load(info.path, args.repeat)
    _say(console, f"load {load.seconds * 1000:.0f} ms ({load.seconds_per_outcome * 1000:.2f} ms per outcome)")
    size = SizeFigures(outcomes, info, load)
    run.sizes.append(size)
    for kind_name in KINDS:
        _say(console, f"{kind_name}: warm-up, then {sample_size(kind_name, args.sample)} reports x {args.repeat}")
        figures = measure_kind(dataset, kind_name, work / f"reports-{outcomes}", args.sample, args.repeat, load.seconds)
        size.kinds[kind_name] = figures
        run.problems.extend(figures.problems)
    console.print(stages_table(size))
    _say(console, f"batch of {outcomes} briefs with --jobs {','.join(map(str, args.jobs))}, then a re-run")
    size.batch = measure_batches(info.path, outcomes, work / f"batch-{outcomes}", list(args.jobs))
    run.problems.extend(size.batch.problems)
    console.print(batch_table(outcomes, size.batch))
    console.print(batch_summary(size.batch))
    return size


def chart_embedding(work: Path) -> dict[str, Any]:
    """``benchmarks.charts.measure(work)`` (another module, maybe not there yet)."""
    import importlib

    try:
        module = importlib.import_module("benchmarks.charts")
    except ModuleNotFoundError as exc:
        if exc.name == "benchmarks.charts":
            return {"skipped": "benchmarks/charts.py not present"}
        raise
    measure = cast(Callable[[Path], dict[str, Any]], module.measure)
    return dict(measure(work))


def _attempt(console: Console, run: RunFigures, what: str, step: Callable[[], object]) -> None:
    """Run one measurement; an error becomes a problem of the run (and the rest goes on)."""
    try:
        step()
    except Exception as exc:
        console.print(f"[red]{what} failed:[/red] {type(exc).__name__}: {exc}")
        traceback.print_exc()
        run.problems.append(f"{what}: {type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> int:
    from benchmarks import results
    from benchmarks.coldstart import measure_cold_start
    from benchmarks.console import cold_start_table, make_console, rows_table, targets_table
    from benchmarks.data import ensure_dataset
    from benchmarks.figures import RunFigures
    from benchmarks.plot import draw
    from benchmarks.targets import targets

    args = parse_args(argv)
    console = make_console()
    started = time.perf_counter()
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", args.label or default_label())
    now = dt.datetime.now().astimezone()
    run = RunFigures(label=label, note=args.note, date=now.date().isoformat(),
                     started=now.isoformat(timespec="seconds"))  # fmt: skip
    run.machine = machine_info()
    raw = sys.argv[1:] if argv is None else argv
    run.arguments = {
        "command": shlex.join(["python", "benchmarks/run.py", *raw]),
        "argv": raw,
        "outcomes": list(args.outcomes),
        "jobs": list(args.jobs),
        "sample": args.sample,
        "repeat": args.repeat,
        "seed": SEED,
        "label": label,
        "note": args.note,
        "results": str(args.results),
        "work": str(args.work),
        "skip_charts": args.skip_charts,
        "quick": args.quick,
    }
    args.work.mkdir(parents=True, exist_ok=True)
    args.results.mkdir(parents=True, exist_ok=True)
    console.print(
        f"reportgen benchmarks [bold]{label}[/bold]: {run.machine['cores']} cores, {run.arguments['command']}"
    )

    for outcomes in args.outcomes:
        _attempt(console, run, f"{outcomes} outcomes", functools.partial(measure_size, console, run, outcomes, args))

    def cold() -> None:
        smallest = ensure_dataset(args.work, min(args.outcomes), SEED).path
        first = min(p.stem for p in (smallest / "outcomes").iterdir() if p.suffix == ".yaml")
        console.rule("cold start")
        run.cold_start = measure_cold_start(ROOT, smallest, first, args.work / "cold-start-brief.pdf")
        run.problems.extend(run.cold_start.problems)
        console.print(cold_start_table(run.cold_start))

    _attempt(console, run, "cold start", cold)

    def charts() -> None:
        console.rule("chart embedding")
        run.chart_embedding = chart_embedding(args.work)
        rows = run.chart_embedding.get("rows")
        if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
            console.print(rows_table("chart embedding", rows))
        else:
            console.print(run.chart_embedding)

    if args.skip_charts:
        run.chart_embedding = {"skipped": "--skip-charts"}
    else:
        _attempt(console, run, "chart embedding", charts)

    run.targets = targets(run.sizes, run.cold_start)
    run.machine["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    run.finished = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    run.duration_seconds = time.perf_counter() - started

    console.rule("results")
    console.print(targets_table(run.targets))
    png = args.results / f"{results.stem(run)}.png"
    paths: list[Path] = []
    _attempt(console, run, "plot", lambda: paths.append(draw(run, png)))
    paths += [
        results.write_json(run, args.results),
        results.append_history(run, args.results),
        results.write_latest(run, args.results),
    ]
    if run.problems:
        console.print("[red]measurement problems:[/red]")
        for problem in run.problems:
            console.print(f"  - {problem}")
    for path in paths:
        console.print(f"wrote {path}")
    console.print(f"{run.duration_seconds:.0f} s in all")
    return 1 if run.problems else 0


if __name__ == "__main__":
    sys.exit(main())
