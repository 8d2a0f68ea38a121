"""The live preview in a browser: the index, a report as it prints, edits, errors, recovery."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml
from playwright.sync_api import Page, expect

from reportgen import kind, load_dataset

from .conftest import Preview

MONEY = re.compile(r"\$\d{1,3}(?:,\d{3})+")
BRIEF = "brief/mex-justice/2024/en"
#: How long an expectation may wait for the preview to catch up with an edit (milliseconds). Playwright polls the
#: condition, so an idle machine passes in a second or two; the ceiling is generous for a loaded machine.
CEILING_MS = 120_000


def _open(page: Page, preview: Preview, path: str) -> None:
    page.goto(preview.url + path)
    expect(page.locator("#live")).to_have_text("live", timeout=CEILING_MS)  # connected: pushes will arrive


def _pages_text(page: Page) -> str:
    return " ".join(page.locator(".text-layer").all_inner_texts())


def test_index_lists_every_report_with_its_state(page: Page, preview: Preview) -> None:
    _open(page, preview, "/")
    data = yaml.safe_load((preview.data / "organization.yaml").read_text())
    outcomes = sorted(p.stem for p in (preview.data / "outcomes").glob("*.yaml"))
    briefs = kind("brief").jobs(load_dataset(preview.data))  # a brief per outcome and year with data
    for outcome in outcomes:
        years = sorted(year for key, year in briefs if key == outcome)
        row = page.locator(f'tr[data-report^="brief/{outcome}/"]')
        expect(row).to_have_count(len(years))
        expect(row.locator(".badge")).to_have_text(["valid"] * len(years))
    offices = [office["id"] for office in data["offices"]]
    for office in offices:
        expect(page.locator(f'tr[data-report^="country/{office}/"]').first).to_be_visible()
    rows = page.locator("tr[data-report]")
    assert rows.count() >= len(outcomes) + len(offices)
    languages = page.locator(f'tr[data-report="{BRIEF}"] td.langs a')
    expect(languages).to_have_text(["en", "es", "fr"])


def test_report_shows_the_pdf_pages_with_their_figures(page: Page, preview: Preview) -> None:
    _open(page, preview, "/")
    page.locator(f'tr[data-report="{BRIEF}"] td a').first.click()
    expect(page).to_have_url(re.compile(f"/report/{BRIEF}$"))
    expect(page.locator("#pages figure.page").first).to_be_visible()

    with page.expect_download() as download_info:
        page.locator("#download").click()
    pdf_path = Path(download_info.value.path())
    assert download_info.value.suggested_filename == "mex-justice-2024.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pdf_pages = [p.extract_text() or "" for p in pdf.pages]
        width, height = pdf.pages[0].width, pdf.pages[0].height
    assert (preview.out / "briefs" / "mex-justice-2024.pdf").read_bytes() == pdf_path.read_bytes()

    # Page by page, as the PDF: the same number of pages, the same size, every amount visible.
    figures = page.locator("#pages figure.page")
    expect(figures).to_have_count(len(pdf_pages))
    box = figures.first.bounding_box()
    assert box is not None and abs(box["width"] / box["height"] - width / height) < 0.01
    expect(page.locator("#facts")).to_contain_text(f"{len(pdf_pages)} pages")
    expect(page.locator("#facts")).to_contain_text("A4 portrait")
    amounts = sorted(set(MONEY.findall(" ".join(pdf_pages))))
    assert amounts, "the brief prints amounts"
    for amount in amounts:
        expect(page.locator(".text-layer").get_by_text(amount, exact=False).first).to_be_visible()
    for image in figures.locator("img").all():
        image.scroll_into_view_if_needed()  # pictures after the second load when scrolled to
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    # The page numbers the PDF prints are on the pictures' pages too.
    for number, text in enumerate(pdf_pages, start=1):
        if str(number) in text.split():
            expect(figures.nth(number - 1).locator(".text-layer")).to_contain_text(str(number))

    page.locator("#show-margins").check()
    expect(figures.first.locator(".margin-box")).to_be_visible()


def _summary_total(page: Page) -> int:
    """The first amount on page 1 (the brief's contributions before the report year)."""
    found = MONEY.search(page.locator("#pages figure.page").first.locator(".text-layer").inner_text())
    assert found is not None
    return int(found.group(0)[1:].replace(",", ""))


def test_edits_errors_and_recovery_appear_without_reload(page: Page, preview: Preview) -> None:
    source = preview.data / "outcomes" / "mex-justice.yaml"
    original = source.read_text()
    row = next(line for line in original.splitlines() if "year: 2020, development:" in line)
    development = int(re.search(r"development: (\d+)", row).group(1))  # type: ignore[union-attr]
    _open(page, preview, f"/report/{BRIEF}")
    before = _summary_total(page)
    page.evaluate("window.marker = 'same page'")  # a full reload would lose it

    # An edit to the data shows up, recomputed.
    raised = row.replace(f"development: {development}", f"development: {development + 1_000_000}")
    raised = raised.replace(f"total: {development}", f"total: {development + 1_000_000}")
    source.write_text(original.replace(row, raised))
    expected = f"${before + 1_000_000:,}"
    first_text = page.locator("#pages figure.page").first.locator(".text-layer")
    expect(first_text).to_contain_text(expected, timeout=CEILING_MS)

    # Broken data: the error, with its file, line and field, instead of a blank page.
    broken = row.replace(f"development: {development}", "development: -5")
    source.write_text(original.replace(row, broken))
    line_number = original.splitlines().index(row) + 1
    problems = page.locator("#problems")
    expect(problems).to_be_visible(timeout=CEILING_MS)
    expect(problems).to_contain_text(f"mex-justice.yaml:{line_number}")
    expect(problems).to_contain_text("development")
    expect(problems.locator(".excerpt .marked")).to_contain_text("development: -5")
    expect(page.locator("#state")).to_have_text("error")

    # The index says so too.
    index = page.context.new_page()
    index.goto(preview.url + "/")
    expect(index.locator(f'tr[data-report="{BRIEF}"] .badge')).to_have_text("error")
    expect(index.locator(f'tr[data-report="{BRIEF}"] .first')).to_contain_text(f":{line_number}")

    # Fixed: the report returns, and the index with it, without a restart.
    source.write_text(original)
    expect(problems).to_have_count(0, timeout=CEILING_MS)
    expect(page.locator("#state")).to_have_text("valid")
    expect(page.locator("#pages figure.page").first.locator(".text-layer")).to_contain_text(f"${before:,}")
    expect(index.locator(f'tr[data-report="{BRIEF}"] .badge')).to_have_text("valid", timeout=CEILING_MS)
    assert page.evaluate("window.marker") == "same page"


def test_unloadable_data_shows_on_the_index_and_recovers(page: Page, preview: Preview) -> None:
    organization = preview.data / "organization.yaml"
    original = organization.read_text()
    _open(page, preview, "/")
    organization.write_text(original + "\n  - id: [unclosed\n")
    panel = page.locator("#data-problems")
    expect(panel).to_contain_text("The data cannot be loaded", timeout=CEILING_MS)
    expect(panel).to_contain_text("organization.yaml:")
    organization.write_text(original)
    expect(panel).to_have_count(0, timeout=CEILING_MS)
    expect(page.locator(f'tr[data-report="{BRIEF}"] .badge')).to_have_text("valid")


def test_template_edits_and_errors(page: Page, preview: Preview) -> None:
    """A user template overriding a partial: its edits appear, its errors are located."""
    built_in = Path(__file__).resolve().parents[2] / "templates" / "partials" / "brief" / "title.html"
    override = preview.templates / "partials" / "brief" / "title.html"
    _open(page, preview, f"/report/{BRIEF}")
    first_page = page.locator("#pages figure.page").first.locator(".text-layer")

    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("<p>Prepared by the results team</p>\n" + built_in.read_text())
    expect(first_page).to_contain_text("Prepared by the results team", timeout=CEILING_MS)

    broken = "<p>Prepared by the results team</p>\n<p>{{ report.no_such_field.name }}</p>\n" + built_in.read_text()
    override.write_text(broken)
    problems = page.locator("#problems")
    expect(problems).to_contain_text("title.html:2", timeout=CEILING_MS)
    expect(problems).to_contain_text("no_such_field")

    override.unlink()
    expect(problems).to_have_count(0, timeout=CEILING_MS)
    expect(first_page).not_to_contain_text("Prepared by the results team")


@pytest.mark.parametrize("path", ["/report/donor/sweden/2024/en", "/report/country/col/2024/es"])
def test_other_kinds_render(page: Page, preview: Preview, path: str) -> None:
    _open(page, preview, path)
    expect(page.locator("#pages figure.page").first).to_be_visible(timeout=CEILING_MS)
    expect(page.locator("#state")).not_to_have_text("error")
    expect(page.locator("#download")).to_be_visible()
