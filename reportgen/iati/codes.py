"""IATI codelists reportgen needs, and the normalisation of language codes.

Only the codes the importer maps are here (from the IATI Standard's codelists, version
2.03): activity status, result type, indicator measure, organisation type, the DAC
recipient regions, and which vocabularies of tags, sectors and indicator references
carry SDG goals, targets and indicators.
"""

from __future__ import annotations

import re

#: ActivityStatus code -> reportgen ``status``.
ACTIVITY_STATUS: dict[str, str] = {
    "1": "pipeline",
    "2": "implementation",
    "3": "finalisation",
    "4": "closed",
    "5": "cancelled",
    "6": "suspended",
}

#: ResultType code -> indicator ``level``.
RESULT_LEVEL: dict[str, str] = {"1": "output", "2": "outcome", "3": "impact", "9": "other"}

#: IndicatorMeasure code -> (unit, what the summary should say about it, or None).
MEASURE_UNIT: dict[str, tuple[str, str | None]] = {
    "1": ("number", None),
    "2": ("percent", None),
    "3": ("number", "nominal measure: the values are category numbers, read as plain numbers"),
    "4": ("number", "ordinal measure: the values are ranks, read as plain numbers"),
    "5": ("qualitative", None),  # its values are kept as written (results._texts)
}

#: OrganisationType code -> label (partners' ``type``).
ORGANISATION_TYPE: dict[str, str] = {
    "10": "Government",
    "11": "Local Government",
    "15": "Other Public Sector",
    "21": "International NGO",
    "22": "National NGO",
    "23": "Regional NGO",
    "24": "Partner Country based NGO",
    "30": "Public Private Partnership",
    "40": "Multilateral",
    "60": "Foundation",
    "70": "Private Sector",
    "71": "Private Sector in Provider Country",
    "72": "Private Sector in Aid Recipient Country",
    "73": "Private Sector in Third Country",
    "80": "Academic, Training and Research",
    "90": "Other",
}

#: Region codelist (vocabulary 1, OECD DAC) -> name.
DAC_REGIONS: dict[str, str] = {
    "89": "Europe, regional",
    "189": "North of Sahara, regional",
    "289": "South of Sahara, regional",
    "298": "Africa, regional",
    "380": "West Indies, regional",
    "389": "North and Central America, regional",
    "489": "South America, regional",
    "498": "America, regional",
    "589": "Middle East, regional",
    "619": "Central Asia, regional",
    "679": "South Asia, regional",
    "689": "South and Central Asia, regional",
    "789": "Far East Asia, regional",
    "798": "Asia, regional",
    "889": "Oceania, regional",
    "998": "Developing countries, unspecified",
    "1027": "Eastern Africa, regional",
    "1028": "Middle Africa, regional",
    "1029": "Southern Africa, regional",
    "1030": "Western Africa, regional",
    "1031": "Caribbean, regional",
    "1032": "Central America, regional",
    "1033": "Melanesia, regional",
    "1034": "Micronesia, regional",
    "1035": "Polynesia, regional",
}

GLOBAL_OFFICE = ("global", "Global (no recipient country)")
#: The office of an activity whose only recipient-country codes name no country (``XX``).
UNKNOWN_COUNTRY_OFFICE = ("country-not-recognised", "Recipient country not recognised")

#: Transaction types (TransactionType codelist) the importer uses.
INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT, EXPENDITURE, INCOMING_COMMITMENT = "1", "2", "3", "4", "11"

#: Budget types and statuses.
BUDGET_ORIGINAL, BUDGET_REVISED = "1", "2"
BUDGET_INDICATIVE, BUDGET_COMMITTED = "1", "2"

#: Description types.
DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES = "1", "2"

#: Activity date types.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

#: Vocabularies that carry SDG links.
TAG_SDG_GOAL, TAG_SDG_TARGET = "2", "3"
SECTOR_SDG_GOAL, SECTOR_SDG_TARGET, SECTOR_SDG_INDICATOR = "7", "8", "9"
SDG_SECTOR_VOCABULARIES = frozenset({SECTOR_SDG_GOAL, SECTOR_SDG_TARGET, SECTOR_SDG_INDICATOR})
INDICATOR_SDG_VOCABULARY = "9"

#: The OECD DAC gender equality policy marker, and its significance -> ``gender_marker``.
GENDER_MARKER_CODE = "1"
GENDER_SIGNIFICANCE: dict[str, str] = {
    "0": "not_targeted",
    "1": "significant",
    "2": "principal",
    "3": "principal",
    "4": "principal",
}


def sector_scheme(vocabulary: str | None) -> str:
    """The ``scheme`` of a sector of this SectorVocabulary."""
    if vocabulary in (None, "", "1"):
        return "DAC 5-digit"
    if vocabulary == "2":
        return "DAC 3-digit"
    return f"Sector vocabulary {vocabulary}"


def region_name(code: str) -> str:
    return DAC_REGIONS.get(code, f"Region {code}")


def organisation_type(code: str | None) -> str | None:
    return ORGANISATION_TYPE.get(code) if code else None


_THREE_TO_TWO = {
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "deu": "de",
    "ger": "de",
    "por": "pt",
    "ara": "ar",
    "rus": "ru",
    "zho": "zh",
    "chi": "zh",
    "nld": "nl",
    "dut": "nl",
    "ita": "it",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def language(tag: str | None) -> str | None:
    """An xml:lang value as reportgen's language code: ``EN`` -> ``en``, ``ENG`` -> ``en``,
    ``fr-CA`` -> ``fr``; None when it is absent or not a language code."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    primary = _THREE_TO_TWO.get(primary, primary)
    return primary if _LANGUAGE.match(primary) else None
