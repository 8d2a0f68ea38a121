"""Benchmark datasets: one synthetic dataset per size, generated once and reused, and the load time.

A dataset folder holds a marker file (``.benchmark-dataset.json``) naming the reportgen version,
a digest of the generator's source and the generator's arguments; a folder whose marker differs
(or has none) is deleted and written again, so a changed generator never gives stale data.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reportgen
import reportgen.synthetic
from reportgen.load import load_dataset
from reportgen.model import Dataset

MARKER = ".benchmark-dataset.json"


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset on disk: where, how big, and whether this run had to generate it."""

    path: Path
    outcomes: int
    seed: int
    generated: bool
    generate_seconds: float | None  # None when reused


@dataclass(frozen=True)
class LoadFigures:
    """``load_dataset`` on one dataset: the median of ``repeat`` runs."""

    seconds: float
    seconds_per_outcome: float
    runs: list[float]
    outcomes: int


def _marker(outcomes: int, seed: int) -> dict[str, Any]:
    source = Path(reportgen.synthetic.__file__).read_bytes()
    return {
        "generator": "reportgen.synthetic.write_dataset",
        "reportgen": reportgen.__version__,
        "generator_sha256": hashlib.sha256(source).hexdigest(),
        "outcomes": outcomes,
        "seed": seed,
    }


def ensure_dataset(work: Path, outcomes: int, seed: int = 0) -> DatasetInfo:
    """``work/synthetic-<outcomes>``, written by ``reportgen.synthetic.write_dataset`` unless an
    identical one (same marker) is already there."""
    target = work / f"synthetic-{outcomes}"
    wanted = _marker(outcomes, seed)
    marker = target / MARKER
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if found == wanted:
        return DatasetInfo(target, outcomes, seed, generated=False, generate_seconds=None)
    if target.exists():
        shutil.rmtree(target)  # write_dataset leaves foreign files alone; they would be loaded too
    start = time.perf_counter()
    reportgen.synthetic.write_dataset(target, outcomes, seed=seed)
    seconds = time.perf_counter() - start
    marker.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    return DatasetInfo(target, outcomes, seed, generated=True, generate_seconds=seconds)


def time_load(path: Path, repeat: int) -> tuple[Dataset, LoadFigures]:
    """Load ``path`` ``repeat`` times; return the last dataset and the median time."""
    runs: list[float] = []
    dataset: Dataset | None = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        dataset = load_dataset(path)
        runs.append(time.perf_counter() - start)
    assert dataset is not None
    seconds = statistics.median(runs)
    count = len(dataset.outcomes)
    return dataset, LoadFigures(seconds, seconds / max(1, count), runs, count)
