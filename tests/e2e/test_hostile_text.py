"""Text is text: template syntax and HTML in the data print literally; narrative fields render
their Markdown subset (emphasis, lists, printed links) and nothing more. Real PDFs, read back.

A copy of the bundled data gets hostile and Markdown text in the Colombia outcome's plain
fields (short title, partner name) and narrative fields (statement, objectives, progress
note). Its brief (PDF/UA) and the EU's donor report (archival PDF/A-3) are rendered, read
back (text, tags, fonts, link annotations) and verified; a loopback server records any
request the images in the text would make.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from pypdf import PdfReader

from reportgen.load import load_dataset
from reportgen.options import RenderOptions
from reportgen.pipeline import write_report
from reportgen.verify import all_passed, verify

from ..conftest import DATA
from ..pdfread import TaggedPdf, norm
from ..recorder import Recorder, recording_server

#: Printed as written wherever it appears (plain and narrative fields alike).
LITERAL = ["{{ 7*7 }}", "{% if true %}yes{% endif %}", "<b>bold</b>", "<script>alert(1)</script>"]


def hostile(server: Recorder) -> dict[str, str]:
    http = server.base
    tail = (
        f' <img src="{http}/img"> <style>body{{background:url({http}/css)}}</style>'
        f" ![pic]({http}/md-image) ![secret](file:///etc/passwd) [click](javascript:alert(1))"
    )
    return {
        "short_title": "Economy {{ 7*7 }} <b>bold</b> *not emphasis*",
        "partner": "European Union {% if true %}yes{% endif %} <script>alert(1)</script>",
        "statement": "Women **lead** the economy. " + " ".join(LITERAL) + tail,
        "objectives": "Aims:\n\n- *train* producers\n- open [the portal](https://example.org/portal)\n\n"
        "Contact [the office](mailto:colombia@example.org) or <https://example.org/plain>.",
        "note": "In 2024 the programme:\n\n1. trained **1,250** women;\n2. opened 3 centres.\n\n"
        "Read [the evaluation](https://example.org/evaluation-2024).\n\n" + " ".join(LITERAL) + tail,
    }


@dataclass(frozen=True)
class Rendered:
    brief: Path
    donor: Path
    texts: dict[str, str]
    requests: list[str]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    root = tmp_path_factory.mktemp("hostile-text")
    data = root / "data"
    shutil.copytree(DATA, data)
    with recording_server() as server:
        texts = hostile(server)
        outcome_file = data / "outcomes" / "col-economic.yaml"
        outcome: dict[str, Any] = yaml.safe_load(outcome_file.read_text(encoding="utf-8"))
        outcome["short_title"] = texts["short_title"]
        outcome["statement"] = texts["statement"]
        outcome["objectives"] = texts["objectives"]
        (note,) = [n for n in outcome["progress"] if n["year"] == 2024]
        note["note"] = texts["note"]
        outcome_file.write_text(yaml.safe_dump(outcome, allow_unicode=True, sort_keys=False), encoding="utf-8")
        organization_file = data / "organization.yaml"
        organization = yaml.safe_load(organization_file.read_text(encoding="utf-8"))
        (eu,) = [p for p in organization["partners"] if p["id"] == "eu"]
        eu["name"], eu["short_name"] = texts["partner"], texts["partner"]
        organization_file.write_text(yaml.safe_dump(organization, allow_unicode=True), encoding="utf-8")

        dataset = load_dataset(data)
        brief = write_report(dataset, "brief", "col-economic", root / "brief.pdf", lang="en")
        donor = write_report(
            dataset, "donor", "eu", root / "donor.pdf", year=2024, lang="en", options=RenderOptions(archive=True)
        )
        yield Rendered(brief, donor, texts, list(server.requests))


@pytest.fixture(scope="module")
def brief(rendered: Rendered) -> TaggedPdf:
    return TaggedPdf(rendered.brief)


@pytest.fixture(scope="module")
def donor(rendered: Rendered) -> TaggedPdf:
    return TaggedPdf(rendered.donor)


def squeezed(text: str) -> str:
    """``text`` without whitespace."""
    return "".join(text.split())


def uris(path: Path) -> list[str]:
    """The URI of every link annotation in the PDF."""
    found = []
    for page in PdfReader(path).pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/Link" and action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


# --- literal text ---------------------------------------------------------------------------


@pytest.mark.parametrize("literal", LITERAL)
def test_template_syntax_and_html_print_literally(brief: TaggedPdf, donor: TaggedPdf, literal: str) -> None:
    assert literal in brief.text
    assert literal in donor.text


def test_plain_fields_stay_plain(brief: TaggedPdf, donor: TaggedPdf) -> None:
    # The short title is not a narrative: its asterisks print, nothing is evaluated.
    assert "Economy {{ 7*7 }} <b>bold</b> *not emphasis*" in brief.text
    assert "Economy 49" not in brief.text
    assert "European Union {% if true %}yes{% endif %} <script>alert(1)</script>" in donor.text


def test_disallowed_markdown_prints_as_written(brief: TaggedPdf, rendered: Rendered) -> None:
    http = rendered.texts["statement"].split('<img src="')[1].split("/img")[0]
    for written in (
        f'<img src="{http}/img">',
        f"<style>body{{background:url({http}/css)}}</style>",
        f"![pic]({http}/md-image)",
        "![secret](file:///etc/passwd)",
        "[click](javascript:alert(1))",
    ):
        assert squeezed(written) in squeezed(brief.text)  # long addresses wrap across lines


def test_nothing_was_fetched_and_no_image_embedded(rendered: Rendered) -> None:
    assert rendered.requests == []
    for path in (rendered.brief, rendered.donor):
        with pdfplumber.open(path) as pdf:
            assert all(not page.images for page in pdf.pages)  # charts are vector, text images none


# --- the Markdown subset --------------------------------------------------------------------


def test_links_are_clickable_and_printed(rendered: Rendered, brief: TaggedPdf, donor: TaggedPdf) -> None:
    expected = {
        "https://example.org/portal",
        "mailto:colombia@example.org",
        "https://example.org/plain",
        "https://example.org/evaluation-2024",
    }
    assert expected <= set(uris(rendered.brief))
    assert "https://example.org/evaluation-2024" in uris(rendered.donor)
    for path in (rendered.brief, rendered.donor):
        assert not [u for u in uris(path) if not u.startswith(("https://", "mailto:"))]
    assert "open the portal (https://example.org/portal)" in brief.text
    assert "Contact the office (colombia@example.org) or https://example.org/plain." in brief.text
    assert "Read the evaluation (https://example.org/evaluation-2024)." in donor.text
    assert "https://example.org/plain (https://example.org/plain)" not in brief.text


def test_lists_are_tagged_lists(brief: TaggedPdf) -> None:
    items = [norm(li.text) for lst in brief.root.find("L") for li in lst.children if li.type == "LI"]
    assert any("train producers" in item for item in items), items
    assert any("open the portal (https://example.org/portal)" in item for item in items)
    assert any("trained 1,250 women;" in item for item in items)
    assert any("opened 3 centres." in item for item in items)


def test_markers_print(brief: TaggedPdf) -> None:
    assert "1. trained 1,250 women;" in brief.text and "2. opened 3 centres." in brief.text
    assert "• train producers" in brief.text
    assert "**" not in brief.text.replace("*not emphasis*", "")


def test_emphasis_is_set_in_bold_and_italic(rendered: Rendered) -> None:
    def fonts_of(word: str) -> set[str]:
        found: set[str] = set()
        with pdfplumber.open(rendered.brief) as pdf:
            for page in pdf.pages:
                for hit in page.search(word, regex=False, return_chars=True):
                    found.update(char["fontname"].split("+")[-1] for char in hit["chars"])
        return found

    assert any("Bold" in name or "SemiBold" in name for name in fonts_of("lead")), fonts_of("lead")
    assert any("Italic" in name for name in fonts_of("train producers")), fonts_of("train producers")
    assert all("Italic" not in name and "Bold" not in name for name in fonts_of("not emphasis"))


@pytest.mark.parametrize("which", ["brief", "donor"])
def test_reports_with_lists_and_links_pass_verify(rendered: Rendered, which: str) -> None:
    path, archive = (rendered.brief, False) if which == "brief" else (rendered.donor, True)
    checks = verify(path, archive=archive)
    assert all_passed(checks), [f"{c.name}: {c.detail}" for c in checks if not c.passed]
