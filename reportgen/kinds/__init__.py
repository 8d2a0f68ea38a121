"""The kinds of report reportgen makes, each in its own module, imported on first use."""

from __future__ import annotations

from importlib import import_module

from ..errors import UsageError
from .base import Report, ReportKind

#: Kind name -> module defining ``KIND``.
KIND_MODULES = {"brief": "brief", "donor": "donor", "country": "country"}


def kind(name: str) -> ReportKind:
    """The report kind called ``name``."""
    if name not in KIND_MODULES:
        raise UsageError(f"unknown report kind {name!r} (kinds: {', '.join(KIND_MODULES)})")
    found: ReportKind = import_module(f".{KIND_MODULES[name]}", __name__).KIND
    return found


__all__ = ["KIND_MODULES", "Report", "ReportKind", "kind"]
