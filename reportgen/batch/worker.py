"""The job function of a batch: a report model in, PDF bytes out. The same function runs in
the local process pool and on Dask workers.

Workers write nothing: the runner writes each PDF atomically and keeps the manifest, so a
worker that dies or is stopped can never leave a partial file. Fonts, stylesheets and the
template environment are cached per process, so a worker sets them up once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..errors import ReportgenError
from ..kinds import Report, kind
from ..options import RenderOptions
from ..pdf.sources import SourceFile


@dataclass(frozen=True)
class Task:
    job_id: str
    kind: str
    model: Report
    options: RenderOptions
    sources: tuple[SourceFile, ...] = ()  # embedded in archival PDFs


@dataclass(frozen=True)
class Rendered:
    job_id: str
    pdf: bytes | None
    pages: int
    seconds: float
    error: str | None = None


def render_task(task: Task) -> Rendered:
    """Render one report; every failure becomes a result with its message, never an exception."""
    from ..pdf import render_pdf
    from ..pipeline import report_html

    start = time.perf_counter()
    try:
        report_kind = kind(task.kind)
        pdf, pages = render_pdf(
            report_html(report_kind, task.model, task.options), task.options, report_kind.stylesheets
        )
        return Rendered(task.job_id, pdf, pages, time.perf_counter() - start)
    except ReportgenError as exc:
        return Rendered(task.job_id, None, 0, time.perf_counter() - start, str(exc))
    except Exception as exc:  # a bug in one report must not stop the batch
        message = f"internal error: {type(exc).__name__}: {exc}"
        return Rendered(task.job_id, None, 0, time.perf_counter() - start, message)
