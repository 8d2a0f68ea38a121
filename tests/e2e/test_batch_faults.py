"""Faults of a running batch: its main process killed with SIGKILL leaves no process behind, and a second batch on
the same output folder is refused in every phase of the first (loading and planning, rendering, writing the
manifest), without touching the folder.

The phases are reached deterministically, not by timing: the first batch runs in this process, and the runner's
own steps (``load_dataset``, ``plan``, ``run_local``, ``Manifest.save``) are wrapped so that, inside each, a real
second ``reportgen batch`` runs to its end; the wrapped functions then carry on unchanged. The lock itself is not
touched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import reportgen.batch.runner as runner
from reportgen.batch import BatchOptions, run_batch
from reportgen.batch.manifest import Manifest
from reportgen.synthetic import write_dataset

from ..batchutil import LOCK_MESSAGE, NOTE_WORDS, cli, command, jobs_of, ok_count, wait_for

# --- kill -9 of the main process ----------------------------------------------------------------------------------


def session_processes(session: int) -> dict[int, str]:
    """pid -> command line of every live (not zombie) process in ``session``, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z":
            found[int(stat.parent.name)] = cmdline.strip()
    return found


def test_killing_the_batch_main_process_with_sigkill_leaves_no_process(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 24, seed=5, note_words=NOTE_WORDS, years=(2024, 2024))
    out = tmp_path / "out"
    args = command("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")
    main = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # Mid-render: a report written, and the two workers (children of the fork server) alive.
        wait_for(lambda: ok_count(out) >= 1 and len(session_processes(main.pid)) >= 4, 600, "workers at work")
        before = session_processes(main.pid)
        os.kill(main.pid, signal.SIGKILL)
        main.wait(timeout=60)
        deadline = time.monotonic() + 60  # generous: the machine may be loaded; it is a ceiling, not a wait
        left = session_processes(main.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = session_processes(main.pid)
    finally:
        for pid in session_processes(main.pid):  # never leave them to the next test
            os.kill(pid, signal.SIGKILL)
    assert len(before) >= 4, before  # main, fork server, 2 workers (and the resource tracker)
    assert left == {}, f"still running 60 s after the main process was killed: {left}"


# --- a second batch, refused in every phase of the first ----------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folder`` -> (inode, size, mtime): a second batch must change none."""
    result = {}
    for path in [folder, *folder.rglob("*")]:
        stat = path.lstat()
        result[str(path.relative_to(folder))] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return result


class SecondBatch:
    """Runs a second ``reportgen batch`` on the same folders, once, from inside the phase it is called in."""

    def __init__(self, data: Path, out: Path) -> None:
        self.data, self.out = data, out
        self.result: subprocess.CompletedProcess[str] | None = None
        self.before: dict[str, tuple[int, int, int]] = {}
        self.after: dict[str, tuple[int, int, int]] = {}

    def __call__(self) -> None:
        if self.result is not None:
            return
        self.before = snapshot(self.out)
        self.result = cli("batch", "--data", self.data, "--out", self.out, "--kinds", "brief", "--jobs", "1")
        self.after = snapshot(self.out)


def during(phase: str, monkeypatch: pytest.MonkeyPatch, second: SecondBatch) -> None:
    """Make ``second`` run inside ``phase`` of the batch this process runs next."""

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            second()
            return result

        return wrapped

    if phase == "loading":
        monkeypatch.setattr(runner, "load_dataset", wrap(runner.load_dataset))
    elif phase == "planning":
        monkeypatch.setattr(runner, "plan", wrap(runner.plan))
    elif phase == "rendering":
        real = runner.run_local

        def rendering(*args: Any, **kwargs: Any) -> Iterator[Any]:
            for index, result in enumerate(real(*args, **kwargs)):
                if index == 1:  # a report written, others still rendering
                    second()
                yield result

        monkeypatch.setattr(runner, "run_local", rendering)
    elif phase == "manifest":
        monkeypatch.setattr(Manifest, "save", wrap(Manifest.save))
    else:  # pragma: no cover - a typo in the parameters
        raise AssertionError(phase)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("lock") / "data", 4, seed=3, note_words=NOTE_WORDS, years=(2024, 2024))


@pytest.mark.parametrize("phase", ["loading", "planning", "rendering", "manifest"])
def test_a_second_batch_is_refused_in_every_phase_of_the_first_without_touching_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_data: Path, phase: str
) -> None:
    out = tmp_path / "out"
    second = SecondBatch(small_data, out)
    during(phase, monkeypatch, second)

    summary = run_batch(small_data, BatchOptions(out_dir=out, kinds=("brief",), workers=2))

    assert second.result is not None, f"the {phase} phase was not reached"
    assert second.result.returncode == 2, second.result.stdout + second.result.stderr
    assert LOCK_MESSAGE in second.result.stderr and f"pid {os.getpid()}" in second.result.stderr
    assert "up to date" not in second.result.stdout
    assert "Traceback" not in second.result.stderr
    assert second.after == second.before
    assert summary.failed == 0 and summary.made == len(jobs_of(small_data, ("brief",)))
