"""Results -> indicators: one reportgen indicator per ``result/indicator``.

The id is the slug of the indicator's first reference code, else ``r<i>-i<j>``; the name
its title; ``level`` the result's type; ``result`` the result's title. Periods are keyed
by the year they end in (``targets`` and ``actuals``); the final ``target`` is the one of
the latest period with a target. Qualitative indicators (measure 5) keep their name only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import codes
from .ids import make_id, numbered
from .records import IndicatorRecord, Note, ResultPeriod, ResultRecord


@dataclass
class Indicators:
    items: list[dict[str, Any]] = field(default_factory=list)
    sdg_codes: list[tuple[str, int]] = field(default_factory=list)  # (indicator code, line) of vocabulary 9
    notes: list[Note] = field(default_factory=list)

    @property
    def years(self) -> set[int]:
        """Years with a target or an actual."""
        return {int(y) for item in self.items for key in ("targets", "actuals") for y in item.get(key, {})}


def indicators_of(results: list[ResultRecord]) -> Indicators:
    out = Indicators()
    taken: set[str] = set()
    for i, result in enumerate(results, start=1):
        level = codes.RESULT_LEVEL.get(result.type or "")
        for j, record in enumerate(result.indicators, start=1):
            out.sdg_codes.extend(
                (ref.code, ref.line) for ref in record.references if ref.vocabulary == codes.INDICATOR_SDG_VOCABULARY
            )
            item = _indicator(record, result, level, f"r{i}-i{j}", taken, out.notes)
            if item is not None:
                out.items.append(item)
    return out


def _indicator(
    record: IndicatorRecord,
    result: ResultRecord,
    level: str | None,
    fallback_id: str,
    taken: set[str],
    notes: list[Note],
) -> dict[str, Any] | None:
    name = record.title or result.title
    if not name:
        notes.append(Note("indicator with no title (and its result has none); left out", record.line, "indicator"))
        return None
    if not record.title:
        notes.append(Note("indicator with no title; named after its result", record.line, "indicator"))
    base = (
        make_id(record.references[0].code) if record.references and make_id(record.references[0].code) else fallback_id
    )
    ident = numbered(base, taken)
    item: dict[str, Any] = {"id": ident, "name": name}
    if level:
        item["level"] = level
    if result.title:
        item["result"] = result.title
    unit, remark = codes.MEASURE_UNIT.get(
        record.measure, ("number", f"unknown measure {record.measure!r}; read as numbers")
    )
    item["unit"] = unit
    if not record.ascending:
        item["ascending"] = False
    if remark:
        notes.append(Note(f"indicator {ident}: {remark}", record.line, "indicator.measure"))
    if unit == "qualitative":
        return item
    baseline = _baseline(record, ident, notes)
    if baseline is not None:
        item["baseline"] = baseline
    kept = _periods_by_end_year(record.periods, ident, notes)
    targets = {year: p.target for year, p in kept.items() if p.target is not None}
    actuals = {year: p.actual for year, p in kept.items() if p.actual is not None}
    if targets:
        final_year = max(targets)
        if baseline is not None and final_year < baseline["year"]:
            notes.append(
                Note(
                    f"indicator {ident}: the last target ({final_year}) is before the baseline year "
                    f"({baseline['year']}); no final target set",
                    record.line,
                    "indicator.target",
                )
            )
        else:
            item["target"] = {"year": final_year, "value": targets[final_year]}
        item["targets"] = targets
    if actuals:
        item["actuals"] = actuals
    return item


def _baseline(record: IndicatorRecord, ident: str, notes: list[Note]) -> dict[str, Any] | None:
    with_value = [b for b in record.baselines if b.value is not None]
    if not with_value:
        return None
    if len(with_value) > 1:
        notes.append(
            Note(f"indicator {ident}: {len(with_value)} baselines; kept the first", with_value[1].line, "baseline")
        )
    first = with_value[0]
    if first.year is None:
        notes.append(Note(f"indicator {ident}: the baseline has no year; left out", first.line, "baseline.year"))
        return None
    baseline: dict[str, Any] = {"year": first.year, "value": first.value}
    if first.comment:
        baseline["comment"] = first.comment
    return baseline


def _periods_by_end_year(periods: tuple[ResultPeriod, ...], ident: str, notes: list[Note]) -> dict[int, ResultPeriod]:
    kept: dict[int, ResultPeriod] = {}
    for period in periods:
        if period.target is None and period.actual is None:
            continue
        year = period.end.year
        current = kept.get(year)
        if current is None:
            kept[year] = period
            continue
        later = period if _start(period) > _start(current) else current
        notes.append(
            Note(
                f"indicator {ident}: several periods end in {year}; kept the one starting {later.start or 'unstated'}",
                period.line,
                "period",
            )
        )
        kept[year] = later
    return dict(sorted(kept.items()))


def _start(period: ResultPeriod) -> dt.date:
    return period.start or dt.date.min


def has_values(item: dict[str, Any]) -> bool:
    return any(key in item for key in ("baseline", "targets", "actuals"))
