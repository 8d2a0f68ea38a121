"""From batch to release on a generated dataset of 200 outcomes, through the CLI: batch -> approve
some briefs -> edit one budget figure -> batch -> status re-opens exactly the briefs that moved,
the diff shows the exact figure, and release copies only the briefs still cleared.

The 200 outcomes are small (one year, 1-3 indicators and funding partners, short notes, spread
over 25 offices and 40 partners), so the first batch renders 200 short briefs and the second
only the one the edit changed; ``RELEASE_OUTCOMES`` sets another count. What is checked does
not depend on the count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

from reportgen.synthetic import write_dataset

from ..batchutil import NOTE_WORDS, cli, counts, read_manifest

OUTCOMES = int(os.environ.get("RELEASE_OUTCOMES", "200"))
EDITED = "o0002"
APPROVE_EVERY = 10  # the briefs of every tenth outcome are cleared, and the edited one's
_BUDGET_CORE = re.compile(r"(- year: (\d{4})\n  budget:\n    core: )(\d+(?:\.\d+)?)")


def _batch(data: Path, out: Path) -> str:
    result = cli("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _approve(out: Path, paths: list[str]) -> None:
    result = cli("approve", *(out / p for p in paths), "--by", "Ana Ruiz", "--role", "programme")
    assert result.returncode == 0, result.stderr


def _released(target: Path) -> set[str]:
    return {p.relative_to(target).as_posix() for p in target.rglob("*.pdf")}


def test_generated_batch_to_release(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "data", OUTCOMES, seed=11, note_words=NOTE_WORDS, years=(2024, 2024),
        offices=max(1, OUTCOMES // 8), partners=40, indicators=(1, 3), funders=(1, 3),
    )  # fmt: skip
    out, first = tmp_path / "out", tmp_path / "first"
    made = _batch(data, out)
    before = {e["path"]: e for e in read_manifest(out).values()}
    assert len(before) == OUTCOMES == counts(made)[0]  # one year: a brief per outcome
    shutil.copytree(out, first)
    briefs = sorted(before)
    edited = next(p for p in briefs if EDITED in p)
    approved = sorted({*briefs[::APPROVE_EVERY], edited})
    _approve(out, approved)

    file = data / "outcomes" / f"{EDITED}.yaml"
    text = file.read_text(encoding="utf-8")
    match = _BUDGET_CORE.search(text)
    assert match
    year, old = match.group(2), Decimal(match.group(3))
    new = old + 100
    file.write_text(text[: match.start(3)] + str(new) + text[match.end(3) :], encoding="utf-8")

    stdout = _batch(data, out)
    after = {e["path"]: e for e in read_manifest(out).values()}
    assert set(after) == set(before)
    moved = {p for p in briefs if before[p]["fingerprint"] != after[p]["fingerprint"]}
    assert edited in moved
    assert counts(stdout)[:2] == (len(moved), OUTCOMES - len(moved))
    reopened = moved & set(approved)
    assert f"batch: re-opened {len(reopened)} cleared reports" in stdout

    states = {s["report"]: s for s in json.loads(cli("status", out, "--format", "json").stdout)}
    assert {p for p, s in states.items() if s["state"] == "re-opened"} == reopened
    assert {p for p, s in states.items() if s["state"] == "cleared"} == set(approved) - moved
    assert {p for p, s in states.items() if s["state"] == "draft"} == set(briefs) - set(approved)
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
    assert _released(target) == set(approved) - moved
    assert f"refused: {edited}: changed since Ana Ruiz (programme) cleared it" in released.stderr
    draft = next(p for p in briefs if p not in approved)
    assert f"refused: {draft}: not cleared yet" in released.stderr

    # Cleared again, the re-opened briefs go out with the next release into the same folder.
    _approve(out, sorted(reopened))
    second = cli("release", out, "--to", target)
    assert second.returncode == 1  # the drafts are still refused
    assert _released(target) == set(approved)
    assert (target / edited).read_bytes() == (out / edited).read_bytes()
    assert cli("release", "--check", target).returncode == 0


def test_status_of_a_folder_without_a_batch_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("status", tmp_path)
    assert result.returncode == 2 and "no manifest.json here" in result.stderr and "Traceback" not in result.stderr
