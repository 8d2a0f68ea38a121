"""Country names for imported offices: the UN's own names, in English, French and Spanish.

The names come from ``reportgen/data/un_country_names.csv`` (UN M49 / UNTERM short names,
its header names the source), not from CLDR, whose short forms ("Congo - Kinshasa") are
not what UN reports print. A code the list lacks but CLDR knows (a territory such as
``PR``) falls back to CLDR's English name, and the import says so; a code neither knows
(``XX``) names no country at all.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

LANGUAGES = ("en", "fr", "es")
SOURCE = "UN M49 / UNTERM"
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ"})  # CLDR groupings and "unknown region"


@dataclass(frozen=True)
class CountryName:
    code: str
    names: dict[str, str]  # language -> name
    source: str  # SOURCE, or "CLDR" for a fallback

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@cache
def un_names() -> dict[str, dict[str, str]]:
    """ISO 3166-1 alpha-2 code -> {language: UN name}."""
    text = resources.files("reportgen").joinpath("data/un_country_names.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["iso2"]: {lang: row[lang] for lang in LANGUAGES} for row in rows}


@cache
def _cldr() -> dict[str, str]:
    from babel import Locale

    return {code: name for code, name in Locale("en").territories.items() if len(code) == 2 and code.isalpha()}


def country(code: str) -> CountryName | None:
    """The names of the country with this code; None for a code that names no country."""
    code = code.strip().upper()
    if code in un_names():
        return CountryName(code, un_names()[code], SOURCE)
    if code in _cldr() and code not in _NOT_COUNTRIES:
        return CountryName(code, {"en": _cldr()[code]}, "CLDR")
    return None
