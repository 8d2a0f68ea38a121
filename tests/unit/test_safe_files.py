"""reportgen.safe_files and the loaders built on it: a file is read only when it is a regular file
inside its root and within its limit, refused before it is opened otherwise (a FIFO never blocks),
and read bounded; document_max_values stops the JSON and YAML parses; lone surrogates are
located data errors. Real files, links, FIFOs and devices; nothing is mocked."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.batch.fingerprint import resources_fingerprint
from reportgen.errors import DataError, Issue
from reportgen.limits import Limits, using
from reportgen.load.source import _json_values, _measure, load_document, load_json, load_yaml
from reportgen.load.tables import read_csv, read_xlsx
from reportgen.paths import DEFAULT_THEME_DIR
from reportgen.pdf.fetcher import RefusedURL, SafeFetcher
from reportgen.safe_files import check, inside, open_binary, read_bytes

CANARY = "CANARY-7f3a-SECRET"


#: A FIFO opened by mistake fails the test instead of blocking it (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("no_hang")


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """(a data folder, a secret file outside it holding the canary)."""
    root = tmp_path / "data"
    root.mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"root: {CANARY}\nid: [unclosed\n", encoding="utf-8")
    return root, secret


def refusal(call: Any, *args: Any, **kwargs: Any) -> Issue:
    with pytest.raises(DataError) as caught:
        call(*args, **kwargs)
    assert len(caught.value.issues) == 1, caught.value
    issue = caught.value.issues[0]
    assert CANARY not in str(caught.value)
    return issue


# --- the reader ----------------------------------------------------------------------------


def test_a_regular_file_inside_its_root_is_read(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    (root / "a.yaml").write_bytes(b"a: 1\n")
    (root / "link.yaml").symlink_to(root / "a.yaml")  # a link that stays inside is followed
    assert read_bytes(root / "a.yaml", root=root, limit="yaml_max_bytes") == b"a: 1\n"
    assert read_bytes(root / "link.yaml", root=root, limit="yaml_max_bytes") == b"a: 1\n"
    assert check(root / "link.yaml", root=root, limit="yaml_max_bytes") == (root / "a.yaml").resolve()


def test_a_link_out_of_the_root_is_refused_naming_the_link(folders: tuple[Path, Path]) -> None:
    root, secret = folders
    (root / "passwd.yaml").symlink_to(secret)
    issue = refusal(read_bytes, root / "passwd.yaml", root=root, limit="yaml_max_bytes")
    assert issue.file == root / "passwd.yaml"
    assert issue.message == "is a symbolic link to a file outside the data folder; refused"


def test_a_folder_linked_out_of_the_root_is_refused(folders: tuple[Path, Path]) -> None:
    root, secret = folders
    (root / "outcomes").symlink_to(secret.parent)
    issue = refusal(inside, root / "outcomes" / secret.name, root)
    assert issue.file == root / "outcomes" / secret.name
    assert "leads outside the data folder" in issue.message


def test_the_root_itself_may_be_a_link(folders: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = folders
    (root / "a.yaml").write_bytes(b"a: 1\n")
    (tmp_path / "alias").symlink_to(root)
    alias = tmp_path / "alias"
    assert read_bytes(alias / "a.yaml", root=alias, limit="yaml_max_bytes") == b"a: 1\n"


def test_a_fifo_is_refused_before_it_is_opened(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    os.mkfifo(root / "organization.yaml")  # nobody writes to it: opening it to read would block
    issue = refusal(read_bytes, root / "organization.yaml", root=root, limit="yaml_max_bytes")
    assert issue.message == "is a FIFO (named pipe), not a regular file; refused"
    with pytest.raises(DataError, match="FIFO"):
        open_binary(root / "organization.yaml", root=root, limit="iati_max_bytes")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused(device: str, folders: tuple[Path, Path]) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} on this system")
    root, _ = folders
    (root / "organization.yaml").symlink_to(device)
    issue = refusal(read_bytes, root / "organization.yaml", root=root, limit="yaml_max_bytes")
    assert "outside the data folder" in issue.message  # the link is refused first
    issue = refusal(read_bytes, Path(device), root=None, limit="yaml_max_bytes")
    assert issue.message == "is a character device, not a regular file; refused"


def test_a_device_inside_the_folder_is_refused(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    try:
        os.mknod(root / "organization.yaml", stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating a device needs CAP_MKNOD")
    issue = refusal(read_bytes, root / "organization.yaml", root=root, limit="yaml_max_bytes")
    assert issue.message == "is a character device, not a regular file; refused"


def test_a_folder_is_refused(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    (root / "x.yaml").mkdir()
    assert refusal(read_bytes, root / "x.yaml", root=root, limit="yaml_max_bytes").message == (
        "is a folder, not a regular file; refused"
    )


def test_a_sparse_file_over_the_limit_is_refused_from_stat(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    huge = root / "theme.css"
    huge.touch()
    os.truncate(huge, 3 * 1024**3)  # 3 GiB that take no disk
    issue = refusal(read_bytes, huge, root=root, limit="theme_file_max_bytes")
    assert issue.message.startswith(f"file is {3 * 1024**3} bytes: more than theme_file_max_bytes=2MiB")
    assert "--limit theme_file_max_bytes=3GiB" in issue.message


def test_a_file_whose_size_lies_is_read_bounded() -> None:
    status = Path("/proc/self/status")  # stat says 0 bytes; reading gives more than a kilobyte
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    assert b"VmHWM" in read_bytes(status, root=None, limit="yaml_max_bytes")
    with using(Limits().updated(yaml_max_bytes=100)):
        issue = refusal(read_bytes, status, root=None, limit="yaml_max_bytes")
    assert issue.message.startswith("file holds more than 100 bytes: more than yaml_max_bytes=100")


def test_a_stream_stops_at_its_limit_even_when_the_file_grows(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    grows = root / "activities.xml"
    grows.write_bytes(b"<a>" + b" " * 90)
    with using(Limits().updated(iati_max_bytes=100)):
        stream = open_binary(grows, root=root, limit="iati_max_bytes")
    with stream, grows.open("ab") as append:
        append.write(b" " * 1000)
        append.flush()
        with pytest.raises(DataError, match="more than iati_max_bytes=100"):
            while stream.read(10):
                pass


def test_a_missing_file_is_a_data_error(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    issue = refusal(read_bytes, root / "gone.yaml", root=root, limit="yaml_max_bytes")
    assert issue.message == "cannot read file: No such file or directory"


# --- the loaders use it ------------------------------------------------------------------


def test_loaders_refuse_links_out_of_the_data_folder(folders: tuple[Path, Path]) -> None:
    root, secret = folders
    for name in ("x.yaml", "x.json", "contributions.csv", "book.xlsx"):
        (root / name).symlink_to(secret)
    assert "outside the data folder" in refusal(load_document, root / "x.yaml", root).message
    assert "outside the data folder" in refusal(load_document, root / "x.json", root).message
    for reader, name in ((read_csv, "contributions.csv"), (read_xlsx, "book.xlsx")):
        rows, issues = reader(root / name, root)
        assert rows == [] and len(issues) == 1
        assert issues[0].message == "is a symbolic link to a file outside the data folder; refused"
        assert CANARY not in str(issues[0])


def test_the_fetcher_refuses_a_link_out_of_the_theme_a_fifo_and_an_oversized_file(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    secret = tmp_path / "secret.svg"
    secret.write_text(f"<svg>{CANARY}</svg>", encoding="utf-8")
    (theme / "logo.svg").symlink_to(secret)
    os.mkfifo(theme / "pipe.svg")
    (theme / "big.css").touch()
    os.truncate(theme / "big.css", 3 * 1024**3)
    (theme / "ok.svg").write_text("<svg/>", encoding="utf-8")
    fetcher = SafeFetcher(roots=[theme, DEFAULT_THEME_DIR])
    for name, why in (
        ("logo.svg", "outside the project's assets"),
        ("pipe.svg", "is a FIFO (named pipe), not a regular file"),
        ("big.css", "more than theme_file_max_bytes=2MiB"),
    ):
        with pytest.raises(RefusedURL, match=re.escape(why)) as caught:
            fetcher.fetch((theme / name).as_uri())
        assert CANARY not in str(caught.value)
    response = fetcher.fetch((theme / "ok.svg").as_uri())
    assert response.read() == b"<svg/>"


def test_the_resource_fingerprint_reads_no_link_out_of_the_theme_and_waits_on_no_fifo(tmp_path: Path) -> None:
    """A batch's fingerprint hashes a theme's files as the renderer loads them: what a link out of
    the theme points to is not read (changing it changes nothing), a FIFO is passed over."""
    theme = tmp_path / "theme"
    shutil.copytree(DEFAULT_THEME_DIR, theme)
    secret = tmp_path / "secret.css"
    secret.write_text("a { }", encoding="utf-8")
    (theme / "extra.css").symlink_to(secret)
    os.mkfifo(theme / "pipe.css")
    first = resources_fingerprint(theme_dir=theme)
    secret.write_text("b { }", encoding="utf-8")
    assert resources_fingerprint(theme_dir=theme) == first
    (theme / "theme.css").write_text("c { }", encoding="utf-8")
    assert resources_fingerprint(theme_dir=theme) != first


# --- document_max_values stops the parse -------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=',[]{}":\\ ab\u00e9\n', max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(',[]{}": a', max_size=4), children),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(data=JSON_VALUES, indent=st.sampled_from([None, 1]))
def test_the_json_pre_count_is_the_count_of_the_node_tree(data: Any, indent: int | None) -> None:
    """The count made without parsing equals the count of the values of the parsed tree, whatever
    commas and brackets the strings and keys hold."""
    text = json.dumps(data, indent=indent)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    size, _height = _measure(node, Limits().updated(document_max_values=10**9, document_max_depth=10**6), {})
    assert _json_values(text) == size


def test_a_json_document_of_too_many_values_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text("[" + ",".join(['"a,b"'] * 2000) + "]", encoding="utf-8")
    with using(Limits().updated(document_max_values=2000)):
        issue = refusal(load_json, file)
    assert "more than document_max_values=2000" in issue.message
    with using(Limits().updated(document_max_values=2001)):
        assert len(load_json(file).data) == 2000


@pytest.mark.parametrize("value", ["v", '"\\ud800"'], ids=["libyaml-events", "pyyaml-composer"])
def test_a_yaml_document_of_too_many_values_stops_at_the_limit(tmp_path: Path, value: str) -> None:
    """libyaml's event count, and PyYAML's composer for text libyaml refuses (a surrogate escape),
    stop at the limit and name the line they reached, not the end of the file."""
    file = tmp_path / "x.yaml"
    file.write_text("".join(f"- {value}\n" for _ in range(5000)), encoding="utf-8")
    with using(Limits().updated(document_max_values=100)):
        issue = refusal(load_yaml, file)
    assert "more than document_max_values=100" in issue.message
    assert issue.line is not None and issue.line <= 2 * 100 + 2
    with using(Limits().updated(document_max_values=5001)):
        if value == "v":
            assert len(load_yaml(file).data) == 5000
        else:  # read to the end: then its text is refused
            with pytest.raises(DataError, match="surrogate"):
                load_yaml(file)


# --- lone surrogates ----------------------------------------------------------------------


def test_a_lone_surrogate_in_json_is_located(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text('{\n "id": "x",\n "statement": "bad \\ud800 text",\n "ok": "\\ud83d\\ude00"\n}\n')
    issue = refusal(load_json, file)
    assert (issue.file, issue.line, issue.field) == (file, 3, "statement")
    assert "\\ud800" in issue.message and "surrogate" in issue.message
    str(issue).encode("utf-8")  # printable


def test_a_lone_surrogate_in_a_json_key_is_printed_escaped(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text('{"id": "x",\n "a": {"\\udc01": 1}}\n')
    with pytest.raises(DataError) as caught:
        load_json(file)
    text = str(caught.value)
    text.encode("utf-8")
    assert "a.\\udc01: a key" in text


def test_a_lone_surrogate_in_yaml_is_located(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text('id: x\nstatement: "bad \\ud800 text"\n', encoding="utf-8")
    issue = refusal(load_yaml, file)
    assert (issue.line, issue.field) == (2, "statement")


def test_a_surrogate_in_a_table_is_a_located_error(tmp_path: Path) -> None:
    """UTF-8 cannot hold a surrogate: a CSV written with one is refused as not UTF-8, at its line."""
    file = tmp_path / "contributions.csv"
    file.write_bytes(b"outcome,partner,year,development,humanitarian\nx,p" + b"\xed\xa0\x80,2021,1,0\n")
    rows, issues = read_csv(file)
    assert rows == [] and len(issues) == 1
    assert issues[0].line == 2 and "not UTF-8" in issues[0].message
