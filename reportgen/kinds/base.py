"""What the pipeline needs to know about one kind of report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..charts import ChartFigure
from ..model import Dataset, Organization
from ..safe_names import file_name


class Report(Protocol):
    """What every report model offers the pipeline (BriefReport, DonorReport, CountryReport)."""

    @property
    def title(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def locale(self) -> str: ...

    @property
    def report_year(self) -> int: ...

    @property
    def data_as_of(self) -> dt.date: ...

    @property
    def organization(self) -> Organization: ...


#: build(dataset, key, year, lang, locale) -> report model
Builder = Callable[[Dataset, str, int | None, str | None, str | None], Report]


@dataclass(frozen=True)
class ReportKind:
    """A kind of report: how to build it, chart it, lay it out and name its file."""

    name: str
    folder: str  # output sub-folder
    template: str
    build: Builder
    charts: Callable[[Report], Mapping[str, ChartFigure]]
    jobs: Callable[[Dataset], list[tuple[str, int]]]  # every (key, year) the data supports
    stylesheets: tuple[str, ...] = ()  # extra stylesheets under assets/css/

    def path(self, out_dir: Path, key: str, year: int, lang: str | None = None) -> Path:
        """``out_dir/<folder>/<key>-<year>[.<lang>].pdf``, the one naming rule of every kind: the
        year is in every name, so a report for another year never overwrites this one. The
        language suffix only when asked for. The key and the language go through
        :func:`reportgen.safe_names.file_name`, so any key gives one file directly in
        ``out_dir/<folder>``."""
        suffix = f".{file_name(lang)}" if lang else ""
        return out_dir / self.folder / f"{file_name(key)}-{year}{suffix}.pdf"
