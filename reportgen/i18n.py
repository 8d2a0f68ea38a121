"""Translations of the fixed text of reports (gettext catalogs, English source strings).

Catalogs live in ``reportgen/locales/<lang>/LC_MESSAGES/messages.po`` and are compiled
in memory on first use (no build step). Templates and Python code (chart alt text,
generated summaries) use the same catalogs. ``make messages`` re-extracts the strings.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .errors import UsageError

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SOURCE_LANGUAGE = "en"

Translate = Callable[[str], str]


def available_languages() -> tuple[str, ...]:
    """The source language plus every language with a catalog."""
    found = sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file())
    return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])


@lru_cache(maxsize=16)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: the identity)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        known = ", ".join(available_languages())
        raise UsageError(f"no translation for language {lang!r} (available: {known})")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translator(lang: str) -> Translate:
    """``_`` for ``lang``."""
    return translations(lang).gettext


def language_of(locale: str) -> str:
    """``es_MX`` -> ``es``."""
    return locale.replace("-", "_").split("_")[0].lower()
