"""The chart cache: an unchanged chart is drawn once per process; any change to what it draws
(figures, language, locale, scale) draws it again; the cache stays bounded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.build import BriefReport, build_brief
from reportgen.charts import brief_charts, cache
from reportgen.load import load_dataset
from reportgen.model import Dataset, Money

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear_cache()
    yield
    cache.clear_cache()


def _drawn(report: BriefReport, y_max: float | None = None) -> str:
    (chart,) = brief_charts(report, y_max).values()
    return chart.svg


def test_the_same_chart_is_drawn_once_and_reused(dataset: Dataset) -> None:
    report = build_brief(dataset, "mex-justice")
    first = brief_charts(report)
    again = brief_charts(build_brief(dataset, "mex-justice"))  # a new, equal report model
    assert cache.cache_info() == {"hits": 1, "misses": 1, "size": 1}
    assert again == first
    chart = next(iter(again.values()))
    assert chart is next(iter(first.values()))


def test_what_the_chart_draws_is_the_key(dataset: Dataset) -> None:
    report = build_brief(dataset, "mex-justice")
    english = _drawn(report)
    spanish = _drawn(build_brief(dataset, "mex-justice", lang="es"))
    french_numbers = _drawn(build_brief(dataset, "mex-justice", lang="en", locale="fr_FR"))
    earlier = _drawn(build_brief(dataset, "mex-justice", 2022))
    rescaled = _drawn(report, y_max=5_000_000.0)
    assert cache.cache_info()["misses"] == 5
    assert len({english, spanish, french_numbers, earlier, rescaled}) == 5
    assert "n/a" in english and "n/a" not in spanish  # the label of a year with no figure
    assert "$" in english


def test_a_changed_figure_is_drawn_again(dataset: Dataset) -> None:
    report = build_brief(dataset, "mex-justice")
    before = _drawn(report)
    row = report.contributions.rows[0]
    cell = next(c for c in row.cells if c is not None)
    bigger = replace(cell, development=Money(Decimal(9_000_000), cell.development.currency))
    cells = tuple(bigger if c is cell else c for c in row.cells)
    rows = (replace(row, cells=cells), *report.contributions.rows[1:])
    changed = replace(report, contributions=replace(report.contributions, rows=rows))
    after = _drawn(changed)
    assert cache.cache_info()["misses"] == 2
    assert after != before


def test_the_cache_is_bounded(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_CHARTS", 2)
    report = build_brief(dataset, "mex-justice")
    for y_max in (1e6, 2e6, 3e6, 4e6):
        _drawn(report, y_max)
    assert cache.cache_info()["size"] == 2
    _drawn(report, 1e6)  # the oldest was dropped: drawn again
    assert cache.cache_info()["misses"] == 5
    _drawn(report, 4e6)  # among the two most recent: reused
    assert cache.cache_info()["hits"] == 1
