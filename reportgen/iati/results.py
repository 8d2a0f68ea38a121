"""Results -> indicators: one reportgen indicator per ``result/indicator``.

The id is the slug of the indicator's first reference code, else ``r<i>-i<j>``; the name
its title; ``level`` the result's type; ``result`` the result's title. Periods are keyed
by the year they end in (``targets`` and ``actuals``); the final ``target`` is the one of
the latest period with a target. Values are numbers (``2015:1004106`` and ``1,004,106`` are
read as numbers); a qualitative indicator (measure 5) keeps its values as written
(``baseline_text``, ``target_texts``, ``actual_texts``); a numeric indicator's values that are
text are left out, listed in one note per indicator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from . import codes
from .ids import make_id, numbered
from .records import IndicatorRecord, Note, ResultPeriod, ResultRecord

MIN_YEAR, MAX_YEAR = 1900, 2200  # outside: a placeholder (9999), not a year


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
    record = _without_placeholder_years(record, fallback_id, notes)
    if not record.title and not _has_any_value(record):
        notes.append(
            Note(
                "placeholder indicator (no title of its own, no baseline, target or actual with a real year); left out",
                record.line,
                "indicator",
            )
        )
        return None
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
        _texts(record, item, ident, notes)
        return item
    _report_texts(record, ident, notes)
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


def _real_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def _without_placeholder_years(record: IndicatorRecord, ident: str, notes: list[Note]) -> IndicatorRecord:
    """The record without baselines and periods dated in placeholder years (9999)."""
    periods = tuple(p for p in record.periods if _real_year(p.end.year))
    baselines = tuple(b for b in record.baselines if b.year is None or _real_year(b.year))
    dropped = [p.end.year for p in record.periods if p not in periods]
    dropped += [b.year for b in record.baselines if b not in baselines and b.year is not None]
    if dropped:
        years = ", ".join(sorted({str(y) for y in dropped}))
        notes.append(
            Note(
                f"indicator {ident}: {len(dropped)} baseline(s)/period(s) dated {years}, a placeholder year; left out",
                record.line,
                "indicator.period",
            )
        )
    return replace(record, periods=periods, baselines=baselines)


def _has_any_value(record: IndicatorRecord) -> bool:
    return any(b.year is not None and (b.value is not None or b.text) for b in record.baselines) or any(
        p.target is not None or p.actual is not None or p.target_text or p.actual_text for p in record.periods
    )


def _texts(record: IndicatorRecord, item: dict[str, Any], ident: str, notes: list[Note]) -> None:
    """A qualitative indicator keeps its values as written (numbers as their text)."""

    def text(number: Any, words: str | None) -> str | None:
        return words if words is not None else (None if number is None else str(number))

    baselines = [(b, text(b.value, b.text)) for b in record.baselines]
    baselines = [(b, t) for b, t in baselines if t is not None and b.year is not None]
    if baselines:
        first, words = baselines[0]
        item["baseline_text"] = {"year": first.year, "text": words}
    periods = _periods_by_end_year(record.periods, ident, notes)
    targets = {y: t for y, p in periods.items() if (t := text(p.target, p.target_text)) is not None}
    actuals = {y: t for y, p in periods.items() if (t := text(p.actual, p.actual_text)) is not None}
    if targets:
        item["target_texts"] = targets
    if actuals:
        item["actual_texts"] = actuals
    if item.keys() & {"baseline_text", "target_texts", "actual_texts"}:
        notes.append(
            Note(f"indicator {ident}: qualitative: its values are kept as written", record.line, "indicator.measure")
        )


def _report_texts(record: IndicatorRecord, ident: str, notes: list[Note]) -> None:
    """One note per indicator listing the values of a numeric indicator that are not numbers."""
    found = [(f"baseline {b.year or ''}".strip(), b.text) for b in record.baselines if b.text]
    for period in record.periods:
        found += [(f"target {period.end.year}", period.target_text)] if period.target_text else []
        found += [(f"actual {period.end.year}", period.actual_text)] if period.actual_text else []
    if not found:
        return
    listed = "; ".join(f"{where}: {_short(text)!r}" for where, text in found if text)
    notes.append(
        Note(
            f"indicator {ident}: {len(found)} value(s) are not numbers though its measure is numeric; left out "
            f"({listed})",
            record.line,
            "indicator.value",
        )
    )


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        if (
            period.target is None
            and period.actual is None
            and period.target_text is None
            and period.actual_text is None
        ):
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
    return any(
        key in item for key in ("baseline", "targets", "actuals", "baseline_text", "target_texts", "actual_texts")
    )
