"""Every bundled report as a PDF, for tests that read them all: the run's shared bundled batch
(``bundled_batch`` in tests/conftest.py: every kind, every year, made once per test run)."""

from __future__ import annotations

from pathlib import Path

import pytest


def bundled_pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The PDFs of the shared bundled batch (``tmp_path_factory`` is kept for the callers' signature)."""
    out: Path = request.getfixturevalue("bundled_batch").out
    return sorted(out.rglob("*.pdf"))
