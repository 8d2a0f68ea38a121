"""Every report kind, in every language, passes `reportgen verify` as PDF/UA (default) and PDF/A-3a."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import Dataset, RenderOptions, write_report
from reportgen.verify import ARCHIVE_CHECKS, BASE_CHECKS, verify

#: One entity per kind, chosen small so the matrix stays quick.
ENTITIES = {"brief": "mex-justice", "donor": "eu", "country": "col"}
LANGUAGES = ("en", "es", "fr")
MATRIX = [(k, lang, archive) for k in ENTITIES for lang in LANGUAGES for archive in (False, True)]


@pytest.mark.parametrize(("kind_name", "lang", "archive"), MATRIX,
                         ids=[f"{k}-{lang}-{'pdfa' if a else 'pdfua'}" for k, lang, a in MATRIX])  # fmt: skip
def test_report_passes_verify(kind_name: str, lang: str, archive: bool, dataset: Dataset, tmp_path: Path) -> None:
    path = write_report(dataset, kind_name, ENTITIES[kind_name], tmp_path / "r.pdf", lang=lang,
                        options=RenderOptions(archive=archive))  # fmt: skip
    checks = verify(path, archive=archive)
    assert [c.name for c in checks] == list(BASE_CHECKS + (ARCHIVE_CHECKS if archive else ()))
    failed = {c.name: c.detail for c in checks if not c.passed}
    assert not failed, failed
