"""No partial results: a full disk, no permission or a killed worker leave no half-written PDF
or manifest under a final name, no temporary file, and a clear message.

The failures are real, made by the operating system for a ``reportgen`` subprocess:

- a full disk: ``RLIMIT_FSIZE`` (with SIGXFSZ ignored, writes past the limit fail with
  EFBIG, "File too large", exactly where a full disk fails with ENOSPC);
- no permission: a read-only folder. Tests run as root here and in CI, and root ignores file
  modes, so the subprocess drops the capabilities that let it (``CAP_DAC_OVERRIDE``,
  ``CAP_DAC_READ_SEARCH``, ``CAP_FOWNER``, from its bounding set before it starts) and is
  refused like any user; when the tests do not run as root the folder's mode is enough.

A killed worker is covered in ``test_batch_generated.py`` (every worker killed with SIGKILL).
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.synthetic import write_dataset

from ..batchutil import (
    NOTE_WORDS,
    assert_pdfs_match_manifest,
    by_status,
    cli,
    command,
    counts,
    parent_pids,
    read_manifest,
    sha256,
    start,
    wait_for,
)

TOO_LARGE = "File too large"
DENIED = "Permission denied"
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def file_size_limit(size: int) -> Callable[[], None]:
    """A child that may write files of at most ``size`` bytes, failing (not dying) beyond."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def without_override() -> None:
    """A child bound by file modes even when root."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run(*args: str | Path, preexec: Callable[[], None]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), preexec_fn=preexec, capture_output=True, text=True, timeout=300)


def is_fork_server(pid: int) -> bool:
    """The fork server, or a worker it forked (which keeps its command line)."""
    try:
        return b"multiprocessing.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))]


def pdfs(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in folder.rglob("*.pdf")}


@dataclass(frozen=True)
class Finished:
    data: Path
    out: Path


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """Three briefs and one donor report, made normally; tests work on copies of the output."""
    root = tmp_path_factory.mktemp("partial")
    data = write_dataset(root / "data", 3, seed=5, partners=1, note_words=NOTE_WORDS, years=(2024, 2024))
    out = root / "out"
    result = cli("batch", "--data", data, "--out", out, "--kinds", "brief,donor", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts(result.stdout) == (4, 0, 0)
    return Finished(data, out)


def copy_of(finished: Finished, target: Path) -> Path:
    shutil.copytree(finished.out, target)
    return target


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --- a full disk --------------------------------------------------------------------------------

RENDER_FULL = f"cannot render: {TOO_LARGE} (a full disk or a file size limit), writing a temporary file"


def test_full_disk_from_the_start_fails_every_report_with_a_manifest_saying_why(
    finished: Finished, tmp_path: Path
) -> None:
    """Rendering itself needs temporary files (WeasyPrint copies the fonts): on a full disk every
    report fails, each with the reason, and the (small) manifest still lists them."""
    out = tmp_path / "out"
    result = run("batch", "--data", finished.data, "--out", out, "--kinds", "brief,donor", "--jobs", "2",
                 preexec=file_size_limit(20_000))  # fmt: skip
    assert_clean_failure(result, 1, TOO_LARGE)
    assert counts(result.stdout) == (0, 0, 4)
    entries = read_manifest(out)
    assert len(entries) == 4 and by_status(entries, "failed") == set(entries)
    for job_id, entry in entries.items():
        assert entry["error"] == RENDER_FULL, job_id
        assert f"failed: {job_id} " in result.stderr
    assert pdfs(out) == {} and parts(out) == []


def test_disk_full_while_writing_keeps_every_old_report_whole(finished: Finished, tmp_path: Path) -> None:
    """The disk fills once the workers run: the runner (the one process that writes reports)
    gets a file size limit between the reports' sizes; its workers, already started, render."""
    out = copy_of(finished, tmp_path / "out")
    before = pdfs(out)
    sizes = sorted((out / path).stat().st_size for path in before)
    limit = sizes[0]  # the smallest report still fits; every larger one fails
    assert sizes[-1] > limit
    batch = start("batch", "--data", finished.data, "--out", out, "--kinds", "brief,donor", "--jobs", "2", "--force")
    try:

        def workers_started() -> bool:  # the fork server's children (not, say, a gcc that ctypes runs)
            table = parent_pids()
            servers = {pid for pid, parent in table.items() if parent == batch.pid and is_fork_server(pid)}
            return any(parent in servers and is_fork_server(pid) for pid, parent in table.items())

        wait_for(workers_started, 120, "the batch's workers", batch)
        resource.prlimit(batch.pid, resource.RLIMIT_FSIZE, (limit, limit))
        stdout, stderr = batch.communicate(timeout=300)
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.communicate()
    result = subprocess.CompletedProcess(batch.args, batch.returncode, stdout, stderr)
    assert_clean_failure(result, 1, TOO_LARGE)
    entries = read_manifest(out)
    failed, ok = by_status(entries, "failed"), by_status(entries, "ok")
    assert failed and len(failed) + len(ok) == 4
    for job_id in failed:
        target = out / entries[job_id]["path"]
        assert entries[job_id]["error"] == f"cannot write {target}: {TOO_LARGE} (a full disk or a file size limit)"
    assert pdfs(out) == before  # the failed ones kept their old, complete bytes; the made ones are identical
    assert parts(out) == []
    assert_pdfs_match_manifest(out, {j: e for j, e in entries.items() if j in ok})

    # The disk has room again: the failed reports are made, the others untouched.
    again = cli("batch", "--data", finished.data, "--out", out, "--kinds", "brief,donor", "--retry-failed")
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(again.stdout) == (len(failed), len(ok), 0)
    assert_pdfs_match_manifest(out, read_manifest(out))
    assert pdfs(out) == before


def test_a_manifest_that_cannot_be_written_keeps_the_previous_one(finished: Finished, tmp_path: Path) -> None:
    out = copy_of(finished, tmp_path / "out")
    manifest = (out / "manifest.json").read_bytes()
    table = (out / "manifest.csv").read_bytes()
    assert len(manifest) > 1000
    result = run("batch", "--data", finished.data, "--out", out, "--kinds", "brief,donor", "--force",
                 preexec=file_size_limit(1000))  # fmt: skip
    assert_clean_failure(result, 1, f"error: cannot write {out / 'manifest.json'}: {TOO_LARGE}")
    assert (out / "manifest.json").read_bytes() == manifest
    assert (out / "manifest.csv").read_bytes() == table
    assert parts(out) == []
    assert_pdfs_match_manifest(out, read_manifest(out))


def test_full_disk_for_one_report_with_out_file(finished: Finished, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "brief.pdf"
    full = f"error: cannot render {target}: {TOO_LARGE} (a full disk or a file size limit), writing a temporary file"
    result = run("brief", "o0001", "--data", finished.data, "--out", target, preexec=file_size_limit(20_000))
    assert_clean_failure(result, 1, full)
    assert not target.exists() and parts(tmp_path) == []

    # Over an existing file: it keeps its old bytes.
    target.parent.mkdir()
    shutil.copyfile(next((finished.out / "briefs").glob("o0001-*.pdf")), target)
    old = sha256(target)
    result = run("brief", "o0001", "--data", finished.data, "--out", target, preexec=file_size_limit(20_000))
    assert_clean_failure(result, 1, full)
    assert sha256(target) == old and parts(tmp_path) == []


# --- no permission ---------------------------------------------------------------------------


def read_only(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    return folder


def test_a_read_only_output_folder_is_refused_with_a_clear_message(finished: Finished, tmp_path: Path) -> None:
    out = read_only(tmp_path / "out")
    try:
        result = run("batch", "--data", finished.data, "--out", out, "--kinds", "brief", preexec=without_override)
        assert_clean_failure(result, 2, f"cannot write to the output folder {out}: {DENIED}")
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_a_read_only_report_folder_fails_its_reports_and_the_others_are_made(
    finished: Finished, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    briefs = read_only(out / "briefs")
    try:
        result = run("batch", "--data", finished.data, "--out", out, "--kinds", "brief,donor", "--jobs", "2",
                     preexec=without_override)  # fmt: skip
        assert_clean_failure(result, 1, DENIED)
        assert counts(result.stdout) == (1, 0, 3)
        entries = read_manifest(out)
        assert {j.split("/")[0] for j in by_status(entries, "failed")} == {"brief"}
        assert {j.split("/")[0] for j in by_status(entries, "ok")} == {"donor"}
        for job_id in by_status(entries, "failed"):
            error = entries[job_id]["error"]
            assert error == f"cannot write {out / entries[job_id]['path']}: {DENIED} (no permission to write there)"
        assert list(briefs.iterdir()) == [] and parts(out) == []
        assert_pdfs_match_manifest(out, entries)
        assert pdfs(out) == {p: h for p, h in pdfs(finished.out).items() if p.startswith("donors/")}
    finally:
        briefs.chmod(0o755)


def test_one_report_into_a_read_only_folder(finished: Finished, tmp_path: Path) -> None:
    folder = read_only(tmp_path / "reports")
    try:
        target = folder / "brief.pdf"
        result = run("brief", "o0001", "--data", finished.data, "--out", target, preexec=without_override)
        assert_clean_failure(result, 1, f"error: cannot write {target}: {DENIED}")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


# --- the data commands write atomically too -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("schema", "--out", "{dir}/outcome.schema.json"), "outcome.schema.json"),
        (("template", "xlsx", "--out", "{dir}/data.xlsx", "--force"), "data.xlsx"),
        (("template", "csv", "--out", "{dir}", "--force"), "resources.csv"),
    ],
    ids=["schema", "xlsx", "csv"],
)
def test_data_commands_on_a_full_disk_keep_the_old_file_whole(tmp_path: Path, args: tuple[str, ...], name: str) -> None:
    """schema, template xlsx and template csv write through the same atomic writer as reports:
    a full disk leaves the file that was there, no temporary file, and a message naming it."""
    folder = tmp_path / "out"
    folder.mkdir()
    old = folder / name
    old.write_bytes(b"the previous version\n")
    result = run(*(arg.format(dir=folder) for arg in args), preexec=file_size_limit(100))
    # openpyxl builds a workbook's sheets in temporary files, so the xlsx fails before the write
    assert_clean_failure(result, 1, f"cannot write {old}", "full" if name.endswith(".xlsx") else TOO_LARGE)
    assert old.read_bytes() == b"the previous version\n"
    assert parts(folder) == []
