"""Office names of imported activities are the UN's own country names, in the report language.

The expected spellings below are copied from the UN Statistics Division's M49 page
(https://unstats.un.org/unsd/methodology/m49/, English, French and Spanish versions,
column "Country or Area"), apostrophes as ASCII; not read from reportgen's data file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reportgen.iati import import_file
from reportgen.iati.countries import un_names
from reportgen.load import load_dataset

from ..iati_xml import activity, document, write
from ..seed import SHARED

M49 = {
    "CD": (
        "Democratic Republic of the Congo",
        "République démocratique du Congo",
        "República Democrática del Congo",
    ),
    "CG": ("Congo", "Congo", "Congo"),
    "CI": ("Côte d'Ivoire", "Côte d'Ivoire", "Côte d'Ivoire"),
    "TR": ("Türkiye", "Türkiye", "Türkiye"),
    "BO": (
        "Bolivia (Plurinational State of)",
        "Bolivie (État plurinational de)",
        "Bolivia (Estado Plurinacional de)",
    ),
    "PS": ("State of Palestine", "État de Palestine", "Estado de Palestina"),
    "TZ": ("United Republic of Tanzania", "République-Unie de Tanzanie", "República Unida de Tanzanía"),
    "VE": (
        "Venezuela (Bolivarian Republic of)",
        "Venezuela (République bolivarienne du)",
        "Venezuela (República Bolivariana de)",
    ),
    "KR": ("Republic of Korea", "République de Corée", "República de Corea"),
    "LA": (
        "Lao People's Democratic Republic",
        "République démocratique populaire lao",
        "República Democrática Popular Lao",
    ),
    "SY": ("Syrian Arab Republic", "République arabe syrienne", "República Árabe Siria"),
    "VN": ("Viet Nam", "Viet Nam", "Viet Nam"),
    "MD": ("Republic of Moldova", "République de Moldova", "República de Moldova"),
    "IR": ("Iran (Islamic Republic of)", "Iran (République islamique d')", "Irán (República Islámica del)"),
    "SZ": ("Eswatini", "Eswatini", "Eswatini"),
    "CZ": ("Czechia", "Tchéquie", "Chequia"),
    "MX": ("Mexico", "Mexique", "México"),
    "US": ("United States of America", "États-Unis d'Amérique", "Estados Unidos de América"),
    "RU": ("Russian Federation", "Fédération de Russie", "Federación de Rusia"),
    "CV": ("Cabo Verde", "Cabo Verde", "Cabo Verde"),
}

#: ISO codes of the 193 UN member states and the 2 observer states (Holy See, State of Palestine).
MEMBERS = set(
    re.findall(
        "[A-Z]{2}",
        """AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL
    CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY
    HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW
    PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ
    UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW VA PS""",
    )
)


def test_the_shipped_names_match_the_un_spellings() -> None:
    names = un_names()
    for code, (en, fr, es) in M49.items():
        assert names[code] == {"en": en, "fr": fr, "es": es}, code


def test_every_un_member_and_observer_state_is_named_in_three_languages() -> None:
    assert len(MEMBERS) == 195
    names = un_names()
    assert set(names) >= MEMBERS
    assert all(all(names[code][lang] for lang in ("en", "fr", "es")) for code in names)


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason=f"the shared IATI files are not here ({SHARED}/data)")
def test_every_recipient_country_of_the_real_iati_files_is_named() -> None:
    files = sorted((SHARED / "data").glob("iati*/*.xml"))
    codes = {
        (c.get("code") or "").upper() for path in files for c in ET.parse(path).getroot().iter("recipient-country")
    }
    assert codes and not codes - set(un_names())


def _office(tmp_path: Path, body: str, lang: str = "en") -> tuple[str, dict[str, str], str]:
    attrs = f'default-currency="USD" xml:lang="{lang}"'
    source = write(tmp_path, document(body.replace('default-currency="USD"', attrs)))
    summary = import_file(source, tmp_path / "out")
    assert summary.ok, summary.text()
    dataset = load_dataset(tmp_path / "out")
    (office,) = dataset.offices.values()
    return office.id, {"name": office.name, "country": office.country}, summary.text()


@pytest.mark.parametrize("lang,index", [("en", 0), ("fr", 1), ("es", 2)])
def test_an_imported_office_carries_the_un_name_in_the_organization_language(
    tmp_path: Path, lang: str, index: int
) -> None:
    office_id, names, _text = _office(tmp_path, activity(country="CD"), lang)
    assert office_id == "cd"
    assert names == {"name": M49["CD"][index], "country": M49["CD"][index]}


def test_an_unknown_recipient_code_is_no_office_and_is_reported(tmp_path: Path) -> None:
    office_id, names, text = _office(tmp_path, activity(country="XX"))
    assert office_id != "xx" and "XX" not in names.values()
    assert names["name"] == "Recipient country not recognised"
    assert "recipient-country code 'XX' names no country (ISO 3166-1); not used as an office" in text
