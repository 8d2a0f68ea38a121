"""From batch to release on the bundled data, as a user runs it: batch -> approve some reports ->
edit one figure -> batch again (it says which cleared reports it re-opened) -> status shows them
with the diff -> diff OLD NEW shows the exact figure -> release copies only what is still
cleared; a release for one year holds every report of that year. Tampering with a released file
or with approvals.json is detected.

The module starts from a copy of the run's batch of the bundled data (``bundled_batch``, every
kind and year): its first batch here only finds every report up to date, its second (the reports
of 2024) makes those of them the edit changed.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.load import load_dataset

from ..batchutil import cli, jobs_of, read_manifest
from ..conftest import Batched

YEAR = "2024"
RELEASED = "2023"  # the year released on its own
EDITED = "mex-justice"  # the outcome whose figure the test edits
CLEARANCE = "  clearance:\n    brief: [programme, finance]\n    donor: [finance]\n"


@dataclass(frozen=True)
class Flow:
    data: Path
    old: Path  # a copy of the first batch's output
    out: Path  # the output after the edit and the second batch
    second_stdout: str
    approved: dict[str, list[str]]  # report path -> roles that cleared it
    edit: tuple[str, int, str, str]  # partner, year, old development, new development
    before: dict[str, dict[str, Any]]  # manifest entries of the first batch
    after: dict[str, dict[str, Any]]


def _batch(data: Path, out: Path, *only: str) -> str:
    result = cli("batch", "--data", data, "--out", out, "--jobs", "2", *only)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _approve(out: Path, path: str, by: str, role: str) -> None:
    result = cli("approve", out / path, "--by", by, "--role", role, "--note", "checked against the ledger")
    assert result.returncode == 0, result.stderr
    assert f"cleared {path} by {by} ({role})" in result.stdout


def _edit_figure(data: Path) -> tuple[str, int, str, str]:
    """Add 1000 to the development money of the outcome's last contribution row (and its total)."""
    file = data / "outcomes" / f"{EDITED}.yaml"
    row = yaml.safe_load(file.read_text(encoding="utf-8"))["contributions"][-1]
    old, new = int(row["development"]), int(row["development"]) + 1000
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    anchor = f"partner: {row['partner']}, year: {row['year']},"
    (index,) = [i for i, line in enumerate(lines) if anchor in line]
    line = lines[index].replace(f"development: {old},", f"development: {new},")
    if row.get("total") is not None:
        line = line.replace(f"total: {row['total']}", f"total: {int(row['total']) + 1000}")
    lines[index] = line
    file.write_text("".join(lines), encoding="utf-8")
    return str(row["partner"]), int(row["year"]), str(old), str(new)


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory, bundled_batch: Batched) -> Flow:
    root = tmp_path_factory.mktemp("release")
    assert bundled_batch.result.returncode == 0, bundled_batch.result.stdout + bundled_batch.result.stderr
    mine = bundled_batch.copy(root)
    data, out, old = mine.data, mine.out, root / "old"
    org = data / "organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("organization:\n", "organization:\n" + CLEARANCE, 1))
    # Clearance is in no report: every report is up to date (unless reportgen's code changed since the run's
    # batch), and the kept models learn the roles each kind now requires.
    _batch(data, out)
    before = read_manifest(out)
    shutil.copytree(out, old)
    approved = {
        f"briefs/{EDITED}-{YEAR}.pdf": ["programme", "finance"],
        f"briefs/mex-evaw-{YEAR}.pdf": ["programme", "finance"],
        f"briefs/col-economic-{YEAR}.pdf": ["programme"],  # finance has not cleared it
        f"donors/eu-{YEAR}.pdf": ["finance"],
    }
    for path, roles in approved.items():
        for role in roles:
            _approve(out, path, "Ana Ruiz" if role == "programme" else "Ben Okafor", role)
    edit = _edit_figure(data)
    stdout = _batch(data, out, "--year", YEAR)  # the reports of YEAR are remade; the others are kept as they were
    return Flow(data, old, out, stdout, approved, edit, before, read_manifest(out))


def _by_path(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["path"]: e for e in entries.values()}


def _moved(flow: Flow) -> set[str]:
    """Reports whose fingerprint the second batch moved: those the edit touched, and every report
    when reportgen's own code changed between the two batches (its code is part of each fingerprint)."""
    old, new = _by_path(flow.before), _by_path(flow.after)
    return {p for p in new if p in old and old[p]["fingerprint"] != new[p]["fingerprint"]}


def _full(flow: Flow) -> set[str]:
    """The reports every required role cleared (briefs: programme and finance; donor reports: finance)."""
    return {p for p, roles in flow.approved.items() if set(roles) == {"programme", "finance"} or p.startswith("donors")}


def _reopened(flow: Flow) -> set[str]:
    """Cleared reports whose fingerprint the second batch moved."""
    return _full(flow) & _moved(flow)


def test_the_second_batch_says_which_cleared_reports_it_reopened(flow: Flow) -> None:
    reopened = _reopened(flow)
    assert f"briefs/{EDITED}-{YEAR}.pdf" in reopened
    match = re.search(r"batch: re-opened (\d+) cleared reports \(see reportgen status\): (.*)", flow.second_stdout)
    assert match, flow.second_stdout
    assert int(match.group(1)) == len(reopened)
    assert set(match.group(2).split(", ")) == reopened


def test_status_shows_each_state_and_the_diff_of_the_reopened_report(flow: Flow) -> None:
    result = cli("status", flow.out, "--format", "json")
    assert result.returncode == 0, result.stderr
    states = {s["report"]: s for s in json.loads(result.stdout)}
    reopened = _reopened(flow)
    partner, year, old, new = flow.edit
    for path in reopened:
        assert states[path]["state"] == "re-opened"
    edited = states[f"briefs/{EDITED}-{YEAR}.pdf"]
    where = f"outcome › contributions › {partner} {year} › development"
    assert {"where": where, "old": old, "new": new} in edited["diff"]["changes"]
    partly = states[f"briefs/col-economic-{YEAR}.pdf"]
    if f"briefs/col-economic-{YEAR}.pdf" in _moved(flow):
        assert partly["state"] == "re-opened"
    else:
        assert (partly["state"], partly["missing"]) == ("partly cleared", ["finance"])
    for path in _full(flow) - reopened:
        assert states[path]["state"] == "cleared", path
        assert {a["role"] for a in states[path]["cleared_by"]} == set(flow.approved[path])
    drafts = set(_by_path(flow.after)) - set(flow.approved)
    assert drafts and all(states[p]["state"] == "draft" for p in drafts)

    text = cli("status", flow.out).stdout
    assert f"briefs/{EDITED}-{YEAR}.pdf: re-opened: changed since" in text
    assert f"{where}: {old} -> {new}" in text


def test_diff_shows_the_exact_figure_old_to_new(flow: Flow, tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    result = cli("diff", flow.old, flow.out / "manifest.json", "--format", "json", "--html", page)
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    reports = {r["path"]: r for r in diff["reports"]}
    partner, year, old, new = flow.edit
    edited = reports[f"briefs/{EDITED}-{YEAR}.pdf"]
    assert edited["state"] == "changed"
    changes = {c["where"]: (c["old"], c["new"]) for c in edited["changes"]}
    assert changes[f"outcome › contributions › {partner} {year} › development"] == (old, new)
    assert changes[f"contributions › rows › {partner} › cells › {year} › development"] == (f"{old} USD", f"{new} USD")
    moved = _moved(flow)
    assert {p for p, r in reports.items() if r["state"] in ("changed", "presentation")} == moved
    assert all(r["state"] == "unchanged" for p, r in reports.items() if p not in moved)
    # Only the reports made from the edited outcome show a changed figure; the others moved only if
    # reportgen's code changed between the batches (presentation).
    outcome = load_dataset(flow.data).outcomes[EDITED]

    def uses(entry: dict[str, Any]) -> bool:  # the reports that print the outcome (as in test_batch.py)
        if entry["kind"] == "brief":
            return bool(entry["key"] == EDITED)
        if entry["kind"] == "country":
            return entry["key"] == outcome.office and entry["year"] in outcome.period
        return any(c.partner == entry["key"] and c.year <= entry["year"] for c in outcome.contributions)

    assert uses(flow.after[f"brief/{EDITED}/{YEAR}/-"])
    assert {p for p, r in reports.items() if r["state"] == "changed"} <= {
        e["path"] for e in flow.after.values() if uses(e)
    }

    html = page.read_text(encoding="utf-8")
    assert "<del>" not in html or "</del>" in html
    assert f"{old} USD" in html and f"{new} USD" in html
    assert not re.search(r"(src|href)\s*=|<script|<link|@import|url\(", html, re.I)  # nothing to fetch

    text = cli("diff", flow.old, flow.out).stdout
    assert f"changed: briefs/{EDITED}-{YEAR}.pdf" in text
    assert f"outcome › contributions › {partner} {year} › development: {old} -> {new}" in text


def test_release_copies_only_what_is_still_cleared_and_says_why_not(flow: Flow, tmp_path: Path) -> None:
    target = tmp_path / "release"
    result = cli("release", flow.out, "--to", target)
    assert result.returncode == 1  # some reports were refused
    cleared = _full(flow) - _moved(flow)
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert files == cleared | {"release.json"}
    manifest = json.loads((target / "release.json").read_text(encoding="utf-8"))
    entries = _by_path(flow.after)
    for item in manifest["files"]:
        assert item["sha256"] == entries[item["report"]]["sha256"]
        assert (target / item["path"]).read_bytes() == (flow.out / item["report"]).read_bytes()
    refused = {r["report"]: r["reason"] for r in manifest["refused"]}
    assert set(refused) == set(entries) - cleared
    assert refused[f"briefs/{EDITED}-{YEAR}.pdf"].startswith("changed since")
    if f"briefs/col-economic-{YEAR}.pdf" not in _moved(flow):
        assert refused[f"briefs/col-economic-{YEAR}.pdf"] == "not cleared by finance yet"
    assert f"refused: briefs/{EDITED}-{YEAR}.pdf: changed since" in result.stderr

    again = cli("release", flow.out, "--to", target)  # a release folder of this OUT may be released into again
    assert (
        again.returncode == 1 and {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == files
    )


def test_per_recipient_folders_hold_each_partners_donor_reports_and_funded_briefs(flow: Flow, tmp_path: Path) -> None:
    target = tmp_path / "by-partner"
    cli("release", flow.out, "--to", target, "--per-recipient")
    funders = {
        str(c["partner"])
        for c in yaml.safe_load((flow.data / "outcomes" / "mex-evaw.yaml").read_text())["contributions"]
    }
    for partner in funders:
        assert (target / "partners" / partner / "briefs" / f"mex-evaw-{YEAR}.pdf").is_file()
    assert (target / "partners" / "eu" / "donors" / f"eu-{YEAR}.pdf").is_file()
    assert not list(target.glob(f"partners/*/briefs/{EDITED}-{YEAR}.pdf"))  # re-opened: not released anywhere
    assert cli("release", "--check", target).returncode == 0


def test_a_tampered_released_file_is_detected(flow: Flow, tmp_path: Path) -> None:
    target = tmp_path / "release"
    cli("release", flow.out, "--to", target)
    assert cli("release", "--check", target).returncode == 0
    released = target / "donors" / f"eu-{YEAR}.pdf"
    data = bytearray(released.read_bytes())
    data[len(data) // 2] ^= 0xFF
    released.write_bytes(bytes(data))
    (target / "donors" / "extra.pdf").write_bytes(b"%PDF-1.7\n")

    result = cli("release", "--check", target)

    assert result.returncode == 1
    assert f"donors/eu-{YEAR}.pdf: changed since it was released" in result.stderr
    assert "donors/extra.pdf: not part of the release" in result.stderr


@pytest.mark.parametrize("tamper", ["edit", "remove-middle", "remove-last"])
def test_a_tampered_approvals_file_stops_status_and_release(flow: Flow, tmp_path: Path, tamper: str) -> None:
    out = tmp_path / "out"
    shutil.copytree(flow.out, out)
    path = out / "approvals.json"
    history = json.loads(path.read_text(encoding="utf-8"))
    if tamper == "edit":
        history["approvals"][0]["by"] = "Mallory"
    elif tamper == "remove-middle":
        del history["approvals"][1]
    else:
        del history["approvals"][-1]
    path.write_text(json.dumps(history), encoding="utf-8")
    expected = {"edit": "entry 1 (", "remove-middle": "was removed or changed", "remove-last": "ends before"}[tamper]

    status = cli("status", out)
    target = tmp_path / "release"
    release = cli("release", out, "--to", target)

    assert status.returncode == 1 and expected in status.stderr and "Traceback" not in status.stderr
    assert release.returncode == 1 and expected in release.stderr
    assert not target.exists() or not any(target.iterdir())


def test_release_refuses_a_folder_it_did_not_make(flow: Flow, tmp_path: Path) -> None:
    target = tmp_path / "shared-drive"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("release", flow.out, "--to", target)
    assert result.returncode == 2
    assert "not empty and was not made by reportgen release" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_approve_refuses_a_role_the_kind_does_not_require_and_a_changed_file(flow: Flow, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(flow.out, out)
    wrong = cli("approve", out / "donors" / f"eu-{YEAR}.pdf", "--by", "Ana Ruiz", "--role", "programme")
    assert wrong.returncode == 2 and "'programme' is not a role that clears donor reports" in wrong.stderr
    report = out / "briefs" / f"mex-wps-{YEAR}.pdf"
    report.write_bytes(report.read_bytes() + b"\n")
    changed = cli("approve", report, "--by", "Ana Ruiz", "--role", "programme")
    assert changed.returncode == 2 and "not the file the batch made" in changed.stderr
    assert json.loads((out / "approvals.json").read_text()) == json.loads((flow.out / "approvals.json").read_text())


def test_a_release_for_one_year_holds_every_report_of_that_year(flow: Flow, tmp_path: Path) -> None:
    """Every report of RELEASED (briefs, donor and country reports, as the data supports them) cleared by
    the roles its kind requires: ``release --year`` copies exactly those, refuses nothing, leaves other years out."""
    out = shutil.copytree(flow.out, tmp_path / "out")
    wanted = {job.path(out).relative_to(out).as_posix(): job.kind for job in jobs_of(flow.data)
              if job.year == int(RELEASED)}  # fmt: skip
    assert set(wanted.values()) == {"brief", "donor", "country"}
    roles = {"brief": ["programme", "finance"], "donor": ["finance"], "country": ["programme"]}
    for role in ("programme", "finance"):
        paths = sorted(out / p for p, kind_name in wanted.items() if role in roles[kind_name])
        done = cli("approve", *paths, "--by", "Ana Ruiz", "--role", role)
        assert done.returncode == 0, done.stderr
    target = tmp_path / "release"

    result = cli("release", out, "--to", target, "--year", RELEASED)

    assert result.returncode == 0, result.stdout + result.stderr
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert files == set(wanted) | {"release.json"}
    manifest = json.loads((target / "release.json").read_text(encoding="utf-8"))
    assert (manifest["year"], manifest["refused"]) == (int(RELEASED), [])
    assert cli("release", "--check", target).returncode == 0
    every_year = cli("release", out, "--to", target)  # the folder holds one year's release: not another
    assert every_year.returncode == 2 and f"holds a release of the year {RELEASED}" in every_year.stderr
    none = cli("release", out, "--to", tmp_path / "none", "--year", "1999")
    assert none.returncode == 2 and "holds no report of 1999" in none.stderr
