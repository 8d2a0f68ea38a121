"""A batch is byte-for-byte the same when run twice, even where HarfBuzz subsetting (``libharfbuzz-subset0``) is
missing and WeasyPrint subsets fonts with fontTools, which stamps each subset font with the clock unless
``SOURCE_DATE_EPOCH`` is set (reportgen.pdf.source_date sets it to the report's date for each write).

HarfBuzz subsetting is hidden in the two batch processes (and their fork server and workers) by a
``sitecustomize`` module on ``PYTHONPATH``: it sets WeasyPrint's handle on the library to None, as when the library
is not installed, and records each call of the fontTools path, so the test knows the fallback really ran.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from reportgen.synthetic import write_dataset

from ..batchutil import BATCH_TIMEOUT, NOTE_WORDS, command, counts

SITECUSTOMIZE = '''
"""Test only: hide HarfBuzz subsetting from WeasyPrint and record each fontTools subset."""
import os

_MARKER = os.environ.get("REPORTGEN_TEST_FONTTOOLS_MARKER")
if _MARKER:
    import weasyprint.pdf.fonts as _fonts

    _fonts.harfbuzz_subset = None
    _original = _fonts.Font._fonttools_subset

    def _recorded(self, *args, **kwargs):
        with open(_MARKER, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {self.family}\\n")
        return _original(self, *args, **kwargs)

    _fonts.Font._fonttools_subset = _recorded
'''


def batch_without_harfbuzz_subset(data: Path, out: Path, site: Path, marker: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)  # reportgen must set it itself
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env["REPORTGEN_TEST_FONTTOOLS_MARKER"] = str(marker)
    args = command("batch", "--data", data, "--out", out, "--kinds", "brief", "--jobs", "2")
    return subprocess.run(args, capture_output=True, text=True, timeout=BATCH_TIMEOUT, env=env)


def pdfs(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.pdf"))}


def test_two_batches_without_harfbuzz_subsetting_make_the_same_bytes(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", 3, seed=9, note_words=NOTE_WORDS, years=(2024, 2024))  # a brief each
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    markers = [tmp_path / "fonttools-1.txt", tmp_path / "fonttools-2.txt"]

    first = batch_without_harfbuzz_subset(data, tmp_path / "out1", site, markers[0])
    time.sleep(2.5)  # head.modified counts seconds: the clock has moved on between the two
    second = batch_without_harfbuzz_subset(data, tmp_path / "out2", site, markers[1])

    for run in (first, second):
        assert run.returncode == 0, run.stdout + run.stderr
        assert counts(run.stdout) == (3, 0, 0)
    for marker in markers:  # the fallback was used, in the workers that wrote the PDFs
        if not marker.exists():
            pytest.fail("fontTools never subset a font: HarfBuzz subsetting was not hidden")
        assert len(marker.read_text(encoding="utf-8").splitlines()) >= 3
    made, again = pdfs(tmp_path / "out1"), pdfs(tmp_path / "out2")
    assert len(made) == 3 and made.keys() == again.keys()
    differ = [name for name in made if made[name] != again[name]]
    assert differ == [], f"these PDFs differ between two runs: {differ}"
