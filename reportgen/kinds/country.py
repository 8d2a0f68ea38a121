"""The country (office) annual report: one per office x year."""

from __future__ import annotations

from typing import cast

from ..build.country import build_country, country_jobs
from ..build.country_model import CountryReport
from ..charts.country import country_charts
from .base import Report, ReportKind

KIND = ReportKind(
    name="country",
    folder="countries",
    template="country.html",
    build=build_country,
    charts=lambda report: country_charts(cast(CountryReport, report)),
    jobs=country_jobs,
    stylesheets=("long.css", "country.css"),
)

__all__ = ["KIND", "Report"]
