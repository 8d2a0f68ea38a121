"""The year-end batch (``reportgen batch`` / :func:`reportgen.batch.run_batch`), run for real.

Every test renders real PDFs into temporary folders and reads them back: checksums, page
counts and bookmarks with pypdf, file identities (inode, mtime) to tell rebuilt reports from
kept ones, exit codes and messages of the command as a user runs it. What a report depends
on, which reports a broken file blocks and which jobs exist is computed here from the data.

The bundled data is batched once per module (``bundled``); the tests that need a finished
batch work on copies of its output. The Dask test starts a real cluster on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from reportgen import load_dataset
from reportgen.batch import BatchOptions, Job, plan, run_batch
from reportgen.synthetic import write_dataset

from ..conftest import DATA

KINDS = ("brief", "donor", "country")
FOLDERS = {"brief": "briefs", "donor": "donors", "country": "countries"}
# Short progress notes: briefs of a few pages, quick to render. (40, 80) was intended, but
# write_dataset accepts no fewer than 120 words (low >= 120, high >= low + 60).
NOTE_WORDS = (120, 180)
SUMMARY = re.compile(r"batch: (\d+) made, (\d+) up to date, (\d+) failed in ")
LOCK_MESSAGE = "another batch is writing to"


# --- helpers ---------------------------------------------------------------------------------


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "reportgen", *map(str, args)]


def cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout)


def start(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def counts(stdout: str) -> tuple[int, int, int]:
    """(made, up to date, failed) from the command's last summary line."""
    found = SUMMARY.findall(stdout)
    assert found, f"no summary line in:\n{stdout}"
    made, skipped, failed = found[-1]
    return int(made), int(skipped), int(failed)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in document["reports"]}


def by_status(entries: dict[str, dict[str, Any]], status: str) -> set[str]:
    return {job_id for job_id, entry in entries.items() if entry["status"] == status}


def jobs_of(data: Path, kinds: tuple[str, ...] = KINDS) -> list[Job]:
    return plan(load_dataset(data), kinds)


def identities(out: Path) -> dict[str, tuple[int, int]]:
    """Every PDF under ``out`` (relative path) -> (inode, mtime): an atomically rewritten file changes both."""
    result = {}
    for pdf in out.rglob("*.pdf"):
        stat = pdf.stat()
        result[str(pdf.relative_to(out))] = (stat.st_ino, stat.st_mtime_ns)
    return result


def assert_pdfs_match_manifest(out: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Every PDF opens in full; every ok entry's file exists with the recorded checksum, pages and size."""
    found = {}
    for pdf in out.rglob("*.pdf"):
        data = pdf.read_bytes()
        reader = PdfReader(io.BytesIO(data), strict=True)
        found[str(pdf.relative_to(out))] = (hashlib.sha256(data).hexdigest(), len(reader.pages), len(data))
        assert found[str(pdf.relative_to(out))][1] >= 1, pdf
    for job_id, entry in entries.items():
        if entry["status"] == "ok":
            assert entry["path"] in found, f"{job_id}: no file {entry['path']}"
            assert (entry["sha256"], entry["pages"], entry["bytes"]) == found[entry["path"]], job_id


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def parent_pids() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = int(fields[1])
    return table


def wait_for(condition: Any, timeout: float, what: str, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the batch ended (exit {proc.returncode}) before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def ok_count(out: Path) -> int:
    try:
        return len(by_status(read_manifest(out), "ok"))
    except (OSError, ValueError, KeyError):
        return 0


# --- the bundled data, batched once ---------------------------------------------------------


@dataclass(frozen=True)
class Batched:
    data: Path
    out: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Batched:
    """``reportgen batch`` over a copy of the bundled data (every kind, every year); read-only for tests."""
    root = tmp_path_factory.mktemp("bundled")
    data = root / "data"
    shutil.copytree(DATA, data)
    out = root / "out"
    result = cli("batch", "--data", data, "--out", out, "--jobs", "2")
    return Batched(data, out, result)


def copy_output(batched: Batched, target: Path) -> Path:
    shutil.copytree(batched.out, target)
    return target


# --- 1. a large generated batch, through the library ----------------------------------------


def test_generated_batch_manifest_lists_every_report_with_its_checksum_pages_and_size(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 60, seed=7, note_words=NOTE_WORDS)
    out = tmp_path / "out"
    expected = {job.id: job for job in jobs_of(data, ("brief",))}
    assert len(expected) == 60

    summary = run_batch(data, BatchOptions(out_dir=out, kinds=("brief",), workers=2))

    assert summary.failures == [] and summary.failed == 0
    assert (summary.made, summary.skipped) == (60, 0)
    entries = read_manifest(out)
    assert set(entries) == set(expected)
    for job_id, entry in entries.items():
        job = expected[job_id]
        assert entry["status"] == "ok", entry
        assert (entry["kind"], entry["key"], entry["year"]) == (job.kind, job.key, job.year)
        assert entry["path"] == f"briefs/{job.key}.pdf"
        assert entry["source"] == str(data / "outcomes" / f"{job.key}.yaml")
    assert_pdfs_match_manifest(out, entries)
    assert sorted(p.name for p in (out / "briefs").iterdir()) == sorted(f"{job.key}.pdf" for job in expected.values())

    # manifest.csv: the same entries, one row each, every field as the JSON has it
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == sorted(expected)
    for row in rows:
        assert row == {name: str(value) for name, value in entries[row["id"]].items()}


# --- 2. incremental runs of the bundled data, through the command ---------------------------


def test_batch_makes_every_report_then_nothing_then_exactly_what_an_edit_changes(
    bundled: Batched, tmp_path: Path
) -> None:
    result = bundled.result
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = jobs_of(bundled.data)
    assert counts(result.stdout) == (len(jobs), 0, 0)
    for kind_name, folder in FOLDERS.items():
        wanted = {job.path(bundled.out).name for job in jobs if job.kind == kind_name}
        assert wanted, kind_name
        assert {p.name for p in (bundled.out / folder).iterdir()} == wanted
    entries = read_manifest(bundled.out)
    assert set(entries) == {job.id for job in jobs} == by_status(entries, "ok")
    assert_pdfs_match_manifest(bundled.out, entries)

    # Work on copies: the module's batch stays as it is for the other tests.
    data = tmp_path / "data"
    shutil.copytree(bundled.data, data)
    out = copy_output(bundled, tmp_path / "out")
    again = cli("batch", "--data", data, "--out", out, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert f"batch: 0 made, {len(jobs)} up to date, 0 failed" in again.stdout
    assert read_manifest(out) == entries

    # Edit one outcome's statement. Its dependents, from the data: its brief, its office's
    # report for each year in its period, and each donor report of a partner that funded it
    # up to the report's year (the donor report lists it, in a chapter or in its annex).
    dataset = load_dataset(data)
    outcome = dataset.outcomes["col-economic"]

    def uses(job: Job) -> bool:
        if job.kind == "brief":
            return job.key == outcome.id
        if job.kind == "country":
            return job.key == outcome.office and job.year in outcome.period
        return any(c.partner == job.key and c.year <= job.year for c in outcome.contributions)

    expected = {job.id for job in jobs if uses(job)}
    kept = {job.id for job in jobs} - expected
    assert {job_id.split("/")[0] for job_id in expected} == set(KINDS)
    assert any(j.startswith("donor/") for j in kept) and any(j.startswith("country/") for j in kept)

    replace_in(
        data / "outcomes" / "col-economic.yaml",
        "Women in Colombia, particularly rural",
        "Women and girls in Colombia, particularly rural",
    )
    before = identities(out)
    edited = cli("batch", "--data", data, "--out", out, "--jobs", "2")
    assert edited.returncode == 0, edited.stderr
    assert counts(edited.stdout) == (len(expected), len(kept), 0)
    after_entries = read_manifest(out)
    after = identities(out)
    assert set(after_entries) == set(entries) == by_status(after_entries, "ok")
    refingerprinted = {j for j in entries if entries[j]["fingerprint"] != after_entries[j]["fingerprint"]}
    assert refingerprinted == expected
    rewritten = {path for path in after if after[path] != before[path]}
    assert rewritten == {entries[j]["path"] for j in expected}
    for job_id in kept:
        assert after_entries[job_id] == entries[job_id]
    assert_pdfs_match_manifest(out, after_entries)
    assert "Women and girls in Colombia" in PdfReader(out / "briefs" / "col-economic.pdf").pages[0].extract_text()


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
    """A batch into a new folder of the bundled data with a negative amount in mex-wps.yaml."""
    root = tmp_path_factory.mktemp("broken")
    data = root / "data"
    shutil.copytree(DATA, data)
    jobs = jobs_of(data)
    file = data / "outcomes" / "mex-wps.yaml"
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    partners = {row["partner"] for row in raw["contributions"]}
    # Its office's report and its partners' donor reports, every year (the batch cannot trust
    # a broken file's years, so it holds back all of them); its own brief cannot be made.
    blocked = {
        job.id
        for job in jobs
        if (job.kind == "country" and job.key == raw["office"]) or (job.kind == "donor" and job.key in partners)
    }
    replace_in(file, "development: 35500", "development: -35500")
    out = root / "out"
    result = cli("batch", "--data", data, "--out", out, "--jobs", "2")
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
    """A batch of ~24 generated briefs stopped with SIGTERM once a few are done; then, the rerun,
    during which a second batch is started on the same output folder."""
    root = tmp_path_factory.mktemp("interrupted")
    data = write_dataset(root / "data", 24, seed=11, note_words=NOTE_WORDS)
    out = root / "out"
    state = StopAndRerun(data, out, len(jobs_of(data, ("brief",))))
    args = ("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")

    first = start(*args)
    try:
        wait_for(lambda: ok_count(out) >= 3, 180, "manifest.json lists 3 reports", first)
        os.kill(first.pid, signal.SIGTERM)
        stopped = time.monotonic()
        _, state.stderr = first.communicate(timeout=60)
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
        wait_for(lambda: lock.read_text() == f"pid {rerun.pid}", 60, "the rerun holds the lock", rerun)
        began = time.monotonic()
        state.second = cli(*args, timeout=120)
        state.second_seconds = time.monotonic() - began
        state.first_still_running = rerun.poll() is None
        stdout, stderr = rerun.communicate(timeout=300)
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


# --- 6. Dask ---------------------------------------------------------------------------------


def _tail(path: Path) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-30:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Dask cluster on 127.0.0.1: a scheduler and two single-threaded workers; its address."""
    local = Path(sys.executable).parent / "dask"
    found = str(local) if local.is_file() else shutil.which("dask")
    if found is None:
        pytest.skip("the `dask` command is not installed (pip install 'dask[distributed]')")
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []

    def launch(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = folder / f"{name}.log"
        logs.append(log)
        with log.open("wb") as handle:
            proc = subprocess.Popen([found, *args], stdout=handle, stderr=subprocess.STDOUT, cwd=folder)
        processes.append(proc)
        return proc

    def logs_text() -> str:
        return "\n".join(f"--- {log.name}\n{_tail(log)}" for log in logs)

    try:
        scheduler = launch(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0",
            "--scheduler-file", str(scheduler_file), "--no-dashboard",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        address = None
        while address is None:
            if scheduler.poll() is not None:
                pytest.fail(f"the Dask scheduler exited ({scheduler.returncode}):\n{logs_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Dask scheduler wrote no scheduler file in 60 s:\n{logs_text()}")
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        for number in (1, 2):
            launch(
                f"worker{number}", "worker", "--scheduler-file", str(scheduler_file),
                "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
            )  # fmt: skip
        try:
            with Client(scheduler_file=str(scheduler_file), timeout=60, set_as_default=False) as client:
                client.wait_for_workers(2, timeout=60)
        except Exception as exc:
            pytest.fail(f"the Dask cluster did not get two workers: {exc}\n{logs_text()}")
        yield address
    finally:
        for proc in reversed(processes):  # workers first, then the scheduler
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(processes):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def test_dask_batch_makes_the_same_bytes_as_a_local_batch(
    dask_scheduler: str, bundled: Batched, tmp_path: Path
) -> None:
    """The briefs and country reports on the cluster, compared with the module's local batch."""
    kinds = ("brief", "country")
    out = tmp_path / "dask"
    summary = run_batch(bundled.data, BatchOptions(out_dir=out, kinds=kinds, scheduler=dask_scheduler))
    assert summary.failures == [], summary.failures
    jobs = jobs_of(bundled.data, kinds)
    assert (summary.made, summary.skipped, summary.failed) == (len(jobs), 0, 0)

    assert bundled.result.returncode == 0, bundled.result.stderr
    local = read_manifest(bundled.out)
    remote = read_manifest(out)
    assert set(remote) == {job.id for job in jobs} == by_status(remote, "ok")
    for job_id, entry in remote.items():
        mine = {k: v for k, v in entry.items() if k != "duration"}
        assert mine == {k: v for k, v in local[job_id].items() if k != "duration"}
    files = {str(p.relative_to(out)): sha256(p) for p in out.rglob("*") if p.is_file() and p.suffix == ".pdf"}
    assert set(files) == {remote[j]["path"] for j in remote}
    for path, digest in files.items():
        assert digest == sha256(bundled.out / path), path
    assert_pdfs_match_manifest(out, remote)


# --- 7. compendiums ----------------------------------------------------------------------------


def test_compendium_merges_each_office_year_with_contents_and_bookmarks(bundled: Batched, tmp_path: Path) -> None:
    assert bundled.result.returncode == 0, bundled.result.stderr
    out = copy_output(bundled, tmp_path / "out")
    result = cli("batch", "--data", bundled.data, "--out", out, "--jobs", "2", "--compendium")
    assert result.returncode == 0, result.stdout + result.stderr
    entries = read_manifest(out)
    assert counts(result.stdout) == (0, len(entries), 0)  # the reports are up to date: only merged
    dataset = load_dataset(bundled.data)

    countries = sorted((e["key"], e["year"]) for e in entries.values() if e["kind"] == "country")
    assert countries and {office for office, _ in countries} == {o.office for o in dataset.outcomes.values()}
    expected = {f"{office}-{year}.pdf" for office, year in countries}
    assert {p.name for p in (out / "compendiums").iterdir()} == expected
    for name in expected:
        assert f"wrote {out / 'compendiums' / name}" in result.stdout

    def title(entry: dict[str, Any]) -> str:
        metadata = PdfReader(out / entry["path"]).metadata
        assert metadata is not None and metadata.title
        return str(metadata.title)

    with_briefs = 0
    for office, year in countries:
        country = entries[f"country/{office}/{year}/-"]
        briefs = sorted(
            (e for e in entries.values() if e["kind"] == "brief" and e["year"] == year),
            key=lambda e: e["key"],
        )
        briefs = [e for e in briefs if dataset.outcomes[e["key"]].office == office]
        with_briefs += bool(briefs)
        parts = [country, *briefs]
        reader = PdfReader(out / "compendiums" / f"{office}-{year}.pdf", strict=True)
        top = [str(item.title) for item in reader.outline if not isinstance(item, list)]
        assert top == ["Contents", *(title(part) for part in parts)], (office, year)
        assert len(reader.pages) == 1 + sum(len(PdfReader(out / part["path"]).pages) for part in parts)
    assert with_briefs >= 2  # the report year of both offices has its country report and briefs


# --- 8. --retry-failed and --force --------------------------------------------------------------


def test_failed_reports_are_retried_only_when_asked_and_force_rebuilds_everything(tmp_path: Path) -> None:
    """A report fails for a reason outside the data (its worker process is killed, as by the
    out-of-memory killer): an unchanged rerun keeps it failed; --retry-failed makes it."""
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS)
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
        stdout, stderr = first.communicate(timeout=60)
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
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS)
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

    data = write_dataset(tmp_path / "data", 2, seed=5, note_words=NOTE_WORDS)
    templates = tmp_path / "templates"
    partial = templates / "partials" / "brief" / "title.html"
    partial.parent.mkdir(parents=True)
    shutil.copyfile(TEMPLATES_DIR / "partials" / "brief" / "title.html", partial)
    options = BatchOptions(
        out_dir=tmp_path / "out", kinds=("brief",), workers=1, render=RenderOptions(templates_dir=templates)
    )
    first = run_batch(data, options)
    assert (first.made, first.skipped, first.failed) == (2, 0, 0)
    partial.write_text(partial.read_text(encoding="utf-8") + "<p>Prepared by the results team</p>\n", "utf-8")
    second = run_batch(data, options)
    assert (second.made, second.skipped, second.failed) == (2, 0, 0)
    for pdf in (tmp_path / "out" / "briefs").iterdir():
        assert "Prepared by the results team" in PdfReader(pdf).pages[0].extract_text()
