"""Reports in English, Spanish and French: complete catalogs, translated labels, local formats.

Every kind is rendered in Spanish and French and read back: no fixed English text is left,
numbers, money and dates follow the locale, narrative without a translation is marked.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from pypdf import PdfReader

from reportgen import Dataset, load_dataset, write_report
from reportgen.i18n import LOCALES_DIR

from .. import seed
from ..conftest import DATA, ROOT
from ..pdfread import TaggedPdf, norm

LANGUAGES = ("es", "fr")
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def source_messages() -> set[str]:
    """Every translatable string in the code and templates today."""
    ids: set[str] = set()
    for folder in (ROOT / "reportgen", ROOT / "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), METHODS, OPTIONS, keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
        ):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_and_in_step_with_the_code(lang: str) -> None:
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
    missing = sorted(source_messages() - set(messages))
    assert not missing, f"strings not in the {lang} catalog (run make messages, then translate): {missing[:5]}"
    for message in messages.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: no translation for {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation for {message.id!r}"


def ui_phrases(lang: str) -> list[str]:
    """English phrases of the catalog that must not survive translation (several words, no placeholder)."""
    found = []
    for m in catalog(lang):
        if not m.id or not isinstance(m.id, str) or m.string == m.id:
            continue
        if len(m.id.split()) >= 2 and not re.search(r"[{%]", m.id):
            found.append(m.id)
    return found


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA)


JOBS = [
    ("brief", "mex-justice", "es"),
    ("brief", "col-economic", "fr"),
    ("donor", "sweden", "es"),
    ("donor", "mptfo", "fr"),
    ("country", "mex", "es"),
    ("country", "col", "fr"),
]


@pytest.fixture(scope="module")
def rendered(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    out = tmp_path_factory.mktemp("languages")
    return {
        job: write_report(dataset, job[0], job[1], out / f"{job[0]}-{job[1]}-{job[2]}.pdf", lang=job[2]) for job in JOBS
    }


def english_narrative(dataset: Dataset) -> str:
    """All narrative text of the data in English: fallbacks may print it, legitimately."""
    parts = []
    for outcome in dataset.outcomes.values():
        for value in (
            outcome.short_title,
            outcome.statement,
            *(n.note for n in outcome.progress),
            *(i.name for i in outcome.indicators),
        ):
            parts.append(value if isinstance(value, str) else value.get("en", ""))
    return norm(" ".join(parts))


@pytest.mark.parametrize("job", JOBS, ids=["-".join(j) for j in JOBS])
def test_no_english_interface_text_is_left(job: tuple[str, str, str], rendered: dict, dataset: Dataset) -> None:
    text = TaggedPdf(rendered[job]).text
    narrative = english_narrative(dataset)
    left = [p for p in ui_phrases(job[2]) if p in text and p not in narrative]
    assert not left, f"untranslated in {job}: {left}"


@pytest.mark.parametrize("job", JOBS, ids=["-".join(j) for j in JOBS])
def test_document_language_is_set(job: tuple[str, str, str], rendered: dict) -> None:
    lang = str(PdfReader(rendered[job]).trailer["/Root"]["/Lang"])
    assert lang.split("-")[0] == job[2]


def spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@seed.needs_seed
def test_spanish_brief_uses_spanish_labels_and_es_mx_formats(rendered: dict) -> None:
    pdf = TaggedPdf(rendered[("brief", "mex-justice", "es")])
    text = spaced(pdf.text)
    es = {m.id: m.string for m in catalog("es") if m.id}
    # mex-justice has no indicators: "results framework" is named in the line of parts not reported
    for label in ("Outcome summary", "Funding partners' contributions", "Progress", "results framework"):
        assert es[label] in text
    # es_MX: US dollars as "USD", comma thousands; the seed's 2023 figure for Mexico's government
    mexico_2023 = next(c for c in seed.contribution_cells() if c.partner == "Mexico" and c.year == 2023)
    assert mexico_2023.total is not None
    assert f"USD {mexico_2023.total:,.0f}" in text
    assert "30 de junio de 2025" in text
    assert str(PdfReader(rendered[("brief", "mex-justice", "es")]).trailer["/Root"]["/Lang"]) == "es-MX"


def test_french_report_uses_french_formats(rendered: dict) -> None:
    text = spaced(TaggedPdf(rendered[("country", "col", "fr")]).text)
    assert "30 juin 2025" in text
    assert re.search(r"\d{1,3} \d{3} \$US", text), "French money groups with spaces and puts $US after"


def test_untranslated_narrative_is_marked_and_translations_are_used(rendered: dict, dataset: Dataset) -> None:
    es = {m.id: m.string for m in catalog("es") if m.id}
    mark = es["not translated; original in %(language)s"] % {"language": "inglés"}
    justice = spaced(TaggedPdf(rendered[("brief", "mex-justice", "es")]).text)
    assert mark in justice  # the Mexico data is in English only
    statement = dataset.outcomes["mex-evaw"].statement
    assert isinstance(statement, dict) and "es" in statement
    country = spaced(TaggedPdf(rendered[("country", "mex", "es")]).text)
    assert norm(statement["es"])[:80] in country  # the Spanish version is printed, not the English one


@pytest.mark.parametrize("job", JOBS, ids=["-".join(j) for j in JOBS])
def test_fonts_cover_every_character(job: tuple[str, str, str], rendered: dict) -> None:
    from ..pdfread import fonts

    found = fonts(rendered[job])
    assert all(found.values()) and all("Inter" in name for name in found), found


@pytest.mark.parametrize("job", [("donor", "sweden", "es"), ("country", "col", "fr")], ids=["donor-es", "country-fr"])
def test_contents_and_bookmarks_point_at_the_headings_in_every_language(
    job: tuple[str, str, str], rendered: dict
) -> None:
    from .test_country_pdf import outline

    path = rendered[job]
    pdf = TaggedPdf(path)
    marks = outline(path)
    chapters = [(title, page) for depth, title, page in marks[2:] if depth == 0]  # after cover, contents
    assert len(chapters) >= 3
    contents = norm(pdf.page_text[marks[1][2] - 1])
    for title, page in chapters:
        # the heading is on the bookmarked page (it may wrap over two lines) ...
        assert title in norm(pdf.page_text[page - 1]), (title, page)
        # ... and the contents give that page after the dotted leader
        assert re.search(re.escape(title) + r"\s*\.{3,}\s*" + str(page) + r"\b", contents), (title, page)


def un_country(code: str, lang: str) -> str:
    """The UN name of a country in ``lang``, read from the shipped list with the csv module."""
    lines = (ROOT / "reportgen" / "data" / "un_country_names.csv").read_text(encoding="utf-8").splitlines()
    return next(row[lang] for row in csv.DictReader(x for x in lines if not x.startswith("#")) if row["iso2"] == code)


def in_language(value: str | dict[str, str], lang: str) -> str:
    return value if isinstance(value, str) else value.get(lang, value["en"])


@pytest.mark.parametrize("job", JOBS, ids=["-".join(j) for j in JOBS])
def test_names_print_in_the_report_language(job: tuple[str, str, str], rendered: dict, dataset: Dataset) -> None:
    """The organization, the office and the partners print in the report's language: the data's
    names per language, else the UN's name of the office's country; partner types translated."""
    kind, key, lang = job
    pdf = TaggedPdf(rendered[job])
    cover = norm(pdf.page_text[0])
    text = spaced(" ".join(node.text for node in pdf.root.children))  # in reading order, cells whole
    data = yaml.safe_load((DATA / "organization.yaml").read_text(encoding="utf-8"))
    organization = data["organization"]
    assert in_language(organization["short_name"], lang).upper() in cover.upper()
    if kind != "brief":
        assert in_language(organization["name"], lang) in cover  # the cover's foot
    partners = {p["id"]: p for p in data["partners"]}
    types = {m.id: m.string for m in catalog(lang) if m.id}
    if kind == "donor":
        partner = partners[key]
        assert in_language(partner.get("short_name", partner["name"]), lang) in cover
        used = {key}
    else:
        office_id = key if kind == "country" else dataset.outcomes[key].office
        office = next(o for o in data["offices"] if o["id"] == office_id)
        assert un_country(office["country_code"], lang) in cover
        assert kind == "brief" or office["name"] not in cover  # given in English only
        outcomes = [o for o in dataset.outcomes.values() if o.office == office_id] if kind == "country" else []
        used = {c.partner for o in outcomes or [dataset.outcomes[key]] for c in o.contributions}
    for partner_id in used:
        if partners[partner_id].get("type"):
            assert types[partners[partner_id]["type"]] in text, partner_id
            shown = partners[partner_id].get("short_name", partners[partner_id]["name"])  # tables print it
            assert in_language(shown, lang) in text, partner_id


def test_key_figure_labels_say_which_outcomes_they_cover_in_every_language(rendered: dict, dataset: Dataset) -> None:
    from reportgen.build.country import build_country

    for lang, office in (("es", "mex"), ("fr", "col")):
        pdf = TaggedPdf(rendered[("country", office, lang)])
        messages = {m.id[1]: m.string for m in catalog(lang) if isinstance(m.id, tuple)}
        heading = next(m.string for m in catalog(lang) if m.id == "Key figures")
        section = next(s for s in pdf.root.find("Sect") if s.text.startswith(heading))
        labels = [spaced(item.text).replace(" ,", ",") for item in section.find("LI")]
        count = sum(1 for o in dataset.outcomes.values() if o.office == office)
        every = messages["all {count} outcomes"][1 if count > 1 else 0].format(count=count).upper()
        assert sum(1 for label in labels if f", {every} " in label) == 3, labels  # contributions, partners, shares
    # an office with an outcome that has ended: "2 of 3" in the words of each catalog
    year = max(o.period.end for o in dataset.outcomes.values() if o.office == "mex")
    outcomes = [o for o in dataset.outcomes.values() if o.office == "mex"]
    running = sum(1 for o in outcomes if year in o.period)
    assert running < len(outcomes)
    for lang in LANGUAGES:
        messages = {m.id[1]: m.string for m in catalog(lang) if isinstance(m.id, tuple)}
        phrase = messages["{count} of {total} outcomes"][1].format(count=running, total=len(outcomes))
        assert build_country(dataset, "mex", year, lang).key_figures.coverage == phrase
