"""Budgets of one activity -> one budget per calendar year, never counting money twice.

The IATI standard asks that an activity's budget periods be no longer than one year and
not overlap (IATI 2.03 rules: "budgets should be no more than a year in length";
"budget periods must not overlap"). Real publishers break both: an annual budget and its
four quarters side by side, an original and a revised budget for the same period, a
single budget over the whole 104-month life of a project. The rules, applied in order
(each decision is a :class:`Note` the import summary prints under the activity):

1. **Same period**: a revised budget (``@type=2``) replaces the original (``1``, also
   when ``@type`` is omitted); then a committed one (``@status=2``) beats an
   indicative one (``1``, also when omitted).
2. **Longer than a year** (more than 366 days): not counted in any year, since any
   split across years would be a guess; the summary gives its amount and period.
3. **A covering period wins**: a budget whose period contains another's (an annual
   budget and its quarters) is counted and the contained ones are not.
4. **Other overlaps** (periods that overlap without one containing the other): none of
   them is added, and the years they fall in get no budget at all, so that no year
   shows part of its budget as the whole.
5. What is left counts in the calendar year holding most days of its period (the
   earliest on ties); distinct periods of one year (quarters without an annual budget)
   are summed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from . import codes
from .records import Budget, Note

MAX_DAYS = 366


def budget_year(start: dt.date, end: dt.date) -> int:
    """The calendar year holding most days of the period (the earliest on ties)."""
    best, best_days = start.year, -1
    for year in range(start.year, end.year + 1):
        days = (min(end, dt.date(year, 12, 31)) - max(start, dt.date(year, 1, 1))).days + 1
        if days > best_days:
            best, best_days = year, days
    return best


def _days(budget: Budget) -> int:
    return (budget.end - budget.start).days + 1


def _label(budget: Budget) -> str:
    return f"{budget.start} to {budget.end} ({budget.value} {budget.currency}, line {budget.line})"


def _contains(outer: Budget, inner: Budget) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _overlap(a: Budget, b: Budget) -> bool:
    return a.start <= b.end and b.start <= a.end


def one_per_period(budgets: list[Budget], notes: list[Note]) -> list[Budget]:
    """Rule 1: one budget per distinct period (revised over original, then committed over indicative)."""
    by_period: dict[tuple[dt.date, dt.date], list[Budget]] = defaultdict(list)
    for budget in budgets:
        by_period[(budget.start, budget.end)].append(budget)
    chosen_list = []
    for (start, end), candidates in by_period.items():
        rank = [(b.type == codes.BUDGET_REVISED, b.status == codes.BUDGET_COMMITTED) for b in candidates]
        best = max(rank)
        chosen = candidates[rank.index(best)]
        if rank.count(best) > 1:
            notes.append(
                Note(
                    f"{rank.count(best)} budgets for {start}-{end} of the same type and status; kept the first",
                    chosen.line,
                    "budget",
                )
            )
        elif len(candidates) > 1:
            what = "revised" if chosen.type == codes.BUDGET_REVISED else "original"
            status = "committed" if chosen.status == codes.BUDGET_COMMITTED else "indicative"
            notes.append(
                Note(
                    f"{len(candidates)} budgets for {start}-{end}: counted the {what} {status} one "
                    f"({chosen.value} {chosen.currency}); a revised budget replaces the original, a committed one "
                    "an indicative one",
                    chosen.line,
                    "budget",
                )
            )
        chosen_list.append(chosen)
    return sorted(chosen_list, key=lambda b: (b.start, b.end))


def counted_budgets(budgets: list[Budget], notes: list[Note]) -> tuple[list[Budget], set[int]]:
    """The budgets to count (rules 1-4), and the years that must get no budget (rule 4)."""
    periods = one_per_period(budgets, notes)
    short = []
    for budget in periods:
        if _days(budget) > MAX_DAYS:
            notes.append(
                Note(
                    f"budget {_label(budget)} covers {_days(budget)} days, more than a year (IATI asks for budgets of "
                    "at most a year): not counted in any year, since splitting it across years would be a guess",
                    budget.line,
                    "budget",
                )
            )
        else:
            short.append(budget)
    covering = []
    for budget in short:
        outer = next((o for o in short if o is not budget and _contains(o, budget)), None)
        if outer is None:
            covering.append(budget)
        else:
            notes.append(
                Note(
                    f"budget {_label(budget)} lies within the budget {_label(outer)}: the covering budget is "
                    "counted, not the part (adding both would count the money twice)",
                    budget.line,
                    "budget",
                )
            )
    overlapping = {id(a) for a in covering for b in covering if a is not b and _overlap(a, b)}
    blocked: set[int] = set()
    kept = []
    for budget in covering:
        if id(budget) in overlapping:
            others = ", ".join(_label(b) for b in covering if b is not budget and _overlap(budget, b))
            year = budget_year(budget.start, budget.end)
            blocked.add(year)
            notes.append(
                Note(
                    f"budget {_label(budget)} overlaps {others} without either containing the other: not added, "
                    f"and {year} gets no budget",
                    budget.line,
                    "budget",
                )
            )
        else:
            kept.append(budget)
    return kept, blocked


def budget_sums(budgets: list[Budget], notes: list[Note]) -> dict[int, dict[str, Decimal]]:
    """Per year and currency, the budgets counted (rule 5)."""
    kept, blocked = counted_budgets(budgets, notes)
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for budget in kept:
        year = budget_year(budget.start, budget.end)
        if year in blocked:
            notes.append(
                Note(
                    f"budget {_label(budget)} is not counted: {year} has overlapping budgets, so its total is unknown",
                    budget.line,
                    "budget",
                )
            )
            continue
        if budget.start.year != budget.end.year:
            notes.append(
                Note(f"budget {_label(budget)} spans two calendar years; counted in {year}", budget.line, "budget")
            )
        sums[year][budget.currency] += budget.value
    return sums
