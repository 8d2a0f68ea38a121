"""Archival reports (PDF/A-3a): tagged, identified in XMP, carrying the data they were built from."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from reportgen import Dataset, RenderOptions, kind, write_report
from reportgen.archive import DATA_NAME, attachments_of, load_attached
from reportgen.charts.cache import clear_cache
from reportgen.pdf import PRODUCER

ARCHIVE = RenderOptions(archive=True)
JOBS = [("brief", "mex-justice", None), ("donor", "sweden", "fr"), ("country", "mex", "es")]

AIIM = "{http://www.aiim.org/pdfa/ns/id/}"


@pytest.fixture(scope="module")
def archived(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("archive")
    return {
        job[0]: write_report(dataset, job[0], job[1], out / f"{job[0]}.pdf", lang=job[2], options=ARCHIVE)
        for job in JOBS
    }


@pytest.mark.parametrize("job", JOBS, ids=[j[0] for j in JOBS])
def test_attached_data_rebuilds_the_same_report_model(job: tuple[str, str, str | None], archived: dict[str, Path],
                                                      dataset: Dataset) -> None:  # fmt: skip
    attached, found = load_attached(archived[job[0]])
    assert (found.kind, found.key) == (job[0], job[1])
    report_kind = kind(found.kind)
    original = report_kind.build(dataset, found.key, found.year, found.lang, found.locale)
    rebuilt = report_kind.build(attached, found.key, found.year, found.lang, found.locale)
    assert rebuilt == original


@pytest.mark.parametrize("job", JOBS, ids=[j[0] for j in JOBS])
def test_archival_pdf_is_pdfa_3a_tagged_with_source_attachments(job: tuple[str, str, str | None],
                                                                archived: dict[str, Path]) -> None:  # fmt: skip
    with pikepdf.open(archived[job[0]]) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            assert (xmp.get(f"{AIIM}part"), xmp.get(f"{AIIM}conformance")) == ("3", "A")
            assert xmp.get("{http://ns.adobe.com/pdf/1.3/}Producer") == PRODUCER
        assert pdf.docinfo["/Producer"] == PRODUCER
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
        relationships = {name: str(spec.obj.get("/AFRelationship")) for name, spec in pdf.attachments.items()}
    assert relationships[DATA_NAME] == "/Source"
    assert all(value == "/Source" for value in relationships.values())
    assert "original-organization.yaml" in relationships


def test_original_data_files_are_attached_unchanged(archived: dict[str, Path], dataset: Dataset) -> None:
    files = attachments_of(archived["brief"])
    source = dataset.source_of("mex-justice")
    assert source is not None
    assert files[f"original-outcomes-{source.name}"] == source.read_bytes()


def test_default_output_is_pdf_ua_without_attachments(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["mex-justice"]) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            assert xmp.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert not pdf.attachments
        assert pdf.docinfo["/Producer"] == PRODUCER


def test_organization_can_make_archive_the_default(data_copy: Path, tmp_path: Path) -> None:
    from reportgen import load_dataset

    file = data_copy / "organization.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("  data_as_of:", "  archive: true\n  data_as_of:", 1),
                    encoding="utf-8")  # fmt: skip
    path = write_report(load_dataset(data_copy), "brief", "mex-evaw", tmp_path / "b.pdf")
    assert DATA_NAME in attachments_of(path)


def test_archival_output_is_deterministic(dataset: Dataset, archived: dict[str, Path], tmp_path: Path) -> None:
    clear_cache()  # charts drawn again too, not taken from the chart cache
    again = write_report(dataset, "brief", "mex-justice", tmp_path / "again.pdf", options=ARCHIVE)
    assert again.read_bytes() == archived["brief"].read_bytes()


def test_an_archival_batch_makes_verified_pdfs_that_carry_their_data(dataset: Dataset, tmp_path: Path) -> None:
    """``reportgen batch --archive``: the workers embed each report's source data and check the
    PDF as an archive; every report passes and rebuilds from what it carries."""
    from reportgen.batch import BatchOptions, run_batch
    from reportgen.verify import all_passed, verify

    options = BatchOptions(out_dir=tmp_path / "out", kinds=("brief",), years=(2024,), workers=2, render=ARCHIVE)
    summary = run_batch(dataset.root, options)
    assert (summary.failed, summary.failures) == (0, [])
    made = sorted((tmp_path / "out" / "briefs").glob("*.pdf"))
    assert summary.made == len(made) == len([o for o in dataset.outcomes.values() if o.period.end >= 2024])
    for path in made:
        assert all_passed(verify(path, archive=True)), path.name
        attached, found = load_attached(path)
        assert f"{found.key}-{found.year}" == path.stem
        assert kind("brief").build(attached, found.key, found.year, found.lang, found.locale) == kind("brief").build(
            dataset, found.key, found.year, found.lang, found.locale
        )
    assert summary.timings.calls["verify"] == summary.made  # checked in the workers


def test_an_outcome_called_organization_is_not_taken_for_the_organization_file(data_copy: Path, tmp_path: Path) -> None:
    """The organization's file and the outcomes' files are kept apart: an outcome whose id is
    ``organization`` is attached as that outcome's file, and organization.yaml as the organization's."""
    from reportgen import load_dataset

    outcome = data_copy / "outcomes" / "organization.yaml"
    text = (data_copy / "outcomes" / "mex-evaw.yaml").read_text(encoding="utf-8")
    outcome.write_text(text.replace("id: mex-evaw", "id: organization", 1), encoding="utf-8")
    (data_copy / "outcomes" / "mex-evaw.yaml").unlink()
    dataset = load_dataset(data_copy)
    assert dataset.source_of("organization") == outcome
    assert dataset.organization_file == data_copy / "organization.yaml"
    path = write_report(dataset, "brief", "organization", tmp_path / "b.pdf", options=RenderOptions(archive=True))
    with pikepdf.open(path) as pdf:
        described = {name: str(spec.description) for name, spec in pdf.attachments.items()}
    assert described["original-organization.yaml"] == "Original organization file"
    assert described["original-outcomes-organization.yaml"] == "Original outcome file organization"
    attached = attachments_of(path)
    assert attached["original-organization.yaml"] == (data_copy / "organization.yaml").read_bytes()
    assert attached["original-outcomes-organization.yaml"] == outcome.read_bytes()
