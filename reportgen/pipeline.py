"""The pipeline, top to bottom: load -> build -> charts -> render -> PDF -> write.

These functions are the library API; the CLI is a thin layer over them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .build import BriefReport, build_brief
from .charts import brief_charts
from .errors import RenderError
from .load import load_dataset
from .model import Dataset
from .options import RenderOptions
from .pdf import pdf_bytes, write_atomic
from .render import HtmlDocument, render_html

__all__ = ["BriefResult", "brief_html", "brief_pdf", "build_all_briefs", "load_dataset", "write_brief"]

BRIEF_TEMPLATE = "brief.html"
DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class BriefResult:
    """One brief written (or failed) by :func:`build_all_briefs`."""

    outcome_id: str
    path: Path | None
    error: RenderError | None = None


def brief_html(report: BriefReport, options: RenderOptions = DEFAULT_OPTIONS) -> HtmlDocument:
    """Charts and HTML for one brief report model."""
    charts = brief_charts(report)
    return render_html(
        BRIEF_TEMPLATE, report, charts, options, title=report.title, lang=report.locale.replace("_", "-")
    )


def brief_pdf(report: BriefReport, options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """The PDF of one brief report model."""
    return pdf_bytes(brief_html(report, options), options)


def write_brief(
    dataset: Dataset, outcome_id: str, target: Path, year: int | None = None, options: RenderOptions = DEFAULT_OPTIONS
) -> Path:
    """Build, render and atomically write one outcome brief; returns the path written."""
    report = build_brief(dataset, outcome_id, year)
    return write_atomic(brief_pdf(report, options), target)


def build_all_briefs(
    dataset: Dataset, out_dir: Path, options: RenderOptions = DEFAULT_OPTIONS
) -> Iterator[BriefResult]:
    """Write ``out_dir/briefs/<outcome-id>.pdf`` for every outcome; one failure never stops the rest."""
    for outcome_id in sorted(dataset.outcomes):
        target = out_dir / "briefs" / f"{outcome_id}.pdf"
        try:
            yield BriefResult(outcome_id, write_brief(dataset, outcome_id, target, options=options))
        except RenderError as exc:
            yield BriefResult(outcome_id, None, exc)
