"""Contribution cells read back from the PDFs: a cell gives its development and humanitarian parts
only where some of its money is humanitarian, so an all-development table is a column of totals
(the Mexico brief printed "Hum. $0" 18 times, its country report 58)."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import Dataset
from reportgen.build import build_brief
from reportgen.build.brief_model import ContributionTable, Split
from reportgen.formatting import money
from reportgen.i18n import translator
from reportgen.model import Money
from reportgen.pipeline import write_report

from ..bundled import bundled_pdfs
from ..pdfread import TaggedPdf, norm, table_with_header


def cell_text(split: Split | None, lang: str, locale: str) -> str:
    """What a cell must say: the total, then the parts only when some of it is humanitarian."""
    _ = translator(lang)
    if split is None:
        return _("No data available")
    text = money(split.total, locale)
    if split.humanitarian.amount:
        text += f" {_('Dev.')} {money(split.development, locale)} {_('Hum.')} {money(split.humanitarian, locale)}"
    return norm(text)


def zero_humanitarian(lang: str, locale: str, currency: str = "USD") -> str:
    """The noise this fixes, in the language's own words: ``Hum. $0``."""
    return norm(f"{translator(lang)('Hum.')} {money(Money(Decimal(0), currency), locale)}")


@pytest.fixture(scope="module")
def pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return bundled_pdfs(request, tmp_path_factory)


def test_no_bundled_pdf_says_a_zero_humanitarian_part(pdfs: list[Path]) -> None:
    """Every bundled PDF (the run's bundled batch: every kind and year): no "Hum. $0" anywhere,
    while the reports of outcomes with humanitarian money still give the split."""
    assert pdfs
    noise = re.compile(re.escape(zero_humanitarian("en", "en_US")) + r"(?![\d.,])")
    splits = 0
    for pdf in pdfs:
        text = norm(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
        assert not noise.search(text), pdf.name
        splits += text.count("Hum. $")
    assert splits > 0  # some bundled money is humanitarian, and its cells say so


@pytest.mark.parametrize(("lang", "locale"), [("es", "es_MX"), ("fr", "fr_FR")])
def test_each_cell_gives_the_split_only_with_humanitarian_money(
    dataset: Dataset, tmp_path: Path, lang: str, locale: str
) -> None:
    """The mex-evaw brief has partners with and without humanitarian money: each cell of its table,
    read back in Spanish and French, is exactly the total, or the total with its parts."""
    pdf = write_report(dataset, "brief", "mex-evaw", tmp_path / "brief.pdf", lang=lang, locale=locale)
    table: ContributionTable = build_brief(dataset, "mex-evaw", lang=lang, locale=locale).contributions
    rows = table_with_header(TaggedPdf(pdf), translator(lang)("Funding partner").upper())
    body, totals = rows[1:-1], rows[-1]
    assert len(body) == len(table.rows)
    kinds = set()
    for printed, row in zip(body, table.rows, strict=True):
        assert printed[1:] == [cell_text(cell, lang, locale) for cell in (*row.cells, row.total)], row.partner.id
        kinds.add(bool(row.total.humanitarian.amount))
    assert kinds == {True, False}  # both kinds of row are in this table
    assert totals[1:] == [cell_text(cell, lang, locale) for cell in (*table.year_totals, table.grand_total)]
    assert zero_humanitarian(lang, locale) not in norm(" ".join(TaggedPdf(pdf).page_text))
