"""Writing Word editions: one report's .docx, or every report's beside (or instead of) its PDF."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RenderError, ReportgenError
from ..io_errors import describe
from ..kinds import kind
from ..model import Dataset
from ..options import RenderOptions
from ..pdf import write_atomic
from ..timing import stage
from .formats import docx_path

if TYPE_CHECKING:
    from ..pipeline import ReportResult


def write_docx(
    dataset: Dataset,
    kind_name: str,
    key: str,
    target: Path,
    year: int | None = None,
    lang: str | None = None,
    locale: str | None = None,
    options: RenderOptions | None = None,
) -> Path:
    """Build one report and atomically write its Word edition to ``target``; returns the path."""
    from ..pipeline import DEFAULT_OPTIONS, effective_options
    from .build import report_docx

    report_kind = kind(kind_name)
    with stage("model"):
        report = report_kind.build(dataset, key, year, lang, locale)
    options = effective_options(dataset, options or DEFAULT_OPTIONS)
    try:
        data = report_docx(report_kind, report, options, key)
    except OSError as exc:
        raise RenderError(f"cannot render {target}: {describe(exc)}") from exc
    with stage("save"):
        return write_atomic(data, target)


def with_docx(
    dataset: Dataset, results: Iterable[ReportResult], options: RenderOptions, lang: str | None
) -> Iterator[ReportResult]:
    """Each written PDF of ``results`` followed by its Word edition beside it (a failure of the
    .docx is that report's failure, the others go on)."""
    for result in results:
        yield result
        if result.path is None:
            continue
        try:
            path = write_docx(
                dataset, result.kind, result.key, docx_path(result.path), result.year, lang, None, options
            )
            yield replace(result, path=path)
        except ReportgenError as exc:
            yield replace(result, path=None, error=exc)


def build_all_docx(
    dataset: Dataset, out_dir: Path, options: RenderOptions, kinds: Iterable[str], lang: str | None
) -> Iterator[ReportResult]:
    """Only the Word editions of what :func:`reportgen.pipeline.build_all` would write."""
    from ..pipeline import ReportResult, jobs_of
    from ..safe_names import check_distinct, inside

    planned = [
        (name, key, year, docx_path(kind(name).path(out_dir, key, year, lang)))
        for name in kinds
        for key, year in jobs_of(kind(name), dataset)
    ]
    check_distinct((f"{name} {key!r} {year}", target) for name, key, year, target in planned)
    for name, key, year, target in planned:
        try:
            path = write_docx(dataset, name, key, inside(out_dir, target), year, lang, None, options)
            yield ReportResult(name, key, year, path)
        except ReportgenError as exc:
            yield ReportResult(name, key, year, None, exc)
