"""reportgen: programme-results data -> print-ready, accessible PDF reports.

The library API runs the pipeline's stages top to bottom::

    dataset = load_dataset("data")
    report = build_brief(dataset, "mex-justice", 2024)
    pdf = brief_pdf(report)                       # bytes
    write_brief(dataset, "mex-justice", Path("out.pdf"))

Names are imported lazily, so ``import reportgen`` (and ``reportgen --help``) stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "BriefReport": "build",
    "build_brief": "build",
    "DataError": "errors",
    "Issue": "errors",
    "RenderError": "errors",
    "ReportgenError": "errors",
    "UnsafeResourceError": "errors",
    "UsageError": "errors",
    "load_dataset": "load",
    "Dataset": "model",
    "Money": "model",
    "PageSize": "options",
    "RenderOptions": "options",
    "BriefResult": "pipeline",
    "brief_html": "pipeline",
    "brief_pdf": "pipeline",
    "build_all_briefs": "pipeline",
    "write_brief": "pipeline",
    "ReportResult": "pipeline",
    "build_all": "pipeline",
    "report_pdf": "pipeline",
    "write_report": "pipeline",
    "kind": "kinds",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")


if TYPE_CHECKING:
    from .build import BriefReport, build_brief
    from .errors import DataError, Issue, RenderError, ReportgenError, UnsafeResourceError, UsageError
    from .kinds import kind
    from .load import load_dataset
    from .model import Dataset, Money
    from .options import PageSize, RenderOptions
    from .pipeline import (
        BriefResult,
        ReportResult,
        brief_html,
        brief_pdf,
        build_all,
        build_all_briefs,
        report_pdf,
        write_brief,
        write_report,
    )
