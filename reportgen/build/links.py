"""The address of each report's online page, from the organization's ``links`` patterns.

Each function returns None when the organization gives no pattern for that kind of page, or
when the pattern uses a value the entity lacks (``{reference}`` for an outcome without one);
the report then prints no QR code and no link. Values are percent-encoded by
:func:`reportgen.model.links.expand`.
"""

from __future__ import annotations

from ..model import Office, Organization, Outcome, Partner


def outcome_url(organization: Organization, outcome: Outcome, year: int, lang: str) -> str | None:
    """The outcome's page (an outcome brief, or its chapter in a donor or country report)."""
    values = {"id": outcome.id, "year": year, "lang": lang, "reference": outcome.reference}
    return organization.links.url("outcome", values)


def partner_url(organization: Organization, partner: Partner, year: int, lang: str) -> str | None:
    """The funding partner's page (a donor report)."""
    return organization.links.url("partner", {"id": partner.id, "year": year, "lang": lang})


def office_url(organization: Organization, office: Office, year: int, lang: str) -> str | None:
    """The office's page (a country annual report)."""
    return organization.links.url("office", {"id": office.id, "year": year, "lang": lang})
