"""From batch to release on a generated dataset, through the CLI: batch -> approve every brief ->
edit one budget figure -> batch -> status re-opens exactly the briefs that moved, the diff shows
the exact figure, and release copies only the briefs still cleared.

The issue asks for 200 outcomes; rendering 200 briefs twice takes minutes on two cores (measured:
about 5 s of CPU per brief on a loaded machine), so the test uses ``RELEASE_OUTCOMES`` outcomes
(default 6; ``RELEASE_OUTCOMES=200`` runs the full size). What is checked does not depend on
the count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

from reportgen.synthetic import write_dataset

from ..batchutil import NOTE_WORDS, cli, read_manifest

OUTCOMES = int(os.environ.get("RELEASE_OUTCOMES", "6"))
EDITED = "o0002"
_BUDGET_CORE = re.compile(r"(- year: (\d{4})\n  budget:\n    core: )(\d+(?:\.\d+)?)")


def _batch(data: Path, out: Path) -> str:
    result = cli("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_generated_batch_to_release(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", OUTCOMES, seed=11, note_words=NOTE_WORDS)
    out, first = tmp_path / "out", tmp_path / "first"
    _batch(data, out)
    before = {e["path"]: e for e in read_manifest(out).values()}
    assert len(before) == OUTCOMES
    shutil.copytree(out, first)
    briefs = sorted(before)
    result = cli("approve", *(out / p for p in briefs), "--by", "Ana Ruiz", "--role", "programme")
    assert result.returncode == 0, result.stderr

    file = data / "outcomes" / f"{EDITED}.yaml"
    text = file.read_text(encoding="utf-8")
    match = _BUDGET_CORE.search(text)
    assert match
    year, old = match.group(2), Decimal(match.group(3))
    new = old + 100
    file.write_text(text[: match.start(3)] + str(new) + text[match.end(3) :], encoding="utf-8")

    stdout = _batch(data, out)
    after = {e["path"]: e for e in read_manifest(out).values()}
    moved = {p for p in briefs if before[p]["fingerprint"] != after[p]["fingerprint"]}
    edited = next(p for p in briefs if EDITED in p)
    assert edited in moved
    assert f"batch: re-opened {len(moved)} cleared reports" in stdout

    states = {s["report"]: s for s in json.loads(cli("status", out, "--format", "json").stdout)}
    assert {p for p, s in states.items() if s["state"] == "re-opened"} == moved
    assert {p for p, s in states.items() if s["state"] == "cleared"} == set(briefs) - moved
    changes = {c["where"]: (c["old"], c["new"]) for c in states[edited]["diff"]["changes"]}
    assert changes[f"outcome › resources › {year} › budget › core"] == (str(old), str(new))

    diff = json.loads(cli("diff", first, out, "--format", "json").stdout)
    reports = {r["path"]: r for r in diff["reports"]}
    assert reports[edited]["state"] == "changed"
    figures = {c["where"]: (c["old"], c["new"]) for c in reports[edited]["changes"]}
    assert figures[f"resources › rows › {year} › budget_core"] == (f"{old} USD", f"{new} USD")
    assert {p for p, r in reports.items() if r["state"] == "changed"} == {edited}

    target = tmp_path / "release"
    released = cli("release", out, "--to", target)
    assert released.returncode == 1
    assert {p.relative_to(target).as_posix() for p in target.rglob("*.pdf")} == set(briefs) - moved
    assert f"refused: {edited}: changed since Ana Ruiz (programme) cleared it" in released.stderr

    # Cleared again, the re-opened briefs go out with the next release into the same folder.
    again = cli("approve", *(out / p for p in sorted(moved)), "--by", "Ana Ruiz", "--role", "programme")
    assert again.returncode == 0, again.stderr
    second = cli("release", out, "--to", target)
    assert second.returncode == 0, second.stderr
    assert {p.relative_to(target).as_posix() for p in target.rglob("*.pdf")} == set(briefs)
    assert (target / edited).read_bytes() == (out / edited).read_bytes()
    assert cli("release", "--check", target).returncode == 0


def test_status_of_a_folder_without_a_batch_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("status", tmp_path)
    assert result.returncode == 2 and "no manifest.json here" in result.stderr and "Traceback" not in result.stderr
