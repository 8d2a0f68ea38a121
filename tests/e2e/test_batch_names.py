"""Hostile ids end to end: IATI identifiers and hand-made ids that are paths, device names,
very long or not ASCII become safe file names inside the output folder, and two ids that
would share a file stop the run naming both.

Everything runs as a user runs it (``reportgen import iati``, ``reportgen batch``,
``reportgen build``) and the PDFs are read back.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from reportgen import load_dataset
from reportgen.safe_names import MAX_NAME_BYTES, file_name, is_safe
from reportgen.synthetic import write_dataset

from ..batchutil import NOTE_WORDS, assert_pdfs_match_manifest, by_status, cli, counts, read_manifest
from ..iati_xml import activity, document, write

HOSTILE_IDENTIFIERS = [
    "../../etc/passwd",
    "/etc/shadow",
    "CON",
    "nul",
    "com1.txt",
    "a/b\\c",
    "..",
    "x" * 300,
    "Ölförderung-ñandú-\u202eexe.fdp",
]


def every_file(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_hostile_iati_identifiers_import_and_batch_inside_their_folders(tmp_path: Path) -> None:
    # Data and output three levels down: a name that escaped would land in tmp_path, seen below.
    root = tmp_path / "a" / "b"
    root.mkdir(parents=True)
    activities = [
        activity(identifier, title=f"Activity {n}", reporting_ref="../CON")
        for n, identifier in enumerate(HOSTILE_IDENTIFIERS)
    ]
    source = write(tmp_path, document(*activities))
    data, out = root / "data", root / "out"

    imported = cli("import", "iati", source, "--out", data)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    written = every_file(data)
    assert len(written) == 1 + len(HOSTILE_IDENTIFIERS)  # organization.yaml and one file per activity
    for path in written:
        assert path.parent in (data, data / "outcomes") and is_safe(path.name), path
    dataset = load_dataset(data)
    assert sorted(o.reference for o in dataset.outcomes.values()) == sorted(HOSTILE_IDENTIFIERS)
    for outcome in dataset.outcomes.values():
        assert (data / "outcomes" / f"{outcome.id}.yaml").is_file()  # id and file name agree

    result = cli("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts(result.stdout) == (len(HOSTILE_IDENTIFIERS), 0, 0)
    entries = read_manifest(out)
    assert by_status(entries, "ok") == set(entries) and len(entries) == len(HOSTILE_IDENTIFIERS)
    assert_pdfs_match_manifest(out, entries)
    names = {p.name for p in (out / "briefs").iterdir()}
    assert {name.rsplit("-", 1)[0] for name in names} == {file_name(outcome_id) for outcome_id in dataset.outcomes}
    for name in names:
        assert is_safe(name) and len(name.encode()) <= MAX_NAME_BYTES + len("-2024.pdf")  # <id>-<year>.pdf
    for outcome in dataset.outcomes.values():  # each brief is its own activity's
        (pdf,) = [p for p in (out / "briefs").iterdir() if p.name.rsplit("-", 1)[0] == file_name(outcome.id)]
        metadata = PdfReader(pdf).metadata
        assert metadata is not None
        number = HOSTILE_IDENTIFIERS.index(outcome.reference)
        assert str(metadata.title).startswith(f"Activity {number} — ")
    # Nothing was written anywhere but the data and output folders.
    assert every_file(tmp_path) - every_file(data) - every_file(out) == {source}
    assert not (Path("/etc") / "passwd.pdf").exists()


def rename_ids(data: Path, renames: dict[str, str]) -> None:
    """Rename ids throughout the generated data (and the outcome files after their ids)."""
    for path in [data / "organization.yaml", *sorted((data / "outcomes").iterdir())]:
        text = path.read_text(encoding="utf-8")
        for old, new in renames.items():
            text = text.replace(f": {old}\n", f": {new}\n")
        path.write_text(text, encoding="utf-8")
    for old, new in renames.items():
        outcome = data / "outcomes" / f"{old}.yaml"
        if outcome.exists():
            outcome.rename(outcome.with_name(f"{new}.yaml"))


def test_device_names_and_long_ids_in_hand_made_data_get_safe_distinct_files(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 2, seed=3, partners=1, note_words=NOTE_WORDS, years=(2023, 2024))
    long_id = "l" * 64
    rename_ids(data, {"o0001": "con", "o0002": long_id, "off01": "aux", "p001": "nul"})
    dataset = load_dataset(data)
    assert set(dataset.outcomes) == {"con", long_id} and set(dataset.offices) == {"aux"}
    out = tmp_path / "out"

    result = cli("batch", "--data", data, "--out", out, "--jobs", "2", "--compendium")
    assert result.returncode == 0, result.stdout + result.stderr
    entries = read_manifest(out)
    assert by_status(entries, "ok") == set(entries)
    assert_pdfs_match_manifest(out, entries)
    for entry in entries.values():
        stem = file_name(entry["key"])
        assert Path(entry["path"]).name.startswith(stem), entry
    aux, nul = file_name("aux"), file_name("nul")
    assert aux != "aux" and nul != "nul" and file_name(long_id) == long_id
    assert {p.name.rsplit("-", 1)[0] for p in (out / "briefs").iterdir()} == {file_name("con"), long_id}
    assert {p.name for p in (out / "countries").iterdir()} == {f"{aux}-2023.pdf", f"{aux}-2024.pdf"}
    assert {p.name for p in (out / "compendiums").iterdir()} == {f"{aux}-2023.pdf", f"{aux}-2024.pdf"}
    assert all(p.name.startswith(f"{nul}-") for p in (out / "donors").iterdir())
    for path in out.rglob("*"):
        assert path.name.split(".")[0].lower() not in ("con", "aux", "nul"), path


def test_two_ids_that_would_share_a_file_stop_the_run_naming_both(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 2, seed=3, partners=1, note_words=NOTE_WORDS, years=(2024, 2024))
    twin = file_name("con")  # a valid id equal to the name "con" gets: the one way two names meet
    rename_ids(data, {"o0001": "con", "o0002": twin})
    for command in ("batch", "build"):
        out = tmp_path / f"out-{command}"
        result = cli(command, "--data", data, "--out", out, "--kinds", "brief")
        assert result.returncode == 2, result.stdout + result.stderr
        assert "two reports would be written to the same file" in result.stderr
        assert "'con'" in result.stderr and repr(twin) in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists() or not list(out.rglob("*.pdf"))
