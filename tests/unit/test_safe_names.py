"""Safe file names: any id gives one portable path component, distinct ids distinct names,
and the run-level checks (distinct outputs, writes inside the output folder) stop what slips by."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.errors import UsageError
from reportgen.iati.ids import make_id
from reportgen.kinds import kind
from reportgen.safe_names import MAX_NAME_BYTES, RESERVED, check_distinct, file_name, inside, is_reserved, is_safe

HOSTILE = [
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "a\0b",
    "\0",
    "tab\there",
    "line\nbreak",
    "\x1b[31mred",
    ".",
    "..",
    "...",
    "",
    " ",
    ".hidden",
    "-rf",
    "--help",
    "con",
    "CON",
    "con.txt",
    "Nul.pdf",
    "aux ",
    "com1",
    "LPT9.yaml",
    "x" * 300,
    "é" * 300,
    "Ölförderung-ñandú",
    "\u202egnp.exe",  # right-to-left override
    "e\u0301",  # e + combining acute
    "\u00e9",  # precomposed é: differs from the line above, must not share its name
    "日本語",
    "emoji-\U0001f600",
    "\udcff",  # a lone surrogate, as os.fsdecode gives for undecodable bytes
    "UPPER",
    "a..b",
    "trailing.",
    "mex-justice",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_ids_become_one_safe_component(text: str, tmp_path: Path) -> None:
    name = file_name(text)
    assert is_safe(name), (text, name)
    assert name not in ("", ".", "..") and not name.startswith((".", "-"))
    assert "/" not in name and "\\" not in name and "\0" not in name
    assert name.isascii() and len(name.encode()) <= MAX_NAME_BYTES
    assert not is_reserved(name) and not is_reserved(f"{name}.pdf")
    # The file system agrees: a file of that name is created directly in the folder.
    (tmp_path / f"{name}.pdf").write_bytes(b"x")
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.pdf"]


def test_plain_ids_keep_their_name_and_others_are_readable() -> None:
    assert file_name("mex-justice") == "mex-justice"
    assert file_name("a" * 64) == "a" * 64
    assert file_name("con").startswith("con-") and file_name("con") != "con"
    assert file_name("CON").startswith("con-") and file_name("CON") != file_name("con")
    assert file_name("../../etc/passwd").startswith("etc-passwd-")
    assert file_name("Ölförderung").startswith("olforderung-")
    assert file_name("") != file_name(".") != file_name("..")


def test_every_reserved_device_name_is_altered_with_or_without_extension() -> None:
    for name in RESERVED:
        for text in (name, name.upper(), f"{name}.pdf", f"{name}.tar.gz"):
            assert is_reserved(text)
            assert not is_reserved(file_name(text)), text
    assert not is_reserved("console") and not is_reserved("com10") and not is_reserved("auxiliary")


@given(st.text(max_size=400))
@settings(max_examples=400)
def test_any_text_gives_a_safe_bounded_deterministic_name(text: str) -> None:
    name = file_name(text)
    assert is_safe(name)
    assert name == file_name(text)
    assert os.path.basename(name) == name and name not in (".", "..")
    assert 0 < len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not is_reserved(name)
    assert "/" not in name and "\\" not in name


@given(st.text(max_size=120), st.text(max_size=120))
@settings(max_examples=400)
def test_distinct_texts_give_distinct_names(first: str, second: str) -> None:
    if first != second:
        assert file_name(first) != file_name(second)


@given(st.lists(st.text(max_size=80), unique=True, min_size=2, max_size=30))
@settings(max_examples=100)
def test_report_paths_of_distinct_keys_are_distinct_and_inside_the_folder(keys: list[str]) -> None:
    out = Path("/srv/out")
    for kind_name in ("brief", "donor", "country"):
        paths = [kind(kind_name).path(out, key, 2024, "es") for key in keys]
        check_distinct((f"{kind_name} {key!r}", path) for key, path in zip(keys, paths, strict=True))
        for path in paths:
            assert path.parent == out / kind(kind_name).folder
            inside(out, path)


def test_a_collision_is_an_error_naming_both_ids() -> None:
    # A plain id chosen to equal another id's hashed name: the only way two names can meet.
    hashed = file_name("con")
    out = Path("/srv/out")
    paths = [(f"brief {key!r} 2024", kind("brief").path(out, key, 2024)) for key in ("con", hashed)]
    with pytest.raises(UsageError) as caught:
        check_distinct(paths)
    message = str(caught.value)
    assert "'con'" in message and repr(hashed) in message and "same file" in message


def test_names_that_differ_only_in_case_collide_as_on_macos_and_windows() -> None:
    with pytest.raises(UsageError, match="same file"):
        check_distinct([("one", Path("out/briefs/Mex.pdf")), ("two", Path("out/briefs/mex.pdf"))])
    check_distinct([("one", Path("out/briefs/mex.pdf")), ("one", Path("out/briefs/mex.pdf"))])  # the same job twice


def test_inside_refuses_paths_and_links_that_lead_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "briefs").mkdir(parents=True)
    assert inside(out, out / "briefs" / "a.pdf") == out / "briefs" / "a.pdf"
    for escape in (out / ".." / "a.pdf", out / "briefs" / ".." / ".." / "x.pdf", Path("/etc/passwd"), out):
        with pytest.raises(UsageError, match="outside the output folder"):
            inside(out, escape)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "donors").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        inside(out, out / "donors" / "a-2024.pdf")


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_iati_ids_are_valid_ids_and_their_files_safe(text: str) -> None:
    made = make_id(text)
    assert 1 <= len(made) <= 64 and not is_reserved(made)
    assert file_name(made) == made  # an imported id names its file unchanged
    assert is_safe(f"{made}.yaml")


def test_an_archival_pdf_with_hostile_outcome_ids_unpacks_inside_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_attached writes the embedded outcomes to files named after their ids; a PDF is
    anyone's to edit, so an id like ``../../x`` must not name a file outside the folder."""
    import json

    import pikepdf

    from reportgen.archive import DATA_NAME, load_attached
    from reportgen.errors import ReportgenError

    hostile = ["../../../escape", "/tmp/absolute", "con", "a\\b"]
    data = {
        "organization": {"organization": {"id": "org"}},
        "outcomes": {key: {"id": "x"} for key in hostile},
        "report": {"kind": "brief", "key": "x", "year": 2024, "lang": "en", "locale": "en"},
    }
    pdf_path = tmp_path / "in" / "hostile.pdf"
    pdf_path.parent.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.attachments[DATA_NAME] = pikepdf.AttachedFileSpec(pdf, json.dumps(data).encode())
        pdf.save(pdf_path)
    temp = tmp_path / "deep" / "er" / "temp"
    temp.mkdir(parents=True)
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    with pytest.raises(ReportgenError):  # the outcomes are not valid data: only where they land matters
        load_attached(pdf_path)
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - {pdf_path}
    (folder,) = temp.iterdir()
    assert written and all(folder in p.parents for p in written), written
    assert {p.name for p in (folder / "outcomes").iterdir()} == {f"{file_name(key)}.json" for key in hostile}
    assert not Path("/tmp/absolute.json").exists()
