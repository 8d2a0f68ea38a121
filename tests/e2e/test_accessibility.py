"""Every report the bundled data produces passes `reportgen verify` as PDF/UA-1, and the independent validator
(page-validation, profile ua1) when it is installed.

This covers every entity in the default mode; tests/e2e/test_validator.py covers every kind x theme x language
x mode (print, two-sided, archive) with one entity per kind, through both verify and the validator.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import Dataset
from reportgen.pipeline import build_all
from reportgen.validator import available, validate
from reportgen.verify import BASE_CHECKS, verify


@pytest.fixture(scope="module")
def every_report(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> dict[str, Path]:
    results = list(build_all(dataset, tmp_path_factory.mktemp("every")))
    assert [result.error for result in results if result.error is not None] == []
    return {f"{result.kind} {result.key} {result.year}": result.path for result in results if result.path is not None}


def test_the_bundled_data_makes_every_kind(every_report: dict[str, Path], dataset: Dataset) -> None:
    kinds = {label.split()[0] for label in every_report}
    assert kinds == {"brief", "donor", "country"}
    assert sum(label.startswith("brief ") for label in every_report) == len(dataset.outcomes)


def test_every_report_passes_verify(every_report: dict[str, Path]) -> None:
    failed = {}
    for label, path in every_report.items():
        checks = verify(path)
        assert [c.name for c in checks] == list(BASE_CHECKS)
        problems = {c.name: c.detail for c in checks if not c.passed}
        if problems:
            failed[label] = problems
    assert failed == {}


@pytest.mark.skipif(not available(), reason="page-validation is not installed (pip install -e '.[test]')")
def test_every_report_passes_the_independent_validator(every_report: dict[str, Path]) -> None:
    failed = {}
    for label, path in every_report.items():
        for outcome in validate(path, archive=False):
            if not outcome.compliant:
                failed[label] = sorted({finding.rule for finding in outcome.failures})
    assert failed == {}
