"""The preview's hashing and quoting and the IATI importer's overwrite check meet FIFOs, devices,
links and sparse giants as the loaders do: nothing blocks, nothing huge is read, nothing is
written through a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.errors import UsageError
from reportgen.iati.write import MARKER, carries_marker, check_overwrites
from reportgen.limits import current
from reportgen.serve.problems import quote
from reportgen.serve.resources import Digests

#: A FIFO opened by mistake fails the test instead of blocking it (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("no_hang")


def test_the_preview_does_not_wait_on_a_fifo_among_a_themes_files(tmp_path: Path) -> None:
    fifo = tmp_path / "theme.css"
    os.mkfifo(fifo)
    digest = Digests().of(fifo)
    assert digest.startswith("refused: ") and "FIFO" in digest


def test_the_preview_does_not_read_a_sparse_giant(tmp_path: Path) -> None:
    giant = tmp_path / "theme.css"
    with giant.open("wb") as handle:
        handle.truncate(current().font_max_bytes + 1)  # sparse: no disk used
    digest = Digests().of(giant)
    assert digest.startswith("refused: ") and "font_max_bytes" in digest


def test_the_preview_hashes_a_regular_file_by_content(tmp_path: Path) -> None:
    one, two = tmp_path / "a.css", tmp_path / "b.css"
    one.write_text("p { color: red }", encoding="utf-8")
    two.write_text("p { color: red }", encoding="utf-8")
    digests = Digests()
    assert digests.of(one) == digests.of(two) and len(digests.of(one)) == 64


def test_a_problem_at_a_line_of_a_fifo_quotes_nothing(tmp_path: Path) -> None:
    fifo = tmp_path / "organization.yaml"
    os.mkfifo(fifo)
    assert quote(fifo, 1, [tmp_path]) == ()


def test_a_problem_quotes_its_line_of_a_regular_file(tmp_path: Path) -> None:
    file = tmp_path / "organization.yaml"
    file.write_text("id: one\nname: two\n", encoding="utf-8")
    quoted = quote(file, 2, [tmp_path])
    assert [(line.number, line.text, line.marked) for line in quoted] == [(1, "id: one", False), (2, "name: two", True)]


def test_an_import_never_writes_through_a_link_or_into_a_fifo(tmp_path: Path) -> None:
    written = tmp_path / "elsewhere.yaml"
    written.write_text(f"# {MARKER}\nid: x\n", encoding="utf-8")
    link = tmp_path / "outcomes.yaml"
    link.symlink_to(written)
    fifo = tmp_path / "organization.yaml"
    os.mkfifo(fifo)
    assert carries_marker(written) and not carries_marker(link) and not carries_marker(fifo)
    with pytest.raises(UsageError) as refused:
        check_overwrites([written, link, fifo])
    assert str(link) in str(refused.value) and str(fifo) in str(refused.value)
    assert f"  {written}\n" not in str(refused.value) + "\n"
