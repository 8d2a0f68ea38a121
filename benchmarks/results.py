"""A run's result files: ``<date>-<label>.json`` (every figure), one line appended to ``history.csv``
(the headline figures, to follow them from change to change) and ``latest.md`` (a short markdown
summary of the latest run, which the README quotes).

The headline figures come from the largest size measured.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .figures import RunFigures, SizeFigures, Target

HISTORY_FIELDS = (
    "date",
    "label",
    "note",
    "sizes",
    "size",
    "brief_pipeline_ms",
    "brief_floor_ms",
    "overhead_ratio",
    "reports_per_s",
    "pool_ratio",
    "memory_ratio",
    "rerun_ratio",
    "help_cold_start_ms",
)


def stem(run: RunFigures) -> str:
    """``<YYYY-MM-DD>-<label>``: the name of the run's JSON and PNG."""
    return f"{run.date}-{run.label}"


def _write_text(path: Path, text: str) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file."""
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def as_json(run: RunFigures) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(asdict(run), default=str))
    return data


def write_json(run: RunFigures, results: Path) -> Path:
    path = results / f"{stem(run)}.json"
    _write_text(path, json.dumps(as_json(run), indent=2, ensure_ascii=False) + "\n")
    return path


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.1f}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def headline(run: RunFigures) -> SizeFigures | None:
    """The largest size measured."""
    return max(run.sizes, key=lambda s: s.outcomes, default=None)


def history_row(run: RunFigures) -> dict[str, str]:
    size = headline(run)
    brief = size.kinds.get("brief") if size else None
    batch = size.batch if size else None
    memory = batch.memory if batch else None
    rerun = batch.rerun if batch else None
    cold = run.cold_start
    return {
        "date": run.date,
        "label": run.label,
        "note": run.note,
        "sizes": ";".join(str(s.outcomes) for s in sorted(run.sizes, key=lambda s: s.outcomes)),
        "size": str(size.outcomes) if size else "",
        "brief_pipeline_ms": _ms(brief.pipeline_total if brief else None),
        "brief_floor_ms": _ms(brief.floor_total if brief else None),
        "overhead_ratio": _ratio(brief.overhead_ratio if brief else None),
        "reports_per_s": ";".join(f"j{r.jobs}={r.reports_per_second:.3f}" for r in batch.runs) if batch else "",
        "pool_ratio": _ratio(batch.pool_ratio if batch else None),
        "memory_ratio": _ratio(memory.memory_ratio if memory else None),
        "rerun_ratio": _ratio(rerun.rerun_ratio if rerun else None),
        "help_cold_start_ms": _ms(cold.help_seconds if cold else None),
    }


def append_history(run: RunFigures, results: Path) -> Path:
    """One line per run; the header is written when the file is new."""
    path = results / "history.csv"
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HISTORY_FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(history_row(run))
    return path


def verdict(target: Target) -> str:
    """PASS, FAIL or n/a; informational results say so."""
    if target.passed is None:
        return "n/a"
    word = "PASS" if target.passed else "FAIL"
    return f"{word} (informational)" if target.informational else word


def _value(target: Target) -> str:
    if target.value is None:
        return "n/a"
    return f"{target.value * 1000:.0f} ms" if target.name.endswith("_seconds") else f"{target.value:.3f}"


def _limit(target: Target) -> str:
    limit = f"{target.limit * 1000:.0f} ms" if target.name.endswith("_seconds") else f"{target.limit:g}"
    return f"{target.comparison} {limit}"


def _mb(value: int) -> str:
    return f"{value / 2**20:.0f}"


def markdown(run: RunFigures) -> str:
    machine = run.machine
    lines = [
        "# Benchmarks: latest run",
        "",
        f"Run `{run.label}` on {run.started[:16].replace('T', ' ')}: {machine.get('cores')} cores, "
        f"Python {machine.get('python')}, WeasyPrint {machine.get('weasyprint')}, reportgen {machine.get('reportgen')}"
        + (f". Note: {run.note}" if run.note else "")
        + ".",
        f"Command: `{run.arguments.get('command', '')}`. Every figure, with definitions: `{stem(run)}.json`.",
        "",
        "## Targets",
        "",
        "| target | what | value | limit | size | result |",
        "|---|---|---|---|---|---|",
    ]
    for t in run.targets:
        where = "" if t.size is None else str(t.size)
        result = verdict(t) + (f" ({t.note})" if t.note and t.passed is None else "")
        lines.append(f"| `{t.name}` | {t.description} | {_value(t)} | {_limit(t)} | {where} | {result} |")
    lines += [
        "",
        "## One report (medians, ms)",
        "",
        "| outcomes | kind | sampled | pipeline | floor | overhead | pages | KB/page | first report |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size in run.sizes:
        for k in size.kinds.values():
            lines.append(
                f"| {size.outcomes} | {k.kind} | {k.sampled} of {k.reports_at_size} | {_ms(k.pipeline_total)} | "
                f"{_ms(k.floor_total)} | {k.overhead_ratio:.3f} | {k.pages:g} | {k.bytes_per_page / 1024:.1f} | "
                f"{_ms(k.first_report_seconds)} |"
            )
    lines += [
        "",
        "## Batch of every brief",
        "",
        "| outcomes | jobs | made | seconds | reports/s | pool ratio | re-run s | re-run ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in run.sizes:
        if size.batch is None:
            continue
        rerun = size.batch.rerun
        for r in size.batch.runs:
            pool = _ratio(size.batch.pool_ratio) if r.jobs == size.batch.pool_jobs else ""
            again = rerun if rerun is not None and rerun.jobs == r.jobs else None
            lines.append(
                f"| {size.outcomes} | {r.jobs} | {r.made} | {r.seconds:.2f} | {r.reports_per_second:.2f} | {pool} | "
                f"{'' if again is None else f'{again.seconds:.2f}'} | {_ratio(again.rerun_ratio if again else None)} |"
            )
    memory_rows = [(s.outcomes, s.batch.memory) for s in run.sizes if s.batch and s.batch.memory]
    if memory_rows:
        lines += [
            "",
            "One worker over a whole batch (resident MB after report 1 / 10 / 100 / last; peak MB):",
            "",
            "| outcomes | reports | after 1 | after 10 | after 100 | after last | peak | memory ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for outcomes, m in memory_rows:
            cells = [_mb(m.points[p].rss) if p in m.points else "" for p in ("1", "10", "100", "last")]
            ratio = _ratio(m.memory_ratio) or "n/a"
            lines.append(f"| {outcomes} | {m.reports} | {' | '.join(cells)} | {_mb(m.points['last'].peak)} | {ratio} |")
    if run.cold_start is not None:
        c = run.cold_start
        lines += [
            "",
            "## Cold start (fresh process, median ms)",
            "",
            "| command | ms |",
            "|---|---|",
            f"| `python -c pass` | {_ms(c.baseline_seconds)} |",
            f"| `reportgen --help` | {_ms(c.help_seconds)} |",
            f"| `reportgen brief {c.brief_outcome}` (smallest dataset) | {_ms(c.brief_seconds)} |",
        ]
    if run.problems:
        lines += ["", "## Problems", "", *[f"- {p}" for p in run.problems]]
    return "\n".join(lines) + "\n"


def write_latest(run: RunFigures, results: Path) -> Path:
    path = results / "latest.md"
    _write_text(path, markdown(run))
    return path
