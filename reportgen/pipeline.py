"""The pipeline, top to bottom: load -> build -> charts -> render -> PDF -> write.

These functions are the library API; the CLI is a thin layer over them. Every report
kind (brief, donor, country) runs through the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .build import BriefReport
from .charts import style
from .errors import RenderError, ReportgenError
from .io_errors import describe
from .kinds import Report, ReportKind, kind
from .load import load_dataset
from .model import Dataset
from .options import RenderOptions
from .pdf import SourceFile, pdf_bytes, write_atomic
from .render import HtmlDocument, render_html
from .runtime import report_done
from .safe_names import check_distinct, inside
from .themes import find_theme, load_theme
from .timing import stage

__all__ = [
    "ReportResult",
    "brief_html",
    "brief_pdf",
    "build_all",
    "build_all_briefs",
    "load_dataset",
    "report_html",
    "report_pdf",
    "write_brief",
    "write_report",
]

DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class ReportResult:
    """One report written (or failed) by :func:`build_all`."""

    kind: str
    key: str
    year: int
    path: Path | None
    error: ReportgenError | None = None


BriefResult = ReportResult  # the name used before donor and country reports existed


def report_html(report_kind: ReportKind, report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> HtmlDocument:
    """Charts and HTML for one report model."""
    theme = load_theme(options.theme_dir)
    look = style.from_theme(theme)
    with stage("charts"), style.using(look):
        charts = report_kind.charts(report)
    if options.print_ready:  # the theme's inks for its chart colours
        charts = {name: replace(chart, svg=style.to_print(chart.svg, look.inks)) for name, chart in charts.items()}
    with stage("html"):
        return render_html(
            report_kind.template, report, charts, options, title=report.title, lang=report.lang, locale=report.locale
        )


def report_pdf(
    report_kind: ReportKind,
    report: Report,
    options: RenderOptions = DEFAULT_OPTIONS,
    sources: tuple[SourceFile, ...] = (),
) -> bytes:
    """The PDF of one report model (``sources`` are embedded in archival PDFs)."""
    return pdf_bytes(report_html(report_kind, report, options), options, report_kind.stylesheets, sources)


def archive_sources(
    dataset: Dataset, kind_name: str, report: Report, key: str, options: RenderOptions
) -> tuple[SourceFile, ...]:
    """The source data to embed when ``options`` (or the organization) ask for archival PDFs."""
    if not options.archive:
        return ()
    from .archive import source_files

    return source_files(dataset, kind_name, key, report.report_year, report.lang, report.locale)


def effective_options(dataset: Dataset, options: RenderOptions) -> RenderOptions:
    """``options`` with the organization's defaults applied: ``archive: true`` in its file, and
    its ``theme`` unless ``--theme`` chose one (the loader checked that the theme exists)."""
    if dataset.organization.archive and not options.archive:
        options = replace(options, archive=True)
    if options.theme_dir is None and dataset.organization.theme:
        options = replace(options, theme_dir=find_theme(dataset.organization.theme, dataset.root))
    return options


def write_report(
    dataset: Dataset,
    kind_name: str,
    key: str,
    target: Path,
    year: int | None = None,
    lang: str | None = None,
    locale: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Path:
    """Build, render and atomically write one report; returns the path written."""
    report_kind = kind(kind_name)
    with stage("model"):
        report = report_kind.build(dataset, key, year, lang, locale)
    options = effective_options(dataset, options)
    sources = archive_sources(dataset, kind_name, report, key, options)
    try:
        data = report_pdf(report_kind, report, options, sources)
    except OSError as exc:  # a temporary file (WeasyPrint's fonts) could not be written: a full disk
        raise RenderError(f"cannot render {target}: {describe(exc)}, writing a temporary file") from exc
    with stage("save"):
        return write_atomic(data, target)


def build_all(
    dataset: Dataset,
    out_dir: Path,
    options: RenderOptions = DEFAULT_OPTIONS,
    kinds: Iterable[str] = ("brief", "donor", "country"),
    lang: str | None = None,
    every_year: bool = False,
) -> Iterator[ReportResult]:
    """The reports of the given kinds the data supports (the latest year of each entity, or
    ``every_year``); one failure never stops the rest. Two reports that would be written to
    the same file stop the run before anything is written (UsageError)."""
    planned = [
        (kind_name, key, year, kind(kind_name).path(out_dir, key, year, lang))
        for kind_name in kinds
        for key, year in jobs_of(kind(kind_name), dataset, every_year)
    ]
    check_distinct((f"{kind_name} {key!r} {year}", target) for kind_name, key, year, target in planned)
    for kind_name, key, year, target in planned:
        try:
            path = write_report(dataset, kind_name, key, inside(out_dir, target), year, lang, None, options)
            result = ReportResult(kind_name, key, year, path)
        except ReportgenError as exc:
            result = ReportResult(kind_name, key, year, None, exc)
        except Exception as exc:  # a bug met by one report's data: report it, make the others
            error = RenderError(f"internal error: {type(exc).__name__}: {exc}")
            error.__cause__ = exc
            result = ReportResult(kind_name, key, year, None, error)
        report_done()
        yield result


def jobs_of(report_kind: ReportKind, dataset: Dataset, every_year: bool = False) -> list[tuple[str, int]]:
    """(key, year) pairs to make: every year the data supports, or the latest of each key."""
    jobs = report_kind.jobs(dataset)
    if every_year:
        return jobs
    latest: dict[str, int] = {}
    for key, year in jobs:
        latest[key] = max(year, latest.get(key, year))
    return sorted(latest.items())


# The outcome brief's names, kept for the library API of the first release.


def brief_html(report: BriefReport, options: RenderOptions = DEFAULT_OPTIONS) -> HtmlDocument:
    return report_html(kind("brief"), report, options)


def brief_pdf(report: BriefReport, options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    return report_pdf(kind("brief"), report, options)


def write_brief(
    dataset: Dataset, outcome_id: str, target: Path, year: int | None = None, options: RenderOptions = DEFAULT_OPTIONS
) -> Path:
    return write_report(dataset, "brief", outcome_id, target, year, options=options)


def build_all_briefs(
    dataset: Dataset, out_dir: Path, options: RenderOptions = DEFAULT_OPTIONS
) -> Iterator[ReportResult]:
    return build_all(dataset, out_dir, options, kinds=("brief",))
