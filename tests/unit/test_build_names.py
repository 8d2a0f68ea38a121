"""Names in the report's language (reportgen.build.names): offices, the organization, partners.

Expected names are read here from the shipped UN list with the ``csv`` module and from the
catalogs with babel's ``read_po``, not through reportgen. Without the rule, a Spanish report
printed "Mexico Country Office", "UN Women" and "Government".
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from reportgen.build.brief import build_brief
from reportgen.build.country import build_country
from reportgen.build.donor import build_donor
from reportgen.build.names import PARTNER_TYPES, in_language
from reportgen.errors import DataError
from reportgen.i18n import LOCALES_DIR
from reportgen.iati.codes import ORGANISATION_TYPE
from reportgen.load import load_dataset

from ..conftest import DATA, ROOT

LANGUAGES = ("en", "es", "fr")


def un_name(code: str, lang: str) -> str:
    lines = (ROOT / "reportgen" / "data" / "un_country_names.csv").read_text(encoding="utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    return next(row[lang] for row in rows if row["iso2"] == code)


def translations(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=lang) if isinstance(m.id, str) and m.id}


def organization_yaml(folder: Path = DATA) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((folder / "organization.yaml").read_text(encoding="utf-8"))


def edited(tmp_path: Path, change: str, to: str) -> Path:
    """A copy of the bundled data with one text of organization.yaml replaced."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "organization.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(change) == 1
    path.write_text(text.replace(change, to), encoding="utf-8")
    return copy


@pytest.mark.parametrize("lang", ("es", "fr"))
def test_an_office_named_in_english_prints_the_un_name_of_its_country_in_spanish_and_french(lang: str) -> None:
    dataset = load_dataset(DATA)
    office = next(o for o in organization_yaml()["offices"] if o["id"] == "mex")
    assert isinstance(office["name"], str)  # given in the organization's language (English) only
    expected = un_name(office["country_code"], lang)
    for report in (build_country(dataset, "mex", 2024, lang), build_brief(dataset, "mex-justice", 2024, lang)):
        assert (report.office.name, report.office.country) == (expected, expected)
    donor = build_donor(dataset, "sweden", 2024, lang)
    assert expected in donor.countries


def test_an_office_keeps_its_name_in_the_organizations_language() -> None:
    office = next(o for o in organization_yaml()["offices"] if o["id"] == "mex")
    report = build_country(load_dataset(DATA), "mex", 2024, "en")
    assert (report.office.name, report.office.country) == (office["name"], office["country"])


def test_a_name_the_data_gives_per_language_is_used_in_that_language_in_every_part(tmp_path: Path) -> None:
    folder = edited(
        tmp_path,
        "    name: Mexico Country Office\n",
        "    name:\n      en: Mexico Country Office\n      es: Oficina en México (nombre de prueba)\n",
    )
    dataset = load_dataset(folder)
    report = build_country(dataset, "mex", 2024, "es")
    assert report.office.name == "Oficina en México (nombre de prueba)"
    assert all(c.office.name == report.office.name for c in report.chapters)  # the chapters too
    assert report.office.name in report.summary and report.office.name in report.title
    # French is not given: the UN name of the country
    assert build_country(dataset, "mex", 2024, "fr").office.name == un_name("MX", "fr")


def test_an_office_without_a_country_code_keeps_the_name_the_data_gives(tmp_path: Path) -> None:
    folder = edited(tmp_path, "    country_code: MX\n", "")
    report = build_country(load_dataset(folder), "mex", 2024, "es")
    office = next(o for o in organization_yaml(folder)["offices"] if o["id"] == "mex")
    assert (report.office.name, report.office.country) == (office["name"], office["country"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_organization_and_partners_are_named_in_the_report_language(lang: str) -> None:
    data = organization_yaml()
    dataset = in_language(load_dataset(DATA), lang)
    organization = data["organization"]
    assert dataset.organization.name == organization["name"][lang]
    assert dataset.organization.display_name == organization["short_name"][lang]
    for partner in data["partners"]:
        named = dataset.partners[partner["id"]]
        name = partner["name"] if isinstance(partner["name"], str) else partner["name"].get(lang, partner["name"]["en"])
        assert named.name == name
        short = partner.get("short_name")
        if isinstance(short, dict):
            assert named.display_name == short.get(lang, short["en"])
        if partner.get("type"):
            want = partner["type"] if lang == "en" else translations(lang)[partner["type"]]
            assert named.type == want and want


def test_bundled_names_use_the_published_forms() -> None:
    organization = organization_yaml()["organization"]
    assert organization["short_name"] == {"en": "UN Women", "es": "ONU Mujeres", "fr": "ONU Femmes"}


@pytest.mark.parametrize("lang", ("es", "fr"))
def test_every_partner_type_the_importer_writes_is_translated(lang: str) -> None:
    assert set(ORGANISATION_TYPE.values()) <= set(PARTNER_TYPES)
    catalog = translations(lang)
    assert all(catalog.get(kind) for kind in PARTNER_TYPES), [k for k in PARTNER_TYPES if not catalog.get(k)]


def test_a_partner_type_outside_the_vocabulary_prints_as_written(tmp_path: Path) -> None:
    folder = edited(tmp_path, "    type: United Nations pooled fund\n", "    type: Fondation privée X\n")
    assert in_language(load_dataset(folder), "es").partners["mptfo"].type == "Fondation privée X"


def test_a_name_in_an_unknown_language_code_is_an_error_at_its_line(tmp_path: Path) -> None:
    folder = edited(tmp_path, "    name: Mexico Country Office\n", "    name:\n      English: Mexico Country Office\n")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    lines = (folder / "organization.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == "name:" and "English" in lines[i])
    (issue,) = [i for i in info.value.issues if i.file is not None and i.file.name == "organization.yaml"]
    assert issue.line == line and issue.field is not None and "name" in issue.field
    assert "language codes look like" in issue.message
