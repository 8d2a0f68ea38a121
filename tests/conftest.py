"""Shared fixtures: the bundled dataset, briefs rendered once per test session, and the bundled
data batched once per test run (shared by every xdist worker)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen import Dataset, load_dataset
from reportgen.pipeline import write_brief

from .batchutil import cli
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


@dataclass(frozen=True)
class Batched:
    """A data folder, the batch output folder made from it, and the ``reportgen batch`` command's result."""

    data: Path
    out: Path
    result: subprocess.CompletedProcess[str]

    def copy(self, target: Path) -> Batched:
        """A writable copy of the data and the output in ``target``/data and ``target``/out, file times
        kept (as ``cp -a``): a batch of the copy finds every report up to date."""
        data = shutil.copytree(self.data, target / "data", symlinks=True)
        out = shutil.copytree(self.out, target / "out", symlinks=True)
        return Batched(data, out, self.result)


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run: above the worker's own under pytest-xdist (so every worker
    of the run shares it), the base folder itself without xdist."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def bundled_batch(tmp_path_factory: pytest.TempPathFactory) -> Batched:
    """``reportgen batch`` of a copy of the bundled data (every kind, every year, ``--jobs 2``), made
    once per test run: the first worker to ask makes it under a file lock, the others wait and reuse
    it. Read-only: a test that changes the data or the output works on :meth:`Batched.copy`."""
    root = _run_folder(tmp_path_factory) / "bundled-batch"
    record = root / "result.json"
    with (root.parent / "bundled-batch.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not record.is_file():
            shutil.rmtree(root, ignore_errors=True)
            data = shutil.copytree(DATA, root / "data")
            done = cli("batch", "--data", data, "--out", root / "out", "--jobs", "2")
            result = {"args": done.args, "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
            (root / "result.part").write_text(json.dumps(result), encoding="utf-8")
            (root / "result.part").replace(record)
    found = json.loads(record.read_text(encoding="utf-8"))
    result = subprocess.CompletedProcess(found["args"], found["returncode"], found["stdout"], found["stderr"])
    return Batched(root / "data", root / "out", result)
