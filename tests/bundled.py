"""Every bundled report as a PDF, for tests that read them all: the run's shared bundled batch
(``bundled_batch`` in tests/conftest.py) where that fixture exists, else ``reportgen build`` of the
bundled data (each report's latest year) made once per test process."""

from __future__ import annotations

from pathlib import Path

import pytest

from .batchutil import cli

DATA = Path(__file__).resolve().parents[1] / "data"
_BUILT: dict[Path, Path] = {}  # the build folder, per test session's base folder


def bundled_pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    try:
        out: Path = request.getfixturevalue("bundled_batch").out
    except pytest.FixtureLookupError:
        base = tmp_path_factory.getbasetemp()
        if base not in _BUILT:
            target = tmp_path_factory.mktemp("bundled") / "out"
            done = cli("build", "--data", DATA, "--out", target)
            assert done.returncode == 0, done.stderr
            _BUILT[base] = target
        out = _BUILT[base]
    return sorted(out.rglob("*.pdf"))
