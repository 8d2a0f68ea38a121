"""Shared fixtures: the bundled dataset and briefs rendered once per test session."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportgen import Dataset, load_dataset
from reportgen.pipeline import write_brief

from .pdfread import TaggedPdf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> dict[str, Path]:
    """Every bundled outcome's brief, rendered once for the whole session."""
    out = tmp_path_factory.mktemp("briefs")
    return {oid: write_brief(dataset, oid, out / f"{oid}.pdf") for oid in sorted(dataset.outcomes)}


@pytest.fixture(scope="session")
def mexico_pdf(rendered: dict[str, Path]) -> TaggedPdf:
    return TaggedPdf(rendered["mex-justice"])


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture()
def no_hang() -> Iterator[None]:
    """A FIFO opened by mistake would block for ever: fail the test after 20 s instead."""

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError("blocked: a FIFO or device was opened")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
