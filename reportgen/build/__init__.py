"""Build stage: a Dataset -> report models with every figure computed."""

from .brief import build_brief, default_report_year
from .brief_model import BriefReport

__all__ = ["BriefReport", "build_brief", "default_report_year"]
