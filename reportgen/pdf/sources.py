"""Files attached to a report (PDF/A-3 "source data"), as plain bytes the PDF stage embeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFile:
    """A file to embed in the PDF, with its PDF/A-3 relationship to the document."""

    name: str
    data: bytes
    description: str
    relationship: str = "Source"  # Source | Data | Alternative | Supplement | Unspecified
    modified: dt.date | None = None
