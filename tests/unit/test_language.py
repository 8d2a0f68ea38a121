"""Which language and locale a report gets (reportgen.build.language)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.build.language import resolve, resolve_for_organization
from reportgen.errors import UsageError
from reportgen.model import Office, Organization

ORG = Organization(id="org", name="Org", currency="USD", locale="en_US", language="en", data_as_of=dt.date(2025, 1, 1))
MEXICO = Office(id="mex", name="Mexico Country Office", country="Mexico", country_code="MX")


def test_defaults_come_from_the_organization() -> None:
    assert resolve(ORG, MEXICO) == ("en", "en_US")


def test_an_offices_language_and_locale_are_its_reports_defaults() -> None:
    office = MEXICO.model_copy(update={"locale": "es_MX", "language": "es"})
    assert resolve(ORG, office) == ("es", "es_MX")


def test_a_language_alone_gets_the_locale_of_the_offices_country() -> None:
    assert resolve(ORG, MEXICO, lang="es") == ("es", "es_MX")


def test_without_a_regional_locale_the_bare_language_is_used() -> None:
    assert resolve(ORG, MEXICO, lang="fr") == ("fr", "fr")  # CLDR has no fr_MX


def test_a_locale_alone_gives_its_language() -> None:
    assert resolve(ORG, MEXICO, locale="fr-FR") == ("fr", "fr_FR")


def test_unknown_language_and_locale_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="no translation for language 'de'"):
        resolve(ORG, MEXICO, lang="de")
    with pytest.raises(UsageError, match="unknown locale 'xx_YY'"):
        resolve(ORG, MEXICO, locale="xx_YY")


def test_reports_without_an_office_follow_the_organization() -> None:
    assert resolve_for_organization(ORG) == ("en", "en_US")
    assert resolve_for_organization(ORG, lang="es")[0] == "es"
