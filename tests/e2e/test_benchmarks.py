"""The benchmark harness as a user runs it: once, at a tiny size, checked for what it writes and
whether its figures hang together (never for how fast anything is)."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from benchmarks.results import HISTORY_FIELDS
from benchmarks.targets import NAMES

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("load", "model", "charts", "html", "layout", "write", "save")
OLD_LINE = dict.fromkeys(HISTORY_FIELDS, "") | {"date": "2000-01-01", "label": "old", "note": "an earlier run"}


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str], results: Path) -> None:
        self.done = done
        self.results = results
        found = sorted(results.glob("*-bench-test.json"))
        assert len(found) == 1, (found, done.stdout[-3000:], done.stderr[-3000:])
        self.json_path = found[0]
        self.data: dict[str, Any] = json.loads(found[0].read_text(encoding="utf-8"))
        self.size: dict[str, Any] = self.data["sizes"][0]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The harness as a script, from another folder, with a history.csv that already has a line."""
    base = tmp_path_factory.mktemp("bench")
    results = base / "results"
    results.mkdir()
    with (results / "history.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HISTORY_FIELDS)
        writer.writeheader()
        writer.writerow(OLD_LINE)
    command = [
        sys.executable, str(ROOT / "benchmarks" / "run.py"), "--outcomes", "3", "--jobs", "1,2", "--sample", "1",
        "--repeat", "1", "--skip-charts", "--results", str(results), "--work", str(base / "work"),
        "--label", "bench-test", "--note", "e2e test",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    return Run(done, results)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_json_has_every_section(run: Run) -> None:
    data = run.data
    for section in ("machine", "arguments", "sizes", "cold_start", "chart_embedding", "targets", "problems"):
        assert section in data, section
    for field in ("cores", "platform", "python", "reportgen", "weasyprint", "git_commit", "datetime"):
        assert field in data["machine"], field
    assert data["arguments"]["outcomes"] == [3]
    assert data["arguments"]["jobs"] == [1, 2]
    assert data["note"] == "e2e test"
    assert data["chart_embedding"] == {"skipped": "--skip-charts"}
    assert data["problems"] == []
    assert [s["outcomes"] for s in data["sizes"]] == [3]
    assert set(run.size["kinds"]) == {"brief", "donor", "country"}
    assert run.size["load"]["seconds"] > 0


def test_every_stage_and_floor_time_is_positive(run: Run) -> None:
    for name, figures in run.size["kinds"].items():
        for stage in STAGES:
            assert figures["stages"][stage] > 0, (name, stage)
        for field in ("floor_layout", "floor_write", "floor_total", "pipeline_total", "first_report_seconds"):
            assert figures[field] > 0, (name, field)


def test_pipeline_total_covers_its_stages(run: Run) -> None:
    # One report run once: the medians are the figures themselves, so the sum is exact.
    for name, figures in run.size["kinds"].items():
        stages = sum(figures["stages"].values())
        assert figures["pipeline_total"] >= stages - 1e-9, name
        assert close(figures["pipeline_total"], stages + figures["unmarked"]), name
        for report in figures["reports"]:
            assert report["pipeline_total"] >= sum(report["stages"].values()) - 1e-9, (name, report["key"])


def test_floor_makes_as_many_pages_as_the_pipeline(run: Run) -> None:
    for name, figures in run.size["kinds"].items():
        assert figures["reports"], name
        for report in figures["reports"]:
            assert report["pages"] > 0
            assert report["floor_pages"] == report["pages"], (name, report["key"])
            assert close(report["bytes_per_page"], report["bytes"] / report["pages"])


def test_batch_made_every_brief_and_the_rerun_skipped_them(run: Run) -> None:
    batch = run.size["batch"]
    assert [r["jobs"] for r in batch["runs"]] == [1, 2]
    for r in batch["runs"]:
        assert (r["made"], r["failed"], r["skipped"]) == (3, 0, 0), r
    assert batch["runs"][0]["recycle_after"] is None
    rerun = batch["rerun"]
    assert (rerun["jobs"], rerun["skipped"], rerun["made"], rerun["failed"]) == (2, 3, 0, 0)
    memory = batch["memory"]
    assert memory["reports"] == 3
    assert memory["points"]["last"]["rss"] > 0
    assert memory["memory_ratio"] is None and "200" in memory["memory_ratio_reason"]


def test_ratios_are_the_json_own_figures(run: Run) -> None:
    for figures in run.size["kinds"].values():
        assert close(figures["overhead_ratio"], figures["pipeline_total"] / figures["floor_total"])
    batch = run.size["batch"]
    speed = {r["jobs"]: r["reports_per_second"] for r in batch["runs"]}
    for r in batch["runs"]:
        assert close(r["reports_per_second"], r["made"] / r["seconds"])
    assert batch["pool_jobs"] == 2
    assert close(batch["pool_ratio"], speed[2] / speed[1])
    rerun = batch["rerun"]
    assert close(rerun["full_seconds"], batch["runs"][1]["seconds"])
    assert close(rerun["rerun_ratio"], rerun["seconds"] / rerun["full_seconds"])


def test_targets(run: Run) -> None:
    targets = {t["name"]: t for t in run.data["targets"]}
    assert list(targets) == list(NAMES)
    for t in targets.values():
        assert {"name", "value", "limit", "passed", "size"} <= set(t)
    overhead = targets["brief_overhead_ratio"]
    assert close(overhead["value"], run.size["kinds"]["brief"]["overhead_ratio"])
    assert overhead["passed"] == (overhead["value"] <= overhead["limit"]) and overhead["size"] == 3
    assert close(targets["pool_ratio"]["value"], run.size["batch"]["pool_ratio"])
    assert targets["memory_ratio"]["passed"] is None  # needs 1000 reports
    rerun = targets["rerun_ratio"]
    assert rerun["informational"] and close(rerun["value"], run.size["batch"]["rerun"]["rerun_ratio"])
    assert close(targets["help_cold_start_seconds"]["value"], run.data["cold_start"]["help_seconds"])
    assert run.data["cold_start"]["brief_seconds"] > 0
    for name in NAMES:
        assert name in run.done.stdout
    assert "PASS" in run.done.stdout or "FAIL" in run.done.stdout


def test_png(run: Run) -> None:
    with Image.open(run.json_path.with_suffix(".png")) as image:
        assert image.format == "PNG"
        assert image.width >= 400


def test_history_gained_one_line(run: Run) -> None:
    with (run.results / "history.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    assert rows[0] == OLD_LINE
    assert rows[1]["label"] == "bench-test" and rows[1]["note"] == "e2e test" and rows[1]["sizes"] == "3"
    assert float(rows[1]["overhead_ratio"]) > 0


def test_latest_md_mentions_every_target(run: Run) -> None:
    text = (run.results / "latest.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert name in text
    assert run.json_path.name in text


def test_runs_as_a_module_and_refuses_bad_arguments() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0 and "--outcomes" in shown.stdout
    refused = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--outcomes", "ten"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2 and "--outcomes" in refused.stderr
