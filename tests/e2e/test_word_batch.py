"""``reportgen batch --format pdf,docx``: each brief's Word edition beside its PDF, in the
manifest with its hash, kept when up to date and remade when it is missing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _batch(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "batch", "--data", str(ROOT / "data"), "--out", str(out),
         "--kinds", "brief", "--jobs", "2", *extra],
        capture_output=True, text=True, timeout=600,
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


def test_batch_refuses_word_editions_without_pdfs(tmp_path: Path) -> None:
    done = _batch(tmp_path / "out", "--format", "docx")
    assert done.returncode == 2 and "--format docx alone is not supported" in done.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


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
