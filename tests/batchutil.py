"""Helpers shared by the batch tests: running the command, reading manifests, waiting."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen import load_dataset
from reportgen.batch import Job, plan
from reportgen.cli import main

KINDS = ("brief", "donor", "country")
FOLDERS = {"brief": "briefs", "donor": "donors", "country": "countries"}
# Short progress notes: briefs of a few pages, quick to render. (40, 80) was intended, but
# write_dataset accepts no fewer than 120 words (low >= 120, high >= low + 60).
NOTE_WORDS = (120, 180)
SUMMARY = re.compile(r"batch: (\d+) made, (\d+) up to date, (\d+) failed in ")
LOCK_MESSAGE = "another batch is writing to"
#: The ceiling for one batch command of a test: far above what any takes on an idle machine (a minute or two), so
#: a machine loaded by other work slows a test down without failing it. A ceiling, never a wait.
BATCH_TIMEOUT = 1800.0
#: The ceiling for a condition a test waits for (a report written, a lock taken), polled; the same reasoning.
WAIT_CEILING = 600.0


# --- helpers ---------------------------------------------------------------------------------


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "reportgen", *map(str, args)]


def cli(*args: str | Path, timeout: float = BATCH_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout)


def in_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``reportgen ARGS`` in this process (click's runner: the same command, arguments, exit code and
    streams), for tests that run the command many times: no Python start with WeasyPrint to import."""
    words = list(map(str, args))
    result = CliRunner().invoke(main, words)
    return subprocess.CompletedProcess(["reportgen", *words], result.exit_code, result.stdout, result.stderr)


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
