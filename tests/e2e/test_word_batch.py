"""``reportgen batch --format pdf,docx``: each brief's Word edition beside its PDF, in the
manifest with its hash, kept when up to date and remade when it is missing; ``--format docx``:
only the Word editions, with the manifest, skip-if-unchanged and failure isolation of PDFs.

One report year (2024) keeps the batches short."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import yaml

from reportgen import load_dataset
from reportgen.batch import Job, plan
from reportgen.kinds import kind
from reportgen.pipeline import jobs_of
from reportgen.word.check import check_docx
from reportgen.word.formats import docx_path

from ..batchutil import by_status, counts, read_manifest, replace_in

ROOT = Path(__file__).resolve().parents[2]
YEAR = "2024"


def _batch(
    out: Path, *extra: str, data: Path = ROOT / "data", kinds: str = "brief"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "batch", "--data", str(data), "--out", str(out),
         "--kinds", kinds, "--year", YEAR, "--jobs", "2", *extra],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def _entries(out: Path) -> dict[str, dict[str, object]]:
    return {e["id"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]}


def test_batch_writes_word_editions_into_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _batch(out, "--format", "pdf,docx")
    assert first.returncode == 0, first.stderr
    entries = _entries(out)
    assert entries
    for entry in entries.values():
        assert entry["status"] == "ok"
        assert entry["docx"] == str(Path(str(entry["path"])).with_suffix(".docx"))
        assert hashlib.sha256((out / str(entry["docx"])).read_bytes()).hexdigest() == entry["docx_sha256"]

    again = _batch(out, "--format", "pdf,docx")
    assert f"0 made, {len(entries)} up to date" in again.stdout
    assert _entries(out) == entries

    gone = next(iter(entries.values()))
    (out / str(gone["docx"])).unlink()
    remade = _batch(out, "--format", "pdf,docx")
    assert f"1 made, {len(entries) - 1} up to date" in remade.stdout
    assert (out / str(gone["docx"])).read_bytes() and _entries(out)[str(gone["id"])]["docx_sha256"] == gone[
        "docx_sha256"
    ]


def _depends_on(job: Job, outcome: dict[str, object]) -> bool:
    """Whether ``job`` uses the outcome (its raw YAML): its brief, its office's report, a report of a
    partner that funded it in any year (the batch cannot trust a broken file's years)."""
    partners = {row["partner"] for row in outcome["contributions"]}  # type: ignore[attr-defined]
    return (
        (job.kind == "brief" and job.key == outcome["id"])
        or (job.kind == "country" and job.key == outcome["office"])
        or (job.kind == "donor" and job.key in partners)
    )


def test_batch_of_word_editions_only(tmp_path: Path) -> None:
    """Every kind, Word editions only: a broken outcome and a folder in the way of one report fail those
    reports and no other; once both are mended only the failed ones are made, then nothing."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    jobs = [job for job in plan(load_dataset(data), ("brief", "donor", "country")) if job.year == int(YEAR)]
    file = data / "outcomes" / "mex-wps.yaml"
    outcome = yaml.safe_load(file.read_text(encoding="utf-8"))
    others = [job for job in jobs if not _depends_on(job, outcome)]
    assert {job.kind for job in others} == {"brief", "donor", "country"} and len(others) < len(jobs)
    out = tmp_path / "out"
    blocked = docx_path(others[0].path(out))
    blocked.mkdir(parents=True)  # a folder where one report's file goes
    replace_in(file, "development: 35500", "development: -35500")

    first = _batch(out, "--format", "docx", data=data, kinds="brief,donor,country")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Traceback" not in first.stderr
    entries = read_manifest(out)
    made = {job.id for job in others[1:]}
    assert by_status(entries, "ok") == made
    assert entries["data/mex-wps"]["status"] == "failed"
    assert str(blocked) in entries[others[0].id]["error"]
    assert not list(out.rglob("*.pdf"))
    for job_id in made:
        entry = entries[job_id]
        assert entry["path"] == entry["docx"] and entry["path"].endswith(".docx")
        content = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"] == entry["docx_sha256"]
        assert (entry["bytes"], entry["pages"]) == (len(content), 0)
        document = docx.Document(io.BytesIO(content))
        assert document.core_properties.title and document.core_properties.language
        assert all(check.passed for check in check_docx(content)), job_id
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*.docx") if p.is_file()}
    assert on_disk == {entries[job_id]["path"] for job_id in made}

    blocked.rmdir()
    replace_in(file, "development: -35500", "development: 35500")
    second = _batch(out, "--format", "docx", "--retry-failed", data=data, kinds="brief,donor,country")
    assert second.returncode == 0, second.stdout + second.stderr
    assert counts(second.stdout) == (len(jobs) - len(made), len(made), 0)
    again = read_manifest(out)
    assert set(again) == {job.id for job in jobs} == by_status(again, "ok")
    assert all(again[job_id] == entries[job_id] for job_id in made)

    third = _batch(out, "--format", "docx", data=data, kinds="brief,donor,country")
    assert third.returncode == 0 and counts(third.stdout) == (0, len(jobs), 0)
    assert read_manifest(out) == again


def test_compendiums_need_pdfs(tmp_path: Path) -> None:
    """Refused before anything is read or written (in this process: no batch runs)."""
    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path / "out"
    args = ["batch", "--data", str(ROOT / "data"), "--out", str(out), "--format", "docx", "--compendium"]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 2 and "--compendium merges each office's PDFs" in done.output
    assert not out.exists()


def test_build_writes_only_word_editions_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", "--data", str(ROOT / "data"), "--out", str(out),
         "--kinds", "donor", "--format", "docx"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert written and all(p.suffix == ".docx" and p.parts[0] == "donors" for p in written)
    assert sorted(f"wrote {out / p}" for p in written) == sorted(
        line for line in done.stdout.splitlines() if line.startswith("wrote")
    )
    reports = len(written)
    assert (
        done.stdout.splitlines()[-1]
        == f"{reports} of {reports} reports written to {out} (0 PDFs, {reports} Word files)"
    )


def test_build_counts_a_report_once_with_its_pdf_and_word_file(tmp_path: Path) -> None:
    """One brief (a data folder with one outcome) whose .docx cannot be written: its PDF is, and the
    report is not counted as written."""
    data = tmp_path / "data"
    (data / "outcomes").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "organization.yaml", data)
    shutil.copy(ROOT / "data" / "outcomes" / "mex-evaw.yaml", data / "outcomes")
    [(key, year)] = jobs_of(kind("brief"), load_dataset(data))  # what build makes: the latest year
    out = tmp_path / "out"
    pdf = kind("brief").path(out, key, year, None)
    docx_path(pdf).mkdir(parents=True)  # a folder in the way of the Word file
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", "--data", str(data), "--out", str(out), "--kinds", "brief",
         "--format", "pdf,docx"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"failed: brief {key} {year}" in done.stderr
    assert pdf.is_file() and f"wrote {pdf}" in done.stdout
    assert done.stdout.splitlines()[-1] == f"0 of 1 reports written to {out} (1 PDF, 0 Word files)"
