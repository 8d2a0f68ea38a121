"""Where one report's time goes, stage by stage, next to the floor: WeasyPrint alone on the same HTML.

For each kind, a warm-up report (not counted) and then a sample of reports spread evenly over the
kind's job list (the latest year of each key, as ``reportgen.pipeline.jobs_of`` gives). Each sampled
report is made ``repeat`` times, alternating:

* **pipeline**: ``reportgen.pipeline.write_report`` (the production path) inside
  ``reportgen.timing.recording()``, with reportgen's chart cache cleared first (each run draws its
  charts, as a batch does for a report it has not made before); its stages (``model``, ``charts``,
  ``html``, ``layout``, ``write``, ``save``) plus ``load`` (the dataset's load time divided by its
  number of outcomes, i.e. briefs); ``unmarked`` is the call's wall-clock time outside every stage
  mark; the pipeline total is the call's wall-clock time plus ``load``.
* **floor**: the report's final HTML (rendered once, outside the timing) through ``weasyprint.HTML``
  ``.render()`` (``layout``, HTML parse included) and ``.write_pdf()`` (``write``) with the pipeline's
  own parsed stylesheets, warm font configuration and PDF settings, but WeasyPrint's default URL
  fetcher and no finisher: the least any renderer built on WeasyPrint could spend.

The process runs with reportgen's rendering settings for the garbage collector once the warm-up
report has loaded everything (``reportgen.runtime.tune_process``, as the commands and batch workers
do), and both runs collect their document's garbage inside their timing (``report_done``).

A report's figure is the median over its repeats; a kind's figure is the median over its reports.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pikepdf
import weasyprint

from reportgen.charts.cache import clear_cache
from reportgen.kinds import ReportKind, kind
from reportgen.model import Dataset
from reportgen.options import RenderOptions
from reportgen.paths import TEMPLATES_DIR
from reportgen.pdf import writer
from reportgen.pipeline import jobs_of, report_html, write_report
from reportgen.runtime import report_done, tune_process
from reportgen.timing import STAGES, recording

KINDS = ("brief", "donor", "country")

#: The PDF settings of the pipeline's default (PDF/UA-1) output.
PDF_SETTINGS: dict[str, Any] = {"pdf_tags": True, "pdf_variant": "pdf/ua-1", "pdf_identifier": b"reportgen"}
BASE_URL = TEMPLATES_DIR.as_uri() + "/"

T = TypeVar("T")


@dataclass
class ReportFigures:
    """One sampled report: medians over its repeats."""

    key: str
    year: int
    stages: dict[str, float]
    unmarked: float
    pipeline_total: float
    floor_layout: float
    floor_write: float
    floor_total: float
    pages: int
    floor_pages: int
    bytes: int
    floor_bytes: int
    bytes_per_page: float
    repeats: int


@dataclass
class KindFigures:
    """One kind at one size: medians over the sampled reports' medians."""

    kind: str
    reports_at_size: int  # how many reports of this kind the dataset supports (latest year per key)
    sampled: int
    first_report_key: str
    first_report_seconds: float  # the warm-up report (fonts, templates, stylesheets): not counted
    stages: dict[str, float]
    unmarked: float
    pipeline_total: float
    floor_layout: float
    floor_write: float
    floor_total: float
    overhead_ratio: float  # pipeline_total / floor_total
    pages: float
    bytes: float
    bytes_per_page: float  # median over reports of each report's bytes / pages
    reports: list[ReportFigures] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def spread(items: Sequence[T], count: int) -> list[T]:
    """``count`` items spread evenly over ``items`` (the middle of each of ``count`` equal slices)."""
    if count >= len(items):
        return list(items)
    return [items[(2 * index + 1) * len(items) // (2 * count)] for index in range(count)]


def sample_size(kind_name: str, sample: int) -> int:
    """Reports sampled per kind: ``sample`` briefs; a quarter as many (at least one) of the others."""
    return sample if kind_name == "brief" else max(1, sample // 4)


def _ordered(names: Iterable[str]) -> list[str]:
    known = [name for name in STAGES if name in names]
    return known + sorted(set(names) - set(known))


def _median_of(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    names = _ordered({name for row in rows for name in row})
    return {name: statistics.median(row.get(name, 0.0) for row in rows) for name in names}


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


class _Floor:
    """WeasyPrint alone on one report's final HTML."""

    def __init__(self, report_kind: ReportKind, dataset: Dataset, key: str, year: int) -> None:
        options = RenderOptions()
        model = report_kind.build(dataset, key, year, None, None)
        self.html = report_html(report_kind, model, options).html
        roots = writer._roots(options)
        themed = writer.theme_stylesheets(options)
        self.stylesheets = list(writer._stylesheets(options.page_size, roots, report_kind.stylesheets, themed))

    def run(self) -> tuple[float, float, int, int]:
        """(layout seconds, write seconds, pages, bytes); the write includes collecting the
        document's garbage, as the pipeline's run includes it (``report_done``)."""
        start = time.perf_counter()
        document = weasyprint.HTML(string=self.html, base_url=BASE_URL).render(
            stylesheets=self.stylesheets, font_config=writer.font_config(), **PDF_SETTINGS
        )
        layout = time.perf_counter() - start
        start = time.perf_counter()
        data = document.write_pdf(**PDF_SETTINGS)
        pages = len(document.pages)
        del document
        report_done()
        write = time.perf_counter() - start
        return layout, write, pages, len(data)


def _pipeline(dataset: Dataset, kind_name: str, key: str, year: int, target: Path) -> tuple[float, dict[str, float]]:
    """(wall-clock seconds of ``write_report``, seconds per stage), charts drawn afresh."""
    clear_cache()  # as a batch pays for a new report: the floor's HTML and earlier repeats drew these charts
    with recording() as timings:
        start = time.perf_counter()
        write_report(dataset, kind_name, key, target, year)
        report_done()  # as a batch worker does after each report
        wall = time.perf_counter() - start
    return wall, dict(timings.seconds)


def measure_report(
    dataset: Dataset, kind_name: str, key: str, year: int, target: Path, repeat: int, load: float
) -> ReportFigures:
    """One report, ``repeat`` times pipeline then floor; medians."""
    floor = _Floor(kind(kind_name), dataset, key, year)
    stage_runs: list[dict[str, float]] = []
    walls: list[float] = []
    layouts: list[float] = []
    writes: list[float] = []
    floor_pages = floor_bytes = 0
    for _ in range(max(1, repeat)):
        wall, stages = _pipeline(dataset, kind_name, key, year, target)
        walls.append(wall)
        stage_runs.append({"load": load, **stages})
        layout, write, floor_pages, floor_bytes = floor.run()
        layouts.append(layout)
        writes.append(write)
    pages, size = _pages(target), target.stat().st_size
    return ReportFigures(
        key=key,
        year=year,
        stages=_median_of(stage_runs),
        unmarked=statistics.median(w + load - sum(s.values()) for w, s in zip(walls, stage_runs, strict=True)),
        pipeline_total=statistics.median(w + load for w in walls),
        floor_layout=statistics.median(layouts),
        floor_write=statistics.median(writes),
        floor_total=statistics.median(a + b for a, b in zip(layouts, writes, strict=True)),
        pages=pages,
        floor_pages=floor_pages,
        bytes=size,
        floor_bytes=floor_bytes,
        bytes_per_page=size / pages if pages else 0.0,
        repeats=len(walls),
    )


def measure_kind(
    dataset: Dataset, kind_name: str, work: Path, sample: int, repeat: int, load_seconds: float
) -> KindFigures:
    """A warm-up report, then ``sample_size(kind_name, sample)`` reports measured ``repeat`` times."""
    report_kind = kind(kind_name)
    jobs = jobs_of(report_kind, dataset)
    if not jobs:
        raise ValueError(f"the dataset supports no {kind_name} report")
    load = load_seconds / max(1, len(dataset.outcomes))
    folder = work / kind_name
    warm_key, warm_year = jobs[0]
    first_seconds, _ = _pipeline(dataset, kind_name, warm_key, warm_year, folder / f"warm-up-{warm_key}.pdf")
    _Floor(report_kind, dataset, warm_key, warm_year).run()
    tune_process()  # everything is loaded now: as the commands and batch workers do before their reports
    reports = [
        measure_report(dataset, kind_name, key, year, folder / f"{key}-{year}.pdf", repeat, load)
        for key, year in spread(jobs, sample_size(kind_name, sample))
    ]
    problems = [
        f"{kind_name} {r.key} {r.year}: the floor has {r.floor_pages} pages, the pipeline's PDF {r.pages}"
        for r in reports
        if r.floor_pages != r.pages
    ]
    pipeline_total = statistics.median(r.pipeline_total for r in reports)
    floor_total = statistics.median(r.floor_total for r in reports)
    return KindFigures(
        kind=kind_name,
        reports_at_size=len(jobs),
        sampled=len(reports),
        first_report_key=warm_key,
        first_report_seconds=first_seconds,
        stages=_median_of([r.stages for r in reports]),
        unmarked=statistics.median(r.unmarked for r in reports),
        pipeline_total=pipeline_total,
        floor_layout=statistics.median(r.floor_layout for r in reports),
        floor_write=statistics.median(r.floor_write for r in reports),
        floor_total=floor_total,
        overhead_ratio=pipeline_total / floor_total,
        pages=statistics.median(r.pages for r in reports),
        bytes=statistics.median(r.bytes for r in reports),
        bytes_per_page=statistics.median(r.bytes_per_page for r in reports),
        reports=reports,
        problems=problems,
    )
