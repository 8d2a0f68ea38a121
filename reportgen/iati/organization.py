"""The ``organization.yaml`` of one imported data folder: the publisher, offices, partners.

The publisher is the reporting organisation; its currency is the most common default
currency of the activities, its language the dominant language of their narratives (one
reports are translated into, when any narrative is in one), and its data date the
latest of the file's ``generated-datetime`` and the activities' ``last-updated-datetime``
(else the newest transaction date; never today, see :func:`data_date`).
IATI says nothing of a publisher's web pages, so ``links`` (the address patterns of the
reports' online pages) are never made up: a re-import keeps those someone added to the
organization file an earlier import wrote (:func:`kept_links`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ReportgenError, UsageError
from ..i18n import available_languages
from ..load.source import load_yaml
from .ids import make_id
from .mapping import Draft, OfficeInfo
from .parse import FileInfo
from .partners import PartnerBook, pick
from .records import Note, Org
from .write import carries_marker

DEFAULT_LOCALE = "en_US"


def publisher_key(org: Org) -> str:
    return org.key or "unknown"


def publisher_id(org: Org) -> str:
    return make_id(org.ref or pick(org.name, "en") or "publisher")


def _most_common(values: list[str]) -> str | None:
    """The most frequent value; the first seen on ties."""
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -values.index(v))) if counts else None


def choose_language(drafts: list[Draft], notes: list[Note]) -> str:
    """The dominant narrative language, preferring one reports are translated into."""
    totals: Counter[str] = Counter()
    order: list[str] = []
    for draft in drafts:
        for lang, count in draft.languages.items():
            totals[lang] += count
            if lang not in order:
                order.append(lang)
    if not totals:
        return "en"
    ranked = sorted(totals, key=lambda lang: (-totals[lang], order.index(lang)))
    report_languages = [lang for lang in ranked if lang in available_languages()]
    if ranked[0] in report_languages:
        return ranked[0]
    chosen = report_languages[0] if report_languages else "en"
    notes.append(
        Note(
            f"most narratives are in {ranked[0]!r}, which reports are not translated into; the organization's "
            f"language is {chosen!r}, and narratives with no {chosen!r} text print in their own language, marked "
            "as not translated"
        )
    )
    return chosen


def kept_links(path: Path, notes: list[Note]) -> Any:
    """The ``links`` given under ``organization`` in ``path``, an organization file an earlier
    import wrote, so that a re-import keeps them; None when there are none (or no such file).
    They are kept as written: the folder is checked after writing like the rest."""
    if not path.is_file() or not carries_marker(path):
        return None
    try:
        data = load_yaml(path).data
    except ReportgenError as exc:
        notes.append(Note(f"the links of the earlier {path.name} are not kept: it cannot be read ({exc})"))
        return None
    organization = data.get("organization") if isinstance(data, dict) else None
    links = organization.get("links") if isinstance(organization, dict) else None
    if not links:
        return None
    notes.append(Note(f"kept the links (online page addresses) of the earlier {path.name}"))
    return links


def data_date(drafts: list[Draft], info: FileInfo, notes: list[Note]) -> dt.date:
    """The organization's ``data_as_of``: a date the file states, so that importing the same file
    on two days writes the same data. The latest of the file's ``generated-datetime`` and the
    activities' ``last-updated-datetime``; without either, the newest transaction date (else
    budget period start) of the activities. Never today. A note says which was used."""
    stated = [(d.last_updated, "an activity's last-updated-datetime") for d in drafts if d.last_updated]
    if info.generated:
        stated.append((info.generated, "the file's generated-datetime"))
    if stated:
        date, source = max(stated, key=lambda item: item[0])
    else:
        dated = [d.latest_dated for d in drafts if d.latest_dated]
        dated = dated or [(day, "activity date") for d in drafts for day in (d.start, d.end) if day]
        if not dated:
            raise UsageError(
                f"{info.path}: no date at all (no generated-datetime, last-updated-datetime, "
                "transaction or budget): data_as_of cannot be set"
            )
        date, what = max(dated, key=lambda item: item[0])
        source = f"the newest {what} (the file has no generated-datetime or last-updated-datetime)"
    notes.append(Note(f"data_as_of is {date}: {source}"))
    return date


def organization_data(drafts: list[Draft], info: FileInfo, partners: PartnerBook, notes: list[Note]) -> dict[str, Any]:
    """The organization file's data for the drafts of one folder (all of one publisher)."""
    publisher = drafts[0].publisher
    language = choose_language(drafts, notes)
    name = pick(publisher.name, language, "en") or publisher.ref or "Publisher"
    currencies = [d.default_currency for d in drafts if d.default_currency]
    currency = _most_common(currencies) or "USD"
    if not currencies:
        notes.append(Note("no activity states a default-currency; the organization's currency is USD"))
    data_as_of = data_date(drafts, info, notes)
    organization: dict[str, Any] = {
        "id": publisher_id(publisher),
        "name": name,
        "currency": currency,
        "locale": DEFAULT_LOCALE if language == "en" else language,
        "language": language,
        "data_as_of": data_as_of,
        "data_source": f"IATI activity file {info.label}",
    }
    offices: dict[str, OfficeInfo] = {}
    for draft in drafts:
        offices.setdefault(draft.office.id, draft.office)
    used = sorted({p for d in drafts for p in d.partners})
    return {
        "organization": organization,
        "offices": [office.as_data(language) for office in offices.values()],
        "partners": [partners.info(p).as_data() for p in used],
    }
