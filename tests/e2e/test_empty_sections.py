"""Sections without data (issue #22): an outcome's section whose data is empty takes no heading and no
"No ... was reported" paragraph; the parts left out are named once, in one line at the end ("Not
reported for this outcome: resources, results framework, ..."), in the report's language, and the
country report's contents list only the sections its chapter has. Read back from real PDFs: the bundled
batch (mex-justice has no budget, indicators, strategic-plan or SDG links) and a data copy whose
outcome lacks its indicators, strategic plan, SDGs and budget, rendered in French."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reportgen import load_dataset
from reportgen.pipeline import write_report

from ..bundled import bundled_pdfs
from ..pdfread import TaggedPdf, norm

#: The sentences empty sections printed before, each under its own heading.
OLD_EMPTY = [
    "No budget or expenditure was reported for this outcome",
    "No indicators with baselines",
    "None listed in the data",
    "No SDG goals or targets",
    "No funding partner contributions were reported for this outcome",
    "No progress notes were reported",
]
#: A section's heading and the part the one line names when that section is left out.
PARTS = {
    "Outcome resources": "resources",
    "Results framework": "results framework",
    "Funding partners' contributions": "funding partner contributions",
    "Progress": "progress notes",
}
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is not installed")
#: The other conventions for a missing figure, before there was one: a lone dash, "No contribution".
OTHER_WORDINGS = re.compile(r"(?<!\S)–(?!\S)|No contribution|Sin contribución|Aucune contribution")
LINE = re.compile(r"Not reported for this outcome: (?P<parts>[^.]+)\.")


@pytest.fixture(scope="module")
def pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return bundled_pdfs(request, tmp_path_factory)


@functools.cache  # the two tests over every bundled report read each once
def pdf_text(path: Path) -> str:
    """The PDF's text by poppler's pdftotext (fast enough for every bundled report), whitespace collapsed."""
    return norm(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def _latest(pdfs: list[Path], folder: str, stem: str) -> Path:
    return [p for p in pdfs if p.parent.name == folder and re.fullmatch(stem + r"-\d{4}", p.stem)][-1]


@needs_pdftotext
def test_no_bundled_report_heads_an_empty_section(pdfs: list[Path]) -> None:
    for path in pdfs:
        assert not [old for old in OLD_EMPTY if old in pdf_text(path)], path.name


@needs_pdftotext
def test_one_missing_data_wording_in_every_bundled_report(pdfs: list[Path]) -> None:
    """Every report of every year says "No data available" where a figure is missing, nothing else."""
    texts = {path.name: pdf_text(path) for path in pdfs}
    assert {name: OTHER_WORDINGS.findall(text) for name, text in texts.items() if OTHER_WORDINGS.search(text)} == {}
    assert sum("No data available" in text for text in texts.values()) >= 2  # the wording is there where it is due


def test_a_brief_names_its_missing_parts_in_one_line_at_the_end(pdfs: list[Path]) -> None:
    pdf = TaggedPdf(_latest(pdfs, "briefs", "mex-justice"))
    headings = [h.text for h in pdf.root.find("H2")]
    found = [m["parts"].split(", ") for m in LINE.finditer(pdf.text)]
    assert len(found) == 1, found
    parts = found[0]
    assert [PARTS[h] for h in PARTS if h not in headings] == [p for p in parts if p in PARTS.values()]
    assert {"resources", "results framework"} <= set(parts)  # mex-justice has neither: the line says so
    assert ("SDG links" in parts) == ("Sustainable Development Goals" not in pdf.text)
    assert LINE.search(norm(pdf.page_text[-1]))  # at the end


def test_country_contents_list_only_the_sections_a_chapter_has(pdfs: list[Path]) -> None:
    pdf = TaggedPdf(_latest(pdfs, "countries", "mex"))
    contents = norm(pdf.page_text[1])
    chapter = contents.split("Women's access to justice", 1)[1].split("Women, peace and security", 1)[0]
    assert "Outcome resources" not in chapter and "Results framework" not in chapter
    assert "Progress" in chapter and "Outcome summary" in chapter
    assert len(LINE.findall(pdf.text)) >= 1


def test_an_outcome_without_indicators_plan_and_budget_in_french(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "outcomes" / "mex-evaw.yaml"  # mex-evaw has every part in the bundled data
    outcome = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("indicators", "strategic_plan", "sdgs", "resources", "sdg_allocation"):
        outcome.pop(key, None)
    path.write_text(yaml.safe_dump(outcome, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pdf = TaggedPdf(write_report(load_dataset(data_copy), "brief", "mex-evaw", tmp_path / "b.pdf", lang="fr"))
    found = re.findall(r"Non renseigné pour ce résultat : ([^.]+)\.", pdf.text)
    assert found == ["ressources, cadre de résultats, liens avec le plan stratégique, liens avec les ODD"]
    assert len(list(pdf.root.find("H2"))) == 3  # summary, contributions, progress: nothing else has data
    assert "Not reported" not in pdf.text  # no English left in the line
    assert not OTHER_WORDINGS.search(pdf_text(pdf.path))  # one missing-data wording in French too
