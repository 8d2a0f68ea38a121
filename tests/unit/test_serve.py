"""The preview server without a browser: what an edit re-renders, what it serves, how errors are located."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from reportgen.errors import TemplateRenderError
from reportgen.options import RenderOptions
from reportgen.pdf import SafeFetcher
from reportgen.pdf.writer import _parse
from reportgen.render import render_html
from reportgen.serve.app import create_app
from reportgen.serve.refs import ReportRef, paper_name
from reportgen.serve.workspace import Workspace

BRIEF = ReportRef("brief", "mex-justice", 2024, "en")
OTHER_BRIEF = ReportRef("brief", "col-economic", 2024, "en")


@pytest.fixture()
def workspace(data_copy: Path, tmp_path: Path) -> Workspace:
    templates = tmp_path / "templates"
    templates.mkdir()
    return Workspace(data_copy, tmp_path / "out", RenderOptions(templates_dir=templates))


def _kinds(ids: set[str]) -> set[str]:
    return {report_id.split("/")[0] for report_id in ids}


def test_an_outcome_edit_rerenders_only_the_reports_it_feeds(workspace: Workspace) -> None:
    first, other = workspace.preview(BRIEF), workspace.preview(OTHER_BRIEF)
    assert first.render is not None and other.render is not None
    source = workspace.data_dir / "outcomes" / "col-economic.yaml"
    text = source.read_text()
    row = re.search(r"development: (\d+), humanitarian: 0, total: \1\b", text)  # a contribution, and its total
    assert row is not None
    more = int(row.group(1)) + 1
    source.write_text(text.replace(row.group(0), f"development: {more}, humanitarian: 0, total: {more}", 1))

    changed = workspace.apply([source])

    assert OTHER_BRIEF.id in changed and BRIEF.id not in changed
    col_reports = {ref.id for ref in workspace.listed if ref.kind == "country" and ref.key == "col"}
    assert col_reports & changed  # the office's report prints the outcome too
    assert not {ref.id for ref in workspace.listed if ref.kind == "country" and ref.key == "mex"} & changed
    assert workspace.preview(BRIEF).render is first.render  # not rendered again
    again = workspace.preview(OTHER_BRIEF).render
    assert again is not None and again.fingerprint != other.render.fingerprint


def test_a_partial_edit_rerenders_only_its_kind(workspace: Workspace) -> None:
    assert workspace.options.templates_dir is not None
    override = workspace.options.templates_dir / "partials" / "donor" / "names.html"
    override.parent.mkdir(parents=True)
    built_in = Path(__file__).resolve().parents[2] / "templates" / "partials" / "donor" / "names.html"
    override.write_text(built_in.read_text() + "\n")
    changed = workspace.apply([override])
    assert changed and _kinds(changed) == {"donor"}
    assert workspace.apply([override]) == set()  # nothing changed since


def test_a_load_error_reaches_every_report_and_clears(workspace: Workspace) -> None:
    organization = workspace.data_dir / "organization.yaml"
    text = organization.read_text()
    organization.write_text(text.replace("currency: USD", "currency: DOLLARS"))
    workspace.apply([organization])
    assert workspace.load_failed and workspace.listed
    preview = workspace.preview(BRIEF)
    assert preview.state == "error"
    problem = preview.errors[0]
    assert problem.file == str(organization) and problem.line == text.splitlines().index("  currency: USD") + 1
    assert any(line.marked and "DOLLARS" in line.text for line in problem.excerpt)
    organization.write_text(text)
    workspace.apply([organization])
    assert not workspace.load_failed and workspace.preview(BRIEF).state == "ok"


@pytest.fixture()
def client(workspace: Workspace) -> TestClient:
    return TestClient(create_app(workspace), base_url="http://127.0.0.1:8000")


def test_serves_nothing_outside_output_and_assets(client: TestClient) -> None:
    assert client.get("/assets/serve/preview.css").status_code == 200
    for path in (
        "/assets/../pyproject.toml",
        "/assets/%2e%2e/pyproject.toml",
        "/assets/..%2fpyproject.toml",
        "/data/organization.yaml",
        "/report/brief/../../organization.yaml",
        "/pdf/brief/no-such-outcome/2024/en",
        "/page/not-a-fingerprint/1.png",
        f"/page/{'0' * 64}/1.png",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"currency" not in response.content


def test_only_local_host_names_are_answered(client: TestClient) -> None:
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    page = client.get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_pdf_link_serves_the_written_file(client: TestClient, workspace: Workspace) -> None:
    page = client.get(f"/report/{BRIEF.id}")
    assert page.status_code == 200 and f'href="/pdf/{BRIEF.id}"' in page.text
    pdf = client.get(f"/pdf/{BRIEF.id}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == (workspace.out_dir / "briefs" / "mex-justice-2024.pdf").read_bytes()
    render = workspace.renders.get(BRIEF)
    assert render is not None
    picture = client.get(f"/page/{render.fingerprint}/1.png")
    assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")
    assert client.get(f"/page/{render.fingerprint}/{len(render.pages) + 1}.png").status_code == 404


def test_data_text_is_escaped_in_the_preview(client: TestClient, workspace: Workspace) -> None:
    source = workspace.data_dir / "outcomes" / "mex-justice.yaml"
    text = source.read_text()
    source.write_text(text.replace("short_title: Women's access to justice", "short_title: <script>alert(1)</script>"))
    workspace.apply([source])
    index = client.get("/").text
    assert "<script>alert(1)</script>" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_template_errors_met_while_rendering_are_located(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("<p>one</p>\n<p>{{ report.missing.name }}</p>\n")
    with pytest.raises(TemplateRenderError) as caught:
        render_html("t.html", object(), {}, RenderOptions(templates_dir=tmp_path), "T", "en", "en_US")
    assert caught.value.file == tmp_path / "t.html" and caught.value.line == 2
    assert f"{tmp_path / 't.html'}:2" in str(caught.value)


def test_stylesheet_warnings_name_their_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sheet = tmp_path / "broken.css"
    sheet.write_text("p {\n  color: reed;\n}\n")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        _parse(sheet, SafeFetcher([tmp_path]))
    assert any(r.getMessage().startswith(f"{sheet}: ") and "2:" in r.getMessage() for r in caplog.records)


def test_paper_names() -> None:
    assert paper_name(595.28, 841.89) == "A4 portrait · 210 × 297 mm"
    assert paper_name(792, 612) == "US Letter landscape · 279 × 216 mm"


def test_a_removed_report_says_so_in_its_open_page(client: TestClient, workspace: Workspace) -> None:
    assert client.get(f"/fragment/report/{OTHER_BRIEF.id}").status_code == 200
    source = workspace.data_dir / "outcomes" / "col-economic.yaml"
    source.unlink()
    changed = workspace.apply([source])
    assert OTHER_BRIEF.id in changed
    fragment = client.get(f"/fragment/report/{OTHER_BRIEF.id}")
    assert fragment.status_code == 404 and "no such report any more" in fragment.text
    assert "<html" not in fragment.text  # a fragment, swapped into the open page
    assert f'data-report="{OTHER_BRIEF.id}"' not in client.get("/fragment/index").text


def test_a_theme_edit_rerenders_every_kind(data_copy: Path, tmp_path: Path) -> None:
    import shutil

    from reportgen.paths import THEMES_DIR

    theme = tmp_path / "theme"
    shutil.copytree(THEMES_DIR / "meridian", theme)
    workspace = Workspace(data_copy, tmp_path / "out", RenderOptions(theme_dir=theme))
    before = workspace.preview(BRIEF).render
    assert before is not None
    css = theme / "theme.css"
    css.write_text(css.read_text().replace("--primary: #1e4d3a;", "--primary: #3a1e4d;", 1))
    changed = workspace.apply([css])
    assert _kinds(changed) == {"brief", "donor", "country"}
    after = workspace.preview(BRIEF).render
    assert after is not None and after.fingerprint != before.fingerprint and after.data != before.data


def test_a_stylesheet_warning_is_located_in_the_stylesheet(tmp_path: Path) -> None:
    from reportgen.serve.problems import captured_warnings

    sheet = tmp_path / "broken.css"
    sheet.write_text("p {\n  color: reed;\n}\n")
    with captured_warnings([tmp_path]) as found:
        _parse(sheet, SafeFetcher([tmp_path]))
    assert [(p.severity, p.file, p.line) for p in found] == [("warning", str(sheet), 2)]
    assert "reed" in found[0].message and not found[0].message.startswith(str(sheet))  # said once, not twice
    assert [line.number for line in found[0].excerpt if line.marked] == [2]
