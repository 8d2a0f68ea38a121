"""load_dataset: the sample data loads exactly; every data problem is reported, located, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.errors import DataError, Severity
from reportgen.load import load_dataset
from reportgen.model import Dataset

from ..datafiles import ORGANIZATION

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "data"


#: The required fields of a valid outcome; tests append the sections they exercise.
HEADER = """\
id: x
office: mex
short_title: Test outcome
statement: A test outcome statement.
period: {start: 2020, end: 2024}
"""

UNDEFINED_NOBODY = "partner 'nobody' is not defined in organization.yaml"

#: A progress note for the report year (2024, the period's end), so an outcome lints clean.
NOTE = "progress:\n  - {year: 2024, status: achieved, note: The outcome was achieved.}\n"
NEGATIVE = "must be >= 0, got -5 (a refund is a row marked refund: true)"


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the one line of ``text`` that contains ``needle``."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}, expected exactly one"
    return found[0]


@dataclass(frozen=True)
class DataFolder:
    """A data folder in tmp_path: organization.yaml plus whatever outcome files a test writes."""

    root: Path

    def write_organization(self, text: str) -> Path:
        path = self.root / "organization.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def write(self, text: str, name: str = "x.yaml") -> Path:
        path = self.root / "outcomes" / name
        path.write_text(text, encoding="utf-8")
        return path

    def write_bytes(self, content: bytes, name: str = "x.yaml") -> Path:
        path = self.root / "outcomes" / name
        path.write_bytes(content)
        return path

    def load(self) -> Dataset:
        return load_dataset(self.root)

    def error(self) -> DataError:
        with pytest.raises(DataError) as info:
            load_dataset(self.root)
        return info.value

    def problems(self) -> list[str]:
        """Every issue of the DataError the folder raises, as printed."""
        return [str(issue) for issue in self.error().issues]


@pytest.fixture
def data(tmp_path: Path) -> DataFolder:
    folder = DataFolder(tmp_path / "data")
    (folder.root / "outcomes").mkdir(parents=True)
    folder.write_organization(ORGANIZATION)
    return folder


# --- the sample data -------------------------------------------------------------------


def test_sample_data_loads_every_outcome_file() -> None:
    dataset = load_dataset(SAMPLE_DATA)
    assert sorted(dataset.outcomes) == sorted(p.stem for p in (SAMPLE_DATA / "outcomes").glob("*.yaml"))
    for outcome_id in dataset.outcomes:
        assert dataset.source_of(outcome_id) == SAMPLE_DATA / "outcomes" / f"{outcome_id}.yaml"


def test_sample_amounts_are_decimal_never_float() -> None:
    dataset = load_dataset(SAMPLE_DATA)
    amounts: list[object] = []
    for outcome in dataset.outcomes.values():
        for row in outcome.contributions:
            amounts += [row.development, row.humanitarian, row.total]
        for line in outcome.resources:
            amounts += [line.budget.core, line.budget.non_core]
            if line.expenditure is not None:
                amounts += [line.expenditure.core, line.expenditure.non_core]
        for indicator in outcome.indicators:
            amounts += list(indicator.actuals.values())
    present = [amount for amount in amounts if amount is not None]
    assert present
    assert all(type(amount) is Decimal for amount in present)


def test_sample_decimal_keeps_its_written_digits() -> None:
    # col-economic.yaml writes this expenditure as 611480.60
    outcome = load_dataset(SAMPLE_DATA).outcome("col-economic")
    line = next(line for line in outcome.resources if line.year == 2022)
    assert line.expenditure is not None
    assert str(line.expenditure.non_core) == "611480.60"


def test_yaml_decimal_loads_as_exact_decimal(data: DataFolder) -> None:
    data.write(
        HEADER
        + """\
resources:
  - year: 2022
    budget: {core: 120000, non_core: 340000}
    expenditure: {core: 118500, non_core: 301250.50}
"""
    )
    [line] = data.load().outcome("x").resources
    assert line.expenditure is not None
    assert type(line.expenditure.non_core) is Decimal
    assert str(line.expenditure.non_core) == "301250.50"


def test_total_check_is_exact_where_floats_are_not(data: DataFolder) -> None:
    # As floats, 0.1 + 0.2 != 0.3: the stated total would be refused.
    data.write(
        HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 0.1, humanitarian: 0.2, total: 0.3}\n"
    )
    [row] = data.load().outcome("x").contributions
    assert row.total == row.development + row.humanitarian == Decimal("0.3")


def test_budget_parts_given_as_numeric_text_add_up_to_their_total(data: DataFolder) -> None:
    """JSON exports often quote amounts: the parts are read as exact numbers, and so is their total."""
    data.write(HEADER + 'resources:\n  - {year: 2022, budget: {core: "120000.10", non_core: "0.20"}}\n')
    [line] = data.load().outcome("x").resources
    assert line.budget is not None
    assert line.budget.total == Decimal("120000.30")


def test_a_budget_part_that_is_not_a_number_is_the_only_error(data: DataFolder) -> None:
    """Not also "total: required field is missing": the total is computed, never asked for."""
    text = HEADER + "resources:\n  - {year: 2022, budget: {core: lots, non_core: 5}}\n"
    path = data.write(text)
    line = line_of(text, "core: lots")
    assert data.problems() == [f"{path}:{line}: resources[0].budget.core: input should be a valid decimal, got 'lots'"]


# --- one located error per check -------------------------------------------------------


def test_negative_amount(data: DataFolder) -> None:
    text = HEADER + (
        "contributions:\n"
        "  - {partner: p1, year: 2021, development: 100, humanitarian: 0}\n"
        "  - {partner: p1, year: 2022, development: -5, humanitarian: 0}\n"
    )
    path = data.write(text)
    line = line_of(text, "development: -5")
    assert data.problems() == [f"{path}:{line}: contributions[1].development: {NEGATIVE}"]


def test_duplicate_key_is_an_error_not_a_silent_overwrite(data: DataFolder) -> None:
    text = HEADER + (
        "contributions:\n"
        "  - partner: p1\n"
        "    year: 2021\n"
        "    development: 100\n"
        "    development: 200\n"
        "    humanitarian: 0\n"
    )
    path = data.write(text)
    first, second = line_of(text, "development: 100"), line_of(text, "development: 200")
    assert data.problems() == [
        f"{path}:{second}: contributions[0].development: key given twice (first at line {first}); "
        "only one value can be right"
    ]


def test_yaml_boolean_where_text_is_expected_explains_the_quoting(data: DataFolder) -> None:
    text = HEADER.replace("short_title: Test outcome", "short_title: no")
    path = data.write(text)
    line = line_of(text, "short_title")
    assert data.problems() == [
        f"{path}:{line}: short_title: must be text, got false "
        "(YAML reads yes/no/on/off as true/false: put the value in quotes)"
    ]


def test_total_must_equal_development_plus_humanitarian(data: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 100, humanitarian: 5, total: 110}\n"
    path = data.write(text)
    line = line_of(text, "total: 110")
    assert data.problems() == [
        f"{path}:{line}: contributions[0].total: must equal development + humanitarian (100 + 5 = 105), got 110"
    ]


def test_missing_required_field(data: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 100}\n"
    path = data.write(text)
    line = line_of(text, "development: 100")
    assert data.problems() == [f"{path}:{line}: contributions[0].humanitarian: required field is missing"]


def test_missing_top_level_field_points_at_the_document(data: DataFolder) -> None:
    path = data.write(HEADER.replace("statement: A test outcome statement.\n", ""))
    assert data.problems() == [f"{path}:1: statement: required field is missing"]


def test_unknown_field(data: DataFolder) -> None:
    text = HEADER + "colour: red\n"
    path = data.write(text)
    line = line_of(text, "colour")
    assert data.problems() == [f"{path}:{line}: colour: unknown field (check its spelling against docs/data-format.md)"]


def test_partner_not_defined(data: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: nobody, year: 2021, development: 100, humanitarian: 0}\n"
    path = data.write(text)
    line = line_of(text, "nobody")
    assert data.problems() == [f"{path}:{line}: contributions[0].partner: {UNDEFINED_NOBODY}"]


def test_office_not_defined(data: DataFolder) -> None:
    text = HEADER.replace("office: mex", "office: atlantis")
    path = data.write(text)
    line = line_of(text, "office:")
    assert data.problems() == [f"{path}:{line}: office: office 'atlantis' is not defined in organization.yaml"]


@pytest.mark.parametrize(
    ("section", "field", "year"),
    [
        (
            "contributions:\n  - {partner: p1, year: 2026, development: 1, humanitarian: 0}\n",
            "contributions[0].year",
            2026,
        ),
        ("progress:\n  - {year: 2019, note: Too early.}\n", "progress[0].year", 2019),
        ("resources:\n  - {year: 2026, budget: {core: 1, non_core: 1}}\n", "resources[0].year", 2026),
        ("report_year: 2025\n", "report_year", 2025),
    ],
    ids=["contribution", "progress", "resources", "report_year"],
)
def test_year_outside_the_period(data: DataFolder, section: str, field: str, year: int) -> None:
    text = HEADER + section
    path = data.write(text)
    line = line_of(text, str(year))
    assert data.problems() == [f"{path}:{line}: {field}: must be within the period 2020-2024, got {year}"]


def test_duplicate_contribution_row(data: DataFolder) -> None:
    text = HEADER + (
        "contributions:\n"
        "  - {partner: p1, year: 2021, development: 100, humanitarian: 0}\n"
        "  - {partner: p2, year: 2021, development: 100, humanitarian: 0}\n"
        "  - {partner: p1, year: 2021, development: 250, humanitarian: 0}\n"
    )
    path = data.write(text)
    line, first = line_of(text, "development: 250"), line_of(text, "p1, year: 2021, development: 100")
    assert data.problems() == [
        f"{path}:{line}: contributions[2]: duplicate row for partner 'p1' in 2021 (first at line {first})"
    ]


def test_duplicate_progress_year(data: DataFolder) -> None:
    text = HEADER + (
        "progress:\n"
        "  - {year: 2021, status: some_progress, note: First note.}\n"
        "  - {year: 2022, status: achieved, note: Second note.}\n"
        "  - {year: 2021, status: achieved, note: Third note.}\n"
    )
    path = data.write(text)
    line, first = line_of(text, "Third note"), line_of(text, "First note")
    assert data.problems() == [f"{path}:{line}: progress[2].year: second note for 2021 (first at line {first})"]


def test_sdg_allocation_must_sum_to_100(data: DataFolder) -> None:
    text = HEADER + "sdg_allocation:\n  - {goal: 5, share: 60}\n  - {goal: 16, share: 30.5}\n"
    path = data.write(text)
    line = line_of(text, "sdg_allocation")
    assert data.problems() == [f"{path}:{line}: sdg_allocation: shares must sum to 100, got 90.5"]


def test_sdg_target_must_belong_to_its_goal(data: DataFolder) -> None:
    text = HEADER + "sdgs:\n  - goal: 5\n    targets: ['5.2', '16.1']\n"
    path = data.write(text)
    line = line_of(text, "targets")
    assert data.problems() == [f"{path}:{line}: sdgs[0].targets: target 16.1 does not belong to goal 5"]


def test_indicator_target_year_before_baseline_year(data: DataFolder) -> None:
    text = HEADER + (
        "indicators:\n"
        "  - id: ind-1\n"
        "    name: Number of shelters\n"
        "    baseline: {year: 2022, value: 4}\n"
        "    target: {year: 2021, value: 10}\n"
    )
    path = data.write(text)
    line = line_of(text, "target:")
    assert data.problems() == [
        f"{path}:{line}: indicators[0].target: target year 2021 is before the baseline year 2022"
    ]


def test_unknown_currency(data: DataFolder) -> None:
    text = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: 1, humanitarian: 0, currency: ZZZ}\n"
    path = data.write(text)
    line = line_of(text, "ZZZ")
    assert data.problems() == [f"{path}:{line}: contributions[0].currency: not an ISO 4217 currency code, got 'ZZZ'"]


def test_mixed_currencies_in_one_outcome_load_with_a_warning(data: DataFolder) -> None:
    text = HEADER + (
        "contributions:\n"
        "  - {partner: p1, year: 2021, development: 1, humanitarian: 0}\n"
        "  - {partner: p2, year: 2021, development: 1, humanitarian: 0, currency: EUR}\n"
    )
    path = data.write(text)
    line = line_of(text, "contributions:")
    dataset = data.load()
    assert (
        f"{path}:{line}: contributions: warning: mixes currencies EUR, USD: the brief shows each currency "
        "separately, but the office's annual report needs one currency"
    ) in [str(w) for w in dataset.warnings]
    assert {c.currency for c in dataset.outcome("x").contributions} == {None, "EUR"}


def test_resource_line_with_only_totals_in_its_own_currencies(data: DataFolder) -> None:
    text = HEADER + (
        "resources:\n"
        "  - {year: 2021, budget: {total: 3000, currency: EUR}, expenditure: {total: 125.5, currency: USD}}\n"
        "  - {year: 2022, expenditure: {core: 1, non_core: 2}}\n"
    )
    data.write(text)
    first, second = data.load().outcome("x").resources
    assert first.budget is not None and first.expenditure is not None
    assert (first.budget.total, first.budget.currency, first.budget.is_split) == (Decimal(3000), "EUR", False)
    assert (first.expenditure.total, first.expenditure.currency) == (Decimal("125.5"), "USD")
    assert second.budget is None and second.expenditure is not None
    assert (second.expenditure.total, second.expenditure.is_split) == (Decimal(3), True)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{year: 2021}", "resources[0]: give a budget, an expenditure or both"),
        ("{year: 2021, budget: {currency: EUR}}", "resources[0].budget: give core and non_core amounts, or a total"),
        (
            "{year: 2021, budget: {core: 1, non_core: 2, total: 4}}",
            "total must equal core + non_core (1 + 2 = 3), got 4",
        ),
    ],
)
def test_resource_line_problems(data: DataFolder, line: str, message: str) -> None:
    data.write(HEADER + f"resources:\n  - {line}\n")
    (problem,) = data.problems()
    assert message in problem


def test_duplicate_outcome_id_in_two_files(data: DataFolder) -> None:
    first = data.write(HEADER, "x.yaml")
    second = data.write(HEADER, "y.yaml")
    line = line_of(HEADER, "id: x")
    assert data.problems() == [f"{second}:{line}: id: duplicate outcome id 'x' (also in {first})"]


def test_invalid_yaml_reports_its_line(data: DataFolder) -> None:
    text = HEADER.replace("statement: A test outcome statement.", "statement: Justice: for all")
    path = data.write(text)
    line = line_of(text, "statement:")
    column = text.splitlines()[line - 1].index(": for") + 1  # the second colon, 1-based
    assert data.problems() == [f"{path}:{line}:{column}: invalid YAML: mapping values are not allowed here"]


def test_non_utf8_file_reports_the_line_of_the_bad_byte(data: DataFolder) -> None:
    text = HEADER.replace("A test outcome statement.", "Programa de acci\xf3n.")
    path = data.write_bytes(text.encode("latin-1"))
    line = line_of(text, "Programa")
    assert data.problems() == [f"{path}:{line}: not UTF-8 text (byte 0xf3); save the file as UTF-8"]


@pytest.mark.parametrize("content", ["", "# nothing but a comment\n"], ids=["empty", "comment-only"])
def test_empty_file(data: DataFolder, content: str) -> None:
    path = data.write(content)
    assert data.problems() == [f"{path}: file is empty"]


def test_unsupported_extension_lists_the_supported_ones(data: DataFolder) -> None:
    path = data.write("id,office\nx,mex\n", "x.txt")
    assert data.problems() == [f"{path}: unsupported file type '.txt'; supported: .json, .yaml, .yml"]


def test_missing_organization_file(data: DataFolder) -> None:
    data.write(HEADER)
    (data.root / "organization.yaml").unlink()
    assert data.problems() == [
        f"{data.root}: no organization file in the data folder "
        "(looked for organization.json, organization.yaml, organization.yml)"
    ]


# --- every problem at once -------------------------------------------------------------


def test_all_problems_of_a_file_are_reported_together(data: DataFolder) -> None:
    text = """\
id: x
office: mex
short_title: Test outcome
period: {start: 2020, end: 2024}
colour: red
contributions:
  - {partner: p1, year: 2021, development: -5, humanitarian: 0}
  - {partner: p1, year: 2022, development: 10, humanitarian: 0, currency: ZZZ}
"""
    path = data.write(text)
    error = data.error()
    assert sorted(str(issue) for issue in error.issues) == sorted(
        [
            f"{path}:1: statement: required field is missing",
            f"{path}:{line_of(text, 'colour')}: colour: unknown field (check its spelling against docs/data-format.md)",
            f"{path}:{line_of(text, '-5')}: contributions[0].development: {NEGATIVE}",
            f"{path}:{line_of(text, 'ZZZ')}: contributions[1].currency: not an ISO 4217 currency code, got 'ZZZ'",
        ]
    )
    assert str(error).startswith("4 problems in the data:\n")


def test_rule_checks_are_reported_together(data: DataFolder) -> None:
    text = HEADER.replace("office: mex", "office: atlantis") + (
        "contributions:\n"
        "  - {partner: nobody, year: 2021, development: 1, humanitarian: 0}\n"
        "  - {partner: p1, year: 2030, development: 1, humanitarian: 0}\n"
        "sdg_allocation:\n"
        "  - {goal: 5, share: 50}\n"
    )
    path = data.write(text)
    assert sorted(data.problems()) == sorted(
        [
            f"{path}:2: office: office 'atlantis' is not defined in organization.yaml",
            f"{path}:{line_of(text, 'nobody')}: contributions[0].partner: {UNDEFINED_NOBODY}",
            f"{path}:{line_of(text, '2030')}: contributions[1].year: must be within the period 2020-2024, got 2030",
            f"{path}:{line_of(text, 'sdg_allocation')}: sdg_allocation: shares must sum to 100, got 50",
        ]
    )


def test_problems_of_several_files_are_reported_together(data: DataFolder) -> None:
    bad_amount = HEADER + "contributions:\n  - {partner: p1, year: 2021, development: -1, humanitarian: 0}\n"
    first = data.write(bad_amount, "a.yaml")
    unknown_field = HEADER.replace("id: x", "id: y") + "colour: red\n"
    second = data.write(unknown_field, "b.yaml")
    problems = data.problems()
    assert len(problems) == 2
    assert problems[0].startswith(f"{first}:{line_of(bad_amount, '-1')}: contributions[0].development: ")
    assert problems[1].startswith(f"{second}:{line_of(unknown_field, 'colour')}: colour: unknown field")


def test_schema_and_rule_problems_are_reported_together(data: DataFolder) -> None:
    text = HEADER + (
        "contributions:\n"
        "  - {partner: nobody, year: 2021, development: 100, humanitarian: 0}\n"
        "  - {partner: p1, year: 2022, development: -5, humanitarian: 0}\n"
    )
    path = data.write(text)
    problems = data.problems()
    assert f"{path}:{line_of(text, '-5')}: contributions[1].development: {NEGATIVE}" in problems
    assert f"{path}:{line_of(text, 'nobody')}: contributions[0].partner: {UNDEFINED_NOBODY}" in problems


# --- lint warnings ---------------------------------------------------------------------


def test_clean_data_has_no_warnings(data: DataFolder) -> None:
    data.write(HEADER + NOTE)
    assert data.load().warnings == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "statement: A test outcome statement.",
            "statement: Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
            "placeholder text ('Lorem ipsum')",
        ),
        ("short_title: Test outcome", "short_title: TBD", "placeholder value"),
        (
            "statement: A test outcome statement.",
            "statement: No data available",
            "'No data available' written as a value; leave the field out instead",
        ),
    ],
    ids=["lorem-ipsum", "tbd", "no-data-available"],
)
def test_placeholder_text_is_a_located_warning(data: DataFolder, old: str, new: str, message: str) -> None:
    text = HEADER.replace(old, new) + NOTE
    path = data.write(text)
    dataset = data.load()
    field = new.split(":")[0]
    assert [str(issue) for issue in dataset.warnings] == [f"{path}:{line_of(text, new)}: {field}: warning: {message}"]
    assert [issue.severity for issue in dataset.warnings] == [Severity.WARNING]


def test_no_data_available_in_a_nested_field(data: DataFolder) -> None:
    text = HEADER + NOTE + "indicators:\n  - id: ind-1\n    name: Number of shelters\n    source: No data available\n"
    path = data.write(text)
    [warning] = data.load().warnings
    assert warning.severity is Severity.WARNING
    assert (warning.file, warning.line, warning.field) == (path, line_of(text, "source:"), "indicators[0].source")


def test_sentence_repeated_in_one_field(data: DataFolder) -> None:
    sentence = "The programme trained 640 police officers in three states."
    text = HEADER + (
        "progress:\n"
        "  - year: 2021\n"
        "    note: |\n"
        f"      {sentence} Referral pathways were set up.\n"
        "\n"
        f"      Shelters opened in two cities. {sentence}\n"
    )
    path = data.write(text)
    [warning] = data.load().warnings
    assert warning.severity is Severity.WARNING
    assert str(warning) == (
        f"{path}:{line_of(text, 'note:')}: progress[0].note: warning: "
        f"the same sentence appears more than once: {sentence!r}"
    )


def test_sentence_repeated_across_fields_is_not_flagged(data: DataFolder) -> None:
    sentence = "The programme trained 640 police officers in three states."
    data.write(HEADER + f"progress:\n  - {{year: 2021, note: {sentence}}}\n  - {{year: 2022, note: {sentence}}}\n")
    assert data.load().warnings == ()


def test_warnings_do_not_stop_loading(data: DataFolder) -> None:
    data.write(HEADER.replace("short_title: Test outcome", "short_title: TBD") + NOTE)
    dataset = data.load()
    assert list(dataset.outcomes) == ["x"]
    assert len(dataset.warnings) == 1


def test_namibia_country_code_is_not_a_placeholder(data: DataFolder) -> None:
    data.write_organization(
        ORGANIZATION.replace("    country: Mexico\n", "    country: Namibia\n    country_code: NA\n")
    )
    data.write(HEADER + NOTE)
    assert data.load().warnings == ()
