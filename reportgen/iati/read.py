"""One ``iati-activity`` element -> an :class:`~reportgen.iati.records.Activity` record.

Reading is forgiving where the data allows: a transaction, budget or indicator value
that cannot be read is left out with a note naming its line and field, and the rest of
the activity is kept. Only an activity without an identifier, title or reporting
organisation is skipped (:class:`SkipActivity`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ..model.money import is_currency_code
from ..model.types import LIMIT
from . import codes
from .parse import XML_LANG, FileInfo, Node, parse_date
from .records import (
    Activity,
    Baseline,
    Budget,
    Code,
    IndicatorRecord,
    Note,
    Org,
    Recipient,
    Related,
    ResultPeriod,
    ResultRecord,
    SectorCode,
    Texts,
    Transaction,
)

#: Transaction types read in full; the others are only counted.
USED_TRANSACTION_TYPES = frozenset(
    {codes.INCOMING_FUNDS, codes.INCOMING_COMMITMENT, codes.DISBURSEMENT, codes.EXPENDITURE}
)

_BLANK_LINES = re.compile(r"\n\s*\n")


class SkipActivity(Exception):
    """The activity cannot be imported; ``reason`` says why."""

    def __init__(self, reason: str, line: int, identifier: str | None) -> None:
        super().__init__(reason)
        self.reason, self.line, self.identifier = reason, line, identifier


def clean_text(text: str) -> str:
    """Whitespace collapsed within paragraphs; paragraphs (blank-line separated) kept."""
    paragraphs = (" ".join(block.split()) for block in _BLANK_LINES.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def parse_decimal(text: str | None) -> Decimal:
    """An exact number from the XML; ValueError for anything else."""
    if text is None or not text.strip():
        raise ValueError("no value given")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a number, got {text.strip()!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number, got {text.strip()!r}")
    if abs(value) > LIMIT:
        raise ValueError(f"{text.strip()} is larger than reportgen accepts ({LIMIT:.0e})")
    return value


def _flag(text: str | None) -> bool | None:
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    return None


class _Reader:
    """Reads one activity; collects notes as it goes."""

    def __init__(self, node: Node, info: FileInfo) -> None:
        self.node, self.info = node, info
        self.notes: list[Note] = []
        self.languages: dict[str, int] = {}
        self.lang = codes.language(node.attrib.get(XML_LANG)) or info.lang or "en"
        self.currency = node.get("default-currency") or info.default_currency

    def note(self, line: int | None, field: str | None, message: str) -> None:
        self.notes.append(Note(message, line, field))

    def texts(self, parent: Node | None, field: str) -> Texts:
        """The narratives of ``parent`` by language (whitespace tidied, empty ones dropped)."""
        if parent is None:
            return {}
        out: Texts = {}
        narratives = parent.findall("narrative")
        if not narratives and parent.text.strip():  # text written straight in the element
            narratives = [parent]
        for narrative in narratives:
            text = clean_text(narrative.text)
            if not text:
                continue
            lang = codes.language(narrative.attrib.get(XML_LANG)) or self.lang
            if lang in out:
                self.note(narrative.line, field, f"several narratives in {lang!r}; kept the first")
                continue
            out[lang] = text
            self.languages[lang] = self.languages.get(lang, 0) + 1
        return out

    def org(self, node: Node, field: str) -> Org:
        """An organisation; a ``ref`` with no letter or digit (``-``, seen for "Private donors in
        the Netherlands") identifies nothing, so the name does, and surrounding spaces are dropped."""
        ref = (node.get("ref") or "").strip()
        if ref and not any(c.isalnum() for c in ref):
            self.note(node.line, f"{field}.ref", f"{ref!r} is no organisation identifier; the name is used")
            ref = ""
        return Org(ref=ref or None, name=self.texts(node, field), type=node.get("type"))

    def date(self, node: Node | None, field: str) -> dt.date | None:
        if node is None:
            return None
        try:
            return parse_date(node.get("iso-date"))
        except ValueError as exc:
            self.note(node.line, field, f"{exc}; ignored")
            return None

    def money(self, value: Node | None) -> tuple[Decimal, str]:
        """(amount, currency) of a ``value`` element; ValueError saying what is wrong."""
        if value is None:
            raise ValueError("no value")
        amount = parse_decimal(value.text)
        currency = (value.get("currency") or self.currency or "").upper()
        if not currency:
            raise ValueError("no currency (neither the value nor the activity's default-currency gives one)")
        if not is_currency_code(currency):
            raise ValueError(f"not an ISO 4217 currency code, got {currency!r}")
        return amount, currency

    def result_value(self, node: Node, field: str) -> tuple[Decimal | None, str | None]:
        """The ``value`` attribute of a baseline, target or actual: (number, None) when it is a
        number (see :func:`result_number`), (None, text) when it is text, (None, None) when absent."""
        text = node.attrib.get("value")
        if text is None or not text.strip():
            return None, None
        number, remark = result_number(text)
        if number is not None:
            if remark:
                self.note(node.line, field, remark)
            return number, None
        return None, " ".join(text.split())


_YEAR_PREFIX = re.compile(r"^((?:19|20|21)\d{2})\s*:\s*(\S.*)$")
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def result_number(text: str) -> tuple[Decimal | None, str | None]:
    """A result value read as a number: plain (``1004106``), year-prefixed (``2015:1004106``,
    the year is the publisher's label and the period gives the year) or with thousands
    separators (``1,004,106``); (number, remark on how it was read), or (None, None) for text."""
    raw = " ".join(text.split())
    remark = None
    match = _YEAR_PREFIX.match(raw)
    if match:
        raw = match.group(2)
        remark = f"value {text.strip()!r} read as {raw} (the {match.group(1)}: prefix is dropped)"
    if _GROUPED.match(raw):
        raw = raw.replace(",", "")
        remark = remark or f"value {text.strip()!r} read as {raw}"
    try:
        return parse_decimal(raw), remark
    except ValueError:
        return None, None


def read_activity(node: Node, info: FileInfo) -> Activity:
    """The record of one activity; :class:`SkipActivity` when it cannot be imported at all."""
    r = _Reader(node, info)
    identifier = node.findtext("iati-identifier")
    if identifier is None:
        raise SkipActivity("no iati-identifier", node.line, None)
    identifier = " ".join(identifier.split())
    reporting = node.find("reporting-org")
    if reporting is None or (reporting.get("ref") is None and not r.texts(reporting, "reporting-org")):
        raise SkipActivity("no reporting-org (ref or name)", node.line, identifier)
    title = r.texts(node.find("title"), "title")
    if not title:
        raise SkipActivity("no title (every outcome needs one)", node.line, identifier)
    activity = Activity(
        line=node.line,
        identifier=identifier,
        lang=r.lang,
        reporting_org=r.org(reporting, "reporting-org"),
        title=title,
        default_currency=r.currency.upper() if r.currency else None,
        humanitarian=_flag(node.attrib.get("humanitarian")),
        hierarchy=node.get("hierarchy"),
    )
    try:
        activity.last_updated = parse_date(node.attrib.get("last-updated-datetime"))
    except ValueError as exc:
        r.note(node.line, "last-updated-datetime", f"{exc}; ignored")
    _read_descriptions(r, node, activity)
    _read_orgs(r, node, activity)
    _read_dates(r, node, activity)
    _read_places_and_codes(r, node, activity)
    activity.budgets = [b for b in (_budget(r, n, i) for i, n in enumerate(node.findall("budget"))) if b]
    transactions = node.findall("transaction")
    activity.transaction_count = len(transactions)
    activity.transactions = [t for t in (_transaction(r, n, i) for i, n in enumerate(transactions)) if t]
    activity.results = [_result(r, n, i) for i, n in enumerate(node.findall("result"))]
    for related in node.findall("related-activity"):
        ref, kind = related.get("ref"), related.get("type")
        if ref and kind:
            activity.related.append(Related(kind, ref, related.line))
    activity.languages = r.languages
    activity.notes = r.notes
    return activity


def _read_descriptions(r: _Reader, node: Node, activity: Activity) -> None:
    for description in node.findall("description"):
        kind = description.get("type") or codes.DESCRIPTION_GENERAL
        texts = r.texts(description, f"description[type={kind}]")
        merged = activity.descriptions.setdefault(kind, {})
        for lang, text in texts.items():
            merged[lang] = f"{merged[lang]}\n\n{text}" if lang in merged else text


def _read_orgs(r: _Reader, node: Node, activity: Activity) -> None:
    for org in node.findall("participating-org"):
        read = r.org(org, "participating-org")
        activity.participating.append(read)
        if org.get("role") == "1" and read.key is not None:
            activity.funding_orgs.append(read)


def _read_dates(r: _Reader, node: Node, activity: Activity) -> None:
    status = node.find("activity-status")
    if status is not None and status.get("code"):
        activity.status = status.get("code")
    for date_node in node.findall("activity-date"):
        kind = date_node.get("type")
        if kind is None:
            r.note(date_node.line, "activity-date", "no type; ignored")
            continue
        date = r.date(date_node, f"activity-date[type={kind}]")
        if date is not None:
            activity.dates.setdefault(kind, date)


def _percentage(r: _Reader, node: Node, field: str) -> Decimal | None:
    text = node.attrib.get("percentage")
    if text is None or not text.strip():
        return None
    try:
        value = parse_decimal(text)
    except ValueError as exc:
        r.note(node.line, f"{field}.percentage", f"{exc}; ignored")
        return None
    if not 0 <= value <= 100:
        r.note(node.line, f"{field}.percentage", f"must be 0-100, got {value}; ignored")
        return None
    return value


def _read_places_and_codes(r: _Reader, node: Node, activity: Activity) -> None:
    for child in node.children:
        if child.tag == "recipient-country":
            iso = (child.get("code") or "").upper()
            if not re.fullmatch(r"[A-Z]{2}", iso):
                r.note(child.line, "recipient-country", f"not an ISO 3166 country code, got {iso!r}; ignored")
                continue
            pct = _percentage(r, child, "recipient-country")
            activity.recipients.append(Recipient("country", iso, "", pct, child.line))
        elif child.tag == "recipient-region":
            code = child.get("code")
            if code is None:
                r.note(child.line, "recipient-region", "no code; ignored")
                continue
            pct = _percentage(r, child, "recipient-region")
            activity.recipients.append(Recipient("region", code, child.get("vocabulary") or "1", pct, child.line))
        elif child.tag == "sector":
            code = child.get("code")
            if code is None:
                r.note(child.line, "sector", "no code; ignored")
                continue
            pct = _percentage(r, child, "sector")
            name = r.texts(child, "sector")
            activity.sectors.append(SectorCode(child.get("vocabulary"), code, pct, name, child.line))
        elif child.tag == "tag":
            code = child.get("code")
            if code is not None:
                activity.tags.append(Code(child.get("vocabulary") or "1", code, child.line))
        elif child.tag == "policy-marker":
            code = child.get("code")
            if code is not None:
                activity.policy_markers.append(
                    Code(child.get("vocabulary"), code, child.line, child.get("significance"))
                )


def _budget(r: _Reader, node: Node, i: int) -> Budget | None:
    field = f"budget[{i}]"
    start = r.date(node.find("period-start"), f"{field}.period-start")
    end = r.date(node.find("period-end"), f"{field}.period-end")
    if start is None or end is None:
        r.note(node.line, field, "no readable period-start and period-end; budget left out")
        return None
    if end < start:
        r.note(node.line, field, f"period ends ({end}) before it starts ({start}); budget left out")
        return None
    value = node.find("value")
    try:
        money = r.money(value)
    except ValueError as exc:
        r.note(value.line if value is not None else node.line, f"{field}.value", f"{exc}; budget left out")
        return None
    if money[0] < 0:
        r.note(node.line, f"{field}.value", f"negative budget {money[0]}; left out")
        return None
    kind = node.get("type") or codes.BUDGET_ORIGINAL
    status = node.get("status") or codes.BUDGET_INDICATIVE
    return Budget(node.line, kind, status, start, end, money[0], money[1])


def _transaction(r: _Reader, node: Node, i: int) -> Transaction | None:
    field = f"transaction[{i}]"
    type_node = node.find("transaction-type")
    kind = type_node.get("code") if type_node is not None else None
    if kind is None:
        r.note(node.line, f"{field}.transaction-type", "no transaction type; transaction left out")
        return None
    if kind not in USED_TRANSACTION_TYPES:
        return None
    date = r.date(node.find("transaction-date"), f"{field}.transaction-date")
    value = node.find("value")
    if date is None and value is not None and value.get("value-date"):
        date = r.date(Node("value", {"iso-date": value.attrib["value-date"]}, value.line), f"{field}.value-date")
        if date is not None:
            r.note(node.line, field, "no transaction-date; dated by its value-date")
    if date is None:
        r.note(node.line, field, "no readable transaction-date; transaction left out")
        return None
    try:
        money = r.money(value)
    except ValueError as exc:
        r.note(value.line if value is not None else node.line, f"{field}.value", f"{exc}; transaction left out")
        return None
    provider_node = node.find("provider-org")
    provider = r.org(provider_node, f"{field}.provider-org") if provider_node is not None else None
    if provider is not None and provider.key is None:
        provider = None  # a provider-org naming nobody (only a provider-activity-id)
    humanitarian = _flag(node.attrib.get("humanitarian"))
    return Transaction(node.line, kind, date, money[0], money[1], provider, humanitarian)


def _result(r: _Reader, node: Node, i: int) -> ResultRecord:
    title = r.texts(node.find("title"), f"result[{i}].title")
    indicators = tuple(_indicator(r, n, i, j) for j, n in enumerate(node.findall("indicator")))
    return ResultRecord(node.line, node.get("type"), title, indicators)


def _indicator(r: _Reader, node: Node, i: int, j: int) -> IndicatorRecord:
    field = f"result[{i}].indicator[{j}]"
    references = tuple(
        Code(ref.get("vocabulary"), code, ref.line)
        for ref in node.findall("reference")
        if (code := ref.get("code")) is not None
    )
    baselines = []
    for baseline in node.findall("baseline"):
        year_text = baseline.get("year")
        year: int | None = None
        if year_text is not None:
            if re.fullmatch(r"\d{4}", year_text) and 1900 <= int(year_text) <= 2200:
                year = int(year_text)
            else:
                r.note(baseline.line, f"{field}.baseline.year", f"not a year, got {year_text!r}; ignored")
        if year is None:
            date = r.date(baseline, f"{field}.baseline.iso-date")
            year = date.year if date is not None else None
        value, text = r.result_value(baseline, f"{field}.baseline.value")
        comment = r.texts(baseline.find("comment"), f"{field}.baseline.comment")
        baselines.append(Baseline(baseline.line, year, value, comment, text))
    periods = []
    for k, period in enumerate(node.findall("period")):
        pfield = f"{field}.period[{k}]"
        start = r.date(period.find("period-start"), f"{pfield}.period-start")
        end = r.date(period.find("period-end"), f"{pfield}.period-end")
        if end is None:
            r.note(period.line, pfield, "no readable period-end; period left out")
            continue
        values: dict[str, tuple[Decimal | None, str | None]] = {}
        for kind in ("target", "actual"):
            found = [n for n in period.findall(kind) if n.attrib.get("value", "").strip()]
            if len(found) > 1:
                r.note(
                    period.line, f"{pfield}.{kind}", f"{len(found)} {kind}s (by dimension or location); kept the first"
                )
            values[kind] = r.result_value(found[0], f"{pfield}.{kind}.value") if found else (None, None)
        (target, target_text), (actual, actual_text) = values["target"], values["actual"]
        periods.append(ResultPeriod(period.line, start, end, target, actual, target_text, actual_text))
    title = r.texts(node.find("title"), f"{field}.title")
    ascending = _flag(node.attrib.get("ascending"))
    return IndicatorRecord(
        line=node.line,
        title=title,
        measure=node.get("measure") or "1",
        ascending=ascending is not False,
        references=references,
        baselines=tuple(baselines),
        periods=tuple(periods),
    )
