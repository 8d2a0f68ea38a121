"""One activity -> the draft of one outcome file (``outcomes/<id>.yaml``).

The draft holds the outcome's data as it will be written, plus what the organization
file and the summary need: the office, the partners used, languages, notes and what the
reports will lack. The period is set last (:func:`set_period`), once hierarchy roll-up
has added any child indicators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..sdg import TARGETS
from . import codes
from .countries import SOURCE, country
from .money import money_of
from .parse import FileInfo
from .partners import PartnerBook
from .records import Activity, Note, Org, Recipient, Related
from .results import has_values, indicators_of

_SDG_TARGET = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-zA-Z])$")
_SDG_INDICATOR = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-zA-Z])\.\d{1,2}$")

NO_CONTRIBUTIONS = "no contributions: its donor reports and the brief's contributions section will be empty"
NO_BUDGETS = "no budgets: the brief's resources section will show no budget"
NO_EXPENDITURE = "no expenditure transactions: no expenditure or delivery rate"
NO_INDICATORS = "no results/indicators: the brief's results framework will be empty"
NO_INDICATOR_VALUES = "indicators without baseline, targets or actuals"


@dataclass(frozen=True)
class OfficeInfo:
    id: str
    name: str  # in English
    country_code: str | None = None
    names: tuple[tuple[str, str], ...] = ()  # (language, name): the UN names of a country office

    def name_in(self, language: str) -> str:
        return dict(self.names).get(language, self.name)

    def as_data(self, language: str = "en") -> dict[str, str]:
        name = self.name_in(language)
        data = {"id": self.id, "name": name, "country": name}
        if self.country_code:
            data["country_code"] = self.country_code
        return data


@dataclass
class Draft:
    """An outcome about to be written, with what the rest of the import needs to know."""

    identifier: str
    line: int
    outcome_id: str
    publisher: Org
    data: dict[str, Any]
    office: OfficeInfo
    partners: set[str]
    start: dt.date | None
    end: dt.date | None
    default_currency: str | None
    languages: dict[str, int]
    last_updated: dt.date | None
    related: list[Related]
    notes: list[Note]
    transactions: int
    uses: Counter[str]
    money_years: set[int]
    latest_dated: tuple[dt.date, str] | None = None  # the newest transaction date, else budget start
    rolled_up: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.data.setdefault("indicators", [])
        return items

    @property
    def figure_years(self) -> set[int]:
        years = set(self.money_years)
        for item in self.data.get("indicators", []):
            for key in ("targets", "actuals"):
                years |= set(item.get(key, {}))
        return years

    def lacks(self) -> list[str]:
        """What the reports will lack for this outcome."""
        out = []
        if not self.data.get("contributions"):
            out.append(NO_CONTRIBUTIONS)
        resources = self.data.get("resources", [])
        if not any("budget" in line for line in resources):
            out.append(NO_BUDGETS)
        if not any("expenditure" in line for line in resources):
            out.append(NO_EXPENDITURE)
        if not self.data.get("indicators"):
            out.append(NO_INDICATORS)
        elif not any(has_values(item) for item in self.data["indicators"]):
            out.append(NO_INDICATOR_VALUES)
        return out


def office_of(activity: Activity) -> tuple[OfficeInfo, list[Note]]:
    """The office of the recipient with the largest percentage (the first on ties)."""
    recipients, notes = _known_recipients(activity)
    if not recipients:
        if activity.recipients:
            return OfficeInfo(*codes.UNKNOWN_COUNTRY_OFFICE), notes
        return OfficeInfo(*codes.GLOBAL_OFFICE), notes
    main = max(recipients, key=lambda r: r.percentage or 0)  # max keeps the first of equals
    if main.kind == "country":
        names = country(main.code)
        assert names is not None  # _known_recipients kept it
        office = OfficeInfo(main.code.lower(), names.name("en"), main.code, tuple(sorted(names.names.items())))
        if names.source != SOURCE:
            notes.append(
                Note(
                    f"recipient-country {main.code} is not in the UN list of names shipped with reportgen "
                    f"({SOURCE}); its office is named from CLDR: {names.name('en')}",
                    main.line,
                    "office",
                )
            )
    elif main.vocabulary == "1":
        office = OfficeInfo(f"region-{_code_slug(main.code)}", codes.region_name(main.code))
    else:
        office = OfficeInfo(
            f"region-v{_code_slug(main.vocabulary)}-{_code_slug(main.code)}",
            f"Region {main.code} (region vocabulary {main.vocabulary})",
        )
    others = [r for r in recipients if r is not main]
    if others:
        listed = ", ".join(
            (r.code if r.kind == "country" else f"region {r.code}") + (f" ({r.percentage}%)" if r.percentage else "")
            for r in others
        )
        share = f" ({main.percentage}%)" if main.percentage is not None else ""
        notes.append(Note(f"several recipients: filed under office {office.id}{share}; also {listed}", field="office"))
    return office, notes


def _known_recipients(activity: Activity) -> tuple[list[Recipient], list[Note]]:
    """The recipients whose country code names a country; a note for each other one."""
    kept, notes = [], []
    for recipient in activity.recipients:
        if recipient.kind == "country" and country(recipient.code) is None:
            notes.append(
                Note(
                    f"recipient-country code {recipient.code!r} names no country (ISO 3166-1); not used as an office",
                    recipient.line,
                    "recipient-country",
                )
            )
            continue
        kept.append(recipient)
    return kept, notes


def _code_slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-") or "x"


def _target_of(code: str) -> str | None:
    """``5.2`` or ``5.2.1`` -> ``5.2``; None when the code is neither."""
    code = code.strip()
    match = _SDG_TARGET.match(code) or _SDG_INDICATOR.match(code)
    return f"{int(match.group(1))}.{match.group(2).lower()}" if match else None


def sdgs_of(activity: Activity, indicator_codes: list[tuple[str, int]], notes: list[Note]) -> list[dict[str, Any]]:
    """SDG goals and targets from tags (vocabularies 2, 3), sectors (7, 8, 9) and indicator
    references (9); only targets that exist are kept."""
    goals: dict[int, set[str]] = {}
    found: list[tuple[str, str, str, int]] = []  # (kind, code, where, line)
    for tag in activity.tags:
        if tag.vocabulary == codes.TAG_SDG_GOAL:
            found.append(("goal", tag.code, "tag vocabulary 2", tag.line))
        elif tag.vocabulary == codes.TAG_SDG_TARGET:
            found.append(("target", tag.code, "tag vocabulary 3", tag.line))
    for sector in activity.sectors:
        kind = {codes.SECTOR_SDG_GOAL: "goal", codes.SECTOR_SDG_TARGET: "target"}.get(sector.vocabulary or "")
        if sector.vocabulary == codes.SECTOR_SDG_INDICATOR:
            kind = "indicator"
        if kind:
            found.append((kind, sector.code, f"sector vocabulary {sector.vocabulary}", sector.line))
    found.extend(("indicator", code, "indicator reference vocabulary 9", line) for code, line in indicator_codes)
    for kind, code, where, line in found:
        if kind == "goal":
            goal = int(code) if code.strip().isdigit() else 0
            if 1 <= goal <= 17:
                goals.setdefault(goal, set())
            else:
                notes.append(Note(f"SDG goal {code!r} ({where}) is not a goal 1-17; left out", line, "sdgs"))
            continue
        target = _target_of(code)
        if target is None or target not in TARGETS:
            what = "target" if kind == "target" else "indicator"
            notes.append(Note(f"SDG {what} {code!r} ({where}) names no existing SDG target; left out", line, "sdgs"))
            continue
        goals.setdefault(int(target.split(".")[0]), set()).add(target)
    return [
        {"goal": goal, "targets": sorted(targets, key=_target_order)} if targets else {"goal": goal}
        for goal, targets in sorted(goals.items())
    ]


def _target_order(target: str) -> tuple[int, int, str]:
    suffix = target.split(".")[1]
    return (
        (int(target.split(".")[0]), 0, f"{int(suffix):03d}")
        if suffix.isdigit()
        else (int(target.split(".")[0]), 1, suffix)
    )


def sectors_of(activity: Activity) -> list[dict[str, Any]]:
    out = []
    for sector in activity.sectors:
        if sector.vocabulary in codes.SDG_SECTOR_VOCABULARIES:
            continue
        item: dict[str, Any] = {"scheme": codes.sector_scheme(sector.vocabulary), "code": sector.code}
        if sector.name:
            item["name"] = sector.name
        if sector.percentage is not None:
            item["percentage"] = sector.percentage
        out.append(item)
    return out


def gender_marker(activity: Activity, notes: list[Note]) -> str | None:
    for marker in activity.policy_markers:
        if marker.vocabulary in (None, "1") and marker.code == codes.GENDER_MARKER_CODE:
            value = codes.GENDER_SIGNIFICANCE.get(marker.significance or "")
            if value is None:
                notes.append(
                    Note(
                        f"gender marker significance {marker.significance!r} is not 0-4; left out",
                        marker.line,
                        "policy-marker",
                    )
                )
            return value
    return None


def map_activity(activity: Activity, info: FileInfo, outcome_id: str, partners: PartnerBook) -> Draft:
    """The draft outcome of ``activity`` (period still to be set)."""
    notes = list(activity.notes)
    office, office_notes = office_of(activity)
    notes.extend(office_notes)
    data: dict[str, Any] = {
        "id": outcome_id,
        "reference": activity.identifier,
        "office": office.id,
        "short_title": activity.title,
    }
    statement = activity.descriptions.get(codes.DESCRIPTION_GENERAL)
    if not statement:
        notes.append(Note("no general description (type 1): the statement repeats the title", field="statement"))
    data["statement"] = statement or activity.title
    objectives = activity.descriptions.get(codes.DESCRIPTION_OBJECTIVES)
    if objectives:
        data["objectives"] = objectives
    data["period"] = None  # set by set_period
    status = codes.ACTIVITY_STATUS.get(activity.status or "")
    if status:
        data["status"] = status
    elif activity.status:
        notes.append(Note(f"activity-status {activity.status!r} is not 1-6; left out", field="status"))
    if activity.last_updated:
        data["data_as_of"] = activity.last_updated
    marker = gender_marker(activity, notes)
    if marker:
        data["gender_marker"] = marker
    indicators = indicators_of(activity.results)
    notes.extend(indicators.notes)
    sdgs = sdgs_of(activity, indicators.sdg_codes, notes)
    if sdgs:
        data["sdgs"] = sdgs
    sectors = sectors_of(activity)
    if sectors:
        data["sectors"] = sectors
    money = money_of(activity, partners)
    notes.extend(money.notes)
    if money.resources:
        data["resources"] = money.resources
    if money.disbursements:
        data["disbursements"] = money.disbursements
    if indicators.items:
        data["indicators"] = indicators.items
    if money.contributions:
        data["contributions"] = money.contributions
    source: dict[str, Any] = {"format": "iati", "file": info.path.name}
    if info.version:
        source["version"] = info.version
    if money.committed_only:
        source["committed_only"] = money.committed_only
    data["imported_from"] = source
    start = activity.dates.get(codes.ACTUAL_START) or activity.dates.get(codes.PLANNED_START)
    end = activity.dates.get(codes.ACTUAL_END) or activity.dates.get(codes.PLANNED_END)
    return Draft(
        identifier=activity.identifier,
        line=activity.line,
        outcome_id=outcome_id,
        publisher=activity.reporting_org,
        data=data,
        office=office,
        partners=set(money.partners),
        start=start,
        end=end,
        default_currency=activity.default_currency,
        languages=dict(activity.languages),
        last_updated=activity.last_updated,
        related=list(activity.related),
        notes=notes,
        transactions=activity.transaction_count,
        uses=money.uses,
        money_years=money.years,
        latest_dated=_latest_dated(activity),
    )


def _latest_dated(activity: Activity) -> tuple[dt.date, str] | None:
    """The newest transaction date, else the newest budget period start (with what it is)."""
    if activity.transactions:
        return max(t.date for t in activity.transactions), "transaction date"
    if activity.budgets:
        return max(b.start for b in activity.budgets), "budget period start"
    return None


def set_period(draft: Draft) -> bool:
    """Set the draft's period from its activity dates, widened to every year with a figure;
    False when there is nothing to set it from."""
    years = draft.figure_years
    start = draft.start.year if draft.start else None
    end = draft.end.year if draft.end else None
    if start is None and end is None and not years:
        return False
    if start is None:
        start = min(years) if years else end
        draft.notes.append(Note(f"no start date; the period starts in {start}", field="period"))
    if end is None:
        end = max(years) if years else start
        draft.notes.append(Note(f"no end date; the period ends in {end}", field="period"))
    assert start is not None and end is not None
    if end < start:
        draft.notes.append(
            Note(f"the activity ends ({end}) before it starts ({start}); period taken as {end}-{start}", field="period")
        )
        start, end = end, start
    planned = (start, end)
    if years:
        start, end = min(start, *years), max(end, *years)
    if (start, end) != planned:
        outside = sorted(y for y in years if not planned[0] <= y <= planned[1])
        draft.notes.append(
            Note(
                f"widened from {_span(*planned)} to {_span(start, end)} to include figures for "
                f"{', '.join(map(str, outside))}",
                field="period",
            )
        )
    draft.data["period"] = {"start": start, "end": end}
    return True


def _span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def cap_report_year(draft: Draft, data_as_of: dt.date) -> None:
    """Set ``report_year`` to the data date's year when the outcome's latest year with figures is
    later: a brief titled 2020 with "Data as of 2015" would report on a year its data cannot know
    (the later years hold plans, such as budgets). Noted; nothing when the data date is outside
    the period."""
    period = draft.data["period"]
    start, end = int(period["start"]), int(period["end"])
    years = {int(row["year"]) for key in ("contributions", "resources") for row in draft.data.get(key, [])}
    years |= {int(y) for item in draft.data.get("indicators", []) for y in item.get("actuals", {})}
    years = {y for y in years if start <= y <= end}
    latest = max(years) if years else end
    as_of = data_as_of.year
    if not start <= as_of < latest:
        return
    data: dict[str, Any] = {}
    for key, value in draft.data.items():
        data[key] = value
        if key == "period":
            data["report_year"] = as_of
    draft.data = data
    draft.notes.append(
        Note(
            f"report_year {as_of}, the year of the data date ({data_as_of}): the outcome has figures up to {latest}, "
            f"but a report for {latest} would be dated before its year",
            field="report_year",
        )
    )
