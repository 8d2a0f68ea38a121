"""The job function of a batch: a report model in, PDF bytes (and/or its Word edition) out. The
same function runs in the local process pool and on Dask workers.

Workers write nothing: the runner writes each PDF atomically and keeps the manifest, so a
worker that dies or is stopped can never leave a partial file. A worker checks its PDF with
the checks of ``reportgen verify`` before sending it back, so the checks run in parallel, and
a Word edition with :func:`reportgen.word.check.check_docx`.
Fonts, stylesheets and the template environment are cached per process, so a worker sets
them up once. Each result carries the seconds per stage and the worker's memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import resource
import time
from dataclasses import dataclass, field

from ..errors import ReportgenError
from ..io_errors import describe
from ..kinds import Report, kind
from ..options import RenderOptions
from ..pdf.sources import SourceFile
from ..timing import recording, stage
from .bounds import LimitExceeded, ReportBounds, run_bounded


@dataclass(frozen=True)
class Task:
    job_id: str
    kind: str
    model: Report
    options: RenderOptions
    sources: tuple[SourceFile, ...] = ()  # embedded in archival PDFs
    limits: ReportBounds = field(default_factory=ReportBounds)  # a report past its time or memory is stopped
    docx_key: str | None = None  # the report's key when its Word edition is wanted (reportgen.word)
    pdf: bool = True  # False: only the Word edition (batch --format docx)


@dataclass(frozen=True)
class WorkerMemory:
    """A worker process's memory after a task: resident now and at its peak, in bytes."""

    pid: int
    rss: int
    peak: int


@dataclass(frozen=True)
class Rendered:
    job_id: str
    pdf: bytes | None  # None when the render failed, or when only the Word edition was asked for
    pages: int
    seconds: float
    error: str | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per pipeline stage
    memory: WorkerMemory | None = None
    problems: tuple[str, ...] = ()  # checks of reportgen verify (or of the Word edition) that failed
    validator: str = ""  # page-validation's verdict on the PDF, when it is installed (reportgen.validator)
    docx: bytes | None = None  # the Word edition, when the task asked for it


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 4096


_PAGE = _page_size()


def worker_memory() -> WorkerMemory:
    """This process's resident memory now (from /proc where there is one) and at its peak."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            rss = int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):  # pragma: no cover - no /proc (macOS)
        rss = peak
    # The two come from different kernel counters; the peak is never less than what is resident now.
    return WorkerMemory(os.getpid(), rss, max(peak, rss))


def _release_memory() -> None:
    """After a stopped render: collect its objects and hand freed heap back to the system, so
    the worker's next report does not start above the memory limit."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def render_task(task: Task) -> Rendered:
    """Render one report; every failure becomes a result with its message, never an exception."""
    from ..pdf import render_pdf
    from ..pipeline import report_html
    from ..runtime import report_done, tune_process
    from ..validator import available, summary, validate_bytes
    from ..verify import verify_bytes

    tune_process()
    start = time.perf_counter()
    problems: tuple[str, ...] = ()
    verdict = ""
    docx: bytes | None = None

    def render() -> tuple[bytes | None, int, tuple[str, ...]]:
        nonlocal verdict, docx
        report_kind = kind(task.kind)
        pdf: bytes | None = None
        pages, failed = 0, []
        if task.pdf:
            pdf, pages = render_pdf(
                report_html(report_kind, task.model, task.options), task.options, report_kind.stylesheets, task.sources
            )
            with stage("verify"):  # here, in parallel, rather than one by one in the runner
                failed += [
                    f"{c.name}: {c.detail}" for c in verify_bytes(pdf, archive=task.options.archive) if not c.passed
                ]
            if available():
                with stage("verify"):  # the independent validator counts as verifying
                    verdict = summary(validate_bytes(pdf, archive=task.options.archive))
        if task.docx_key is not None:
            from ..word.build import report_docx
            from ..word.check import check_docx

            docx = report_docx(report_kind, task.model, task.options, task.docx_key)
            with stage("verify"):
                failed += [f"docx {c.name}: {c.detail}" for c in check_docx(docx) if not c.passed]
        return pdf, pages, tuple(failed)

    pdf: bytes | None
    with recording() as timings:
        try:
            pdf, pages, problems = run_bounded(task.limits, lambda: worker_memory().rss, render)
            error = None
        except LimitExceeded as exc:
            pdf, pages, error = None, 0, task.limits.stopped(exc.reason)
            _release_memory()
        except ReportgenError as exc:
            pdf, pages, error = None, 0, str(exc)
        except MemoryError:  # the address-space backstop (or the machine) refused an allocation
            pdf, pages, error = None, 0, task.limits.stopped("memory")
            _release_memory()
        except OSError as exc:  # a temporary file (WeasyPrint's fonts) could not be written
            pdf, pages, error = None, 0, f"cannot render: {describe(exc)}, writing a temporary file"
        except Exception as exc:  # a bug in one report must not stop the batch
            pdf, pages, error = None, 0, f"internal error: {type(exc).__name__}: {exc}"
    report_done()
    seconds = time.perf_counter() - start
    word = docx if error is None else None
    return Rendered(
        task.job_id, pdf, pages, seconds, error, dict(timings.seconds), worker_memory(), problems, verdict, word
    )
