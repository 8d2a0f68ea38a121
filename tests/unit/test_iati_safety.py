"""The importer refuses hostile and broken files clearly, and reads big files in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.errors import DataError
from reportgen.iati import import_file

from ..iati_xml import activity, document, transaction, write

ROOT = Path(__file__).resolve().parents[2]


def refused(tmp_path: Path, text: str) -> DataError:
    source = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        import_file(source, tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing may be written"
    return caught.value


def test_an_iati_1x_file_gets_a_clear_message(tmp_path: Path) -> None:
    error = refused(tmp_path, document(activity(), version="1.05"))
    (issue,) = error.issues
    assert issue.line == 2 and issue.file == tmp_path / "activities.xml" and issue.field == "version"
    assert "IATI 1.x is retired" in issue.message and "2.01, 2.02 or 2.03" in issue.message
    assert "IATI Registry" in issue.message and "d-portal" in issue.message


def test_malformed_xml_names_file_line_and_column(tmp_path: Path) -> None:
    text = document(activity()).replace(
        "<title><narrative>Test activity</narrative></title>", "<title><narrative>T</title>"
    )
    bad_line = next(n for n, line in enumerate(text.splitlines(), 1) if "<narrative>T</title>" in line)
    tag_at = text.splitlines()[bad_line - 1].index("</title>") + 1  # the 1-based column of the end tag
    (issue,) = refused(tmp_path, text).issues
    assert (issue.file, issue.line) == (tmp_path / "activities.xml", bad_line)
    assert issue.column is not None and tag_at <= int(issue.column) < tag_at + len("</title>")
    assert issue.message == "malformed XML: mismatched tag"
    assert str(issue).startswith(f"{tmp_path / 'activities.xml'}:{bad_line}:{issue.column}: malformed XML")


def test_not_an_activity_file(tmp_path: Path) -> None:
    (issue,) = refused(tmp_path, "<?xml version='1.0'?>\n<html><body/></html>").issues
    assert issue.message == "not an IATI activity file: the root element is <html>, expected <iati-activities>"
    (issue,) = refused(tmp_path, '<iati-organisations version="2.03"/>').issues
    assert "IATI organisation file" in issue.message
    (issue,) = refused(tmp_path, "").issues
    assert issue.message.startswith("malformed XML: no element found")


def test_external_entities_are_refused_and_no_file_content_leaks(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    for system in (secret.as_uri(), "file:///etc/passwd"):
        text = document(activity(title="&xxe;")).replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "{system}">]>\n',
        )
        source = write(tmp_path, text)
        result = CliRunner().invoke(main, ["import", "iati", str(source), "--out", str(tmp_path / "out")])
        assert result.exit_code == 2
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert "declares a DOCTYPE or entities" in output and f"{source}:2:" in output
        assert "TOP-SECRET" not in output and "root:" not in output
        assert not (tmp_path / "out").exists()


def test_an_external_dtd_and_parameter_entities_are_refused(tmp_path: Path) -> None:
    for doctype in (
        '<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/evil.dtd">',
        '<!DOCTYPE iati-activities [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    ):
        text = document(activity()).replace("?>\n", "?>\n" + doctype + "\n", 1)
        (issue,) = refused(tmp_path, text).issues
        assert "declares a DOCTYPE or entities" in issue.message


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    text = document(activity(title="&lol9;")).replace("?>\n", f"?>\n<!DOCTYPE lolz [{entities}]>\n", 1)
    started = time.monotonic()
    (issue,) = refused(tmp_path, text).issues
    assert time.monotonic() - started < 2
    assert "declares a DOCTYPE or entities" in issue.message and "lol" not in issue.message


def test_an_undeclared_entity_is_malformed_xml(tmp_path: Path) -> None:
    (issue,) = refused(tmp_path, document(activity(title="&xxe;"))).issues
    assert issue.message == "malformed XML: undefined entity" and issue.line is not None


_MEASURE = """
import json, sys, xml.etree.ElementTree as ET
from reportgen.iati import import_file

def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))

source, small, out = sys.argv[1], sys.argv[2], sys.argv[3]
import_file(small, out + "-warm-up", validate=False)  # load what any import loads (codelists, Babel data)
before = peak()
summary = import_file(source, out, validate=False)
streamed = peak() - before
tree = ET.parse(source)  # the control: the whole tree in memory at once
whole = peak() - before
print(json.dumps({"streamed": streamed, "whole": whole, "imported": len(summary.imported),
                  "transactions": summary.transactions}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_a_big_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Peak resident memory (VmHWM, which also counts C allocations that tracemalloc cannot
    see, and costs nothing to measure) grows by a fraction of the file's size; parsing the
    same file as a whole tree, the control, grows by several times its size."""
    activities = []
    for a in range(200):
        txs = "".join(
            transaction(
                "1" if i % 3 == 0 else "4", f"{2021 + i % 4}-0{1 + i % 9}-15", f"{1000 + i}.25", provider=f"XM-D{i % 7}"
            )
            + "<!-- a comment the parser drops -->"
            for i in range(600)
        )
        activities.append(activity(f"XM-BIG-{a}", txs))
    source = write(tmp_path, document(*activities), name="big.xml")
    size = source.stat().st_size
    assert size > 25_000_000
    small = write(tmp_path, document(activity(body=transaction("1", "2021-01-01", "1", provider="XM-D0"))))
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(source), str(small), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    measured = json.loads(run.stdout)
    assert measured["imported"] == 200 and measured["transactions"] == 200 * 600
    assert measured["streamed"] < size / 2, measured  # one activity at a time, plus the outcomes to write
    assert measured["whole"] > max(size, 10 * measured["streamed"]), measured
