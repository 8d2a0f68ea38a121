"""Names in the report's language: the organization's, the offices' and the partners'.

The data may give a name per language, as it gives narratives (``name: {en: ..., es: ...}``).
A report prints:

- a name the data gives in the report's language (a plain name is in the organization's
  ``language``), as given;
- else, for an office (its ``name`` and its ``country``) with a ``country_code``, the UN's
  name of that country in the report's language (UN M49 / UNTERM, English, French and
  Spanish: reportgen/data/un_country_names.csv): a Spanish report says "México", a French
  one "Mexique", whatever language the data is in;
- else the name in the organization's language (or any the data has): a name is never
  invented.

Partner types are a fixed vocabulary (:data:`PARTNER_TYPES`: the IATI OrganisationType
labels the importer writes, and the types of the bundled data); the catalogs translate them.
A type outside the vocabulary is data and prints as written.

``in_language`` applies this to a whole dataset, once, where a report is built; every stage
after it (templates, charts, the Word edition) reads plain names.
"""

from __future__ import annotations

from dataclasses import replace

from ..i18n import translator
from ..iati.countries import un_names
from ..model import Dataset, Office, Organization, Partner, localize
from ..model.text import LocalizedText
from ..sdg import N_

#: Partner types the catalogs translate: the IATI OrganisationType codelist's labels
#: (reportgen.iati.codes.ORGANISATION_TYPE, tested to be all here) and the bundled data's.
PARTNER_TYPES = (
    N_("Government"),
    N_("Local Government"),
    N_("Other Public Sector"),
    N_("International NGO"),
    N_("National NGO"),
    N_("Regional NGO"),
    N_("Partner Country based NGO"),
    N_("Public Private Partnership"),
    N_("Multilateral"),
    N_("Foundation"),
    N_("Private Sector"),
    N_("Private Sector in Provider Country"),
    N_("Private Sector in Aid Recipient Country"),
    N_("Private Sector in Third Country"),
    N_("Academic, Training and Research"),
    N_("Other"),
    N_("United Nations pooled fund"),
)


def _given(value: LocalizedText, lang: str, default: str) -> str | None:
    """``value`` in ``lang`` when the data gives it in that language, else None."""
    found = localize(value, lang, default)
    return None if found.fallback else found.text


def _text(value: LocalizedText, lang: str, default: str) -> str:
    return localize(value, lang, default).text


def un_country_name(code: str | None, lang: str) -> str | None:
    """The UN's name of the country ``code`` in ``lang``; None when the list lacks either."""
    return un_names().get(code or "", {}).get(lang) or None


def office_in(office: Office, lang: str, default: str) -> Office:
    """``office`` with its name and country in ``lang`` (see the module's rules)."""
    un = un_country_name(office.country_code, lang)
    name = _given(office.name, lang, default) or un or _text(office.name, lang, default)
    country = _given(office.country, lang, default) or un or _text(office.country, lang, default)
    return office.model_copy(update={"name": name, "country": country})


def organization_in(organization: Organization, lang: str) -> Organization:
    default = organization.language
    short = organization.short_name
    return organization.model_copy(
        update={
            "name": _text(organization.name, lang, default),
            "short_name": _text(short, lang, default) if short is not None else None,
        }
    )


def partner_type(value: str | None, lang: str) -> str | None:
    """A partner type in ``lang``: the catalog's translation of the vocabulary, else as written."""
    if value is None or value not in PARTNER_TYPES:
        return value
    return translator(lang)(value)


def partner_in(partner: Partner, lang: str, default: str) -> Partner:
    short = partner.short_name
    return partner.model_copy(
        update={
            "name": _text(partner.name, lang, default),
            "short_name": _text(short, lang, default) if short is not None else None,
            "type": partner_type(partner.type, lang),
        }
    )


def in_language(dataset: Dataset, lang: str) -> Dataset:
    """``dataset`` with every organization, office and partner name in ``lang``."""
    if dataset.names_in == lang:
        return dataset
    if dataset.names_in is not None:
        raise ValueError(f"the dataset's names are already in {dataset.names_in!r}, not the data's")
    default = dataset.organization.language
    return replace(
        dataset,
        names_in=lang,
        organization=organization_in(dataset.organization, lang),
        offices={key: office_in(office, lang, default) for key, office in dataset.offices.items()},
        partners={key: partner_in(partner, lang, default) for key, partner in dataset.partners.items()},
    )
