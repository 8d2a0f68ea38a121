"""Exact money: a Decimal amount with an ISO 4217 currency.

Amounts are never floats. Arithmetic refuses to mix currencies, so a total
can only be computed from amounts of one currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import list_currencies

_ISO_CURRENCIES = frozenset(list_currencies())


def is_currency_code(code: str) -> bool:
    """True when ``code`` is an ISO 4217 currency code known to CLDR."""
    return code in _ISO_CURRENCIES


@dataclass(frozen=True)
class Money:
    """An exact amount of one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be Decimal, got {type(self.amount).__name__}")
        if not is_currency_code(self.currency):
            raise ValueError(f"unknown ISO 4217 currency code {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency} amounts")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def share_of(self, whole: Money) -> Decimal | None:
        """This amount as a fraction (0-1) of ``whole``; None when whole is zero."""
        self._same(whole)
        if whole.amount == 0:
            return None
        return self.amount / whole.amount


def total(amounts: list[Money], currency: str) -> Money:
    """Sum of ``amounts``, all in ``currency`` (zero for an empty list)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def sum_present(amounts: Iterable[Money | None]) -> Money | None:
    """Sum of the amounts that are there (all of one currency); None when none is: absent
    data stays absent instead of becoming zero."""
    present = [amount for amount in amounts if amount is not None]
    return sum(present[1:], present[0]) if present else None
