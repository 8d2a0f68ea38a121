"""Per-report time and memory limits: a pathological document (an outcome whose progress note
is 200,000 words, one with 4,000 indicators) is stopped and reported, the other reports of
the batch are made, and no partial file is left.

The watchdog itself is tested first on real work: a Python loop past its time, a real
allocation past its memory, and a call stuck in C (``time.sleep``) that only ending the
process can stop.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.batch.bounds import EXIT_STUCK, MB, LimitExceeded, ReportBounds, run_bounded
from reportgen.batch.worker import worker_memory
from reportgen.synthetic import write_dataset

from ..batchutil import NOTE_WORDS, assert_pdfs_match_manifest, by_status, cli, counts, read_manifest

HUGE_WORDS = 200_000


def rss() -> int:
    return worker_memory().rss


# --- the watchdog ----------------------------------------------------------------------------


def test_python_work_past_its_time_is_stopped_and_the_thread_goes_on() -> None:
    def spin() -> None:
        while True:
            sum(range(1000))

    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        run_bounded(ReportBounds(seconds=0.3, memory=None), rss, spin)
    assert caught.value.reason == "time"
    assert time.monotonic() - started < 5
    # Nothing is left pending: the thread runs on, and a later bounded call is unaffected.
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        sum(range(1000))
    assert run_bounded(ReportBounds(seconds=5, memory=None), rss, lambda: 42) == 42


def test_work_allocating_past_its_memory_is_stopped() -> None:
    limit = rss() // MB + 60
    kept: list[bytes] = []

    def grow() -> None:
        while True:
            kept.append(b"x" * MB)  # real pages: bytes are filled, so resident
            time.sleep(0.002)

    with pytest.raises(LimitExceeded) as caught:
        run_bounded(ReportBounds(seconds=60, memory=limit), rss, grow)
    assert caught.value.reason == "memory"
    assert 40 <= len(kept) < 2000
    kept.clear()


def test_work_within_its_limits_returns_its_result() -> None:
    assert run_bounded(ReportBounds(), rss, lambda: "done") == "done"
    assert run_bounded(ReportBounds(seconds=None, memory=None), rss, lambda: "plain") == "plain"


def test_a_call_stuck_in_c_ends_the_worker_process() -> None:
    """``time.sleep`` holds the thread in C, where no exception can reach it: after the grace
    period the watchdog ends the process, as a worker stuck in a C library would be."""
    code = (
        "import time\n"
        "from reportgen.batch.bounds import ReportBounds, run_bounded\n"
        "limits = ReportBounds(seconds=0.3, memory=None, hard_exit=True, grace=0.5)\n"
        "run_bounded(limits, lambda: 0, lambda: time.sleep(60))\n"
        "print('not stopped')\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_STUCK, result.stdout + result.stderr
    assert "not stopped" not in result.stdout
    assert time.monotonic() - started < 30


# --- a batch with a pathological document ----------------------------------------------------


def huge_note(outcome: Path, words: int = HUGE_WORDS) -> None:
    """Give the outcome's last progress note ``words`` more words (distinct sentences)."""
    sentences, count, i = [], 0, 0
    while count < words:
        sentence = f"In district {i} the team met {i % 97 + 3} women's groups and {i % 13 + 2} councils about case {i}."
        sentences.append(sentence)
        count += len(sentence.split())
        i += 1
    block = "".join("    " + " ".join(sentences[k : k + 20]) + "\n\n" for k in range(0, len(sentences), 20))
    lines = outcome.read_text(encoding="utf-8").splitlines(keepends=True)
    at = max(n for n, line in enumerate(lines) if line.startswith("  note: |"))
    lines.insert(at + 1, block)
    outcome.write_text("".join(lines), encoding="utf-8")


def pathological(tmp_path: Path) -> tuple[Path, str]:
    """Three outcomes, briefs only; the second's latest note is 200,000 words. Its job id."""
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS, years=(2024, 2024))
    huge_note(data / "outcomes" / "o0002.yaml")
    return data, "brief/o0002/2024/-"


def check_stopped(out: Path, huge: str, result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert counts(result.stdout) == (2, 0, 1)
    entries = read_manifest(out)
    assert by_status(entries, "failed") == {huge}
    assert by_status(entries, "ok") == set(entries) - {huge} and len(entries) == 3
    assert reason in entries[huge]["error"]
    assert f"failed: {huge} " in result.stderr and reason in result.stderr
    assert not (out / entries[huge]["path"]).exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert_pdfs_match_manifest(out, entries)


#: How many times longer than the slowest normal brief (measured in the same test) a report may take before the
#: time limit stops it: ample for the normal ones, however loaded the machine, and far short of the 200,000 words.
TIME_LIMIT_FACTOR = 4
#: The time limit is never less than this (seconds), so that a fast machine still gives the normal briefs room.
MIN_TIME_LIMIT = 12


def calibrated_time_limit(tmp_path: Path, data: Path, huge: str) -> int:
    """A time limit measured on this machine, now: the briefs of ``data`` other than ``huge``, made by a batch,
    their slowest duration as the manifest records it, times TIME_LIMIT_FACTOR."""
    normal = tmp_path / "calibration"
    shutil.copytree(data, normal)
    (normal / "outcomes" / f"{huge.split('/')[1]}.yaml").unlink()
    out = tmp_path / "calibration-out"
    result = cli("batch", "--data", normal, "--out", out, "--jobs", "2", "--kinds", "brief", "--time-limit", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    slowest = max(entry["duration"] for entry in read_manifest(out).values())
    return max(MIN_TIME_LIMIT, math.ceil(TIME_LIMIT_FACTOR * slowest))


def test_a_report_past_the_time_limit_is_stopped_and_the_others_are_made(tmp_path: Path) -> None:
    data, huge = pathological(tmp_path)
    limit = calibrated_time_limit(tmp_path, data, huge)
    out = tmp_path / "out"
    started = time.monotonic()
    result = cli("batch", "--data", data, "--out", out, "--jobs", "2", "--kinds", "brief",
                 "--time-limit", str(limit), "--memory-limit", "0")  # fmt: skip
    check_stopped(out, huge, result, f"took longer than the time limit of {limit} s (raise it with --time-limit")
    # Stopped at its limit (plus the grace period of a render stuck in C), not left to run: the batch took about
    # as long as the limit and the normal briefs, not as long as 200,000 words take.
    assert time.monotonic() - started < 10 * limit


def many_indicators(outcome: Path, count: int = 4000) -> None:
    """Give the outcome ``count`` more indicators (a results framework of thousands of rows)."""
    rows = "".join(
        f"- id: bulk-{i}\n  type: complementary\n"
        f"  name: Number of women in district {i} who took part in council hearings on case {i}\n"
        f"  unit: number\n  baseline:\n    year: 2023\n    value: {i}\n"
        f"  target:\n    year: 2024\n    value: {i + 50}\n  actuals:\n    2024: {i + 20}\n"
        f"  source: Programme monitoring of district {i}\n"
        for i in range(count)
    )
    text = outcome.read_text(encoding="utf-8")
    assert "\nindicators:\n" in text
    outcome.write_text(text.replace("\nindicators:\n", "\nindicators:\n" + rows, 1), encoding="utf-8")


def test_a_report_past_the_memory_limit_is_stopped_and_the_others_are_made(tmp_path: Path) -> None:
    """4,000 indicators: the worker passes 600 MB within seconds; a normal brief needs about 200."""
    data = write_dataset(tmp_path / "data", 3, seed=5, note_words=NOTE_WORDS, years=(2024, 2024))
    many_indicators(data / "outcomes" / "o0002.yaml")
    out = tmp_path / "out"
    result = cli("batch", "--data", data, "--out", out, "--jobs", "2", "--kinds", "brief",
                 "--time-limit", "240", "--memory-limit", "400")  # fmt: skip
    reason = "more than the memory limit of 400 MB (raise it with --memory-limit"
    check_stopped(out, "brief/o0002/2024/-", result, reason)
