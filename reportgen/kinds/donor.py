"""The donor report: one per funding partner x year (what the partner's money did)."""

from __future__ import annotations

from typing import cast

from ..build.donor import build_donor, donor_jobs
from ..build.donor_model import DonorReport
from ..charts.donor import donor_charts
from .base import Report, ReportKind

KIND = ReportKind(
    name="donor",
    folder="donors",
    template="donor.html",
    build=build_donor,
    charts=lambda report: donor_charts(cast(DonorReport, report)),
    jobs=donor_jobs,
    stylesheets=("long.css", "donor.css"),
)

__all__ = ["KIND", "Report"]
