"""The year-end batch on generated data: its manifest, a broken outcome, SIGTERM and the
rerun, --retry-failed and --force, and failures a batch must survive.

Split from ``test_batch.py`` (the bundled data and Dask) so the two halves run in parallel.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from reportgen.batch import BatchOptions, Job, run_batch
from reportgen.synthetic import write_dataset

from ..batchutil import (
    BATCH_TIMEOUT,
    LOCK_MESSAGE,
    NOTE_WORDS,
    SUMMARY,
    WAIT_CEILING,
    assert_pdfs_match_manifest,
    by_status,
    cli,
    counts,
    identities,
    jobs_of,
    ok_count,
    parent_pids,
    read_manifest,
    replace_in,
    start,
    wait_for,
)
from ..conftest import DATA

#: Generated outcomes with few indicators and funding partners: short briefs, quick to render; these
#: tests are about the batch, not the reports' content.
SMALL: dict[str, Any] = {"indicators": (1, 3), "funders": (1, 3)}

# --- 1. the manifest of a finished generated batch ------------------------------------------


def _years_with_data(file: Path) -> set[int]:
    """The years of an outcome file's period with resources, contributions, indicator values or a progress note."""
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    years = {int(row["year"]) for name in ("resources", "contributions", "progress") for row in raw.get(name, [])}
    years |= {int(year) for indicator in raw.get("indicators", []) for year in indicator.get("actuals", {})}
    return {year for year in years if raw["period"]["start"] <= year <= raw["period"]["end"]}


def test_generated_batch_manifest_lists_every_report_with_its_checksum_pages_and_size(
    interrupted: StopAndRerun, tmp_path: Path
) -> None:
    """The generated batch of ``interrupted`` once its rerun finished (the batch of sections 4 and 5:
    rendering the same briefs again here would prove nothing more); then a library run on a copy."""
    data = interrupted.data
    expected = {job.id: job for job in jobs_of(data, ("brief",))}
    # A brief per outcome and year with data, read from the files here (every outcome has a report year).
    from_files = {(f.stem, year) for f in (data / "outcomes").glob("*.yaml") for year in _years_with_data(f)}
    assert {(job.key, job.year) for job in expected.values()} == from_files
    assert len({job.year for job in expected.values()}) > 1
    assert interrupted.rerun is not None and interrupted.rerun.returncode == 0, interrupted.rerun

    out = shutil.copytree(interrupted.out, tmp_path / "out")
    summary = run_batch(data, BatchOptions(out_dir=out, kinds=("brief",), workers=2))  # through the library

    assert summary.failures == [] and summary.failed == 0
    assert (summary.made, summary.skipped) == (0, len(expected))
    entries = read_manifest(out)
    assert entries == interrupted.rerun_entries
    assert set(entries) == set(expected)
    for job_id, entry in entries.items():
        job = expected[job_id]
        assert entry["status"] == "ok", entry
        assert (entry["kind"], entry["key"], entry["year"]) == (job.kind, job.key, job.year)
        assert entry["path"] == f"briefs/{job.key}-{job.year}.pdf"
        assert entry["source"] == str(data / "outcomes" / f"{job.key}.yaml")
    assert_pdfs_match_manifest(out, entries)
    names = sorted(f"{job.key}-{job.year}.pdf" for job in expected.values())
    assert sorted(p.name for p in (out / "briefs").iterdir()) == names

    # manifest.csv: the same entries, one row each, every field as the JSON has it
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == sorted(expected)
    for row in rows:
        assert row == {name: str(value) for name, value in entries[row["id"]].items()}


# --- 3. one broken outcome ------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenRun:
    file: Path
    out: Path
    result: subprocess.CompletedProcess[str]
    jobs: list[Job]  # the jobs of the data before it was broken
    blocked: set[str]  # the reports that use the broken outcome, by the rule of the batch
    entries: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> BrokenRun:
    """A batch of the latest year into a new folder of the bundled data with a negative amount in
    mex-wps.yaml. (One year: which reports a broken file blocks does not depend on the year, and the
    run's batch of every year is in test_batch.py.)"""
    root = tmp_path_factory.mktemp("broken")
    data = root / "data"
    shutil.copytree(DATA, data)
    year = max(job.year for job in jobs_of(data))
    jobs = [job for job in jobs_of(data) if job.year == year]
    file = data / "outcomes" / "mex-wps.yaml"
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    partners = {row["partner"] for row in raw["contributions"]}
    # Its office's report and its partners' donor reports (the batch cannot trust a broken
    # file's years, so it holds back every one it names); its own brief cannot be made.
    blocked = {
        job.id
        for job in jobs
        if (job.kind == "country" and job.key == raw["office"]) or (job.kind == "donor" and job.key in partners)
    }
    replace_in(file, "development: 35500", "development: -35500")
    out = root / "out"
    result = cli("batch", "--data", data, "--out", out, "--year", str(year), "--jobs", "2")
    return BrokenRun(file, out, result, jobs, blocked, read_manifest(out))


def test_broken_outcome_fails_itself_and_its_reports_and_every_other_report_is_made(broken_run: BrokenRun) -> None:
    run, entries = broken_run, broken_run.entries
    assert run.result.returncode == 1, run.result.stdout + run.result.stderr
    assert "Traceback" not in run.result.stderr
    # The summary names the broken file and its error.
    assert f"failed: data/mex-wps ({run.file})" in run.result.stderr
    assert "development: must be >= 0, got -35500" in run.result.stderr
    data_entry = entries["data/mex-wps"]
    assert data_entry["status"] == "failed" and data_entry["source"] == str(run.file)
    assert "must be >= 0, got -35500" in data_entry["error"]

    planned = {job.id for job in run.jobs}
    brief = {job.id for job in run.jobs if job.kind == "brief" and job.key == "mex-wps"}
    listed_blocked = run.blocked & set(entries)
    for job_id in listed_blocked:
        entry = entries[job_id]
        assert entry["status"] == "failed", entry
        assert "mex-wps" in entry["error"] and entry["source"] == str(run.file)
        assert not (run.out / entry["path"]).exists(), job_id
    assert any(j.startswith("country/mex/") for j in listed_blocked)
    assert any(j.startswith("donor/") for j in listed_blocked)
    others = planned - run.blocked - brief
    assert by_status(entries, "ok") == others
    assert by_status(entries, "failed") - brief == listed_blocked | {"data/mex-wps"}
    assert_pdfs_match_manifest(run.out, entries)
    pdfs = {str(p.relative_to(run.out)) for p in run.out.rglob("*.pdf")}
    assert pdfs == {entries[j]["path"] for j in others}
    made, skipped, failed = counts(run.result.stdout)
    assert (made, skipped) == (len(others), 0)
    assert failed == len(by_status(entries, "failed"))


def test_broken_outcome_every_report_it_would_have_been_in_is_listed_as_failed(broken_run: BrokenRun) -> None:
    assert "donor/mptfo/2024/-" in broken_run.blocked  # the data: mptfo's 2024 money goes to mex-wps only
    missing = sorted(broken_run.blocked - set(broken_run.entries))
    assert missing == [], f"reports using mex-wps with no manifest entry: {missing}"


# --- 4 and 5. SIGTERM part-way, then the rerun (with a second batch refused meanwhile) -------


@dataclass
class StopAndRerun:
    data: Path
    out: Path
    total: int
    returncode: int = 0
    stderr: str = ""
    seconds_to_exit: float = 0.0
    parts: list[str] | None = None
    entries: dict[str, dict[str, Any]] | None = None
    files: dict[str, tuple[int, int]] | None = None
    rerun: subprocess.CompletedProcess[str] | None = None
    rerun_entries: dict[str, dict[str, Any]] | None = None
    rerun_files: dict[str, tuple[int, int]] | None = None
    second: subprocess.CompletedProcess[str] | None = None
    second_seconds: float = 0.0
    first_still_running: bool = False


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> StopAndRerun:
    """A batch of 24 generated briefs (6 outcomes x 4 years) stopped with SIGTERM once a few are done;
    then, the rerun, during which a second batch is started on the same output folder."""
    root = tmp_path_factory.mktemp("interrupted")
    data = write_dataset(root / "data", 6, seed=11, note_words=NOTE_WORDS, **SMALL)
    out = root / "out"
    state = StopAndRerun(data, out, len(jobs_of(data, ("brief",))))
    args = ("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")

    first = start(*args)
    try:
        wait_for(lambda: ok_count(out) >= 3, WAIT_CEILING, "manifest.json lists 3 reports", first)
        os.kill(first.pid, signal.SIGTERM)
        stopped = time.monotonic()
        _, state.stderr = first.communicate(timeout=WAIT_CEILING)
        state.seconds_to_exit = time.monotonic() - stopped
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    state.returncode = first.returncode
    state.parts = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".part"))
    state.entries = read_manifest(out)
    state.files = identities(out)

    rerun = start(*args)
    try:
        lock = out / ".reportgen.lock"
        wait_for(lambda: lock.read_text() == f"pid {rerun.pid}", WAIT_CEILING, "the rerun holds the lock", rerun)
        began = time.monotonic()
        state.second = cli(*args)
        state.second_seconds = time.monotonic() - began
        state.first_still_running = rerun.poll() is None
        stdout, stderr = rerun.communicate(timeout=BATCH_TIMEOUT)
    finally:
        if rerun.poll() is None:
            rerun.kill()
            rerun.communicate()
    state.rerun = subprocess.CompletedProcess(rerun.args, rerun.returncode, stdout, stderr)
    state.rerun_entries = read_manifest(out)
    state.rerun_files = identities(out)
    return state


def test_sigterm_stops_the_batch_keeping_finished_reports_and_a_valid_manifest(interrupted: StopAndRerun) -> None:
    state = interrupted
    assert state.returncode == 128 + signal.SIGTERM, state.stderr
    assert state.seconds_to_exit < 30
    assert "stopped by SIGTERM" in state.stderr and "Traceback" not in state.stderr
    assert state.parts == []
    assert state.entries is not None and state.files is not None
    ok = by_status(state.entries, "ok")
    assert 3 <= len(ok) < state.total
    assert by_status(state.entries, "failed") == set()
    assert_pdfs_match_manifest(state.out, state.entries)  # no partial PDF, listed ones intact
    assert {state.entries[j]["path"] for j in ok} <= set(state.files)


def test_rerun_after_sigterm_makes_exactly_the_missing_reports(interrupted: StopAndRerun) -> None:
    state = interrupted
    assert state.entries is not None and state.files is not None
    assert state.rerun is not None and state.rerun_entries is not None and state.rerun_files is not None
    assert state.rerun.returncode == 0, state.rerun.stdout + state.rerun.stderr
    ok_before = by_status(state.entries, "ok")
    assert counts(state.rerun.stdout) == (state.total - len(ok_before), len(ok_before), 0)
    assert len(state.rerun_entries) == state.total == len(by_status(state.rerun_entries, "ok"))
    for job_id in ok_before:  # the finished ones are neither rewritten nor re-recorded
        path = state.entries[job_id]["path"]
        assert state.rerun_files[path] == state.files[path], job_id
        assert state.rerun_entries[job_id] == state.entries[job_id]
    rewritten = {p for p in state.rerun_files if state.rerun_files[p] != state.files.get(p)}
    assert rewritten == {state.rerun_entries[j]["path"] for j in set(state.rerun_entries) - ok_before}
    assert_pdfs_match_manifest(state.out, state.rerun_entries)
    assert not [p for p in state.out.rglob("*") if p.name.endswith(".part")]


def test_second_batch_on_the_same_folder_is_refused_at_once(interrupted: StopAndRerun) -> None:
    state = interrupted
    assert state.second is not None and state.rerun is not None
    assert state.second.returncode == 2, state.second.stdout + state.second.stderr
    assert f"{LOCK_MESSAGE} {state.out}" in state.second.stderr
    assert "Traceback" not in state.second.stderr
    assert state.first_still_running, "the second batch returned only after the first had finished"
    assert state.second_seconds < 30
    assert SUMMARY.search(state.second.stdout) is None  # it made nothing, recorded nothing
    assert state.rerun.returncode == 0  # and the running batch finished normally
    assert state.rerun_entries is not None
    assert_pdfs_match_manifest(state.out, state.rerun_entries)


# --- 8. --retry-failed and --force --------------------------------------------------------------


def test_failed_reports_are_retried_only_when_asked_and_force_rebuilds_everything(tmp_path: Path) -> None:
    """A report fails for a reason outside the data (its worker process is killed, as by the
    out-of-memory killer): an unchanged rerun keeps it failed; --retry-failed makes it."""
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS, **SMALL, years=(2024, 2024))
    out = tmp_path / "out"
    args = ("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "1")
    total = len(jobs_of(data, ("brief",)))

    # Kill every render worker of the first run (the pool's workers are the fork server's
    # children, the batch's grandchildren), including those of the pool's own retry.
    first = start(*args)
    try:
        deadline = time.monotonic() + 180
        while first.poll() is None and time.monotonic() < deadline:
            table = parent_pids()
            children = {pid for pid, parent in table.items() if parent == first.pid}
            for pid, parent in table.items():
                if parent in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        stdout, stderr = first.communicate(timeout=WAIT_CEILING)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 1, stdout + stderr
    entries = read_manifest(out)
    failed = by_status(entries, "failed")
    assert failed, stdout + stderr
    for job_id in failed:
        assert "died" in entries[job_id]["error"]
        assert not (out / entries[job_id]["path"]).exists()
    ok = by_status(entries, "ok")
    assert ok | failed == set(entries) and len(entries) == total
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]  # nothing half-written
    assert_pdfs_match_manifest(out, entries)

    again = cli(*args)
    assert again.returncode == 1, again.stdout + again.stderr
    assert counts(again.stdout) == (0, len(ok), len(failed))
    for job_id in failed:
        assert f"failed: {job_id} " in again.stderr
    assert read_manifest(out) == entries  # not retried: the same entries, no file written
    assert not any((out / entries[j]["path"]).exists() for j in failed)

    retried = cli(*args, "--retry-failed")
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert counts(retried.stdout) == (len(failed), len(ok), 0)
    entries = read_manifest(out)
    assert by_status(entries, "ok") == set(entries) and len(entries) == total
    assert_pdfs_match_manifest(out, entries)

    before = identities(out)
    forced = cli(*args, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert counts(forced.stdout) == (total, 0, 0)
    after = identities(out)
    assert set(after) == set(before) and all(after[p] != before[p] for p in before)
    forced_entries = read_manifest(out)
    for job_id, entry in forced_entries.items():  # same reports, rebuilt to the same bytes
        assert {k: v for k, v in entry.items() if k != "duration"} == {
            k: v for k, v in entries[job_id].items() if k != "duration"
        }


# --- failures the batch must survive, and in-process reruns -------------------------------------


def test_a_report_that_cannot_be_written_fails_alone(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS, **SMALL, years=(2024, 2024))
    out = tmp_path / "out"
    jobs = jobs_of(data, ("brief",))
    blocked = jobs[1]
    (blocked.path(out)).mkdir(parents=True)  # a folder where the PDF should go: it cannot be written
    result = cli("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "1")
    assert result.returncode == 1, result.stdout + result.stderr
    entries = read_manifest(out)
    assert set(entries) == {job.id for job in jobs}
    assert entries[blocked.id]["status"] == "failed" and "cannot write" in entries[blocked.id]["error"]
    assert by_status(entries, "ok") == {job.id for job in jobs} - {blocked.id}
    assert counts(result.stdout) == (len(jobs) - 1, 0, 1)
    assert f"failed: {blocked.id} " in result.stderr


def test_a_changed_user_template_rebuilds_in_the_same_process(tmp_path: Path) -> None:
    from reportgen.options import RenderOptions
    from reportgen.paths import TEMPLATES_DIR

    data = write_dataset(tmp_path / "data", 2, seed=5, note_words=NOTE_WORDS, **SMALL, years=(2024, 2024))
    templates = tmp_path / "templates"
    partial = templates / "partials" / "brief" / "title.html"
    partial.parent.mkdir(parents=True)
    shutil.copyfile(TEMPLATES_DIR / "partials" / "brief" / "title.html", partial)
    options = BatchOptions(
        out_dir=tmp_path / "out", kinds=("brief",), workers=1, render=RenderOptions(templates_dir=templates)
    )
    first = run_batch(data, options)
    briefs = len(jobs_of(data, ("brief",)))
    assert (first.made, first.skipped, first.failed) == (briefs, 0, 0)
    partial.write_text(partial.read_text(encoding="utf-8") + "<p>Prepared by the results team</p>\n", "utf-8")
    second = run_batch(data, options)
    assert (second.made, second.skipped, second.failed) == (briefs, 0, 0)
    for pdf in (tmp_path / "out" / "briefs").iterdir():
        assert "Prepared by the results team" in PdfReader(pdf).pages[0].extract_text()
