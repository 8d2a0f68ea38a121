"""Everything one benchmark run measured, as one tree of dataclasses (written out as its JSON).

Also the definitions that go into the JSON, so a reader of a result file knows what each figure is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .batchrun import BatchFigures
from .coldstart import ColdStart
from .data import DatasetInfo, LoadFigures
from .stages import KindFigures

SCHEMA = 1

DEFINITIONS = {
    "seconds": "every time is wall-clock seconds (time.perf_counter)",
    "load": "load_dataset time: median of --repeat runs; as a report stage it is that time divided by the "
    "dataset's number of outcomes (= its number of briefs), the same for every kind",
    "stages": "per report: median over --repeat runs of the seconds reportgen.timing recorded around "
    "reportgen.pipeline.write_report, with reportgen's chart cache cleared before each run (charts drawn afresh, "
    "as for a report a batch has not made before); per kind: median over the sampled reports",
    "unmarked": "write_report wall-clock time outside every stage mark (e.g. WeasyPrint's HTML parse, option handling)",
    "pipeline_total": "write_report wall-clock time + amortised load; median over repeats, then over reports",
    "floor": "weasyprint.HTML(string=the report's final HTML).render() (layout, HTML parse included) and "
    ".write_pdf() (write), with the pipeline's parsed stylesheets, warm fonts and PDF/UA-1 settings, "
    "WeasyPrint's default URL fetcher and no finisher",
    "overhead_ratio": "pipeline_total / floor_total",
    "first_report_seconds": "the warm-up report of the kind (write_report wall-clock), not counted elsewhere",
    "pages_bytes": "read back from the pipeline's PDF (pikepdf); bytes_per_page is the median over reports "
    "of bytes / pages",
    "batch": "reportgen.batch.run_batch making every 2024 brief (one per outcome) into a fresh folder, force=True; "
    "reports_per_second = made / seconds; stage_seconds summed over the runner and all workers",
    "pool_ratio": "reports_per_second at the largest --jobs / reports_per_second at one job",
    "memory": "the one-job batch (no worker recycling): its worker's rss and peak after reports 1, 10, 100 and the "
    "last; memory_ratio = rss after the last / rss after the 100th (at least 200 reports)",
    "rerun": "the largest-jobs batch again on its own folder, nothing changed, no force; "
    "rerun_ratio = its seconds / the full batch's seconds",
    "cold_start": "median wall-clock of 5 fresh `python -m reportgen --help` and `python -c pass` (alternating), "
    "and of 3 `python -m reportgen brief <first outcome> --data <smallest dataset>`",
}


@dataclass
class SizeFigures:
    """One dataset size."""

    outcomes: int
    dataset: DatasetInfo
    load: LoadFigures
    kinds: dict[str, KindFigures] = field(default_factory=dict)
    batch: BatchFigures | None = None


@dataclass
class Target:
    """A goal, as a ratio or a time, checked against this run's own figures."""

    name: str
    description: str
    value: float | None
    limit: float
    comparison: str  # "<=" or ">="
    passed: bool | None  # None: not measured (or not applicable at these sizes)
    size: int | None  # the dataset size (outcomes) the value comes from
    informational: bool = False  # measured at a size too small for the target to be binding
    note: str = ""


@dataclass
class RunFigures:
    label: str
    note: str
    date: str
    started: str
    finished: str = ""
    duration_seconds: float = 0.0
    schema: int = SCHEMA
    machine: dict[str, Any] = field(default_factory=dict)
    arguments: dict[str, Any] = field(default_factory=dict)
    sizes: list[SizeFigures] = field(default_factory=list)
    cold_start: ColdStart | None = None
    chart_embedding: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
