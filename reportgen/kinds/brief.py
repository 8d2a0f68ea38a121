"""The outcome brief: one per outcome (x year), written as ``briefs/<outcome-id>-<year>.pdf``."""

from __future__ import annotations

from typing import cast

from ..build import BriefReport, build_brief, default_report_year
from ..charts import brief_charts
from ..model import Dataset
from .base import Report, ReportKind


def _jobs(dataset: Dataset) -> list[tuple[str, int]]:
    return [(oid, default_report_year(dataset.outcomes[oid])) for oid in sorted(dataset.outcomes)]


KIND = ReportKind(
    name="brief",
    folder="briefs",
    template="brief.html",
    build=build_brief,
    charts=lambda report: brief_charts(cast(BriefReport, report)),
    jobs=_jobs,
)

__all__ = ["KIND", "Report"]
