"""``reportgen import docx``: Word editions edited with python-docx (and by hand in the XML, for
tracked changes) read back, compared word by word, and applied to a copy of the data in place."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reportgen import load_dataset
from reportgen.word.apply import FIGURES_NOTE, printed_text
from reportgen.word.importing import import_docx

OUTCOME = "mex-evaw"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture()
def edition(data_copy: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out" / "brief.pdf"
    done = _cli("brief", OUTCOME, "--data", str(data_copy), "--out", str(target), "--format", "docx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return target.with_suffix(".docx")


def _note_paragraph(document: docx.document.Document, year: int, data: Path) -> docx.text.paragraph.Paragraph:
    """The first paragraph of the data's note for ``year``, found by its printed text."""
    outcome = load_dataset(data).outcomes[OUTCOME]
    note = next(p.note for p in outcome.progress if p.year == year)
    first_words = printed_text(note if isinstance(note, str) else note["en"]).split(".")[0]
    return next(p for p in document.paragraphs if p.text.startswith(first_words))


def test_an_unchanged_edition_differs_in_nothing(edition: Path, data_copy: Path) -> None:
    summary = import_docx(edition, load_dataset(data_copy), write=False)
    assert summary.changes == [] and summary.figures == [] and summary.notes == []


def test_an_edited_note_is_shown_word_by_word_and_applied_in_place(edition: Path, data_copy: Path) -> None:
    document = docx.Document(str(edition))
    paragraph = _note_paragraph(document, 2022, data_copy)
    old_first = paragraph.runs[0].text
    words = old_first.split()
    replaced = words[3]
    paragraph.runs[0].text = old_first.replace(f" {replaced} ", " remarkable ", 1)
    paragraph.add_run(" A sentence added in Word.").italic = True
    document.save(str(edition))
    file = data_copy / "outcomes" / f"{OUTCOME}.yaml"
    before = file.read_text(encoding="utf-8")

    shown = _cli("import", "docx", str(edition), "--data", str(data_copy), cwd=data_copy.parent)
    assert shown.returncode == 0, shown.stderr
    assert f"{OUTCOME} 2022 progress (en)" in shown.stdout
    assert f"[-{replaced}-] {{+remarkable+}}" in shown.stdout
    assert "{+A sentence added in Word.+}" in shown.stdout
    assert file.read_text(encoding="utf-8") == before  # not without --apply

    applied = _cli("import", "docx", str(edition), "--data", str(data_copy), "--apply", cwd=data_copy.parent)
    assert applied.returncode == 0, applied.stderr
    after = file.read_text(encoding="utf-8")
    old_doc, new_doc = yaml.safe_load(before), yaml.safe_load(after)
    index = next(i for i, p in enumerate(old_doc["progress"]) if p["year"] == 2022)
    note = new_doc["progress"][index]["note"]["en"]
    assert "remarkable" in note and "protocols. *A sentence added in Word.*\n" in note
    rest_old, rest_new = copy.deepcopy(old_doc), copy.deepcopy(new_doc)
    del rest_old["progress"][index]["note"]["en"], rest_new["progress"][index]["note"]["en"]
    assert rest_old == rest_new  # nothing else in the data changed
    old_lines, new_lines = before.splitlines(), after.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(old_lines) == len(new_lines) and len(changed) == 1  # one line of the scalar, comments kept
    assert [line for line in old_lines if line.lstrip().startswith("#")] == [
        line for line in new_lines if line.lstrip().startswith("#")
    ]
    again = import_docx(edition, load_dataset(data_copy), write=False)
    assert again.changes == []  # applied: the data now says what Word says


def test_a_changed_figure_is_reported_never_applied(edition: Path, data_copy: Path) -> None:
    document = docx.Document(str(edition))
    cell = document.tables[0].rows[-1].cells[-1]
    old = cell.text
    cell.paragraphs[0].runs[0].text = "$1"
    document.save(str(edition))
    summary = import_docx(edition, load_dataset(data_copy), write=True)
    assert summary.changes == [] and summary.written == []
    assert len(summary.figures) == 1 and FIGURES_NOTE in summary.figures[0] and repr(old.strip()) in summary.figures[0]


def test_tracked_changes_are_shown_as_such(edition: Path, data_copy: Path) -> None:
    document = docx.Document(str(edition))
    paragraph = _note_paragraph(document, 2023, data_copy)
    inserted = OxmlElement("w:ins")
    for attribute, value in (("w:id", "901"), ("w:author", "Editor"), ("w:date", "2025-01-01T00:00:00Z")):
        inserted.set(qn(attribute), value)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = " Tracked insertion."
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    deleted = OxmlElement("w:del")
    for attribute, value in (("w:id", "902"), ("w:author", "Editor"), ("w:date", "2025-01-01T00:00:00Z")):
        deleted.set(qn(attribute), value)
    old_run = paragraph.runs[0]._r
    words = (old_run.findtext(qn("w:t")) or "").split(" ")
    removed = " ".join(words[:2]) + " "
    old_run.find(qn("w:t")).text = " ".join(words[2:])
    old_run.find(qn("w:t")).set(qn("xml:space"), "preserve")
    gone = OxmlElement("w:r")
    gone_text = OxmlElement("w:delText")
    gone_text.set(qn("xml:space"), "preserve")
    gone_text.text = removed
    gone.append(gone_text)
    deleted.append(gone)
    old_run.addprevious(deleted)
    document.save(str(edition))
    summary = import_docx(edition, load_dataset(data_copy), write=False)
    [change] = summary.changes
    assert change.field.inserted == [" Tracked insertion."] and change.field.deleted == [removed]
    text = summary.text(applied=False)
    assert "tracked changes in Word: {+ Tracked insertion.+}" in text and f"[-{removed}-]" in text
    assert "{+Tracked insertion.+}" in change.diff


def test_an_edited_statement_is_applied_and_nothing_else(edition: Path, data_copy: Path) -> None:
    file = data_copy / "outcomes" / f"{OUTCOME}.yaml"
    before = file.read_text(encoding="utf-8")
    statement = " ".join(yaml.safe_load(before)["statement"]["en"].split())
    document = docx.Document(str(edition))
    paragraph = next(p for p in document.paragraphs if " ".join(p.text.split()) == statement)
    paragraph.add_run(" Edited in Word.")
    document.save(str(edition))
    summary = import_docx(edition, load_dataset(data_copy), write=True)
    assert [c.label for c in summary.changes] == [f"{OUTCOME} statement (en)"]
    assert summary.changes[0].diff.endswith("{+Edited in Word.+}")
    after = file.read_text(encoding="utf-8")
    old_doc, new_doc = yaml.safe_load(before), yaml.safe_load(after)
    assert new_doc["statement"]["en"].strip() == f"{statement} Edited in Word."
    del old_doc["statement"]["en"], new_doc["statement"]["en"]
    assert old_doc == new_doc
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == [
        line for line in after.splitlines() if line.lstrip().startswith("#")
    ]


def test_an_oversized_part_is_refused_before_it_is_inflated(tmp_path: Path, data_copy: Path) -> None:
    import zipfile

    from reportgen.errors import DataError
    from reportgen.word.readback import MAX_PART_BYTES

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (MAX_PART_BYTES + 1))
        archive.writestr("word/_rels/document.xml.rels", b"<Relationships/>")
    assert bomb.stat().st_size < MAX_PART_BYTES // 100
    with pytest.raises(DataError, match=r"unpacks to .* not read"):
        import_docx(bomb, load_dataset(data_copy), write=False)


def test_a_tampered_field_map_is_ignored(edition: Path, data_copy: Path, tmp_path: Path) -> None:
    import zipfile

    from reportgen.errors import DataError

    tampered = tmp_path / "tampered.docx"
    with zipfile.ZipFile(edition) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/custom.xml":
                data = data.replace(b'"year":', b'"year":"x","was":')
                data = data.replace(b'"kind":"brief"', b'"kind":"../etc"')
            target.writestr(info, data)
    with pytest.raises(DataError, match="no reportgen fields"):
        import_docx(tampered, load_dataset(data_copy), write=False)
