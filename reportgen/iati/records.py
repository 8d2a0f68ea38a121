"""What the importer reads from one ``iati-activity``: plain, typed records.

``read.py`` fills them from the XML; ``mapping.py``, ``money.py`` and ``results.py`` turn
them into reportgen data. Amounts are exact Decimals, dates are ``datetime.date``,
narratives are ``{language: text}`` mappings. Problems found while reading travel as
:class:`Note` objects on the activity, each naming the line and field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

Texts = dict[str, str]  # language -> text


@dataclass(frozen=True)
class Note:
    """Something the summary should tell about one activity."""

    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return where + (f"{self.field}: " if self.field else "") + self.message


@dataclass(frozen=True)
class Org:
    ref: str | None
    name: Texts
    type: str | None = None

    @property
    def key(self) -> str | None:
        """What identifies the organisation: its ref, else its name; None when neither is given."""
        if self.ref:
            return "ref:" + self.ref
        if self.name:
            return "name:" + next(iter(self.name.values()))
        return None


@dataclass(frozen=True)
class Transaction:
    line: int
    type: str
    date: dt.date
    value: Decimal
    currency: str
    provider: Org | None
    humanitarian: bool | None  # the transaction's own flag; None: not given


@dataclass(frozen=True)
class Budget:
    line: int
    type: str  # 1 original, 2 revised
    status: str  # 1 indicative, 2 committed
    start: dt.date
    end: dt.date
    value: Decimal
    currency: str


@dataclass(frozen=True)
class Recipient:
    kind: str  # "country" or "region"
    code: str
    vocabulary: str
    percentage: Decimal | None
    line: int


@dataclass(frozen=True)
class SectorCode:
    vocabulary: str | None
    code: str
    percentage: Decimal | None
    name: Texts
    line: int


@dataclass(frozen=True)
class Code:
    """A coded element with a vocabulary: tag, policy marker, indicator reference."""

    vocabulary: str | None
    code: str
    line: int
    significance: str | None = None


@dataclass(frozen=True)
class Baseline:
    line: int
    year: int | None
    value: Decimal | None
    comment: Texts
    text: str | None = None  # the value attribute when it is not a number ("As at Appraisal")


@dataclass(frozen=True)
class ResultPeriod:
    line: int
    start: dt.date | None
    end: dt.date
    target: Decimal | None
    actual: Decimal | None
    target_text: str | None = None  # the value attribute when it is not a number
    actual_text: str | None = None


@dataclass(frozen=True)
class IndicatorRecord:
    line: int
    title: Texts
    measure: str
    ascending: bool
    references: tuple[Code, ...]
    baselines: tuple[Baseline, ...]
    periods: tuple[ResultPeriod, ...]


@dataclass(frozen=True)
class ResultRecord:
    line: int
    type: str | None
    title: Texts
    indicators: tuple[IndicatorRecord, ...]


@dataclass(frozen=True)
class Related:
    type: str
    ref: str
    line: int


@dataclass
class Activity:
    """One ``iati-activity``, read."""

    line: int
    identifier: str
    lang: str
    reporting_org: Org
    title: Texts
    default_currency: str | None = None
    humanitarian: bool | None = None
    hierarchy: str | None = None
    last_updated: dt.date | None = None
    descriptions: dict[str, Texts] = field(default_factory=dict)  # description type -> narratives
    funding_orgs: list[Org] = field(default_factory=list)  # participating-org role 1
    participating: list[Org] = field(default_factory=list)  # every participating-org (for names and types)
    status: str | None = None
    dates: dict[str, dt.date] = field(default_factory=dict)  # activity-date type -> date
    recipients: list[Recipient] = field(default_factory=list)
    sectors: list[SectorCode] = field(default_factory=list)
    tags: list[Code] = field(default_factory=list)
    policy_markers: list[Code] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    transaction_count: int = 0  # transaction elements, including any that could not be read
    results: list[ResultRecord] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)  # narratives per language
    notes: list[Note] = field(default_factory=list)
