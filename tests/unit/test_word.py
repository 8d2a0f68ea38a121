"""The Word edition read back with python-docx and its XML: the same headings, tables, charts,
words and metadata as the report's HTML (the PDF's source), real Word structures, and bytes
that do not depend on the process or the clock."""

from __future__ import annotations

import io
import posixpath
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html
from openxml_audit import FileFormat, OpenXmlValidator

from reportgen import Dataset
from reportgen.kinds import kind
from reportgen.options import RenderOptions
from reportgen.pipeline import report_html
from reportgen.word.build import report_docx
from reportgen.word.check import NAMES as CHECKS
from reportgen.word.check import check_docx
from reportgen.word.importing import import_docx
from reportgen.word.package import read_fields
from reportgen.word.reference import REFERENCE, make_reference

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("brief", "donor", "country")
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@pytest.fixture(scope="module")
def editions(dataset: Dataset) -> dict[str, tuple[bytes, str, dict[str, str]]]:
    """kind -> (docx bytes, the report's HTML, chart alt texts by chart id) for one report of each kind."""
    made = {}
    for name in KINDS:
        report_kind = kind(name)
        key, year = report_kind.jobs(dataset)[0]
        report = report_kind.build(dataset, key, year, None, None)
        html = report_html(report_kind, report, RenderOptions()).html
        charts = report_kind.charts(report)
        made[name] = (
            report_docx(report_kind, report, RenderOptions(), key),
            html,
            {c.id: c.alt for c in charts.values()},
        )
    return made


def _document(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", KINDS)
def test_headings_are_heading_styles_in_the_html_order(editions: dict, name: str) -> None:
    data, html, _ = editions[name]
    root = lxml_html.document_fromstring(html)
    expected = [
        (int(h.tag[1]), _words(h.text_content()))
        for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")
        if not h.xpath("ancestor::nav[contains(@class, 'toc')]")  # the contents page: Word's TOC field
    ]
    found = [
        (int(p.style.name.split()[-1]), _words(p.text))
        for p in _document(data).paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]
    assert found == expected


@pytest.mark.parametrize("name", KINDS)
def test_tables_are_word_tables_with_header_rows_and_right_aligned_figures(editions: dict, name: str) -> None:
    data, html, _ = editions[name]
    root = lxml_html.document_fromstring(html)
    tables = root.findall(".//table")
    document = _document(data)
    assert len(document.tables) == len(tables) > 0
    for html_table, table in zip(tables, document.tables, strict=True):
        assert table.style is not None and table.style.name == "Report Table"
        head_rows = len(html_table.findall("thead/tr"))
        flags = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
        assert flags == [True] * head_rows + [False] * (len(table.rows) - head_rows)
        numeric = [c for c in html_table.iter("td", "th") if "num" in (c.get("class") or "").split()]
        right = table._tbl.xpath(".//w:tc[.//w:jc[@w:val='right']]")
        assert len(right) == len(numeric)


@pytest.mark.parametrize("name", KINDS)
def test_every_figure_of_the_html_is_in_the_document_text(editions: dict, name: str) -> None:
    data, html, _ = editions[name]
    root = lxml_html.document_fromstring(html)
    pattern = re.compile(r"\$[\d,]+(?:\.\d+)?|\d+(?:\.\d+)?%|\b\d{1,3}(?:,\d{3})+\b")
    document = _document(data)
    text = " ".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    missing = set(pattern.findall(root.find("body").text_content())) - set(pattern.findall(text))
    assert not missing


@pytest.mark.parametrize("name", KINDS)
def test_every_chart_is_a_png_with_its_alt_text(editions: dict, name: str) -> None:
    data, _, alts = editions[name]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = archive.read("word/document.xml")
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        pngs = [archive.read(n) for n in media]
    root = docx.oxml.parse_xml(document)
    descriptions = [d.get("descr") for d in root.iter(WP_DOCPR)]
    assert sorted(descriptions) == sorted(alts.values())
    assert all(d for d in descriptions)
    assert len(pngs) == len(alts) and all(p.startswith(b"\x89PNG") for p in pngs)


@pytest.mark.parametrize("name", KINDS)
def test_one_toc_field_where_the_contents_are(editions: dict, name: str) -> None:
    data, html, _ = editions[name]
    document = _document(data)
    assert document.element.body.xml.count('TOC \\o "1-3"') == 1
    [heading] = [p for p in document.paragraphs if p.style is not None and p.style.name == "TOC Heading"]
    nav = lxml_html.document_fromstring(html).xpath("//nav[contains(@class, 'toc')]//h1")
    assert heading.text == (_words(nav[0].text_content()) if nav else "Contents")


def test_toc_footer_fields_language_and_core_properties(editions: dict) -> None:
    data, html, _ = editions["brief"]
    document = _document(data)
    body = document.element.body.xml
    assert 'TOC \\o "1-3"' in body
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    update = document.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"  # Word offers to fill the TOC on opening
    root = lxml_html.document_fromstring(html)
    meta = {m.get("name"): _words(m.get("content")) for m in root.iter("meta") if m.get("name")}
    core = document.core_properties
    assert core.title == _words(root.findtext(".//title"))
    assert (core.author, core.subject, core.keywords) == (meta["author"], meta["description"], meta["keywords"])
    assert core.language == root.get("lang")
    assert core.created is not None and core.created.date().isoformat() == meta["dcterms.created"]
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == root.get("lang")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        application = docx.oxml.parse_xml(archive.read("docProps/app.xml")).find(
            "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Application"
        )
    assert application is not None and application.text == "reportgen"  # not python-docx's template's "Word"


@pytest.mark.parametrize("name", KINDS)
def test_progress_notes_are_bookmarked_and_map_back_unchanged(
    editions: dict, dataset: Dataset, name: str, tmp_path: Path
) -> None:
    data, html, _ = editions[name]
    fields = read_fields(data)
    report = fields.pop("_report")
    assert report["kind"] == name
    narratives = lxml_html.document_fromstring(html).xpath("//div[contains(@class, 'narrative')]")
    assert len(fields) == len(narratives) > 0
    assert {"progress", "statement"} <= {where["field"] for where in fields.values()}
    for where in fields.values():
        outcome = dataset.outcomes[where["outcome"]]
        assert where["year"] in {p.year for p in outcome.progress}
    names = {b.get(qn("w:name")) for b in _document(data).element.body.iter(qn("w:bookmarkStart"))}
    assert set(fields) <= names
    file = tmp_path / f"{name}.docx"
    file.write_bytes(data)
    summary = import_docx(file, dataset, write=False)
    assert (summary.changes, summary.figures, summary.notes) == ([], [], [])


def test_zip_entries_have_fixed_dates_and_order(editions: dict, dataset: Dataset) -> None:
    data, _, _ = editions["brief"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert len({i.date_time for i in infos}) == 1


def test_two_processes_write_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / run / "brief.pdf"
        subprocess.run(
            [sys.executable, "-m", "reportgen", "brief", "mex-evaw", "--data", str(ROOT / "data"), "--out", str(target),
             "--format", "docx"],
            check=True, capture_output=True, cwd=tmp_path,
        )  # fmt: skip
        outputs.append(target.with_suffix(".docx").read_bytes())
        assert not target.exists()  # docx only
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("theme", ["default", "meridian"])
def test_shipped_reference_docx_is_up_to_date(theme: str) -> None:
    folder = ROOT / "themes" / theme
    assert (folder / REFERENCE).read_bytes() == make_reference(folder), "run scripts/make_reference_docx.py"
    styles = {s.name for s in docx.Document(str(folder / REFERENCE)).styles}
    assert {"Report Table", "Table Text", "Hyperlink", "Heading 1", "Caption", "TOC Heading"} <= styles


def test_a_right_to_left_language_makes_a_right_to_left_document(dataset: Dataset) -> None:
    """Arabic has no catalog yet: the converter is given the brief's HTML marked as Arabic."""
    from reportgen.i18n import translator
    from reportgen.word.convert import Converter
    from reportgen.word.reference import reference_path

    report_kind = kind("brief")
    report = report_kind.build(dataset, "mex-evaw", None, None, None)
    html = report_html(report_kind, report, RenderOptions()).html
    found = []
    for tag in ("en-US", "ar"):
        converter = Converter(reference_path(ROOT / "themes" / "default"), translator("en"), report, {})
        converter.convert(re.sub(r'<html lang="[^"]*"', f'<html lang="{tag}"', html, count=1))
        defaults = converter.document.styles.element.find(qn("w:docDefaults"))
        found.append((defaults.find(".//" + qn("w:bidi")) is not None, defaults.find(".//" + qn("w:rtl")) is not None))
    assert found == [(False, False), (True, True)]
    from reportgen.word.package import Properties, deterministic_package

    packaged = deterministic_package(converter.save(), Properties.from_html(html, report.data_as_of), {})
    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0)
    with tempfile.TemporaryDirectory() as folder:
        assert _findings(validator, packaged, Path(folder)) == []  # w:rtl, w:lang and w:bidi in the schema's order


@pytest.mark.parametrize("key", ["mex-evaw", "mex-justice"])
def test_the_running_header_names_the_organization_and_the_report(dataset: Dataset, key: str) -> None:
    """As the PDF's: the organization, "Illustrative data" only when the outcome's data is invented, the title."""
    report_kind = kind("brief")
    report = report_kind.build(dataset, key, None, None, None)
    header = _document(report_docx(report_kind, report, RenderOptions())).sections[0].header
    [paragraph] = header.paragraphs
    assert paragraph.style is not None and paragraph.style.name == "Header"
    mark = "Illustrative data" if dataset.outcomes[key].illustrative else ""
    assert paragraph.text.split("\t") == [dataset.organization.display_name, mark, report.title]


@pytest.fixture(scope="module")
def ooxml() -> OpenXmlValidator:
    """openxml-audit: Microsoft's Open XML SDK validation (ECMA-376 schemas, relationships, semantics) in Python."""
    return OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0)


def _findings(validator: OpenXmlValidator, data: bytes, folder: Path) -> list[str]:
    file = folder / "edition.docx"
    file.write_bytes(data)
    return [f"{e.severity.value}: {e}" for e in validator.validate(file).errors]


@pytest.mark.parametrize("name", KINDS)
def test_every_part_validates_against_the_ooxml_schemas(
    editions: dict, ooxml: OpenXmlValidator, name: str, tmp_path: Path
) -> None:
    """No error and no warning: each XML part against its schema, relationships, Word's own checks."""
    assert _findings(ooxml, editions[name][0], tmp_path) == []


@pytest.mark.parametrize("theme", ["default", "meridian"])
def test_shipped_reference_docx_validates(ooxml: OpenXmlValidator, theme: str, tmp_path: Path) -> None:
    assert _findings(ooxml, (ROOT / "themes" / theme / REFERENCE).read_bytes(), tmp_path) == []


def _with(data: bytes, part: str, old: str, new: str, count: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            text = source.read(name)
            if name == part:
                assert old.encode() in text, (part, old)
                text = text.replace(old.encode(), new.encode(), count)
            target.writestr(name, text)
    return out.getvalue()


def test_the_validator_reads_every_part_we_write(editions: dict, ooxml: OpenXmlValidator, tmp_path: Path) -> None:
    """A control: one element out of its schema's place, in each part the edition writes, is found."""
    data = editions["brief"][0]
    misplaced = {
        "word/document.xml": ("<w:tblPr>", "<w:tblPr><w:tblLook/><w:tblStyle w:val='x'/>"),
        "word/styles.xml": ("<w:docDefaults>", "<w:docDefaults><w:latentStyles/>"),
        "word/numbering.xml": ("<w:abstractNum ", "<w:num/><w:abstractNum "),
        "word/settings.xml": ("<w:zoom ", "<w:compat/><w:zoom "),
        "word/footer1.xml": ("<w:p>", "<w:tblGrid/><w:p>"),
        "docProps/core.xml": ("<dc:title>", "<dc:coverage/><cp:unknown/><dc:title>"),
    }
    for part, (old, new) in misplaced.items():
        found = _findings(ooxml, _with(data, part, old, new), tmp_path)
        assert any(f"/{part}" in finding for finding in found), part


@pytest.mark.parametrize("name", KINDS)
def test_every_part_has_its_content_type_and_every_relationship_its_target(editions: dict, name: str) -> None:
    """What the validator leaves to the package reader: [Content_Types].xml names only parts that exist,
    and every part has a type; no part of python-docx's template that does not describe the report."""
    with zipfile.ZipFile(io.BytesIO(editions[name][0])) as archive:
        names = set(archive.namelist())
        types = docx.oxml.parse_xml(archive.read("[Content_Types].xml"))
        rels = {n: docx.oxml.parse_xml(archive.read(n)) for n in names if n.endswith(".rels")}
    overrides = {o.get("PartName").lstrip("/") for o in types if o.tag.endswith("Override")}
    defaults = {d.get("Extension") for d in types if d.tag.endswith("Default")}
    assert overrides <= names
    assert all(n in overrides or n.rsplit(".", 1)[-1] in defaults for n in names)
    for rels_name, tree in rels.items():
        base = rels_name.split("_rels/")[0]
        for relationship in tree:
            if relationship.get("TargetMode") != "External":
                target = posixpath.normpath(base + relationship.get("Target")).lstrip("/")
                assert target in names, (rels_name, target)
    assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}


@pytest.mark.parametrize("name", KINDS)
def test_the_batch_checks_pass_on_every_kind(editions: dict, name: str) -> None:
    checks = check_docx(editions[name][0])
    assert [c.name for c in checks] == list(CHECKS) and all(c.passed for c in checks), checks


def test_the_batch_checks_fail_what_they_check(editions: dict) -> None:
    """Each fault made in a real edition fails its own check, and no other."""
    data = editions["brief"][0]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        title = re.search(r"<dc:title>.*?</dc:title>", archive.read("docProps/core.xml").decode())
    assert title is not None
    faults = {
        "figures": _with(data, "word/document.xml", ' descr="', ' title="'),  # one image without alt text
        "tables": _with(data, "word/document.xml", "<w:tblHeader/>", ""),  # one table without a header row
        "properties": _with(data, "docProps/core.xml", title.group(0), "<dc:title></dc:title>"),
        "headings": _with(data, "word/document.xml", '<w:pStyle w:val="Heading', '<w:pStyle w:val="Normal', -1),
    }
    for name, broken in faults.items():
        failed = [c.name for c in check_docx(broken) if not c.passed]
        assert failed == [name], (name, failed)
    truncated = check_docx(data[: len(data) // 2])
    assert not any(c.passed for c in truncated) and "does not open" in truncated[0].detail


def test_a_progress_notes_markdown_becomes_word_emphasis_lists_and_links(data_copy: Path) -> None:
    """Emphasis, a list and a link written into a real note: italic and bold runs, List Bullet
    paragraphs, a hyperlink to the address, as the HTML (and so the PDF) has them."""
    from reportgen import load_dataset

    file = data_copy / "outcomes" / "mex-justice.yaml"
    text = file.read_text(encoding="utf-8")
    anchor = "      The National Search Commission (CNB)"
    markdown = (
        "      Results in *emphasis*, **in strong** and [on the portal](https://example.org/portal).\n\n"
        "      - a first listed result\n      - a second listed result\n\n"
    )
    assert anchor in text
    file.write_text(text.replace(anchor, markdown + anchor, 1), encoding="utf-8")
    report_kind = kind("brief")
    report = report_kind.build(load_dataset(data_copy), "mex-justice", 2021, None, None)
    root = lxml_html.document_fromstring(report_html(report_kind, report, RenderOptions()).html)
    note = root.xpath("//div[contains(@class, 'narrative')][.//em[.='emphasis']]")
    assert note, "the HTML does not carry the note's Markdown"
    document = _document(report_docx(report_kind, report, RenderOptions()))
    runs = [run for p in document.paragraphs for run in p.runs]
    assert any(run.italic and run.text == "emphasis" for run in runs)
    assert any(run.bold and run.text == "in strong" for run in runs)
    listed = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("List")]
    assert {"a first listed result", "a second listed result"} <= {_words(t) for t in listed}
    links = {
        _words("".join(t.text or "" for t in link.iter(qn("w:t")))): document.part.rels[link.get(qn("r:id"))]
        for link in document.element.body.iter(qn("w:hyperlink"))
    }
    assert links["on the portal"].target_ref == "https://example.org/portal"
    assert links["on the portal"].is_external


@pytest.mark.parametrize("name", KINDS)
def test_every_chart_is_printed_at_print_resolution(editions: dict, name: str) -> None:
    """At least 200 pixels per inch of the width the picture takes on the page."""
    document = _document(editions[name][0])
    inlines = list(document.element.body.iter(qn("wp:inline")))
    assert inlines
    for inline in inlines:
        inches = int(inline.find(qn("wp:extent")).get("cx")) / 914400
        [blip] = inline.iter(qn("a:blip"))
        png = document.part.related_parts[blip.get(qn("r:embed"))].blob
        pixels = int.from_bytes(png[16:20], "big")  # the IHDR width
        assert pixels / inches >= 200, (pixels, inches)
