"""`reportgen import iati` as a user runs it, on the real D-Portal extract, down to verified PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.load import load_dataset
from reportgen.model import localize
from reportgen.pipeline import write_brief
from reportgen.verify import all_passed, verify

from ..pdfread import TaggedPdf, norm
from ..seed import SHARED, needs_iati_files

IATI = SHARED / "data" / "iati"  # ../shared beside the checkout, or REPORTGEN_SHARED
pytestmark = needs_iati_files
DPORTAL = IATI / "foodsecurity-dportal.xml"
EXAMPLE = IATI / "activity-standard-example-annotated.xml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("import") / "data-iati"
    code, output = invoke("import", "iati", str(DPORTAL), "--out", str(out))
    assert code == 0, output
    return out, output


@pytest.fixture(scope="module")
def briefs(imported: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every imported outcome's brief: PDF path and the English title it must show."""
    out, _output = imported
    pdfs = tmp_path_factory.mktemp("briefs")
    made = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        dataset = load_dataset(folder)
        for outcome in dataset.outcomes.values():
            title = localize(outcome.short_title, "en", dataset.organization.language).text
            made[outcome.reference or outcome.id] = (
                write_brief(dataset, outcome.id, pdfs / f"{outcome.id}.pdf"),
                title,
            )
    return made


def test_the_summary_printed(imported: tuple[Path, str]) -> None:
    out, output = imported
    assert output.startswith("foodsecurity-dportal.xml (IATI 2.03): 7 activities read; 7 imported, 0 skipped.")
    assert "The activities come from 6 publishers and no --reporting-org was given" in output
    assert "Indicators: 17." in output
    assert output.count("loads and validates with no errors") == 6
    assert "no contributions: its donor reports and the brief's contributions section will be empty" in output
    assert sorted(p.name for p in out.iterdir()) == [
        "de-1",
        "gb-chc-285776",
        "nl-kvk-30214009",
        "nl-kvk-41155305",
        "us-ein-06-1597-668",
        "xi-iati-ec-intpa",
    ]


def test_every_folder_passes_check(imported: tuple[Path, str]) -> None:
    out, _output = imported
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        code, output = invoke("check", "--data", str(folder))
        assert code == 0, output
        assert "no progress note for the report year" in output  # IATI has none: a warning, not an error


def test_every_imported_activity_has_a_verified_brief_with_its_title(briefs: dict[str, tuple[Path, str]]) -> None:
    assert len(briefs) == 7
    for identifier, (pdf, title) in briefs.items():
        checks = verify(pdf)
        assert all_passed(checks), (identifier, [check for check in checks if not check.passed])
        text = norm(" ".join(TaggedPdf(pdf).page_text))
        assert norm(title) in text, (identifier, title)


def test_reporting_org_gives_one_folder(tmp_path: Path) -> None:
    code, output = invoke(
        "import", "iati", str(DPORTAL), "--reporting-org", "NL-KVK-30214009", "--out", str(tmp_path / "pax")
    )
    assert code == 0, output
    assert "filtered out by --reporting-org: 6 activities" in output
    assert (tmp_path / "pax" / "organization.yaml").is_file()
    assert [o.reference for o in load_dataset(tmp_path / "pax").outcomes.values()] == ["NL-KVK-30214009-C380"]


def test_country_and_activity_filters(tmp_path: Path) -> None:
    code, output = invoke(
        "import", "iati", str(DPORTAL), "--country", "HT", "--country", "ph", "--out", str(tmp_path / "a")
    )
    assert code == 0, output
    assert "filtered out by --country: 5 activities" in output
    assert sorted(load_dataset(tmp_path / "a").offices) == ["ht", "ph"]
    code, output = invoke(
        "import", "iati", str(DPORTAL), "--activity", "GB-CHC-285776-NGR476", "--roll-up", "--out", str(tmp_path / "b")
    )
    assert code == 0, output
    assert "7 activities read; 1 imported, 0 skipped, 6 filtered out." in output


def test_the_annotated_example(tmp_path: Path) -> None:
    code, output = invoke("import", "iati", str(EXAMPLE), "--out", str(tmp_path / "ex"))
    assert code == 0, output
    assert output.startswith(
        "activity-standard-example-annotated.xml (IATI 2.01): 1 activity read; 1 imported, 0 skipped."
    )
    assert "filed under office af (25%); also AG (25%), region 489 (25%), region 289 (25%)" in output


def test_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    hand = tmp_path / "mine"
    hand.mkdir()
    (hand / "organization.yaml").write_text("organization: {}\n", encoding="utf-8")
    code, output = invoke("import", "iati", str(EXAMPLE), "--out", str(hand))
    assert code == 2
    assert "error: 1 file in the way were not written by reportgen import iati" in output
    assert "Traceback" not in output
