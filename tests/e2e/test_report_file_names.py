"""One naming rule for every kind of report: ``<folder>/<key>-<year>.pdf``, so a report for
another year never overwrites this one (`reportgen brief mex-justice --year 2022` used to
replace the 2024 brief at output/briefs/mex-justice.pdf)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from reportgen.kinds import kind


def test_every_kind_puts_the_year_in_the_file_name() -> None:
    for name, folder in (("brief", "briefs"), ("donor", "donors"), ("country", "countries")):
        report = kind(name)
        assert report.path(Path("out"), "mex", 2024).as_posix() == f"out/{folder}/mex-2024.pdf"
        assert report.path(Path("out"), "mex", 2024, "fr").as_posix() == f"out/{folder}/mex-2024.fr.pdf"
        assert report.path(Path("out"), "mex", 2022) != report.path(Path("out"), "mex", 2024)


def test_a_brief_for_another_year_does_not_overwrite_the_first(data_copy: Path, tmp_path: Path) -> None:
    def brief(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "reportgen", "brief", "mex-justice", "--data", str(data_copy), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr

    brief()  # the latest year with data
    brief("--year", "2022")
    made = sorted(p.name for p in (tmp_path / "output" / "briefs").iterdir())
    assert made == ["mex-justice-2022.pdf", "mex-justice-2024.pdf"]
    for name in made:
        year = name.removesuffix(".pdf").rsplit("-", 1)[1]
        first_page = PdfReader(tmp_path / "output" / "briefs" / name).pages[0].extract_text()
        assert year in first_page
