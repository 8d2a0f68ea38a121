"""The job list of a batch: every (kind x entity x year x language) the data supports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..kinds import kind
from ..model import Dataset


@dataclass(frozen=True, order=True)
class Job:
    """One report to make. ``lang`` None is the report's own default language."""

    kind: str
    key: str
    year: int
    lang: str | None = None

    @property
    def id(self) -> str:
        """A stable identifier, also the manifest's key: ``donor/sweden/2024/es``."""
        return f"{self.kind}/{self.key}/{self.year}/{self.lang or '-'}"

    def path(self, out_dir: Path) -> Path:
        return kind(self.kind).path(out_dir, self.key, self.year, self.lang)


def plan(
    dataset: Dataset,
    kinds: Sequence[str],
    languages: Sequence[str | None] = (None,),
    years: Iterable[int] | None = None,
    every_year: bool = True,
) -> list[Job]:
    """Every job the data supports for ``kinds`` x ``languages``, optionally only ``years``."""
    from ..pipeline import jobs_of

    wanted = set(years) if years is not None else None
    jobs = [
        Job(kind_name, key, year, lang)
        for kind_name in kinds
        for key, year in jobs_of(kind(kind_name), dataset, every_year)
        if wanted is None or year in wanted
        for lang in languages
    ]
    return sorted(jobs)
