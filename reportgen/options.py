"""Options that change how a report is rendered (not what it says)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class PageSize(StrEnum):
    A4 = "A4"
    LETTER = "letter"


@dataclass(frozen=True)
class RenderOptions:
    """Rendering choices shared by every report of a run."""

    page_size: PageSize = PageSize.A4
    templates_dir: Path | None = None  # a user's folder, searched before the built-in templates
    archive: bool = False  # PDF/A-3a with the source data attached, instead of PDF/UA-1
    theme_dir: Path | None = None  # the theme folder (default: the organization's theme, else themes/default)
    print_ready: bool = False  # for a professional printer: bleed, crop marks, the theme's CMYK colours
    two_sided: bool = False  # mirrored margins; chapters start on a right-hand page
