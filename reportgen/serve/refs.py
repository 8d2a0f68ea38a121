"""Naming one previewable report: kind, entity, year and language; page sizes by name."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..kinds import KIND_MODULES

#: Headings of the preview's index, one per report kind.
KIND_TITLES = {"brief": "Outcome briefs", "donor": "Donor reports", "country": "Country annual reports"}

_MM_PER_PT = 25.4 / 72
_PAPER = {(210, 297): "A4", (216, 279): "US Letter", (297, 420): "A3", (148, 210): "A5"}


@dataclass(frozen=True, order=True)
class ReportRef:
    """One report as the preview addresses it: ``brief/mex-justice/2024/en``."""

    kind: str
    key: str
    year: int
    lang: str

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.key}/{self.year}/{self.lang}"

    @property
    def url(self) -> str:
        return f"/report/{self.id}"

    @classmethod
    def parse(cls, kind: str, key: str, year: str | int, lang: str) -> ReportRef:
        """The report named by a URL's parts; unknown kinds and bad years are a UsageError."""
        if kind not in KIND_MODULES:
            raise UsageError(f"unknown report kind {kind!r}")
        try:
            number = int(year)
        except ValueError:
            raise UsageError(f"not a year: {year!r}") from None
        return cls(kind, key, number, lang)


def paper_name(width_pt: float, height_pt: float) -> str:
    """``A4 portrait · 210 × 297 mm``: the page size as a printer names it."""
    width, height = round(width_pt * _MM_PER_PT), round(height_pt * _MM_PER_PT)
    short, long = sorted((width, height))
    name = _PAPER.get((short, long))
    orientation = "landscape" if width > height else "portrait"
    label = f"{name} {orientation}" if name else orientation.capitalize()
    return f"{label} · {width} × {height} mm"
