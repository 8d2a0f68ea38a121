"""No fetching: hostile references in every text field of the data, or in a user's templates,
load nothing, through the real CLI.

Every free-text field of a copy of the bundled data gets a payload of references to a canary
file outside the project (holding a random token) and to a recording HTTP server on
loopback: ``<img>``, ``<link rel="attachment">``, ``<style>@import``/``url()``, Markdown
images and links, a CSS-string break-out. A brief, a donor report and a country report are
rendered from it, as PDF/UA and as archival PDF/A-3 with attachments. The token must appear
nowhere (file bytes, decoded streams, text, embedded files) and the server must get no
request. A user template folder with the same references is refused with a warning that
names the report.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from ..conftest import DATA, ROOT
from ..pdfread import norm
from ..recorder import Recorder, recording_server

#: Keys whose string values are free text (names, titles, narratives, labels). Ids, codes,
#: currencies, locales, languages, dates, statuses, units and SDG targets are left alone:
#: the loader checks those against patterns and lists.
FREE_TEXT = {
    "name", "short_name", "country", "type", "data_source", "short_title", "statement", "objectives",
    "note", "source", "comment", "result", "impact_areas", "systemic_outcomes", "organizational_outputs",
}  # fmt: skip
#: Inside these, a ``type`` is an enum (indicators' common/complementary), not a label.
ENUM_TYPE_PARENTS = {"indicators"}

#: (kind, id, extra CLI arguments) of the reports rendered: one of each kind, small ones.
REPORTS = [
    ("brief", "col-economic", []),
    ("donor", "eu", ["--year", "2024"]),
    ("country", "col", ["--year", "2024"]),
]


#: Narrative fields get every reference at once; shorter fields (names, titles, labels, which
#: print in many table cells, headers and charts) one each, in turn, so the reports stay short.
NARRATIVE = {"statement", "objectives", "note"}


@dataclass
class Canary:
    token: str
    file: Path
    server: Recorder
    turn: int = 0

    def vectors(self, tag: str) -> list[str]:
        """References to the canary file and the server, as HTML, CSS and Markdown."""
        f, http = self.file.as_uri(), self.server.base
        return [
            f'<img src="{f}">',
            f'<link rel="attachment" href="{f}">',
            f"<style>@import url({f}); body{{background:url({http}/css-{tag})}}</style>",
            f'<img src="{http}/img-{tag}">',
            f"![x]({http}/md-{tag})",
            f"![c]({f})",
            f"[link]({http}/mdlink-{tag})",
            f"[c]({f})",
            f'<a rel="attachment" href="{f}">a</a>',
            f'<object data="{f}"></object><iframe src="{http}/frame-{tag}"></iframe>',
            f'<svg><image href="{f}"/></svg>',
            f'"); background: url({http}/break-{tag}); content: ("',  # out of a CSS string, if it could
        ]

    def payload(self, key: str) -> str:
        vectors = self.vectors(key)
        if key in NARRATIVE:
            return " " + " ".join(vectors)
        self.turn += 1
        return " " + vectors[self.turn % len(vectors)]


def add_payload(node: Any, canary: Canary, parent: str = "", key: str = "") -> Any:
    """``node`` with a payload appended to every free-text string in it."""
    if isinstance(node, dict):
        return {k: add_payload(v, canary, key, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [add_payload(v, canary, parent, key) for v in node]
    if isinstance(node, str) and key in FREE_TEXT and not (key == "type" and parent in ENUM_TYPE_PARENTS):
        return node + canary.payload(key)
    if isinstance(node, str) and len(key) in (2, 3) and parent in FREE_TEXT:  # {en: ..., es: ...}
        return node + canary.payload(parent)
    return node


def free_texts(node: Any, parent: str = "", key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every free-text string in ``node``, in document order."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from free_texts(v, key, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from free_texts(v, parent, key)
    elif isinstance(node, str) and key in FREE_TEXT and not (key == "type" and parent in ENUM_TYPE_PARENTS):
        yield key, node
    elif isinstance(node, str) and len(key) in (2, 3) and parent in FREE_TEXT:
        yield parent, node


def hostile_data(target: Path, canary: Canary) -> Path:
    """A copy of the bundled data with a payload in every free-text field (objectives and
    indicator results added, so those fields are rendered too)."""
    shutil.copytree(DATA, target)
    for path in sorted(target.rglob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.parent.name == "outcomes":
            document.setdefault("objectives", "Objectives of the outcome.")
            for indicator in document.get("indicators", []):
                indicator.setdefault("result", "The result measured.")
        hostile = add_payload(document, canary)
        path.write_text(yaml.safe_dump(hostile, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def pdf_strings(path: Path) -> Iterator[bytes]:
    """Everything in a PDF that could carry the token: the file, every object unparsed,
    every stream decoded, every embedded file, the extracted text."""
    yield path.read_bytes()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes()
                except pikepdf.PdfError:  # a filter qpdf cannot decode (none expected here)
                    yield obj.read_raw_bytes()
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.String):
                yield obj.unparse()
        for name, spec in pdf.attachments.items():
            yield name.encode()
            yield spec.get_file().read_bytes()
    yield pdf_text(path).encode()


@lru_cache(maxsize=16)
def pdf_text(path: Path) -> str:
    """The PDF's extracted text, whitespace collapsed (read once per file)."""
    return norm(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


@dataclass(frozen=True)
class Run:
    canary: Canary
    pdfs: dict[tuple[str, bool], Path]
    stderr: dict[tuple[str, bool], str]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    outside = tmp_path_factory.mktemp("outside")
    assert not outside.resolve().is_relative_to(ROOT)
    token = "CANARY-" + secrets.token_hex(16)
    secret = outside / "canary.txt"
    secret.write_text(token)
    with recording_server(redirect_to=secret.as_uri()) as server:
        canary = Canary(token, secret, server)
        data = hostile_data(tmp_path_factory.mktemp("hostile") / "data", canary)
        out = tmp_path_factory.mktemp("out")
        pdfs, stderr = {}, {}
        for archive in (False, True):
            for kind, key, extra in REPORTS:
                target = out / f"{kind}-{key}{'-archive' if archive else ''}.pdf"
                flags = ["--archive"] if archive else []
                result = run_cli(kind, key, "--data", str(data), "--out", str(target), *extra, *flags)
                assert result.returncode == 0, result.stderr
                pdfs[(kind, archive)], stderr[(kind, archive)] = target, result.stderr
        yield Run(canary, pdfs, stderr)


def test_every_free_text_field_carries_a_reference(run: Run, tmp_path: Path) -> None:
    canary = Canary(run.canary.token, run.canary.file, run.canary.server)
    data = hostile_data(tmp_path / "data", canary)
    seen: set[str] = set()
    for path in data.rglob("*.yaml"):
        for key, text in free_texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert canary.file.as_uri() in text or canary.server.base in text, (path.name, key, text)
            seen.add(key)
    assert seen >= {"statement", "objectives", "note", "short_title", "name", "data_source", "impact_areas", "result"}
    assert canary.turn > len(canary.vectors("")), "every reference lands in some short field"


@pytest.mark.parametrize("archive", [False, True], ids=["pdf-ua", "archive"])
@pytest.mark.parametrize("kind", [kind for kind, _, _ in REPORTS])
def test_the_token_is_nowhere_in_the_pdf(run: Run, kind: str, archive: bool) -> None:
    path = run.pdfs[(kind, archive)]
    token = run.canary.token.encode()
    for chunk in pdf_strings(path):
        assert token not in chunk
    with pikepdf.open(path) as pdf:
        names = set(pdf.attachments)
    assert not any("canary" in name.lower() for name in names)
    if archive:
        assert names, "an archival report embeds its source data"


@pytest.mark.parametrize("archive", [False, True], ids=["pdf-ua", "archive"])
@pytest.mark.parametrize("kind", [kind for kind, _, _ in REPORTS])
def test_the_payload_is_printed_as_text(run: Run, kind: str, archive: bool) -> None:
    text = pdf_text(run.pdfs[(kind, archive)])
    assert "<link rel=" in text and "@import url(" in text
    assert "refused" not in run.stderr[(kind, archive)]  # escaped text never even asks the fetcher


def test_the_server_got_no_request(run: Run) -> None:
    assert len(run.pdfs) == 2 * len(REPORTS)
    assert run.canary.server.requests == []


# --- hostile user templates -----------------------------------------------------------------


@pytest.mark.parametrize("archive", [False, True], ids=["pdf-ua", "archive"])
def test_hostile_user_template_is_refused_and_the_warning_names_the_report(tmp_path: Path, archive: bool) -> None:
    token = "CANARY-" + secrets.token_hex(16)
    secret = tmp_path / "outside" / "canary.txt"
    secret.parent.mkdir()
    secret.write_text(token)
    templates = tmp_path / "templates" / "partials" / "brief"
    templates.mkdir(parents=True)
    with recording_server(redirect_to=secret.as_uri()) as server:
        f, http = secret.as_uri(), server.base
        original = (ROOT / "templates" / "partials" / "brief" / "title.html").read_text(encoding="utf-8")
        (templates / "title.html").write_text(
            original
            + f'<img src="{f}" alt="canary"><img src="{http}/img" alt="server">'
            + f'<link rel="stylesheet" href="{http}/sheet.css"><link rel="attachment" href="{f}">'
            + f'<a rel="attachment" href="{f}">attached</a>'
            + f"<style>@import url({f}); @import url({http}/import.css);"
            + f" .title-block {{ background: url({http}/bg); }}</style>"
            + f'<object data="{f}"></object><embed src="{http}/embed"><iframe src="{http}/frame"></iframe>'
            + f'<svg width="1" height="1"><image href="{f}" width="1" height="1"/></svg>'
            + '<img src="../../../../../../etc/passwd" alt="relative">',
            encoding="utf-8",
        )
        out = tmp_path / "brief.pdf"
        flags = ["--archive"] if archive else []
        result = run_cli("brief", "col-economic", "--templates", str(tmp_path / "templates"), "--out", str(out), *flags)
        assert result.returncode == 0, result.stderr
        assert server.requests == []
    metadata = PdfReader(out).metadata
    title = metadata.title if metadata else None
    assert title
    refusals = [line for line in result.stderr.splitlines() if line.startswith("warning: refused to load")]
    refused = "\n".join(refusals)
    for url in (f, f"{http}/img", f"{http}/sheet.css", f"{http}/import.css", f"{http}/bg"):
        assert url in refused, url
    assert all(repr(title) in line for line in refusals), refused
    for chunk in pdf_strings(out):
        assert token.encode() not in chunk
