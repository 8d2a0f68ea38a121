"""Locale-aware formatting: money without needless cents, percentages, dates, indicator values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_percent, get_decimal_symbol

from reportgen.formatting import indicator_value, long_date, money, percent
from reportgen.model.money import Money


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def cldr_spaced(text: str) -> str:
    """CLDR's currency spacing, which Babel does not apply: a no-break space between a currency
    symbol made of letters and the digits it touches (es_MX: "USD1,250.50" -> "USD 1,250.50")."""
    out = ""
    for i, char in enumerate(text):
        if i and (
            (text[i - 1].isalpha() and (char.isdigit() or char == "-")) or (text[i - 1].isdigit() and char.isalpha())
        ):
            out += "\u00a0"
        out += char
    return out


def babel_whole(amount: Decimal, currency: str, locale: str) -> str:
    """Babel's standard currency format of a whole amount, with its zero minor units dropped."""
    with_cents = format_currency(amount, currency, locale=locale)
    zeros = get_decimal_symbol(locale) + "00"
    assert with_cents.count(zeros) == 1
    return cldr_spaced(with_cents.replace(zeros, ""))


def test_es_mx_separates_the_currency_code_from_the_digits() -> None:
    assert money(usd("98145"), "es_MX") == "USD\u00a098,145"
    assert money(usd("-5"), "es_MX") == "-USD\u00a05"


def test_money_en_us_whole_amount_has_no_cents() -> None:
    assert money(usd("98145"), "en_US") == "$98,145"


@pytest.mark.parametrize("amount", ["1250.50", "1250.5"])
def test_money_en_us_keeps_cents(amount: str) -> None:
    assert money(usd(amount), "en_US") == "$1,250.50"


def test_money_trailing_zero_cents_are_whole() -> None:
    assert money(usd("98145.00"), "en_US") == "$98,145"


def test_money_accepts_hyphenated_locale() -> None:
    assert money(usd("98145"), "en-US") == money(usd("98145"), "en_US")


@pytest.mark.parametrize("locale", ["en_US", "es_MX", "fr_FR"])
@pytest.mark.parametrize("currency", ["USD", "EUR", "MXN"])
@pytest.mark.parametrize("amount", ["1250.50", "0.05", "301250.55", "-12.30"])
def test_money_with_cents_matches_babel(locale: str, currency: str, amount: str) -> None:
    value = Money(Decimal(amount), currency)
    assert money(value, locale) == cldr_spaced(format_currency(Decimal(amount), currency, locale=locale))


@pytest.mark.parametrize("locale", ["en_US", "es_MX", "fr_FR"])
@pytest.mark.parametrize("currency", ["USD", "EUR", "MXN"])
@pytest.mark.parametrize("amount", ["98145", "1000000", "7"])
def test_money_whole_matches_babel_without_minor_units(locale: str, currency: str, amount: str) -> None:
    assert money(Money(Decimal(amount), currency), locale) == babel_whole(Decimal(amount), currency, locale)


def test_money_fr_fr_groups_and_places_the_symbol_after() -> None:
    formatted = money(Money(Decimal("1250.50"), "EUR"), "fr_FR")
    assert formatted.startswith("1") and formatted.endswith("€")
    assert "250,50" in formatted


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [
        (Decimal("0.25"), 0, "25%"),
        (Decimal("1"), 0, "100%"),
        (Decimal("0"), 0, "0%"),
        (Decimal("0.2567"), 1, "25.7%"),
        (Decimal("0.8620729838709677"), 2, "86.21%"),
    ],
)
def test_percent_en_us(fraction: Decimal, digits: int, expected: str) -> None:
    assert percent(fraction, "en_US", digits) == expected


def test_percent_of_nothing_is_a_dash() -> None:
    assert percent(None, "en_US") == "–"


def test_percent_uses_the_locale_decimal_symbol() -> None:
    assert percent(Decimal("0.2567"), "fr_FR", 1).startswith("25,7")


@pytest.mark.parametrize("locale", ["fr_FR", "de_DE"])
def test_percent_follows_the_locale_pattern(locale: str) -> None:
    assert percent(Decimal("0.25"), locale) == format_percent(Decimal("0.25"), locale=locale)
    assert indicator_value(Decimal("25"), "percent", locale) == format_percent(Decimal("0.25"), locale=locale)


def test_long_date_en_us() -> None:
    assert long_date(dt.date(2025, 6, 30), "en_US") == "June 30, 2025"


@pytest.mark.parametrize("locale", ["es_MX", "fr_FR"])
def test_long_date_other_locales(locale: str) -> None:
    day = dt.date(2025, 6, 30)
    assert long_date(day, locale) == format_date(day, format="long", locale=locale)
    assert "2025" in long_date(day, locale)


@pytest.mark.parametrize("unit", ["percent", "Percent", "%", "percentage"])
def test_indicator_value_in_percent_units(unit: str) -> None:
    assert indicator_value(Decimal("51.3"), unit, "en_US") == "51.3%"
    assert indicator_value(Decimal("55"), unit, "en_US") == "55%"


def test_indicator_value_in_other_units_is_a_plain_number() -> None:
    assert indicator_value(Decimal("1340"), "number", "en_US") == "1,340"
    assert indicator_value(Decimal("21.5"), "institutions", "en_US") == "21.5"


def test_indicator_value_missing_is_a_dash() -> None:
    assert indicator_value(None, "percent", "en_US") == "–"
    assert indicator_value(None, "number", "en_US") == "–"
