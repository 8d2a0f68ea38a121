"""The outcome brief: one per outcome and year with data, written as ``briefs/<outcome-id>-<year>.pdf``."""

from __future__ import annotations

from typing import cast

from ..build import BriefReport, build_brief
from ..build.brief import report_years
from ..charts import brief_charts
from ..model import Dataset
from .base import Report, ReportKind


def _jobs(dataset: Dataset) -> list[tuple[str, int]]:
    return [(oid, year) for oid in sorted(dataset.outcomes) for year in report_years(dataset.outcomes[oid])]


KIND = ReportKind(
    name="brief",
    folder="briefs",
    template="brief.html",
    build=build_brief,
    charts=lambda report: brief_charts(cast(BriefReport, report)),
    jobs=_jobs,
)

__all__ = ["KIND", "Report"]
