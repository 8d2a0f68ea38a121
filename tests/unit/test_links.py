"""Online-page address patterns (``organization.links``): every load-time rule with its message,
located to file, line and field in YAML and JSON; how placeholders are filled in and encoded;
the JSON Schema; and re-imports of IATI data keeping the patterns someone added."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from reportgen.build import build_brief
from reportgen.build.country import build_country
from reportgen.build.donor import build_donor
from reportgen.errors import DataError
from reportgen.iati import import_file
from reportgen.load import load_dataset
from reportgen.model.links import PLACEHOLDERS, check_pattern, expand
from reportgen.scaffold.schema import json_schema

from ..datafiles import MINIMAL_OUTCOME, ORGANIZATION
from ..iati_xml import activity, document, write

LINKS_AT = "  data_as_of: 2025-03-31\n"


def organization_with(links: str) -> str:
    """The test organization file with ``links:`` (indented YAML lines) under ``organization``."""
    assert ORGANIZATION.count(LINKS_AT) == 1
    return ORGANIZATION.replace(LINKS_AT, LINKS_AT + "  links:\n" + links)


def write_folder(
    root: Path, organization: str, outcome: str = MINIMAL_OUTCOME, name: str = "organization.yaml"
) -> Path:
    (root / "outcomes").mkdir(parents=True)
    (root / name).write_text(organization, encoding="utf-8")
    (root / "outcomes" / "x.yaml").write_text(outcome, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(root)
    return [str(issue) for issue in info.value.issues]


# --- the rules, each with its message ------------------------------------------------------

BAD_PATTERNS = [
    (
        "ftp://files.example.org/{id}",
        "must be an absolute http:// or https:// address, got 'ftp://files.example.org/{id}'",
    ),
    ("/outcomes/{id}", "must be an absolute http:// or https:// address, got '/outcomes/{id}'"),
    ("javascript:alert(1)//{id}", "must be an absolute http:// or https:// address"),
    ("mailto:info@example.org", "must be an absolute http:// or https:// address"),
    ("https:///outcomes/{id}", "has no host name after https:// (https://example.org/...)"),
    ("https://example.org:99999/{id}", "is not a valid address (Port out of range 0-65535)"),
    ("https://example.org/{id", "'{' at character 21 is not closed by '}' (write a literal brace as %7B)"),
    ("https://example.org/{id}}", "'}' at character 25 has no '{' before it (write a literal brace as %7D)"),
    ("https://example.org/id}/{year}", "'}' at character 23 has no '{' before it"),
    ("https://example.org/{a{id}}", "'{' at character 21 is not closed by '}'"),
    ("https://example.org/{name}", "unknown placeholder {name}; use {id}, {year}, {lang}, {reference}"),
    ("https://example.org/{}", "unknown placeholder {}; use {id}, {year}, {lang}, {reference}"),
    ("https://example.org/{ID}", "unknown placeholder {ID}; use {id}, {year}, {lang}, {reference}"),
    ("https://example.org/{id:>5}", "unknown placeholder {id:>5}"),
    ("https://example.org/a b/{id}", "must not contain spaces or control characters (write a space as %20)"),
    ("https://example.org/r\u00e9sultats/{id}", "must be ASCII: percent-encode other characters (é as %C3%A9)"),
    ("https://example.org/%zz/{id}", "'%' must start a percent-encoded byte such as %20"),
    ("https://example.org/a|b/{id}", "| cannot appear in an address; percent-encode it"),
    ('https://example.org/"{id}"', '" cannot appear in an address'),
    ("", "must not be empty (leave the field out for no link)"),
]


@pytest.mark.parametrize(("pattern", "message"), BAD_PATTERNS, ids=[p or "empty" for p, _ in BAD_PATTERNS])
def test_a_bad_pattern_is_refused_with_what_to_change(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        check_pattern(pattern, "outcome")


GOOD_PATTERNS = [
    "https://open.unwomen.org/en/results/outcomes/{id}",
    "http://example.org/{lang}/partners/{id}?year={year}",
    "HTTPS://Example.org/{id}",
    "https://example.org:8443/a%20b/{id}#top",
    "https://{lang}.example.org/{year}/{id}",
    "https://d-portal.org/ctrack.html#view=act&aid={reference}",
    "https://example.org/static-page",  # no placeholder: every report links to one page
]


@pytest.mark.parametrize("pattern", GOOD_PATTERNS)
def test_good_patterns_are_accepted_as_written(pattern: str) -> None:
    assert check_pattern(pattern, "outcome") == pattern


@pytest.mark.parametrize("kind", ["partner", "office"])
def test_reference_is_only_an_outcome_placeholder(kind: str) -> None:
    with pytest.raises(ValueError, match=rf"^\{{reference\}} cannot be used in {kind} addresses; use \{{id\}}, "):
        check_pattern("https://example.org/{reference}", kind)  # type: ignore[arg-type]
    assert PLACEHOLDERS[kind] == ("id", "year", "lang")


# --- filling in -------------------------------------------------------------------------------


def test_values_are_percent_encoded_so_they_cannot_change_the_address() -> None:
    hostile = "XM-DAC-41146/MEX 2024?x=1&y=ü#frag"
    url = expand(
        "https://example.org/activity/{reference}?lang={lang}", "outcome", {"reference": hostile, "lang": "es"}
    )
    assert url == "https://example.org/activity/XM-DAC-41146%2FMEX%202024%3Fx%3D1%26y%3D%C3%BC%23frag?lang=es"
    parts = urlsplit(url)
    assert parts.netloc == "example.org" and parts.query == "lang=es" and not parts.fragment
    assert unquote(parts.path.rsplit("/", 1)[1]) == hostile


def test_unreserved_characters_are_kept_and_years_are_plain_numbers() -> None:
    url = expand("https://example.org/{id}/{year}", "outcome", {"id": "mex-justice_1.a~b", "year": 2024})
    assert url == "https://example.org/mex-justice_1.a~b/2024"


@pytest.mark.parametrize("missing", [None, ""])
def test_a_placeholder_without_a_value_gives_no_address(missing: str | None) -> None:
    assert expand("https://example.org/{reference}", "outcome", {"reference": missing}) is None


# --- loading: located errors, every rule in one run ------------------------------------------


def test_every_bad_pattern_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    text = organization_with(
        '    outcome: "ftp://example.org/{id}"\n'
        '    partner: "https://example.org/{reference}"\n'
        '    office: "https://example.org/{id"\n'
    )
    root = write_folder(tmp_path / "data", text)
    lines = {
        kind: n
        for n, line in enumerate(text.splitlines(), 1)
        for kind in ("outcome", "partner", "office")
        if line.strip().startswith(f"{kind}:")
    }
    at = {kind: f"{root / 'organization.yaml'}:{line}: organization.links.{kind}" for kind, line in lines.items()}
    assert sorted(problems(root)) == sorted(
        [
            f"{at['outcome']}: must be an absolute http:// or https:// address, got 'ftp://example.org/{{id}}'",
            f"{at['partner']}: {{reference}} cannot be used in partner addresses; use {{id}}, {{year}}, {{lang}}",
            f"{at['office']}: '{{' at character 21 is not closed by '}}' (write a literal brace as %7B), "
            "got 'https://example.org/{id'",
        ]
    )


def test_unknown_kinds_and_wrong_types_are_located(tmp_path: Path) -> None:
    text = organization_with("    outcomes: https://example.org/{id}\n    office: 12\n")
    root = write_folder(tmp_path / "data", text)
    org = root / "organization.yaml"
    outcomes_line = text.splitlines().index("    outcomes: https://example.org/{id}") + 1
    assert sorted(problems(root)) == sorted(
        [
            f"{org}:{outcomes_line}: organization.links.outcomes: unknown field "
            "(check its spelling against docs/data-format.md)",
            f"{org}:{outcomes_line + 1}: organization.links.office: input should be a valid string, got 12",
        ]
    )


def test_links_that_are_not_a_mapping_are_located(tmp_path: Path) -> None:
    text = ORGANIZATION.replace(LINKS_AT, LINKS_AT + "  links: https://example.org/{id}\n")
    root = write_folder(tmp_path / "data", text)
    line = text.splitlines().index("  links: https://example.org/{id}") + 1
    assert problems(root) == [
        f"{root / 'organization.yaml'}:{line}: organization.links: must be a mapping of fields (name: value), "
        "got text 'https://example.org/{id}'"
    ]


def test_the_json_organization_file_takes_the_same_fields_and_messages(tmp_path: Path) -> None:
    organization = yaml.safe_load(ORGANIZATION)
    organization["organization"]["data_as_of"] = "2025-03-31"
    organization["organization"]["links"] = {
        "outcome": "https://example.org/{id}",
        "office": "https://example.org/{nope}",
    }
    text = json.dumps(organization, indent=2)
    root = write_folder(tmp_path / "data", text, name="organization.json")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"office": "https' in row)
    assert problems(root) == [
        f"{root / 'organization.json'}:{line}: organization.links.office: unknown placeholder {{nope}}; "
        "use {id}, {year}, {lang}"
    ]
    organization["organization"]["links"]["office"] = "https://example.org/offices/{id}"
    (root / "organization.json").write_text(json.dumps(organization, indent=2), encoding="utf-8")
    links = load_dataset(root).organization.links
    assert (links.outcome, links.partner, links.office) == (
        "https://example.org/{id}",
        None,
        "https://example.org/offices/{id}",
    )


def test_links_are_optional_and_surrounding_spaces_are_trimmed(tmp_path: Path) -> None:
    plain = load_dataset(write_folder(tmp_path / "plain", ORGANIZATION)).organization.links
    assert (plain.outcome, plain.partner, plain.office) == (None, None, None)
    text = organization_with('    outcome: "  https://example.org/{id}  "\n    partner: null\n')
    links = load_dataset(write_folder(tmp_path / "spaced", text)).organization.links
    assert (links.outcome, links.partner) == ("https://example.org/{id}", None)


# --- report models -------------------------------------------------------------------------------

CONTRIBUTION = "contributions:\n  - {partner: p1, year: 2024, development: 100, humanitarian: 0}\n"
OUTCOME_WITH_REFERENCE = MINIMAL_OUTCOME + "reference: XM-DAC-41146/MEX 2024\n" + CONTRIBUTION


def test_each_report_model_carries_its_own_address(tmp_path: Path) -> None:
    text = organization_with(
        '    outcome: "https://portal.example.org/{lang}/activities/{reference}?y={year}"\n'
        '    partner: "https://portal.example.org/{lang}/partners/{id}?year={year}"\n'
        '    office: "https://portal.example.org/{lang}/offices/{id}/{year}"\n'
    )
    dataset = load_dataset(write_folder(tmp_path / "data", text, OUTCOME_WITH_REFERENCE))
    brief = build_brief(dataset, "x", 2023, lang="fr")
    assert brief.online_url == "https://portal.example.org/fr/activities/XM-DAC-41146%2FMEX%202024?y=2023"
    donor = build_donor(dataset, "p1", 2024, lang="es")
    assert donor.online_url == "https://portal.example.org/es/partners/p1?year=2024"
    assert [o.online_url for o in donor.outcomes] == [
        "https://portal.example.org/es/activities/XM-DAC-41146%2FMEX%202024?y=2024"
    ]
    country = build_country(dataset, "mex", 2024)
    assert country.online_url == "https://portal.example.org/en/offices/mex/2024"
    assert [c.online_url for c in country.chapters] == [
        "https://portal.example.org/en/activities/XM-DAC-41146%2FMEX%202024?y=2024"
    ]


def test_no_pattern_or_no_reference_means_no_address(tmp_path: Path) -> None:
    text = organization_with('    outcome: "https://portal.example.org/activities/{reference}"\n')
    dataset = load_dataset(write_folder(tmp_path / "data", text, MINIMAL_OUTCOME + CONTRIBUTION))
    assert build_brief(dataset, "x").online_url is None  # the outcome has no reference
    assert build_donor(dataset, "p1").online_url is None  # no partner pattern
    assert build_country(dataset, "mex").online_url is None  # no office pattern


# --- JSON Schema -----------------------------------------------------------------------------------


def test_the_organization_schema_describes_links() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema("organization")
    links = schema["$defs"]["OnlineLinks"]
    assert set(links["properties"]) == {"outcome", "partner", "office"}
    assert links["additionalProperties"] is False
    assert "{reference}" in links["properties"]["outcome"]["description"]
    organization = yaml.safe_load(organization_with('    outcome: "https://example.org/{id}"\n'))
    organization["organization"]["data_as_of"] = "2025-03-31"
    jsonschema.validate(organization, schema)
    for bad in ({"outcome": "ftp://example.org/{id}"}, {"outcomes": "https://example.org/"}, {"office": 12}):
        organization["organization"]["links"] = bad
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(organization, schema)


# --- IATI: a re-import keeps the patterns someone added ------------------------------------------


def test_an_iati_reimport_keeps_the_links_added_to_its_organization_file(tmp_path: Path) -> None:
    identifier = "XM-DAC-41146/MEX 01"  # an IATI identifier that must be percent-encoded in an address
    source = write(tmp_path, document(activity(identifier, title="Access to justice")))
    out = tmp_path / "out"
    first = import_file(source, out)
    assert first.ok, first.text()
    organization = out / "organization.yaml"
    text = organization.read_text(encoding="utf-8")
    assert "links:" not in text  # IATI names no web pages: nothing is made up
    pattern = "https://d-portal.org/ctrack.html#view=act&aid={reference}"
    organization.write_text(text.replace("organization:\n", f"organization:\n  links:\n    outcome: {pattern}\n", 1))

    again = import_file(source, out)
    assert again.ok, again.text()
    assert "kept the links (online page addresses) of the earlier organization.yaml" in again.text()
    dataset = load_dataset(out)
    assert dataset.organization.links.outcome == pattern
    (outcome,) = dataset.outcomes.values()
    url = build_brief(dataset, outcome.id).online_url
    assert url == "https://d-portal.org/ctrack.html#view=act&aid=XM-DAC-41146%2FMEX%2001"
    assert unquote(url.rsplit("=", 1)[1]) == identifier


def test_an_unreadable_earlier_organization_file_is_overwritten_with_a_note(tmp_path: Path) -> None:
    source = write(tmp_path, document(activity("XM-A")))
    out = tmp_path / "out"
    import_file(source, out)
    organization = out / "organization.yaml"
    organization.write_text(organization.read_text(encoding="utf-8") + "organization: [broken\n", encoding="utf-8")
    summary = import_file(source, out)
    assert summary.ok, summary.text()
    assert "the links of the earlier organization.yaml are not kept: it cannot be read" in summary.text()
    assert load_dataset(out).organization.links.outcome is None
