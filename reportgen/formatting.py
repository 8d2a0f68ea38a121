"""Locale-aware formatting of money, numbers, percentages and dates (Babel).

Used by the chart stage (alt text, labels) and as Jinja filters. Amounts stay
Decimal; whole amounts print without decimals (``$98,145``), others with the
currency's minor units (``$1,250.50``); key figures in whole units (``headline_money``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Protocol

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_precision, parse_pattern

from .model.money import Money


@lru_cache(maxsize=32)
def locale_of(name: str) -> Locale:
    """A Babel Locale from ``en_US`` or ``en-US``."""
    return Locale.parse(name.replace("-", "_"))


def money(value: Money, locale: str) -> str:
    """``Money(98145, USD)`` -> ``$98,145`` in en_US; cents only when present."""
    loc = locale_of(locale)
    pattern = parse_pattern(loc.currency_formats["standard"].pattern)
    digits = 0 if value.amount == value.amount.to_integral_value() else get_currency_precision(value.currency)
    pattern.frac_prec = (digits, digits)
    text = str(pattern.apply(value.amount, loc, currency=value.currency, currency_digits=False))
    return _currency_spacing(text)


def headline_money(value: Money, locale: str) -> str:
    """A key figure: ``value`` in whole units (half up), so a strip of figures reads at one precision;
    the tables beside it give the exact amount (``$1,259,450.75`` -> ``$1,259,451``)."""
    return money(Money(value.amount.quantize(Decimal(1), rounding=ROUND_HALF_UP), value.currency), locale)


class _Split(Protocol):
    """A total with its development and humanitarian parts (reportgen.build's Split)."""

    @property
    def total(self) -> Money: ...
    @property
    def development(self) -> Money: ...
    @property
    def humanitarian(self) -> Money: ...


def hides_cents(values: Iterable[Money | _Split | None]) -> bool:
    """Whether :func:`headline_money` rounds away a fraction of any of ``values`` or of their parts (then the
    page says that key figures are rounded)."""
    amounts: list[Money] = []
    for value in values:
        if isinstance(value, Money):
            amounts.append(value)
        elif value is not None:
            amounts += [value.total, value.development, value.humanitarian]
    return any(amount.amount != amount.amount.to_integral_value() for amount in amounts)


#: A currency symbol made of letters touching the digits after it (``USD98``) or before it (``98USD``).
_LETTERS_THEN_DIGITS = re.compile(r"(?<=[^\W\d_])(?=[\d-])")
_DIGITS_THEN_LETTERS = re.compile(r"(?<=\d)(?=[^\W\d_])")


def _currency_spacing(text: str) -> str:
    """CLDR currency spacing, which Babel leaves out: a no-break space where a currency
    symbol made of letters touches a digit (``USD98,145`` -> ``USD 98,145``)."""
    return _DIGITS_THEN_LETTERS.sub("\u00a0", _LETTERS_THEN_DIGITS.sub("\u00a0", text))


def number(value: Decimal | int, locale: str) -> str:
    """A plain number with the locale's grouping; decimals kept as given."""
    return format_decimal(value, locale=locale_of(locale), decimal_quantization=False)


def percent(fraction: Decimal | None, locale: str, digits: int = 0) -> str:
    """A fraction 0-1 as a percentage: ``Decimal('0.25')`` -> ``25%``."""
    if fraction is None:
        return "–"
    return _percent(fraction, locale, digits, digits)


def _percent(fraction: Decimal, locale: str, min_digits: int, max_digits: int) -> str:
    """``fraction`` in the locale's own percent pattern (``25 %`` in fr_FR), with the given decimals."""
    loc = locale_of(locale)
    pattern = parse_pattern(loc.percent_formats[None].pattern)
    pattern.frac_prec = (min_digits, max_digits)
    return str(pattern.apply(fraction, loc))


def long_date(value: dt.date, locale: str) -> str:
    """``2025-06-30`` -> ``June 30, 2025`` in en_US."""
    return format_date(value, format="long", locale=locale_of(locale))


def indicator_value(value: Decimal | None, unit: str, locale: str) -> str:
    """An indicator value in its unit: percent units print with ``%``."""
    if value is None:
        return "–"
    if unit.lower() in {"percent", "%", "percentage"}:
        return _percent(value / 100, locale, 0, 2)
    return number(value, locale)


def language_name(code: str, locale: str) -> str:
    """``es`` -> ``Spanish`` in en_US, ``espagnol`` in fr_FR."""
    name = locale_of(locale).languages.get(code)
    return str(name) if name else code


def compact_money(value: float | Decimal, currency: str, locale: str) -> str:
    """Axis labels: ``$250K``, ``$1.5M`` (one decimal at most, so ticks stay distinct), with the
    currency spaced as :func:`money` spaces it (``USD 200 k`` in es_MX, as its tables print).

    For chart axes only: exact figures belong in tables."""
    from babel.numbers import format_compact_currency

    text = str(format_compact_currency(value, currency, locale=locale_of(locale), fraction_digits=1))
    return _LETTERS_THEN_DIGITS.sub("\u00a0", text)  # not after the digits: ``200K`` keeps its K
