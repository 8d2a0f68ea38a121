"""The year-end batch (``reportgen batch`` / :func:`reportgen.batch.run_batch`), run for real.

Every test renders real PDFs into temporary folders and reads them back: checksums, page
counts and bookmarks with pypdf, file identities (inode, mtime) to tell rebuilt reports from
kept ones, exit codes and messages of the command as a user runs it. What a report depends
on, which reports a broken file blocks and which jobs exist is computed here from the data.

The bundled data is batched once per test run (``bundled_batch`` in tests/conftest.py, shared
with the release tests); the tests that change it work on copies. The Dask test starts a real
cluster on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen import load_dataset
from reportgen.batch import BatchOptions, Job, run_batch

from ..batchutil import (
    FOLDERS,
    KINDS,
    assert_pdfs_match_manifest,
    by_status,
    cli,
    counts,
    identities,
    jobs_of,
    read_manifest,
    replace_in,
    sha256,
)
from ..conftest import Batched

# --- 2. incremental runs of the bundled data, through the command ---------------------------


def test_batch_makes_every_report_then_nothing_then_exactly_what_an_edit_changes(
    bundled_batch: Batched, tmp_path: Path
) -> None:
    result = bundled_batch.result
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = jobs_of(bundled_batch.data)
    assert counts(result.stdout) == (len(jobs), 0, 0)
    for kind_name, folder in FOLDERS.items():
        wanted = {job.path(bundled_batch.out).name for job in jobs if job.kind == kind_name}
        assert wanted, kind_name
        assert {p.name for p in (bundled_batch.out / folder).iterdir()} == wanted
    entries = read_manifest(bundled_batch.out)
    assert set(entries) == {job.id for job in jobs} == by_status(entries, "ok")
    assert_pdfs_match_manifest(bundled_batch.out, entries)

    # Work on copies: the run's batch stays as it is for the other tests.
    mine = bundled_batch.copy(tmp_path)
    data, out = mine.data, mine.out
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
    colombia = PdfReader(next((out / "briefs").glob("col-economic-*.pdf")))
    assert "Women and girls in Colombia" in colombia.pages[0].extract_text()


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
    dask_scheduler: str, bundled_batch: Batched, tmp_path: Path
) -> None:
    """The briefs and country reports of the latest year on the cluster, compared with the run's local batch."""
    kinds = ("brief", "country")
    year = max(job.year for job in jobs_of(bundled_batch.data, kinds))
    out = tmp_path / "dask"
    options = BatchOptions(out_dir=out, kinds=kinds, years=(year,), scheduler=dask_scheduler)
    summary = run_batch(bundled_batch.data, options)
    assert summary.failures == [], summary.failures
    jobs = [job for job in jobs_of(bundled_batch.data, kinds) if job.year == year]
    assert {job.kind for job in jobs} == set(kinds)
    assert (summary.made, summary.skipped, summary.failed) == (len(jobs), 0, 0)

    assert bundled_batch.result.returncode == 0, bundled_batch.result.stderr
    local = read_manifest(bundled_batch.out)
    remote = read_manifest(out)
    assert set(remote) == {job.id for job in jobs} == by_status(remote, "ok")
    for job_id, entry in remote.items():
        mine = {k: v for k, v in entry.items() if k != "duration"}
        assert mine == {k: v for k, v in local[job_id].items() if k != "duration"}
    files = {str(p.relative_to(out)): sha256(p) for p in out.rglob("*") if p.is_file() and p.suffix == ".pdf"}
    assert set(files) == {remote[j]["path"] for j in remote}
    for path, digest in files.items():
        assert digest == sha256(bundled_batch.out / path), path
    assert_pdfs_match_manifest(out, remote)


# --- 7. compendiums ----------------------------------------------------------------------------


def test_compendium_merges_each_office_year_with_contents_and_bookmarks(bundled_batch: Batched, tmp_path: Path) -> None:
    assert bundled_batch.result.returncode == 0, bundled_batch.result.stderr
    mine = bundled_batch.copy(tmp_path)
    out = mine.out
    result = cli("batch", "--data", mine.data, "--out", out, "--jobs", "2", "--compendium")
    assert result.returncode == 0, result.stdout + result.stderr
    entries = read_manifest(out)
    assert counts(result.stdout) == (0, len(entries), 0)  # the reports are up to date: only merged
    dataset = load_dataset(mine.data)

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
