"""The Word edition opened by a real client: LibreOffice (headless) converts every generated .docx
to PDF, and that PDF prints every figure our own PDF of the same report prints; LibreOffice's own
re-saved .docx still maps back to the data, and an edit made in it reaches the rebuilt PDF.

LibreOffice is slow to start on two cores, so the module converts all its files in one
``soffice`` invocation per output format, with a private profile."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from reportgen import Dataset, load_dataset
from reportgen.kinds import kind
from reportgen.options import RenderOptions
from reportgen.pipeline import report_html

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: scripts/setup.sh --test installs it"
)
KINDS = ("brief", "donor", "country")
#: Amounts and shares as the reports print them (en_US).
FIGURE = re.compile(r"\$[\d,]+(?:\.\d+)?|\d+(?:\.\d+)?%|\b\d{1,3}(?:,\d{3})+\b")
TIMEOUT = 300


def _cli(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stderr


def soffice(files: list[Path], fmt: str, out: Path, profile: Path) -> list[str]:
    """One LibreOffice process converting every file of ``files`` to ``fmt`` into ``out``; the lines of
    its standard error, less the note that it found no Java (the converters here need none)."""
    done = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    return [line for line in done.stderr.splitlines() if line.strip() and "javaldx" not in line]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One report of each kind as our PDF and its .docx, LibreOffice's PDF of each .docx, and
    LibreOffice's re-saved .docx of the brief (from a copy of the data)."""
    base = tmp_path_factory.mktemp("word")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    dataset = load_dataset(data)
    out = base / "out"
    keys: dict[str, str] = {}
    for name in KINDS:
        key, _ = kind(name).jobs(dataset)[0]
        keys[name] = key
        _cli(name, key, "--data", str(data), "--out", str(out / f"{name}.pdf"), "--format", "pdf,docx", cwd=base)
    profile = base / "lo-profile"
    complaints = soffice([out / f"{name}.docx" for name in KINDS], "pdf", base / "lo-pdf", profile)
    complaints += soffice([out / "brief.docx"], "docx:MS Word 2007 XML", base / "lo-docx", profile)
    return {"base": base, "data": data, "out": out, "keys": keys, "dataset": dataset, "complaints": complaints}


def test_libreoffice_opens_every_edition_without_a_complaint(made: dict) -> None:
    """Headless LibreOffice has no repair dialog: a file it cannot read is said on its standard error
    ("source file could not be loaded") and has no output."""
    assert made["complaints"] == []
    for name in KINDS:
        assert (made["base"] / "lo-pdf" / f"{name}.pdf").stat().st_size > 0
    assert (made["base"] / "lo-docx" / "brief.docx").stat().st_size > 0


def _chart_only(dataset: Dataset, name: str, key: str) -> set[str]:
    """Figures printed only inside a chart (axis ticks): in the PDF they are SVG text, in the Word
    edition pixels of the chart's image, whose alt text and table carry the numbers."""
    report_kind = kind(name)
    report = report_kind.build(dataset, key, None, None, None)
    html = report_html(report_kind, report, RenderOptions()).html
    body = lxml_html.document_fromstring(html).find("body").text_content()
    in_charts = {
        m
        for chart in report_kind.charts(report).values()
        for text in re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)
        for m in FIGURE.findall(text)
    }
    return in_charts - set(FIGURE.findall(body))


@pytest.mark.parametrize("name", KINDS)
def test_libreoffice_prints_every_figure_of_our_pdf(made: dict, name: str) -> None:
    ours = set(FIGURE.findall(pdf_text(made["out"] / f"{name}.pdf")))
    theirs = set(FIGURE.findall(pdf_text(made["base"] / "lo-pdf" / f"{name}.pdf")))
    expected = ours - _chart_only(made["dataset"], name, made["keys"][name])
    assert len(expected) > 10
    assert expected - theirs == set()


def test_libreoffice_keeps_the_structure(made: dict) -> None:
    """LibreOffice's re-saved document still has Heading styles, header rows and alt text."""
    document = docx.Document(str(made["base"] / "lo-docx" / "brief.docx"))
    assert any(p.style is not None and p.style.name == "Heading 1" for p in document.paragraphs)
    assert all(
        t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
        for t in document.tables
    )
    descriptions = [d.get("descr") for d in document.element.body.iter(docx.oxml.ns.qn("wp:docPr"))]
    assert descriptions and all(descriptions)


def test_round_trip_through_libreoffice_reaches_the_pdf(made: dict) -> None:
    """Re-saved by LibreOffice, edited with python-docx, imported, applied, rebuilt: the PDF carries the edit
    and the data file differs only in that note."""
    from reportgen.word.importing import import_docx

    data: Path = made["data"]
    edition = made["base"] / "lo-docx" / "brief.docx"
    assert import_docx(edition, load_dataset(data), write=False).changes == []  # LibreOffice changed no words
    document = docx.Document(str(edition))
    outcome = load_dataset(data).outcomes[made["keys"]["brief"]]
    latest = max(outcome.progress, key=lambda p: p.year)
    note = latest.note if isinstance(latest.note, str) else latest.note["en"]
    first = " ".join(note.split())[:40]
    paragraph = next(p for p in document.paragraphs if " ".join(p.text.split()).startswith(first))
    paragraph.add_run(" Edited in LibreOffice and Word round trip.")
    document.save(str(edition))
    file = data / "outcomes" / f"{outcome.id}.yaml"
    before = file.read_text(encoding="utf-8")
    summary = import_docx(edition, load_dataset(data), write=True)
    assert [c.label for c in summary.changes] == [f"{outcome.id} {latest.year} progress (en)"]
    after = file.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].endswith("Edited in LibreOffice and Word round trip.")
    others = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file() and p != file)
    assert others == sorted(
        p.relative_to(ROOT / "data") for p in (ROOT / "data").rglob("*") if p.is_file() and p.name != file.name
    )
    assert all((data / name).read_bytes() == (ROOT / "data" / name).read_bytes() for name in others)
    rebuilt = made["base"] / "rebuilt.pdf"
    _cli("brief", outcome.id, "--data", str(data), "--out", str(rebuilt), cwd=made["base"])
    assert "Edited in LibreOffice and Word round trip." in " ".join(pdf_text(rebuilt).split())
