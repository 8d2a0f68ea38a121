"""The pieces of the release workflow on their own: the word diff, the model diff's alignment,
the approval history's hash chain, the tolerance, and organization.clearance at load."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from reportgen import load_dataset
from reportgen.errors import DataError
from reportgen.kinds import kind
from reportgen.release import approvals
from reportgen.release.diff import changes
from reportgen.release.reconcile import Tolerance
from reportgen.release.snapshot import model_json
from reportgen.release.textdiff import as_text, shortened, word_diff

from ..conftest import DATA


def test_word_diff_marks_the_words_that_went_and_came() -> None:
    pieces = word_diff(
        "The office trained 120 police officers in 2023.", "The office trained 135 police  officers in 2023."
    )
    assert as_text(pieces) == "The office trained [-120-] {+135+} police officers in 2023."
    assert word_diff("a  b\nc", "a b c") == (word_diff("a b c", "a b c"))  # spacing is no change


def test_shortened_keeps_context_around_a_change() -> None:
    words = [f"w{i}" for i in range(40)]
    pieces = word_diff(" ".join(words), " ".join([*words[:20], "new", *words[20:]]))
    text = as_text(shortened(pieces, context=3))
    assert text == "… w17 w18 w19 {+new+} w20 w21 w22 …"


def test_reordered_rows_are_no_change_and_a_moved_figure_is_named_by_its_row() -> None:
    eu = {"partner": {"id": "eu"}, "year": 2024, "total": {"amount": "10", "currency": "USD"}}
    sida = {"partner": {"id": "sida"}, "year": 2024, "total": {"amount": "5", "currency": "USD"}}
    old = {"rows": [eu, sida]}
    new = {"rows": [old["rows"][1], {**old["rows"][0], "total": {"amount": "12", "currency": "USD"}}]}
    (change,) = changes(old, new)
    assert (change.where, change.old, change.new) == ("rows › eu 2024 › total", "10 USD", "12 USD")
    assert list(changes(old, {"rows": old["rows"][::-1]})) == []


def test_cells_of_a_table_are_named_by_the_year_they_stand_for() -> None:
    old = {"years": [2022, 2023], "cells": [None, {"amount": "1", "currency": "EUR"}]}
    new = {"years": [2022, 2023], "cells": [{"amount": "4", "currency": "EUR"}, {"amount": "1", "currency": "EUR"}]}
    (change,) = changes(old, new)
    assert (change.where, change.old, change.new) == ("cells › 2022", None, "4 EUR")


def test_a_figure_edited_in_the_data_is_found_in_the_brief_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = model_json(kind("brief").build(load_dataset(data), "mex-wps", None, None, None))
    file = data / "outcomes" / "mex-wps.yaml"
    text = file.read_text(encoding="utf-8")
    row = before["outcome"]["contributions"][0]
    old = f"development: {row['development']},"
    assert old in text
    file.write_text(text.replace(old, f"development: {int(row['development']) + 1},", 1), encoding="utf-8")
    if row.get("total") is not None:
        file.write_text(file.read_text().replace(f"total: {row['total']}}}", f"total: {int(row['total']) + 1}}}", 1))
    after = model_json(kind("brief").build(load_dataset(data), "mex-wps", None, None, None))
    found = {c.where: (c.old, c.new) for c in changes(before, after)}
    where = f"outcome › contributions › {row['partner']} {row['year']} › development"
    assert found[where] == (row["development"], str(int(row["development"]) + 1))


def _request(n: int) -> approvals.Request:
    return approvals.Request(f"briefs/o{n}-2024.pdf", f"{n:064x}", f"{n + 1:064x}")


def _history(tmp_path: Path) -> Path:
    approvals.append(tmp_path, [_request(1), _request(2)], "Ana", "programme", "")
    approvals.append(tmp_path, [_request(3)], "Ben", "finance", "a note")
    return tmp_path / approvals.APPROVALS


def test_the_history_appends_and_reads_back(tmp_path: Path) -> None:
    _history(tmp_path)
    history = approvals.read(tmp_path)
    assert [(a.report, a.by, a.role) for a in history] == [
        ("briefs/o1-2024.pdf", "Ana", "programme"),
        ("briefs/o2-2024.pdf", "Ana", "programme"),
        ("briefs/o3-2024.pdf", "Ben", "finance"),
    ]
    assert [a.previous for a in history] == [approvals.GENESIS, history[0].hash, history[1].hash]
    assert approvals.clearances(history, "briefs/o3-2024.pdf", f"{3:064x}", f"{4:064x}") == [history[2]]
    assert approvals.clearances(history, "briefs/o3-2024.pdf", f"{3:064x}", f"{5:064x}") == []


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: d["approvals"][1].update(role="finance"), "entry 2 (briefs/o2-2024.pdf) was changed"),
        (lambda d: d["approvals"].pop(0), "the entry before entry 1"),
        (lambda d: d["approvals"].reverse(), "was changed"),
        (lambda d: d["approvals"].pop(), "ends before its last entry"),
        (lambda d: d["approvals"][0].pop("note"), "does not have the fields"),
    ],
)
def test_an_edited_removed_or_reordered_entry_breaks_the_chain(tmp_path: Path, tamper: object, message: str) -> None:
    path = _history(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    tamper(document)  # type: ignore[operator]
    if message == "was changed":  # reordering with recomputed hashes still breaks the links
        for item in document["approvals"]:
            item["hash"] = approvals.entry_hash(item)
        document["head"] = document["approvals"][-1]["hash"]
        message = "was removed or changed"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(approvals.BrokenHistory, match=re.escape(message)):
        approvals.read(tmp_path)
    with pytest.raises(approvals.BrokenHistory):  # nothing is appended to a broken history
        approvals.append(tmp_path, [_request(9)], "Eve", "programme", "")


def test_tolerance_is_an_amount_or_a_share() -> None:
    from decimal import Decimal

    assert Tolerance.parse(None).allows(Decimal(5), Decimal(5))
    assert not Tolerance.parse(None).allows(Decimal("5.01"), Decimal(5))
    assert Tolerance.parse("0.5").allows(Decimal("5.5"), Decimal(5))
    assert Tolerance.parse("10%").allows(Decimal(110), Decimal(100))
    assert not Tolerance.parse("10%").allows(Decimal("110.01"), Decimal(100))


@pytest.mark.parametrize(
    ("clearance", "message"),
    [
        ("    memo: [programme]\n", "organization.clearance.memo: input should be 'brief', 'donor' or 'country'"),
        ("    donor: [finance, finance]\n", "organization.clearance.donor: role 'finance' is listed twice"),
        ("    donor: []\n", "organization.clearance.donor: list at least one role"),
    ],
)
def test_organization_clearance_is_validated_at_load_with_its_line(
    tmp_path: Path, clearance: str, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    org = data / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(text.replace("organization:\n", "organization:\n  clearance:\n" + clearance, 1), encoding="utf-8")
    line = text.splitlines().index("organization:") + 3
    with pytest.raises(DataError) as raised:
        load_dataset(data)
    (issue,) = raised.value.issues
    assert issue.file == org and issue.line == line
    assert message in str(issue)


def test_clearance_is_not_part_of_the_report_model() -> None:
    dataset = load_dataset(DATA)
    strict = dataset.organization.model_copy(update={"clearance": {"donor": ["finance"]}})
    assert repr(strict) == repr(dataset.organization)  # the fingerprint hashes the model's repr
    assert "clearance" not in strict.model_dump()


def test_a_model_kept_under_two_fingerprints_is_a_presentation_change(tmp_path: Path) -> None:
    from reportgen.release import snapshot
    from reportgen.release.diff import compare_models

    dataset = load_dataset(DATA)
    model = kind("brief").build(dataset, "mex-wps", None, None, None)
    for fingerprint in ("a" * 64, "b" * 64):
        snapshot.keep(tmp_path, "brief/mex-wps/2024/-", "brief", "mex-wps", 2024, model, fingerprint, dataset)
    kept = snapshot.load(tmp_path, "a" * 64)
    assert kept is not None and kept.model == model_json(model)
    assert kept.partners == tuple(sorted({c.partner for c in dataset.outcomes["mex-wps"].contributions}))
    same = compare_models("j", "brief", "briefs/x.pdf", (tmp_path, "a" * 64), (tmp_path, "b" * 64))
    assert (same.state, same.changes) == ("presentation", ())
    missing = compare_models("j", "brief", "briefs/x.pdf", (tmp_path, "a" * 64), (tmp_path, "c" * 64))
    assert missing.state == "unknown" and "new batch" in missing.note


def test_the_html_page_escapes_report_text_and_loads_nothing() -> None:
    from reportgen.release.diff import BatchDiff, Change, ReportDiff
    from reportgen.release.diff_html import diff_page

    hostile = '<script>alert("x")</script><img src=http://evil.example/x.png>'
    words = word_diff("the note said nothing", f"the note said {hostile}")
    report = ReportDiff("brief/x/2024/-", "brief", "briefs/<x>.pdf", "changed",
                        (Change("summary", "a", hostile), Change("progress › 2024 › text", "", "", words)))  # fmt: skip
    page = diff_page(BatchDiff(Path("old"), Path("new"), [report]))
    assert not re.search(r"<(script|img|link|iframe|object)\b", page, re.I)  # only text of the reports, escaped
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<ins>" in page and "briefs/&lt;x&gt;.pdf" in page


def test_the_organization_schema_lists_clearance_for_editors() -> None:
    from reportgen.scaffold.schema import json_schema

    schema = json_schema("organization")
    clearance = schema["$defs"]["Organization"]["properties"]["clearance"]
    assert clearance["propertyNames"]["enum"] == ["brief", "donor", "country"]
    assert clearance["additionalProperties"]["type"] == "array"


def test_reports_added_and_removed_between_two_batches(tmp_path: Path) -> None:
    from reportgen.batch.manifest import Entry, Manifest
    from reportgen.release.diff import compare

    def batch(name: str, keys: list[str]) -> Path:
        out = tmp_path / name
        out.mkdir()
        manifest = Manifest(out)
        for key in keys:
            path = f"donors/{key}-2024.pdf"
            manifest.record(Entry(f"donor/{key}/2024/-", "donor", key, 2024, "", path, "ok", fingerprint=key * 64))
        manifest.save()
        return out

    old, new = batch("old", ["a", "b"]), batch("new", ["b", "c"])
    states = {r.job: r.state for r in compare(old, new / "manifest.json").reports}
    assert states == {"donor/a/2024/-": "removed", "donor/b/2024/-": "unchanged", "donor/c/2024/-": "added"}


def test_a_report_whose_data_has_lint_warnings_is_failing_strict_lint(tmp_path: Path) -> None:
    import hashlib

    from reportgen.batch.manifest import Entry
    from reportgen.release import snapshot
    from reportgen.release.status import FAILING, report_status

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    file = data / "outcomes" / "mex-wps.yaml"
    file.write_text(file.read_text().replace("short_title: Women, peace and security", "short_title: Lorem ipsum"))
    dataset = load_dataset(data)
    warnings = [str(w) for w in dataset.warnings if w.file == file]
    assert warnings
    model = kind("brief").build(dataset, "mex-wps", None, None, None)
    out = tmp_path / "out"
    snapshot.keep(out, "brief/mex-wps/2024/-", "brief", "mex-wps", 2024, model, "d" * 64, dataset)
    pdf = out / "briefs" / "mex-wps-2024.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.7 stand-in")
    entry = Entry("brief/mex-wps/2024/-", "brief", "mex-wps", 2024, "", "briefs/mex-wps-2024.pdf", "ok",
                  sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(), fingerprint="d" * 64)  # fmt: skip
    status = report_status(out, entry, [])
    assert status.state == FAILING
    assert status.problems == tuple(f"strict lint: {w}" for w in warnings)
