"""Which language and locale a report is produced in.

Order of precedence: an explicit ``--lang`` / ``--locale``, then the office's defaults,
then the organization's. A language given without a locale gets the locale of that
language in the office's country when CLDR has one (es + MX -> es_MX), else the bare
language (fr -> fr).
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from ..errors import UsageError
from ..i18n import available_languages, language_of
from ..model import Office, Organization


def _known(tag: str) -> bool:
    try:
        Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def resolve_for_organization(
    organization: Organization, lang: str | None = None, locale: str | None = None
) -> tuple[str, str]:
    """(language, locale) for a report that belongs to no office (a donor report): the
    organization's defaults, unless asked otherwise."""
    defaults = Office(
        id=organization.id, name=organization.name, country=organization.name,
        locale=organization.locale, language=organization.language,
    )  # fmt: skip
    return resolve(organization, defaults, lang, locale)


def resolve(
    organization: Organization, office: Office, lang: str | None = None, locale: str | None = None
) -> tuple[str, str]:
    """(language, locale) for a report about ``office``."""
    if locale is not None:
        locale = locale.replace("-", "_")
        if not _known(locale):
            raise UsageError(f"unknown locale {locale!r} (examples: en_US, es_MX, fr_FR)")
    if lang is None:
        lang = language_of(locale) if locale else (office.language or language_of(office.locale or organization.locale))
    if lang not in available_languages():
        raise UsageError(f"no translation for language {lang!r} (available: {', '.join(available_languages())})")
    if locale is None:
        default = office.locale or organization.locale
        if language_of(default) == lang:
            locale = default
        else:
            regional = f"{lang}_{office.country_code}" if office.country_code else None
            locale = regional if regional and _known(regional) else lang
    return lang, locale
