"""Provenance as a reader sees it: the source note names only the real source, and a report
built from illustrative (invented) data says so on every page.

The bundled Sweden donor report and Mexico country report once said "Source: UN Women
Transparency Portal (outcome pages)" though most of their figures are invented. Which
outcomes are illustrative is read here from the YAML files (``yaml.safe_load``), and the
pages are read back with pdftotext, running headers included.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from reportgen.load import load_dataset
from reportgen.pipeline import write_report

from ..pdfread import TaggedPdf, norm

DATA = Path(__file__).resolve().parents[2] / "data"
MARK = "Illustrative data"


def outcome_files() -> dict[str, dict[str, object]]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "outcomes").glob("*.yaml"))}


def pages_of(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [norm(page) for page in done.stdout.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    dataset, out = load_dataset(DATA), tmp_path_factory.mktemp("provenance")
    return {
        name: pages_of(write_report(dataset, kind, key, out / f"{name}.pdf", 2024, lang="en"))
        for name, kind, key in (
            ("sweden", "donor", "sweden"),
            ("mexico", "country", "mex"),
            ("justice", "brief", "mex-justice"),
            ("economic", "brief", "col-economic"),
        )
    }


def test_the_bundled_data_says_which_outcomes_are_invented() -> None:
    files = outcome_files()
    assert [k for k, v in files.items() if v.get("illustrative") is True] == ["col-economic", "mex-evaw", "mex-wps"]
    assert "Transparency Portal" in str(files["mex-justice"]["source"])


def test_a_report_from_illustrative_data_is_marked_on_every_page(reports: dict[str, list[str]]) -> None:
    for name in ("sweden", "mexico", "economic"):  # a donor and a country report, an illustrative outcome's brief
        pages = reports[name]
        assert len(pages) > 2
        unmarked = [i + 1 for i, page in enumerate(pages) if MARK.lower() not in page.lower()]
        assert not unmarked, (name, unmarked)
    assert not any(MARK.lower() in page.lower() for page in reports["justice"])  # the real outcome: no mark


def test_the_source_note_names_only_the_real_source(reports: dict[str, list[str]], tmp_path: Path) -> None:
    files = outcome_files()
    sweden_funds = sorted(k for k, v in files.items() if any(r["partner"] == "sweden" for r in v["contributions"]))
    assert sweden_funds and all(files[k].get("illustrative") for k in sweden_funds)
    sweden = " ".join(reports["sweden"])
    assert "Source: illustrative data, invented for this sample: not real figures." in sweden
    assert "Transparency Portal" not in sweden
    mexico = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(reports["mexico"]))  # ids broken at a line end
    invented = sorted(k for k, v in files.items() if v["office"] == "mex" and v.get("illustrative"))
    real = files["mex-justice"]["source"]
    assert (
        f"Source: {real} ({len(invented)} of the 3 outcomes, {', '.join(invented)}, are illustrative data, "
        "invented for this sample)" in mexico
    )
    brief = write_report(load_dataset(DATA), "brief", "mex-justice", tmp_path / "justice.pdf", 2024, lang="en")
    assert f"SOURCE {real}" in norm(TaggedPdf(brief).page_text[0])  # the term (in capitals), then its value
