"""benchmarks/preview.py runs end to end and its figures agree with themselves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_preview_benchmark_measures_every_kind(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "preview.py"), "--repeat", "1", "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(tmp_path.glob("preview-*.json"))
    assert len(written) == 1 and str(written[0]) in done.stdout
    figures = json.loads(written[0].read_text())
    reports = figures["reports"]
    assert set(reports) == {"brief", "donor", "country"}
    for row in reports.values():
        assert row["pages"] > 0 and row["render_pdf_seconds"] > 0
        assert 0 < row["edit_to_notice_seconds"] <= row["edit_to_visible_seconds"]
        assert row["edit_to_visible_runs"] == [row["edit_to_visible_seconds"]]
        overhead = row["edit_to_visible_seconds"] - row["render_pdf_seconds"]
        assert row["preview_overhead_seconds"] == pytest.approx(overhead, abs=0.002)
        assert row["report"] in done.stdout
    assert reports["country"]["pages"] > reports["brief"]["pages"]
