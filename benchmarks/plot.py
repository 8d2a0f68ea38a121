"""The run's picture (PNG): (a) where one report's time goes, stage by stage, for each kind at each
size, with WeasyPrint's floor marked next to each bar; (b) batch throughput against size, one
line per number of workers. matplotlib's object API (``Figure``, Agg), no pyplot.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .figures import RunFigures

#: Stage -> colour (colour-blind-safe palette), in stacking order; unmarked time last.
COLOURS = {
    "load": "#999999",
    "model": "#E69F00",
    "charts": "#56B4E9",
    "html": "#009E73",
    "layout": "#0072B2",
    "write": "#D55E00",
    "save": "#CC79A7",
    "unmarked": "#F0E442",
}
FLOOR_COLOUR = "#000000"


def draw(run: RunFigures, target: Path) -> Path:
    """Write the two-panel PNG to ``target``."""
    rows = [(size.outcomes, k) for size in run.sizes for k in size.kinds.values()]
    height = max(5.0, 1.2 + 0.38 * len(rows))
    figure = Figure(figsize=(15, height + 0.8), dpi=100, layout="constrained")
    bars, lines = figure.subplots(1, 2, width_ratios=(1.6, 1))

    labels = [f"{k.kind}, {outcomes} outcomes" for outcomes, k in rows]
    positions = list(range(len(rows)))[::-1]  # the first row at the top
    extra = sorted({name for _, k in rows for name in k.stages} - set(COLOURS))
    for position, (_, k) in zip(positions, rows, strict=True):
        left = 0.0
        parts = [(name, k.stages.get(name, 0.0)) for name in (*COLOURS, *extra) if name != "unmarked"]
        for name, seconds in [*parts, ("unmarked", max(0.0, k.unmarked))]:
            bars.barh(position, seconds, left=left, height=0.62, color=COLOURS.get(name, "#777777"))
            left += seconds
        bars.plot([k.floor_total] * 2, [position - 0.42, position + 0.42], color=FLOOR_COLOUR, linewidth=2.2)
        bars.text(left, position, f"  {left:.2f} s  (×{k.overhead_ratio:.2f} floor)", va="center", fontsize=8)
    bars.set_yticks(positions, labels)
    bars.set_xlabel("seconds per report (median; load amortised over the outcomes)")
    bars.set_title("(a) One report: pipeline stages vs. WeasyPrint alone (floor)")
    bars.margins(x=0.22)
    legend: list[Artist] = [Patch(color=COLOURS.get(name, "#777777"), label=name) for name in (*COLOURS, *extra)]
    legend.append(Line2D([], [], color=FLOOR_COLOUR, linewidth=2.2, label="floor (WeasyPrint layout + write)"))
    bars.legend(
        handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(legend), fontsize=8, frameon=False
    )
    bars.grid(axis="x", alpha=0.3)

    by_jobs: dict[int, list[tuple[int, float]]] = {}
    for size in run.sizes:
        for batch_run in size.batch.runs if size.batch else []:
            by_jobs.setdefault(batch_run.jobs, []).append((size.outcomes, batch_run.reports_per_second))
    for jobs, points in sorted(by_jobs.items()):
        points.sort()
        lines.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                   label=f"{jobs} worker{'s' if jobs > 1 else ''}")  # fmt: skip
    lines.set_xscale("log")
    sizes = sorted({outcomes for points in by_jobs.values() for outcomes, _ in points})
    if sizes:
        lines.set_xticks(sizes, [str(outcomes) for outcomes in sizes])
        lines.set_xticks([], minor=True)
        lines.set_xlim(sizes[0] / 2, sizes[-1] * 2)
    lines.set_xlabel("batch size (briefs = outcomes, log scale)")
    lines.set_ylabel("reports per second")
    lines.set_ylim(bottom=0)
    lines.set_title("(b) Batch throughput")
    if by_jobs:
        lines.legend(title="reportgen batch --jobs")
    lines.grid(alpha=0.3, which="both")
    figure.suptitle(f"reportgen benchmarks: {run.label}, {run.date} ({run.machine.get('cores')} cores)")
    figure.savefig(target, format="png")
    return target
