"""The outcome brief, rendered from the bundled data and read back from the PDF."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from reportgen import Dataset, PageSize, RenderOptions, build_brief
from reportgen.charts.cache import clear_cache
from reportgen.pipeline import brief_pdf

from .. import seed
from ..pdfread import TaggedPdf, articles, fonts, norm, outline_titles, table_with_header

SECTIONS = [
    "Outcome summary",
    "Outcome resources",
    "Results framework",
    "Funding partners' contributions",
    "Progress",
    "Strategic plan contributions and SDG links",
]


def usd(amount: Decimal) -> str:
    return f"${amount:,.0f}"


def cell_text(total: Decimal, dev: Decimal, hum: Decimal) -> str:
    """A contribution cell: the total, and its parts only when some of it is humanitarian."""
    return f"{usd(total)} Dev. {usd(dev)} Hum. {usd(hum)}" if hum else usd(total)


def shown_name(dataset: Dataset, name: str) -> str:
    """The name a table prints for the partner the seed page calls ``name``: its short name."""
    return next(p.display_name for p in dataset.partners.values() if getattr(p, "full_name", p.name) == name)


def contribution_table(pdf: TaggedPdf) -> tuple[list[str], dict[str, list[str]]]:
    rows = table_with_header(pdf, "FUNDING PARTNER")
    header, body = rows[0], rows[1:]
    return header, {row[0]: row for row in body}


def row_of(rows: dict[str, list[str]], partner: str) -> list[str]:
    """The row whose label (name, then the partner type) starts with ``partner``."""
    matches = [row for label, row in rows.items() if label == partner or label.startswith(partner + " ")]
    assert len(matches) == 1, f"{partner!r} labels {len(matches)} rows: {list(rows)}"
    return matches[0]


@seed.needs_seed
def test_every_seed_figure_is_in_its_partners_row_and_years_column(mexico_pdf: TaggedPdf, dataset: Dataset) -> None:
    header, rows = contribution_table(mexico_pdf)
    cells = seed.contribution_cells()
    assert len(cells) == 12
    for cell in cells:
        row = row_of(rows, shown_name(dataset, cell.partner))
        text = row[header.index(str(cell.year))]
        if cell.total is None:
            assert text == "No data available", (cell, text)
        else:
            assert cell.development is not None and cell.humanitarian is not None
            assert text == cell_text(cell.total, cell.development, cell.humanitarian), (cell, text)


@seed.needs_seed
def test_totals_are_the_sums_of_the_seed_figures(mexico_pdf: TaggedPdf, dataset: Dataset) -> None:
    header, rows = contribution_table(mexico_pdf)
    by_partner: dict[str, Decimal] = defaultdict(Decimal)
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for cell in seed.contribution_cells():
        if cell.total is not None:
            by_partner[cell.partner] += cell.total
            by_year[cell.year] += cell.total
    total_col = header.index("TOTAL")
    for partner, amount in by_partner.items():
        assert row_of(rows, shown_name(dataset, partner))[total_col] == cell_text(amount, amount, Decimal(0))
    totals = rows["Total"]
    for year, amount in by_year.items():
        assert totals[header.index(str(year))] == cell_text(amount, amount, Decimal(0))
    grand = sum(by_partner.values(), Decimal(0))
    assert totals[total_col] == cell_text(grand, grand, Decimal(0))
    # The key figure on page 1 is the same grand total.
    summary = next(s for s in mexico_pdf.root.find("Sect") if s.text.startswith("Outcome summary"))
    assert f"CONTRIBUTIONS 2020–2023 {usd(grand)}" in summary.text
    assert "CONTRIBUTIONS IN 2024 No data available" in summary.text
    assert "FUNDING PARTNERS 2020–2023 3" in summary.text  # over the years of the contributions


@seed.needs_seed
def test_each_progress_note_opens_under_its_year_report_year_first(mexico_pdf: TaggedPdf) -> None:
    notes = seed.progress_notes()
    found = articles(mexico_pdf)
    years = [int(heading.split()[0]) for heading, _ in found]
    assert years == [2024, 2023, 2022, 2021]
    for (_, body), year in zip(found, years, strict=True):
        assert body.startswith(seed.opening_sentence(notes[year])), (year, body[:120])


def test_statuses_are_printed_with_the_years(mexico_pdf: TaggedPdf) -> None:
    headings = [heading for heading, _ in articles(mexico_pdf)]
    assert headings == [
        "2024 NOT ACHIEVED; SOME PROGRESS",
        "2023 NOT ACHIEVED; SOME PROGRESS",
        "2022 SIGNIFICANT PROGRESS",
        "2021 NOT ASSESSED",
    ]


@seed.needs_seed
def test_statement_and_no_website_leftovers(mexico_pdf: TaggedPdf) -> None:
    text = mexico_pdf.text
    assert norm(seed.statement()) in text
    lowered = text.lower()
    for leftover in ("lorem ipsum", "dummy text", "tableau", "complementary indicators are identified"):
        assert leftover not in lowered


def test_sections_in_order_with_bookmarks(mexico_pdf: TaggedPdf) -> None:
    # mex-justice reports no budget, indicators or strategic-plan and SDG links: those sections are left out
    present = [s for s in SECTIONS if s not in ("Outcome resources", "Results framework", SECTIONS[-1])]
    assert [h.text for h in mexico_pdf.root.find("H2")] == present
    titles = outline_titles(mexico_pdf.path)
    assert titles[0] == "Women's access to justice"
    assert [t for t in titles if t in SECTIONS] == present


def test_empty_sections_say_so_in_one_line(mexico_pdf: TaggedPdf) -> None:
    text = mexico_pdf.text
    assert "Not reported for this outcome: resources, results framework, strategic-plan links, SDG links." in text
    assert "No budget or expenditure was reported for this outcome." not in text


def test_page_count_header_and_footer(mexico_pdf: TaggedPdf) -> None:
    assert 3 <= mexico_pdf.page_count <= 8
    pages = mexico_pdf.page_text
    assert f"Page 1 of {mexico_pdf.page_count}" in pages[0]
    assert "Data as of June 30, 2025" in pages[0]
    second = pages[1].splitlines()[0]
    assert "Mexico Country Office" in second and "Women's access to justice" in second and "UN Women" in second


def test_all_fonts_are_the_shipped_family_and_embedded(rendered: dict[str, Path]) -> None:
    for path in rendered.values():
        found = fonts(path)
        assert found, path
        assert all(found.values()), found
        assert all("Inter" in name for name in found), found


def test_metadata(rendered: dict[str, Path], dataset: Dataset) -> None:
    reader = PdfReader(rendered["mex-justice"])
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Women's access to justice — Mexico 2024"
    assert meta.author == dataset.organization.full_name  # in English: names may be given per language
    assert meta.subject == "Outcome brief: Women's access to justice, Mexico Country Office, 2024"
    assert "mex-justice" in str(meta.get("/Keywords"))
    assert str(meta.get("/Producer", "")).startswith("reportgen ") and "WeasyPrint" in str(meta.get("/Producer"))
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert str(meta.get("/CreationDate", "")).startswith("D:20250630")


def test_chart_is_a_tagged_figure_with_alt_text_from_the_numbers(mexico_pdf: TaggedPdf) -> None:
    figures = mexico_pdf.chart_figures()  # the other one is the QR code of the online page (tests/e2e/test_qr.py)
    assert len(figures) == 1
    alt = figures[0].alt or ""
    assert alt.startswith("Bar chart: contributions by funding partner and year, 2020–2023, in USD.")
    assert "Largest in 2021: United Nations Multi-Partner Trust Fund Office, $233,092." in alt


def test_every_section_is_exercised_by_the_illustrative_samples(rendered: dict[str, Path]) -> None:
    pdf = TaggedPdf(rendered["col-economic"])
    headers = [rows[0][0] for rows in pdf.tables()]
    assert "YEAR" in headers  # resources
    assert "SUSTAINABLE DEVELOPMENT GOAL" in headers  # SDG allocation
    assert "INDICATOR" in headers  # results framework
    assert "Goal 5: Gender equality" in pdf.text


def test_letter_page_size(dataset: Dataset, tmp_path: Path) -> None:
    report = build_brief(dataset, "mex-justice")
    path = tmp_path / "letter.pdf"
    path.write_bytes(brief_pdf(report, RenderOptions(page_size=PageSize.LETTER)))
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a4_by_default(rendered: dict[str, Path]) -> None:
    box = PdfReader(rendered["mex-justice"]).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_rendering_is_deterministic(dataset: Dataset, rendered: dict[str, Path]) -> None:
    clear_cache()  # charts drawn again too, not taken from the chart cache
    again = brief_pdf(build_brief(dataset, "mex-justice"))
    assert again == rendered["mex-justice"].read_bytes()


def test_earlier_report_year_uses_only_data_up_to_it(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "2022.pdf"
    path.write_bytes(brief_pdf(build_brief(dataset, "mex-justice", 2022)))
    pdf = TaggedPdf(path)
    header = table_with_header(pdf, "FUNDING PARTNER")[0]
    assert header == ["FUNDING PARTNER", "2020", "2021", "2022", "TOTAL"]
    assert [int(heading.split()[0]) for heading, _ in articles(pdf)] == [2022, 2021]
