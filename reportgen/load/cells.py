"""Parsing spreadsheet and CSV cells into typed values, refusing anything ambiguous.

Money and numbers may carry a currency symbol or code and comma thousands separators
("$98,145", "USD 98,145.50"); anything that could be read two ways ("98.145,50",
"98,14", a decimal comma) is refused with a message saying how to write it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision

from ..model.money import is_currency_code


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is for the user."""


_SYMBOLS = "$€£¥₹₱₦₩₪₫₴₺₽"
#: Symbols that name their currency; "$" is used by many currencies and says nothing.
_SYMBOL_CURRENCIES = {
    "€": {"EUR"}, "£": {"GBP", "EGP", "FKP", "GIP", "LBP", "SHP", "SSP", "SYP"}, "¥": {"JPY", "CNY"},
    "₹": {"INR"}, "₱": {"PHP"}, "₦": {"NGN"}, "₩": {"KRW", "KPW"}, "₪": {"ILS"}, "₫": {"VND"},
    "₴": {"UAH"}, "₺": {"TRY"}, "₽": {"RUB"},
}  # fmt: skip
_CODE = re.compile(r"^\s*([A-Za-z]{3})\s+(.*)$|^(.*?)\s+([A-Za-z]{3})\s*$")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(value: object, *, commas_group_thousands: bool = True, what: str = "a number") -> Decimal:
    """A cell as an exact Decimal; spreadsheet numbers are read from their shortest repr."""
    if isinstance(value, bool):
        raise CellError(f"must be {what}, got {value}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"must be {what}, got {value}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", " ")
    if _PLAIN.match(text):
        return Decimal(text)
    if _GROUPED.match(text):
        if not commas_group_thousands:
            raise CellError(
                f"{text!r} is ambiguous in a file whose columns are separated by ';' (is ',' a decimal "
                "separator?); write the number without separators, with '.' for decimals"
            )
        return Decimal(text.replace(",", ""))
    if re.match(r"^[+-]?[\d.]+,\d+$", text) or re.match(r"^[+-]?\d+(\.\d{3})+$", text):
        raise CellError(f"{text!r} looks like a decimal comma or '.' thousands; write it as 1234.56")
    raise CellError(f"must be {what}, got {text!r}")


def parse_money(value: object, currency: str, *, commas_group_thousands: bool = True) -> Decimal:
    """A money cell: a number, optionally with a symbol or the row's ISO 4217 code."""
    if not isinstance(value, str):
        return parse_decimal(value, what="an amount")
    text = value.strip().replace("\u00a0", " ")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    code_match = _CODE.match(text)
    if code_match:
        code = (code_match.group(1) or code_match.group(4)).upper()
        text = (code_match.group(2) or code_match.group(3)).strip()
        if not is_currency_code(code):
            raise CellError(f"unknown currency code {code!r} in amount {value.strip()!r}")
        if code != currency:
            raise CellError(f"amount {value.strip()!r} is in {code}, but the row's currency is {currency}")
    sign = ""
    if text and text[0] in "+-":
        sign, text = text[0], text[1:].strip()
    for symbol in {text[:1], text[-1:]} & set(_SYMBOLS):
        if symbol in _SYMBOL_CURRENCIES and currency not in _SYMBOL_CURRENCIES[symbol]:
            raise CellError(f"amount {value.strip()!r} is written with {symbol}, but the row's currency is {currency}")
        text = text.strip(symbol).strip()
    if not text:
        raise CellError(f"must be an amount, got {value.strip()!r}")
    if text and text[0] in "+-" and not sign:
        sign, text = text[0], text[1:].strip()
    amount = parse_decimal(sign + text, commas_group_thousands=commas_group_thousands, what="an amount")
    exponent = amount.as_tuple().exponent
    digits = get_currency_precision(currency)
    if isinstance(exponent, int) and -exponent > digits:
        raise CellError(
            f"{value if isinstance(value, str) else amount!s} has more decimals than {currency} has ({digits}); "
            "if '.' separates thousands, write the amount without it"
        )
    return -amount if negative else amount


def parse_year(value: object) -> int:
    """A four-digit year (spreadsheets may store it as 2021.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise CellError(f"must be a year such as 2023, got {text!r}")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "y"}:
        return True
    if text in {"no", "false", "0", "n"}:
        return False
    raise CellError(f"must be yes or no, got {str(value).strip()!r}")


def parse_currency(value: object) -> str:
    """An ISO 4217 code; case does not matter."""
    return parse_text(value).upper()


def parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_indicator_value(value: object, *, commas_group_thousands: bool = True) -> Decimal:
    """An indicator value; a trailing % is allowed (the unit says it is a percentage)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    if isinstance(value, str) and not commas_group_thousands and re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", value.strip()):
        raise CellError(
            f"{value.strip()!r} is ambiguous in a file whose columns are separated by ';' (is '.' a thousands "
            "separator?); write the number without separators"
        )
    try:
        return parse_decimal(value, commas_group_thousands=commas_group_thousands)
    except InvalidOperation as exc:  # pragma: no cover - parse_decimal validates its input first
        raise CellError(f"must be a number, got {value!r}") from exc
