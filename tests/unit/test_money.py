"""Money: exact Decimal amounts of one ISO 4217 currency; arithmetic never mixes currencies."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from reportgen.model.money import Money, total


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


@pytest.mark.parametrize("amount", [1.5, 0.1, 100, "100"])
def test_amount_must_be_decimal(amount: object) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        Money(amount, "USD")  # type: ignore[arg-type]


def test_decimal_amount_is_kept_exactly() -> None:
    value = Money(Decimal("301250.50"), "USD")
    assert value.amount == Decimal("301250.50")
    assert str(value.amount) == "301250.50"


@pytest.mark.parametrize("currency", ["ZZZ", "usd", "US", "", "DOLLAR"])
def test_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="currency"):
        Money(Decimal(1), currency)


@pytest.mark.parametrize("currency", ["USD", "EUR", "MXN", "COP", "JPY"])
def test_iso_currencies_are_accepted(currency: str) -> None:
    assert Money(Decimal(1), currency).currency == currency


def test_add_is_exact() -> None:
    assert usd("0.10") + usd("0.20") == usd("0.30")
    assert usd("98145") + usd("1250.50") == usd("99395.50")


def test_sub_is_exact() -> None:
    assert usd("0.30") - usd("0.10") == usd("0.20")
    assert usd("100") - usd("250.25") == usd("-150.25")


def test_result_keeps_the_currency() -> None:
    eur = Money(Decimal("10"), "EUR")
    assert (eur + eur).currency == "EUR"
    assert (eur - eur).currency == "EUR"


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a.share_of(b),
    ],
    ids=["add", "sub", "share_of"],
)
def test_mixing_currencies_raises(operation: Callable[[Money, Money], object]) -> None:
    usd_amount, eur_amount = usd("10"), Money(Decimal("10"), "EUR")
    with pytest.raises(ValueError, match=r"USD.*EUR"):
        operation(usd_amount, eur_amount)


def test_share_of() -> None:
    assert usd("25").share_of(usd("100")) == Decimal("0.25")
    assert usd("100").share_of(usd("100")) == 1
    assert usd("0").share_of(usd("100")) == 0


def test_share_of_zero_whole_is_none() -> None:
    assert usd("0").share_of(usd("0")) is None
    assert usd("10").share_of(Money.zero("USD")) is None


def test_total_sums_exactly() -> None:
    amounts = [usd("0.10"), usd("0.20"), usd("12283"), usd("43750.50")]
    assert total(amounts, "USD") == usd("56033.80")


def test_total_of_nothing_is_zero_in_that_currency() -> None:
    assert total([], "EUR") == Money(Decimal(0), "EUR")


def test_total_refuses_other_currencies() -> None:
    with pytest.raises(ValueError):
        total([usd("1"), Money(Decimal("1"), "EUR")], "USD")
    with pytest.raises(ValueError):
        total([usd("1")], "EUR")
