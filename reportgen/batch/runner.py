"""The year-end batch: plan every report, skip what is up to date, render the rest, keep a manifest.

Only this module (through ``write_atomic``) writes report files. One failing report never
stops the others; a stopped run (Ctrl-C, SIGTERM) keeps every finished report and a valid
manifest, and the next run makes only what is missing or changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Protocol

from ..atomic import write_atomic
from ..digest import sha256_of
from ..errors import ReportgenError
from ..kinds import kind
from ..load import load_dataset
from ..model import Dataset
from ..options import RenderOptions
from ..pipeline import archive_sources, effective_options
from ..release.snapshot import keep as keep_model
from ..safe_names import check_distinct, inside
from ..timing import Timings, recording, stage
from ..word.formats import docx_path
from .bounds import ReportBounds
from .execute import run_dask, run_local
from .fingerprint import job_fingerprint, resources_fingerprint
from .jobs import Job, plan
from .lock import output_lock
from .manifest import Entry, Manifest
from .worker import Rendered, Task, WorkerMemory

KINDS = ("brief", "donor", "country")


@dataclass(frozen=True)
class BatchOptions:
    """What to make and how."""

    out_dir: Path
    kinds: tuple[str, ...] = KINDS
    languages: tuple[str | None, ...] = (None,)
    years: tuple[int, ...] | None = None
    workers: int | None = None  # default: the machine's cores
    scheduler: str | None = None  # a Dask scheduler address: run there instead of locally
    retry_failed: bool = False
    force: bool = False
    compendium: bool = False
    render: RenderOptions = field(default_factory=RenderOptions)
    recycle_after: int | None = 1000  # reports per worker before a fresh one (a safety net); None: never
    time_limit: float | None = 300.0  # seconds one report may take; None: no limit
    memory_limit: int | None = 2048  # MB a worker may use while rendering one report; None: no limit
    formats: tuple[str, ...] = ("pdf",)  # with "docx", each report's Word edition beside its PDF; ("docx",): only it

    def limits(self) -> ReportBounds:
        """The per-report limits a worker applies (ending itself if a render cannot be
        stopped; with an address-space backstop in local workers, whose process is ours)."""
        return ReportBounds(self.time_limit, self.memory_limit, hard_exit=True, address_space=not self.scheduler)


@dataclass
class BatchSummary:
    """What a run did."""

    made: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[Entry] = field(default_factory=list)
    compendiums: list[Path] = field(default_factory=list)
    compendium_failures: list[str] = field(default_factory=list)  # "<path>: <why>", one per compendium not written
    #: Seconds per pipeline stage, summed over this process and every worker.
    timings: Timings = field(default_factory=Timings)
    #: Each worker process's memory after each of its reports, in the order it made them.
    memory: dict[int, list[WorkerMemory]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.compendium_failures else 0


class Progress(Protocol):
    """Receives the run's events; the CLI shows them (a progress bar, or log lines)."""

    def start(self, total: int, skipped: int) -> None: ...

    def update(self, entry: Entry) -> None: ...

    def finish(self, summary: BatchSummary) -> None: ...


class _Silent:
    """No progress display (library use)."""

    def start(self, total: int, skipped: int) -> None:
        pass

    def update(self, entry: Entry) -> None:
        pass

    def finish(self, summary: BatchSummary) -> None:
        pass


class Interrupted(BaseException):
    """The run was stopped by a signal; finished reports and the manifest were kept.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way (a
    check that must survive a hostile PDF, a worker's error handling) can swallow the stop."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


@contextmanager
def _stop_on_signals() -> Iterator[list[int]]:
    """Turn SIGTERM into an exception in the main thread (Ctrl-C already is one).

    The signal is also remembered in the yielded list: an exception raised by a signal
    handler while Python runs a finalizer (``__del__``, a weakref callback) is printed and
    dropped, so the run checks the list after every report as well."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_partials(out_dir: Path) -> None:
    """Temporary files of a run that was killed before it could clean up (``.<name>.<random>.part``)."""
    for part in out_dir.rglob(".*.part"):
        with contextlib.suppress(OSError):  # one we may not remove is not ours to worry about
            part.unlink(missing_ok=True)


def _source(dataset: Dataset, job: Job) -> str:
    """The data file a report comes from (its outcome's file, else organization.yaml)."""
    path = dataset.source_of(job.key) if job.kind == "brief" else dataset.organization_file
    return str(path or dataset.root)


def _blocked(dataset: Dataset, jobs: list[Job]) -> dict[str, tuple[str, str]]:
    """Jobs that would use an outcome left out for data errors: job id -> (error, source file)."""
    blocked: dict[str, tuple[str, str]] = {}
    for rejected in dataset.rejected:
        why = f"outcome {rejected.outcome_id or rejected.file.stem!r} has data errors; this report would be incomplete"
        for job in jobs:
            uses = (job.kind == "country" and (rejected.office is None or rejected.office == job.key)) or (
                job.kind == "donor" and (rejected.partners is None or job.key in rejected.partners)
            )
            if uses:
                blocked.setdefault(job.id, (why, str(rejected.file)))
    return blocked


def _jobs_of_rejected(dataset: Dataset, options: BatchOptions) -> set[Job]:
    """Donor and country reports that only a left-out outcome would have called for (its raw
    rows still say which partners and years): planned here so they are reported as failed
    instead of silently missing."""
    jobs: set[Job] = set()
    wanted_years = set(options.years) if options.years else None
    for rejected in dataset.rejected:
        pairs: list[tuple[str, str, int]] = []
        if "donor" in options.kinds:
            pairs += [("donor", partner, year) for partner, year in rejected.partner_years]
        if "country" in options.kinds and rejected.office is not None:
            pairs += [("country", rejected.office, year) for year in rejected.years]
        for kind_name, key, year in pairs:
            if wanted_years is None or year in wanted_years:
                jobs |= {Job(kind_name, key, year, lang) for lang in options.languages}
    return jobs


def _data_failures(dataset: Dataset) -> list[Entry]:
    """One failed entry per outcome file left out, with its errors."""
    entries = []
    for rejected in dataset.rejected:
        name = rejected.outcome_id or rejected.file.stem
        errors = "; ".join(str(issue) for issue in rejected.issues[:5])
        if len(rejected.issues) > 5:
            errors += f"; and {len(rejected.issues) - 5} more"
        entries.append(
            Entry(f"data/{name}", "data", name, 0, "", "", "failed", error=errors, source=str(rejected.file))
        )
    return entries


def run_batch(data_dir: Path, options: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    """Make every report of ``options`` from the data in ``data_dir``."""
    progress = progress or _Silent()
    started = time.perf_counter()
    with recording() as timings:
        summary = _run(data_dir, options, progress, timings)
    summary.seconds = time.perf_counter() - started
    progress.finish(summary)
    return summary


def _run(data_dir: Path, options: BatchOptions, progress: Progress, timings: Timings) -> BatchSummary:
    summary = BatchSummary(timings=timings)
    out_dir = options.out_dir
    # The lock first, held to the end: a second batch is refused before it reads the data or the manifest, in
    # every phase of this one (loading and planning, rendering, writing the manifest and the compendiums).
    with output_lock(out_dir), _stop_on_signals() as stop_signals:
        dataset = load_dataset(data_dir, skip_invalid=True)
        render = effective_options(dataset, options.render)
        _remove_partials(out_dir)
        manifest = Manifest.load(out_dir)
        last_save = time.monotonic()

        def record(entry: Entry, counted: bool = True) -> None:
            nonlocal last_save
            manifest.record(entry)
            if entry.status == "failed":
                summary.failed += 1
                summary.failures.append(entry)
            elif counted:
                summary.made += 1
            progress.update(entry)
            if time.monotonic() - last_save >= 1.0:
                manifest.save()
                last_save = time.monotonic()
            if stop_signals:  # a stop that a finalizer swallowed: stop now, keeping what is finished
                raise Interrupted(stop_signals[0])

        resources = resources_fingerprint(render.templates_dir, render.theme_dir)
        jobs = plan(dataset, options.kinds, options.languages, options.years)
        jobs = sorted({*jobs, *_jobs_of_rejected(dataset, options)})
        check_distinct((f"{job.kind} {job.key!r} {job.year}", job.path(out_dir)) for job in jobs)
        blocked = _blocked(dataset, jobs)
        tasks: list[Task] = []
        waiting: dict[str, tuple[Job, Path, str]] = {}
        reused: list[Entry] = []
        pdf_wanted, docx_wanted = "pdf" in options.formats, "docx" in options.formats
        for job in jobs:
            target = _report_file(job.path(out_dir), pdf_wanted)
            relative = str(target.relative_to(out_dir))
            base = Entry(job.id, job.kind, job.key, job.year, job.lang or "", relative, "failed",
                         source=_source(dataset, job))  # fmt: skip
            if job.id in blocked:
                error, source = blocked[job.id]
                reused.append(replace(base, error=error, source=source))
                continue
            try:
                with stage("model"):
                    model = kind(job.kind).build(dataset, job.key, job.year, job.lang, None)
            except ReportgenError as exc:
                reused.append(replace(base, error=str(exc)))
                continue
            with stage("fingerprint"):
                sources = archive_sources(dataset, job.kind, model, job.key, render)
                attached = [*(source.data for source in sources), *_format_marks(options.formats)]
                fingerprint = job_fingerprint(model, render, resources, attached)
                keep_model(out_dir, job.id, job.kind, job.key, job.year, model, fingerprint, dataset)  # for diffs
                previous = manifest.entries.get(job.id)
                unchanged = not options.force and previous is not None and previous.fingerprint == fingerprint
                if unchanged and previous is not None:
                    docx_there = not (docx_wanted and pdf_wanted) or docx_path(target).is_file()
                    if (
                        previous.status == "ok"
                        and target.is_file()
                        and sha256_of(target) == previous.sha256
                        and docx_there
                    ):
                        summary.skipped += 1
                        continue
                    if previous.status == "failed" and not options.retry_failed:
                        reused.append(previous)  # unchanged, and it failed last time: say so, do not redo
                        continue
            tasks.append(
                Task(job.id, job.kind, model, render, sources, options.limits(), job.key if docx_wanted else None,
                     pdf=pdf_wanted)
            )  # fmt: skip
            waiting[job.id] = (job, target, fingerprint)

        progress.start(len(tasks) + len(reused) + len(dataset.rejected), summary.skipped)
        for entry in [*_data_failures(dataset), *reused]:
            record(entry)
        try:
            results: Iterator[Rendered]
            if options.scheduler:
                results = run_dask(tasks, options.scheduler)
            else:
                results = run_local(tasks, options.workers or os.cpu_count() or 1, options.recycle_after)
            for result in results:
                timings.merge(result.stages)
                if result.memory is not None:
                    summary.memory.setdefault(result.memory.pid, []).append(result.memory)
                job, target, fingerprint = waiting[result.job_id]
                entry = Entry(
                    job.id, job.kind, job.key, job.year, job.lang or "", str(target.relative_to(out_dir)), "failed",
                    fingerprint=fingerprint, duration=round(result.seconds, 3), source=_source(dataset, job),
                )  # fmt: skip
                main_file = result.pdf if pdf_wanted else result.docx  # the file the entry's path names
                if result.error is not None or main_file is None:
                    record(replace(entry, error=result.error or "failed"))
                    continue
                try:
                    with stage("save"):
                        if result.pdf is not None:
                            write_atomic(result.pdf, inside(out_dir, target))
                        if result.docx is not None:
                            write_atomic(result.docx, inside(out_dir, docx_path(target)))
                except ReportgenError as exc:  # disk full, permission denied, a folder in the way: this report fails
                    record(replace(entry, error=str(exc)))
                    continue
                digest = hashlib.sha256(main_file).hexdigest()
                made = replace(entry, sha256=digest, pages=result.pages, bytes=len(main_file))
                made = replace(made, validator=result.validator)  # page-validation's verdict, when installed
                if result.docx is not None:
                    docx_file = str(docx_path(target).relative_to(out_dir))
                    made = replace(made, docx=docx_file, docx_sha256=hashlib.sha256(result.docx).hexdigest())
                if result.problems:  # a report that is not accessible (or not archival) counts as failed
                    record(replace(made, error="verify failed: " + "; ".join(result.problems)))
                else:
                    record(replace(made, status="ok"))
            if options.compendium:
                from .compendium import write_compendiums

                made_compendiums, failed_compendiums = write_compendiums(dataset, manifest, out_dir, options)
                summary.compendiums, summary.compendium_failures = made_compendiums, failed_compendiums
        finally:
            _drop_stale(manifest, {job.id for job in jobs}, dataset)
            manifest.save()
    return summary


def _report_file(pdf_target: Path, pdf_wanted: bool) -> Path:
    """The file a manifest entry names: the PDF, or the Word edition in a batch of Word editions only."""
    return pdf_target if pdf_wanted else docx_path(pdf_target)


def _format_marks(formats: tuple[str, ...]) -> list[bytes]:
    """What the output formats add to a fingerprint (nothing for PDFs alone, as before Word editions)."""
    if "docx" not in formats:
        return []
    return [b"format:docx"] if "pdf" in formats else [b"format:docx-only"]


def _drop_stale(manifest: Manifest, planned: set[str], dataset: Dataset) -> None:
    """Keep the manifest to this run's reports (and data failures) so it matches what it describes."""
    keep = planned | {f"data/{r.outcome_id or r.file.stem}" for r in dataset.rejected}
    for job_id in [j for j in manifest.entries if j not in keep]:
        entry = manifest.entries[job_id]
        if entry.kind == "data" or not (manifest.out_dir / entry.path).is_file():
            del manifest.entries[job_id]
