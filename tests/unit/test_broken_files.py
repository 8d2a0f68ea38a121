"""Broken files of each format, run through the real entry points: truncated, empty, binary,
wrongly encoded, another format under the extension, wrongly typed content.

For each format (YAML outcome, YAML organization, JSON outcome, CSV table, XLSX workbook,
IATI XML for import) and each breakage, in a copy of the bundled data folder:
``load_dataset`` (or ``import_file``) raises DataError and nothing else; its issues name the
broken file, and the line or row (and the column where the format has one) whenever the
breakage has a position; ``reportgen check`` (``reportgen import iati``) exits with 2 and
prints the same place, without a traceback.
"""

from __future__ import annotations

import io
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import main
from reportgen.errors import DataError, Issue
from reportgen.iati import import_file
from reportgen.load import load_dataset

from ..iati_xml import activity, document, transaction
from .test_fuzz_loaders import BUNDLED, STRIPPED

DATA = Path(__file__).resolve().parents[2] / "data"

#: A small but real PDF, saved over a data file by mistake.
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
BINARY = random.Random(9).randbytes(3000)

#: The format -> the file broken in the copied data folder.
FORMATS = {
    "outcome-yaml": "outcomes/mex-justice.yaml",
    "organization-yaml": "organization.yaml",
    "outcome-json": "outcomes/col-economic.json",
    "csv": "tables/contributions.csv",
    "xlsx": "tables/book.xlsx",
}


def copied_folder(tmp_path: Path, target: str) -> Path:
    """A copy of the bundled data folder holding ``target`` in its valid form: outcome files
    without what the tables give when ``target`` is a table, col-economic as JSON for JSON."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    (root / "tables").mkdir(exist_ok=True)
    if target.startswith("tables/"):
        for old in (root / "outcomes").iterdir():
            old.unlink()
        for name, content in STRIPPED.items():
            (root / name).write_bytes(content)
    if target.endswith(".json"):
        (root / "outcomes" / "col-economic.yaml").unlink()
    (root / target).write_bytes(BUNDLED[target])
    return root


@dataclass(frozen=True)
class Breakage:
    """Broken content for a file, and the position the error must name (None: no position)."""

    content: bytes
    line: int | None = None  # the exact line or row, where the test knows it
    located: bool = True  # the issue must carry a line or row
    column: str | None = None  # the exact column, where the test knows it
    says: str | None = None  # words the message must hold, where the breakage can be named


def _line_at(text: str, index: int) -> int:
    return text[:index].count("\n") + 1


def _yaml_cuts(text: str) -> dict[str, Breakage]:
    """Cuts inside an indented key at about 1/4, 1/2 and 3/4 of the file, and inside a flow
    mapping when the file has one (a cut at a line's end can leave valid, shorter YAML)."""
    cuts = {}
    for fraction in (0.25, 0.5, 0.75):
        match = re.compile(r"^( +)([a-z_]{3,}):", re.MULTILINE).search(text, int(len(text) * fraction))
        assert match is not None
        cut = match.start(2) + 2
        cuts[f"truncated-in-a-key-at-{fraction}"] = Breakage(text[:cut].encode(), says="was it cut short?")
    brace = text.find("{", len(text) // 2)
    if brace >= 0:
        cuts["truncated-in-a-flow-mapping"] = Breakage(text[: brace + 12].encode(), says="was it cut short?")
    return cuts


def _csv_cuts(text: str) -> dict[str, Breakage]:
    """Cuts a few characters into a data row (a cut at a row's end leaves a valid, shorter table)."""
    cuts = {}
    for fraction in (0.25, 0.5, 0.75):
        start = text.index("\n", int(len(text) * fraction)) + 1
        cut = text.index(",", start) + 3  # in the row's second cell
        cuts[f"truncated-in-a-row-at-{fraction}"] = Breakage(text[:cut].encode(), line=_line_at(text, start))
    cuts["truncated-in-the-header"] = Breakage(text[:12].encode(), line=1)
    return cuts


def _latin1(text: str, path: str) -> Breakage:
    """The file with non-ASCII text, saved as Latin-1: the error is on the first such line."""
    if path.endswith(".csv"):
        text += "col-economic,unwomen,2024,Bogotá,0,,,\n"
    elif text.isascii():
        text = text.replace("\n", "\n# Bogotá, México\n", 1)
    first = next(i for i, char in enumerate(text) if 127 < ord(char) < 256)  # the others become "?"
    return Breakage(text.encode("latin-1", "replace"), line=_line_at(text, first))


def _wrongly_typed(fmt: str, text: str) -> dict[str, Breakage]:
    """A list where a mapping belongs, and text where a number (or date) belongs."""
    if fmt in ("outcome-yaml", "organization-yaml"):
        old, new = ("start: 2020", "start: twenty") if fmt == "outcome-yaml" else ("2025-06-30", "soon")
        return {
            "a-list-not-a-mapping": Breakage(b"- id: x\n- office: mex\n", line=1),
            "text-not-a-number": Breakage(text.replace(old, new, 1).encode(), line=_line_at(text, text.index(old))),
        }
    if fmt == "outcome-json":
        typed = re.sub(r'"start": \d+', '"start": "twenty"', text, count=1)
        assert typed != text
        return {
            "a-list-not-a-mapping": Breakage(b'[{"id": "x"}, {"office": "col"}]\n', line=1),
            "text-not-a-number": Breakage(typed.encode(), line=1),
        }
    # a table: rows without their header (values where the column names belong), and a year as text
    rows = text.splitlines(keepends=True)
    year = rows[1].split(",")
    year[2] = "twenty"
    return {
        "no-header-row": Breakage("".join(rows[1:]).encode(), line=1),
        "text-not-a-number": Breakage("".join([rows[0], ",".join(year), *rows[2:]]).encode(), line=2, column="C"),
    }


def _workbook_cases(valid: bytes) -> dict[str, Breakage]:
    def edited(edit: Callable[[object], None]) -> bytes:
        workbook = load_workbook(io.BytesIO(valid))
        edit(workbook["contributions"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def year_as_text(sheet: object) -> None:
        sheet["C2"] = "twenty"  # type: ignore[index]

    def no_header(sheet: object) -> None:
        sheet.delete_rows(1)  # type: ignore[attr-defined]

    damaged = bytearray(valid)
    middle = len(damaged) // 2
    damaged[middle : middle + 64] = bytes(64)
    cases = {
        f"truncated-at-{fraction}": Breakage(valid[: int(len(valid) * fraction)], located=False, says="cut short")
        for fraction in (0.25, 0.5, 0.75, 0.999)
    }
    return cases | {
        "damaged-in-the-middle": Breakage(bytes(damaged), located=False),
        "no-header-row": Breakage(edited(no_header), line=1),
        "text-not-a-number": Breakage(edited(year_as_text), line=2, column="C"),
    }


def breakages(fmt: str) -> dict[str, Breakage]:
    path = FORMATS[fmt]
    valid = BUNDLED[path]
    cases = {
        "empty": Breakage(b"", located=False, says="empty"),
        "binary": Breakage(BINARY, located=fmt != "xlsx"),
        "pdf": Breakage(PDF, located=fmt != "xlsx", says="it looks like a PDF document"),
    }
    if fmt == "xlsx":
        cases["a-csv-named-xlsx"] = Breakage(BUNDLED["tables/contributions.csv"], located=False, says="CSV")
        utf16 = BUNDLED["tables/contributions.csv"].decode().encode("utf-16")
        cases["utf-16-csv-named-xlsx"] = Breakage(utf16, located=False, says="UTF-16")
        return cases | _workbook_cases(valid)
    text = valid.decode("utf-8")
    workbook = Breakage(BUNDLED["tables/book.xlsx"], line=1, says="a zip archive (an .xlsx workbook?)")
    cases["a-workbook-named-" + path.rsplit(".", 1)[1]] = workbook
    cases["utf-16"] = Breakage(text.encode("utf-16"), line=1, says="it looks like UTF-16 text")
    cases["latin-1"] = _latin1(text, path)
    if fmt == "outcome-json":
        cases |= {
            f"truncated-at-{fraction}": Breakage(valid[: int(len(valid) * fraction)], line=1, says="cut short")
            for fraction in (0.25, 0.5, 0.75)
        }
    elif fmt == "csv":
        cases |= _csv_cuts(text)
    else:
        cases |= _yaml_cuts(text)
    return cases | _wrongly_typed(fmt, text)


MATRIX = [(fmt, name) for fmt in FORMATS for name in breakages(fmt)]


def where(issue: Issue) -> str:
    """The place ``reportgen check`` prints at the start of the issue's line."""
    assert issue.line is not None
    return f"  {issue.line}" + (f":{issue.column}" if issue.column else "") + ": error: "


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_valid_file_loads(tmp_path: Path, fmt: str) -> None:
    assert load_dataset(copied_folder(tmp_path, FORMATS[fmt])).outcomes


@pytest.mark.parametrize(("fmt", "breakage"), MATRIX, ids=[f"{fmt}-{name}" for fmt, name in MATRIX])
def test_a_broken_file_is_a_located_data_error(tmp_path: Path, fmt: str, breakage: str) -> None:
    broken = breakages(fmt)[breakage]
    root = copied_folder(tmp_path, FORMATS[fmt])
    path = root / FORMATS[fmt]
    path.write_bytes(broken.content)

    with pytest.raises(DataError) as caught:  # anything else fails the test
        load_dataset(root)
    issues = caught.value.issues
    assert all(issue.file is not None for issue in issues), issues
    mine = [issue for issue in issues if issue.file == path]
    assert mine, f"no issue names {path}: {caught.value}"
    first = mine[0]
    if broken.located:
        assert first.line is not None, f"no line or row: {first}"
    if broken.line is not None:
        assert first.line == broken.line, str(first)
    if broken.column is not None:
        assert first.column == broken.column, str(first)
    if broken.says is not None:
        assert broken.says in first.message, str(first)

    result = CliRunner().invoke(main, ["check", "--data", str(root)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert str(path) in result.output
    if first.line is not None:
        assert where(first) + (f"{first.field}: " if first.field else "") + first.message in result.output


# --- IATI XML, through the importer ------------------------------------------------------------

VALID_IATI = document(
    activity(title="Programa en Bogotá"),
    activity("XM-TEST-2", title="Second activity", body=transaction("1", "2022-01-01", "1000", provider="XM-P")),
)


def _iati_breakages() -> dict[str, Breakage]:
    valid = VALID_IATI.encode("utf-8")
    latin1 = VALID_IATI.encode("latin-1")
    cases = {
        "empty": Breakage(b"", line=1, says="the file is empty"),
        "binary": Breakage(BINARY, line=1),
        "utf-16-declared-utf-8": Breakage(VALID_IATI.encode("utf-16"), line=1, says="UTF-16"),
        "latin-1-declared-utf-8": Breakage(
            latin1, line=_line_at(VALID_IATI, VALID_IATI.index("á")), says="byte 0xe1 is not UTF-8"
        ),
        "pdf": Breakage(PDF, line=1, says="the file looks like a PDF document"),
        "a-workbook-named-xml": Breakage(BUNDLED["tables/book.xlsx"], line=1, says="zip archive"),
        "a-csv-named-xml": Breakage(BUNDLED["tables/contributions.csv"], line=1, says="text, but not XML"),
        "a-yaml-file-named-xml": Breakage(BUNDLED["organization.yaml"], line=1, says="text, but not XML"),
        "an-organisation-file": Breakage(
            b'<?xml version="1.0"?>\n<iati-organisations version="2.03"><iati-organisation/></iati-organisations>\n',
            line=2,
        ),
        "html": Breakage(b"<!-- saved web page -->\n<html><body>Not found</body></html>\n", line=2),
    }
    for fraction in (0.25, 0.5, 0.9, 0.999):
        cut = int(len(valid) * fraction)
        cases[f"truncated-at-{fraction}"] = Breakage(valid[:cut], says="was it cut short?")
    return cases


IATI = _iati_breakages()


@pytest.mark.parametrize("breakage", IATI)
def test_a_broken_iati_file_is_a_located_data_error(tmp_path: Path, breakage: str) -> None:
    broken = IATI[breakage]
    source = tmp_path / "activities.xml"
    source.write_bytes(broken.content)
    with pytest.raises(DataError) as caught:
        import_file(source, tmp_path / "out")
    [issue] = caught.value.issues
    assert issue.file == source and issue.line is not None
    if broken.line is not None:
        assert issue.line == broken.line, str(issue)
    if broken.says is not None:
        assert broken.says in issue.message, str(issue)
    assert not (tmp_path / "out").exists()

    result = CliRunner().invoke(main, ["import", "iati", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert str(issue) in result.output


@pytest.mark.parametrize(
    ("encoding", "declared"), [("utf-16", "UTF-16"), ("latin-1", "ISO-8859-1")], ids=["utf-16", "latin-1"]
)
def test_an_iati_file_in_the_encoding_it_declares_is_imported(tmp_path: Path, encoding: str, declared: str) -> None:
    source = tmp_path / "activities.xml"
    source.write_bytes(VALID_IATI.replace('encoding="UTF-8"', f'encoding="{declared}"').encode(encoding))
    summary = import_file(source, tmp_path / "out")
    assert len(summary.imported) == 2
    assert "Programa en Bogotá" in (tmp_path / "out" / "outcomes" / "xm-test-1.yaml").read_text(encoding="utf-8")


def test_an_iati_value_that_is_not_a_number_is_left_out_with_its_line(tmp_path: Path) -> None:
    """IATI import is forgiving by design: one unreadable value drops its transaction, with a note."""
    source = tmp_path / "activities.xml"
    source.write_text(VALID_IATI.replace(">1000<", ">lots<"), encoding="utf-8")
    summary = import_file(source, tmp_path / "out")
    [second] = [item for item in summary.imported if item.identifier == "XM-TEST-2"]
    line = _line_at(VALID_IATI, VALID_IATI.index(">1000<"))
    assert f"line {line}: transaction[0].value: not a number, got 'lots'; transaction left out" in second.notes
