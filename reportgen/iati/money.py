"""Money of one activity: contributions, resources (budget and expenditure) and disbursements.

Which transactions feed which figure (see ``docs/iati.md``):

- type 1 *incoming funds* -> contributions, per provider x year x currency, split into
  development and humanitarian by the humanitarian flag (the transaction's, else the
  activity's); negative amounts form a refund row;
- type 11 *incoming commitment* -> contributions only for a provider with no incoming
  funds at all in the activity (listed in ``imported_from.committed_only``), never added
  to incoming funds;
- type 4 *expenditure* -> resources' expenditure per year;
- type 3 *disbursement* -> disbursements per year x currency, kept apart;
- budgets -> resources' budget per year, never counting money twice (the rules are in
  ``budgets.py``); other transaction types are not used.

Amounts are never converted: a figure whose parts are in different currencies is left
out with a note rather than added up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import codes
from .budgets import budget_sums
from .partners import PartnerBook
from .records import Activity, Budget, Note, Transaction


@dataclass
class Money:
    """The money figures of one activity, as outcome data."""

    contributions: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    disbursements: list[dict[str, Any]] = field(default_factory=list)
    committed_only: list[str] = field(default_factory=list)  # partner ids
    partners: set[str] = field(default_factory=set)
    uses: Counter[str] = field(default_factory=Counter)  # transactions per use
    notes: list[Note] = field(default_factory=list)

    @property
    def years(self) -> set[int]:
        rows = [*self.contributions, *self.resources, *self.disbursements]
        return {int(row["year"]) for row in rows}


def money_of(activity: Activity, partners: PartnerBook) -> Money:
    money = Money()
    _contributions(activity, partners, money)
    budgets = _budgets_by_year(activity.budgets, money.notes)
    expenditure = _per_year(
        (t for t in activity.transactions if t.type == codes.EXPENDITURE), "expenditure", money.notes
    )
    money.uses["expenditure"] = sum(1 for t in activity.transactions if t.type == codes.EXPENDITURE)
    for year in sorted(set(budgets) | set(expenditure)):
        line: dict[str, Any] = {"year": year}
        if year in budgets:
            line["budget"] = {"total": budgets[year][0], "currency": budgets[year][1]}
        if year in expenditure:
            line["expenditure"] = {"total": expenditure[year][0], "currency": expenditure[year][1]}
        money.resources.append(line)
    _disbursements(activity, money)
    return money


def _contributions(activity: Activity, partners: PartnerBook, money: Money) -> None:
    incoming = [t for t in activity.transactions if t.type == codes.INCOMING_FUNDS]
    commitments = [t for t in activity.transactions if t.type == codes.INCOMING_COMMITMENT]
    funded = {partners.partner_of(t.provider, activity) for t in incoming}
    used = list(incoming)
    committed_only: set[str] = set()
    for t in commitments:
        partner = partners.partner_of(t.provider, activity)
        if partner not in funded:
            used.append(t)
            committed_only.add(partner)
    money.uses["contributions"] = len(used)
    # (partner, year, currency, refund) -> [development, humanitarian]
    cells: dict[tuple[str, int, str, bool], list[Decimal]] = {}
    for t in used:
        partner = partners.partner_of(t.provider, activity)
        humanitarian = t.humanitarian if t.humanitarian is not None else bool(activity.humanitarian)
        cell = cells.setdefault((partner, t.date.year, t.currency, t.value < 0), [Decimal(0), Decimal(0)])
        cell[1 if humanitarian else 0] += t.value
    currencies = {currency for (_p, _y, currency, _r) in cells}
    if len(currencies) > 1:
        money.notes.append(
            Note(
                f"contributions are in several currencies ({', '.join(sorted(currencies))}); each row keeps "
                "its own, and nothing is converted or added across currencies",
                field="contributions",
            )
        )
    for (partner, year, currency, refund), (dev, hum) in sorted(cells.items()):
        row: dict[str, Any] = {"partner": partner, "year": year}
        if refund:
            row["refund"] = True
        row.update({"development": dev, "humanitarian": hum, "currency": currency})
        money.contributions.append(row)
        money.partners.add(partner)
    money.committed_only = sorted(committed_only)
    for partner in money.committed_only:
        money.notes.append(
            Note(
                f"partner {partner}: no incoming funds, so its incoming commitments are shown as its contributions",
                field="contributions",
            )
        )


def _disbursements(activity: Activity, money: Money) -> None:
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    count = 0
    for t in activity.transactions:
        if t.type == codes.DISBURSEMENT:
            sums[(t.date.year, t.currency)] += t.value
            count += 1
    money.uses["disbursements"] = count
    for (year, currency), amount in sorted(sums.items()):
        if amount < 0:
            money.notes.append(
                Note(f"disbursements of {year} sum to {amount} {currency} (negative); left out", field="disbursements")
            )
            continue
        money.disbursements.append({"year": year, "amount": amount, "currency": currency})


def _per_year(transactions: Iterable[Transaction], what: str, notes: list[Note]) -> dict[int, tuple[Decimal, str]]:
    """Sum per transaction-date year, when the year's amounts share one currency."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for t in transactions:
        sums[t.date.year][t.currency] += t.value
    return _single_currency(sums, what, notes)


def _single_currency(
    sums: dict[int, dict[str, Decimal]], what: str, notes: list[Note]
) -> dict[int, tuple[Decimal, str]]:
    out: dict[int, tuple[Decimal, str]] = {}
    for year, by_currency in sorted(sums.items()):
        if len(by_currency) > 1:
            listed = ", ".join(f"{amount} {currency}" for currency, amount in sorted(by_currency.items()))
            notes.append(
                Note(f"{what} of {year} is in several currencies ({listed}); left out rather than added up", field=what)
            )
            continue
        ((currency, amount),) = by_currency.items()
        if amount < 0:
            notes.append(Note(f"{what} of {year} sums to {amount} {currency} (negative); left out", field=what))
            continue
        out[year] = (amount, currency)
    return out


def _budgets_by_year(budgets: list[Budget], notes: list[Note]) -> dict[int, tuple[Decimal, str]]:
    return _single_currency(budget_sums(budgets, notes), "budget", notes)
