"""``reportgen reconcile --iati FILE.xml``: the data against what the organization published.

Each outcome with an IATI ``reference`` is matched with the activity of that identifier, and
its money is compared figure by figure: contributions per partner, year and currency
(development and humanitarian), budgets and expenditure per year. The IATI side is computed by
the importer's own functions (:func:`reportgen.iati.money.money_of`, the budget rules of
:mod:`reportgen.iati.budgets`, partner ids from :class:`~reportgen.iati.partners.PartnerBook`
over the activities in file order), so data imported with ``reportgen import iati`` and not
edited reconciles exactly. Every difference carries both figures and the IATI transactions or
budgets it came from (their lines in the file). ``tolerance`` is an amount (``500``) or a share
of the IATI figure (``0.5%``); the default is exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..iati import codes
from ..iati.budgets import budget_year, counted_budgets
from ..iati.money import Money, money_of
from ..iati.parse import ActivityFile
from ..iati.partners import PartnerBook
from ..iati.read import SkipActivity, read_activity
from ..iati.records import Activity
from ..load import load_dataset
from ..model import Outcome

_NAMES = {codes.INCOMING_FUNDS: "incoming funds", codes.INCOMING_COMMITMENT: "incoming commitment",
          codes.EXPENDITURE: "expenditure"}  # fmt: skip


@dataclass(frozen=True)
class Tolerance:
    amount: Decimal = Decimal(0)
    share: Decimal | None = None  # of the IATI figure, 0-1

    @classmethod
    def parse(cls, text: str | None) -> Tolerance:
        if text is None or not text.strip():
            return cls()
        raw = text.strip()
        try:
            value = Decimal(raw[:-1] if raw.endswith("%") else raw)
        except InvalidOperation:
            raise UsageError(f"--tolerance: give an amount (500) or a percentage (0.5%), got {text!r}") from None
        if not value.is_finite() or value < 0:
            raise UsageError(f"--tolerance: must be a number >= 0, got {text!r}")
        return cls(share=value / 100) if raw.endswith("%") else cls(amount=value)

    def allows(self, data: Decimal, iati: Decimal) -> bool:
        limit = self.amount if self.share is None else abs(iati) * self.share
        return abs(data - iati) <= limit


@dataclass(frozen=True)
class Difference:
    """One figure that differs: the data's and the IATI file's, and where the IATI one came from."""

    outcome: str
    reference: str
    figure: str
    data: str | None
    iati: str | None
    sources: tuple[str, ...]
    data_file: str

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "reference": self.reference, "figure": self.figure, "data": self.data,
                "iati": self.iati, "iati_sources": list(self.sources), "data_file": self.data_file}  # fmt: skip


@dataclass
class Reconciliation:
    iati_file: Path
    data_dir: Path
    compared: int = 0  # figures compared
    matched: list[str] = field(default_factory=list)  # outcome ids matched with an activity
    differences: list[Difference] = field(default_factory=list)
    no_reference: list[str] = field(default_factory=list)  # outcomes without an IATI reference
    not_in_data: list[str] = field(default_factory=list)  # activities of the file no outcome refers to

    @property
    def exit_code(self) -> int:
        return 1 if self.differences else 0

    def as_dict(self) -> dict[str, Any]:
        return {"iati_file": str(self.iati_file), "data": str(self.data_dir), "compared": self.compared,
                "matched": self.matched, "differences": [d.as_dict() for d in self.differences],
                "no_reference": self.no_reference, "not_in_data": self.not_in_data}  # fmt: skip


# A figure key -> amount; the key names the figure in words.
Figures = dict[str, tuple[Decimal, str]]


def _data_figures(outcome: Outcome, currency: str) -> Figures:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)])
    currencies: dict[str, str] = {}
    for c in outcome.contributions:
        cur = c.currency or currency
        base = f"contribution {c.partner} {c.year}{' refund' if c.refund else ''}"
        for part, value in (("development", c.development), ("humanitarian", c.humanitarian)):
            key = f"{base} {part} ({cur})"
            sums[key][0] += value
            currencies[key] = cur
    for line in outcome.resources:
        for what, split in (("budget", line.budget), ("expenditure", line.expenditure)):
            if split is not None:
                cur = split.currency or currency
                key = f"{what} {line.year} ({cur})"
                sums[key][0] += split.total
                currencies[key] = cur
    return {key: (value[0], currencies[key]) for key, value in sums.items()}


def _iati_figures(money: Money) -> Figures:
    figures: Figures = {}
    for row in money.contributions:
        base = f"contribution {row['partner']} {row['year']}{' refund' if row.get('refund') else ''}"
        for part in ("development", "humanitarian"):
            figures[f"{base} {part} ({row['currency']})"] = (Decimal(row[part]), str(row["currency"]))
    for line in money.resources:
        for what in ("budget", "expenditure"):
            if what in line:
                cur = str(line[what]["currency"])
                figures[f"{what} {line['year']} ({cur})"] = (Decimal(line[what]["total"]), cur)
    return figures


def _sources(figure: str, activity: Activity, partners: PartnerBook, money: Money) -> tuple[str, ...]:
    """The IATI elements (with their lines) a figure is made of."""
    words = figure.split()
    what, currency = words[0], words[-1].strip("()")
    if what == "contribution":
        partner, year, refund = words[1], int(words[2]), "refund" in words
        types = {codes.INCOMING_FUNDS} | ({codes.INCOMING_COMMITMENT} if partner in money.committed_only else set())
        used = [t for t in activity.transactions if t.type in types and t.date.year == year and t.currency == currency
                and (t.value < 0) == refund and partners.partner_of(t.provider, activity) == partner]  # fmt: skip
    elif what == "expenditure":
        year = int(words[1])
        used = [t for t in activity.transactions if t.type == codes.EXPENDITURE and t.date.year == year]
    else:
        year = int(words[1])
        kept, _blocked = counted_budgets(activity.budgets, [])
        return tuple(
            f"budget line {b.line} ({b.start} to {b.end}, {b.value} {b.currency})"
            for b in kept
            if budget_year(b.start, b.end) == year
        )
    return tuple(f"transaction line {t.line} ({_NAMES[t.type]}, {t.date}, {t.value} {t.currency})" for t in used)


def reconcile(iati_file: Path, data_dir: Path, tolerance: Tolerance | None = None) -> Reconciliation:
    """Compare the money of every outcome of ``data_dir`` that has an IATI reference with ``iati_file``."""
    tolerance = tolerance or Tolerance()
    dataset = load_dataset(data_dir)
    result = Reconciliation(iati_file, data_dir)
    by_reference: dict[str, Outcome] = {}
    for outcome in sorted(dataset.outcomes.values(), key=lambda o: o.id):
        if outcome.reference:
            by_reference[" ".join(outcome.reference.split())] = outcome
        else:
            result.no_reference.append(outcome.id)
    partners = PartnerBook()
    activities = _read(iati_file, set(by_reference), partners, result)
    currency = dataset.organization.currency
    for reference, outcome in by_reference.items():
        data_file = str(dataset.source_of(outcome.id) or data_dir)
        if reference not in activities:
            missing = (f"no activity {reference} in {iati_file.name}",)
            result.differences.append(
                Difference(outcome.id, reference, "activity", "in the data", None, missing, data_file)
            )
            continue
        activity, money = activities[reference]
        result.matched.append(outcome.id)
        ours, theirs = _data_figures(outcome, currency), _iati_figures(money)
        for figure in sorted(set(ours) | set(theirs)):
            result.compared += 1
            mine, published = ours.get(figure), theirs.get(figure)
            if mine is not None and published is not None and tolerance.allows(mine[0], published[0]):
                continue
            if mine is None and published is not None and tolerance.allows(Decimal(0), published[0]):
                continue
            if published is None and mine is not None and tolerance.allows(mine[0], Decimal(0)):
                continue
            result.differences.append(Difference(
                outcome.id, reference, figure, _amount(mine), _amount(published),
                _sources(figure, activity, partners, money), data_file,
            ))  # fmt: skip
    return result


def _amount(value: tuple[Decimal, str] | None) -> str | None:
    return None if value is None else f"{value[0]} {value[1]}"


def _read(
    path: Path, wanted: set[str], partners: PartnerBook, result: Reconciliation
) -> dict[str, tuple[Activity, Money]]:
    """The activities ``wanted`` with their money, reading every activity in file order as the import
    does (partner ids are allocated in that order); the others are listed in ``result.not_in_data``."""
    source = ActivityFile(path)
    found: dict[str, tuple[Activity, Money]] = {}
    seen: set[str] = set()
    for node in source:
        identifier = " ".join((node.findtext("iati-identifier") or "").split())
        if identifier in seen:
            continue  # the import skips a duplicate identifier too
        seen.add(identifier)
        try:
            activity = read_activity(node, source.info)
        except SkipActivity:
            continue
        money = money_of(activity, partners)
        if activity.identifier in wanted:
            found[activity.identifier] = (activity, money)
        else:
            result.not_in_data.append(activity.identifier)
    return found
