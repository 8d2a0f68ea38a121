"""The command line, run as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ..pdfread import TaggedPdf


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; returns its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:index].count("\n") + 1


def expected_reports(data: Path) -> dict[str, list[str]]:
    """The file names ``build`` should write, from the data itself: a brief per outcome, a donor
    report per partner for its latest year, a country report per office for its latest year."""
    from reportgen import kind, load_dataset
    from reportgen.pipeline import jobs_of

    dataset = load_dataset(data)
    return {
        folder: sorted(kind(name).path(Path(), key, year).name for key, year in jobs_of(kind(name), dataset))
        for name, folder in (("brief", "briefs"), ("donor", "donors"), ("country", "countries"))
    }


def test_build_writes_every_report_and_nothing_else(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--data", data_copy, "--out", out)
    assert result.returncode == 0, result.stderr
    expected = expected_reports(data_copy)
    assert [n.rsplit("-", 1)[0] for n in expected["briefs"]] == sorted(
        p.stem for p in (data_copy / "outcomes").glob("*.yaml")
    )
    assert len(expected["donors"]) >= 1 and len(expected["countries"]) >= 1
    assert sorted(p.name for p in out.iterdir()) == ["briefs", "countries", "donors"]
    for folder, names in expected.items():
        assert sorted(p.name for p in (out / folder).iterdir()) == names
        for name in names:
            assert PdfReader(out / folder / name).pages
    total = sum(map(len, expected.values()))
    assert f"{total} of {total} reports written" in result.stdout


def test_build_kinds_option(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--kinds", "brief", "--data", data_copy, "--out", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["briefs"]
    unknown = run("build", "--kinds", "brief,memo", "--data", data_copy, "--out", out)
    assert unknown.returncode == 2
    assert "unknown report kind 'memo' (kinds: brief, donor, country)" in unknown.stderr


def test_bad_data_exits_2_with_file_line_and_field_and_no_traceback(data_copy: Path, tmp_path: Path) -> None:
    file = data_copy / "outcomes" / "mex-justice.yaml"
    line = replace_in(file, "development: 12283", "development: -5")
    result = run("build", "--data", data_copy, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert f"{file}:{line}: contributions[0].development: must be >= 0, got -5" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(data_copy: Path, tmp_path: Path) -> None:
    replace_in(data_copy / "outcomes" / "mex-justice.yaml", "development: 12283", "development: -5")
    result = run("--debug", "build", "--data", data_copy, "--out", tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "DataError" in result.stderr


def test_every_problem_is_reported_in_one_run(data_copy: Path, tmp_path: Path) -> None:
    replace_in(data_copy / "outcomes" / "mex-justice.yaml", "development: 12283", "development: -5")
    replace_in(data_copy / "outcomes" / "mex-evaw.yaml", "office: mex", "office: atlantis")
    result = run("build", "--data", data_copy, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "mex-justice.yaml" in result.stderr and "contributions[0].development" in result.stderr
    assert "mex-evaw.yaml" in result.stderr and "office 'atlantis' is not defined" in result.stderr


def test_unknown_outcome_and_year_outside_period_exit_2(data_copy: Path, tmp_path: Path) -> None:
    unknown = run("brief", "nowhere", "--data", data_copy, "--out", tmp_path / "x.pdf")
    assert unknown.returncode == 2
    assert "no outcome 'nowhere'" in unknown.stderr and "mex-justice" in unknown.stderr
    outside = run("brief", "mex-justice", "--year", "2019", "--data", data_copy, "--out", tmp_path / "x.pdf")
    assert outside.returncode == 2
    assert "year 2019 is outside outcome mex-justice's period 2020-2024" in outside.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_brief_with_year_and_letter_size(data_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "brief.pdf"
    result = run("brief", "mex-evaw", "--year", "2023", "--page-size", "letter", "--data", data_copy, "--out", target)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(target)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert reader.metadata is not None and reader.metadata.title is not None
    assert reader.metadata.title.endswith("2023")
    assert [p.name for p in target.parent.iterdir()] == ["brief.pdf"]  # no temporary file left behind


def test_user_templates_override_one_partial(data_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "partials" / "brief").mkdir(parents=True)
    (templates / "partials" / "brief" / "title.html").write_text(
        "<header><h1>{{ report.outcome.short_title }}</h1><p>Prepared for the board by the results team</p></header>",
        encoding="utf-8",
    )
    target = tmp_path / "brief.pdf"
    result = run("brief", "mex-justice", "--templates", templates, "--data", data_copy, "--out", target)
    assert result.returncode == 0, result.stderr
    pdf = TaggedPdf(target)
    assert "Prepared for the board by the results team" in pdf.text
    assert "Funding partners' contributions" in pdf.text  # the rest still comes from the built-in templates


def test_broken_template_fails_with_its_location_and_exit_1(data_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "partials" / "brief").mkdir(parents=True)
    (templates / "partials" / "brief" / "title.html").write_text(
        "<h1>\n{{ report.outcome.nope( }}</h1>", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run("build", "--kinds", "brief,donor", "--templates", templates, "--data", data_copy, "--out", out)
    assert result.returncode == 1
    assert "partials/brief/title.html:2" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "briefs").exists() or not any((out / "briefs").iterdir())  # every brief failed, cleanly
    expected = expected_reports(data_copy)
    for folder in ("donors",):  # the other reports do not use that partial: still written
        assert sorted(p.name for p in (out / folder).iterdir()) == expected[folder]


def test_placeholder_text_warns_and_strict_makes_it_fatal(data_copy: Path, tmp_path: Path) -> None:
    file = data_copy / "outcomes" / "mex-justice.yaml"
    line = replace_in(file, "statement: >-\n  ", "statement: >-\n  Lorem Ipsum is simply dummy text. ")
    result = run("build", "--kinds", "brief", "--data", data_copy, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert f"{file}:{line}: statement: warning: placeholder text ('Lorem ipsum')" in result.stderr
    strict = run("build", "--strict", "--data", data_copy, "--out", tmp_path / "out2")
    assert strict.returncode == 2
    assert "placeholder text" in strict.stderr
    assert not (tmp_path / "out2").exists()


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "build" in result.stdout and "brief" in result.stdout


def test_an_internal_error_in_one_report_fails_that_report_only(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug met by one report's data (here: its chart raises) is that report's failure, named with
    its data file; every other report is written. The traceback shows only with --debug."""
    import reportgen.charts
    from reportgen.cli import main

    drawn = reportgen.charts.contributions_chart

    def chart_with_a_bug(table: Any, locale: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("chart_id", args[2] if len(args) > 2 else "") == "mex-justice/contributions":
            raise ZeroDivisionError("division by zero")
        return drawn(table, locale, *args, **kwargs)

    monkeypatch.setattr(reportgen.charts, "contributions_chart", chart_with_a_bug)
    for debug in (False, True):
        out = tmp_path / f"out-{debug}"
        args = ["--debug"] if debug else []
        result = CliRunner().invoke(
            main, [*args, "build", "--kinds", "brief", "--data", str(data_copy), "--out", str(out)]
        )
        assert result.exit_code == 1, result.output
        assert "failed: brief mex-justice 2024" in result.output
        assert "internal error: ZeroDivisionError: division by zero" in result.output
        assert "mex-justice.yaml" in result.output
        assert ("Traceback" in result.output) is debug
        written = sorted(p.name.rsplit("-", 1)[0] for p in (out / "briefs").glob("*.pdf"))  # <id>-<year>.pdf
        assert written == sorted(
            o for o in [p.stem for p in (data_copy / "outcomes").glob("*.yaml")] if o != "mex-justice"
        )
