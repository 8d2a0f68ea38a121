"""The two YAML parsers behind ``load_yaml``: libyaml (fast) and PyYAML's own (reference).

Every file must give the same data and the same line of every field through either parser,
and a file libyaml refuses must get exactly the reference parser's message, so the fast path
changes speed and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.errors import DataError
from reportgen.load import source
from reportgen.synthetic import write_dataset

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted([*ROOT.joinpath("data").rglob("*.yaml"), *ROOT.joinpath("tests", "data").rglob("*.yaml")])

pytestmark = pytest.mark.skipif(source._CParser is None, reason="PyYAML was built without libyaml")


def _both(file: Path, text: str) -> tuple[object, object]:
    fast = source._load_yaml_fast(file, text)
    reference = source._load_yaml_reference(file, text)
    return (fast.data, fast.locations), (reference.data, reference.locations)


@pytest.mark.parametrize("file", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_files_parse_the_same_either_way(file: Path) -> None:
    fast, reference = _both(file, file.read_text(encoding="utf-8"))
    assert fast == reference


def test_synthetic_files_parse_the_same_either_way(tmp_path: Path) -> None:
    write_dataset(tmp_path, 4, seed=3)
    for file in sorted(tmp_path.rglob("*.yaml")):
        fast, reference = _both(file, file.read_text(encoding="utf-8"))
        assert fast == reference, file.name


BROKEN = {
    "mapping in a plain value": "id: a: b\n",
    "unclosed quote": 'id: "abc\nname: x\n',
    "tab indentation": "id: a\nlist:\n\t- 1\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "unknown tag": "id: !!python/object:os.system x\n",
    "control character": "id: a\x07b\n",
    "two documents": "id: a\n---\nid: b\n",
    "alias to nothing": "id: *nowhere\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_file_libyaml_refuses_gets_the_reference_message(tmp_path: Path, text: str) -> None:
    file = tmp_path / "outcome.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as through_load:
        source.load_yaml(file)
    with pytest.raises(DataError) as reference:
        source._load_yaml_reference(file, text)
    assert [str(i) for i in through_load.value.issues] == [str(i) for i in reference.value.issues]


def test_keys_given_twice_are_found_on_the_fast_path(tmp_path: Path) -> None:
    file = tmp_path / "outcome.yaml"
    file.write_text("id: a\nname: x\nid: b\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        source.load_yaml(file)
    (issue,) = caught.value.issues
    assert (issue.line, issue.field) == (3, "id")
    assert "key given twice (first at line 1)" in issue.message


def test_deep_nesting_is_refused_with_a_message(tmp_path: Path) -> None:
    file = tmp_path / "outcome.yaml"
    file.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        source.load_yaml(file)
    assert "nested too deeply" in str(caught.value.issues[0])


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from("ab:- \n'\"[]{}#&*!|>%@,?0.5\t"), max_size=60))
def test_any_text_gets_the_same_document_or_the_reference_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """Whatever the text, ``load_yaml`` gives the reference parser's document, or its error.

    One leniency is allowed: odd syntax that libyaml reads unambiguously and PyYAML refuses
    (a comment right after ``|``, a tab after a value) is accepted."""
    file = tmp_path_factory.mktemp("yaml") / "x.yaml"
    file.write_text(text, encoding="utf-8")
    try:
        got = source.load_yaml(file)
    except DataError as exc:
        with pytest.raises(DataError) as reference:
            source._load_yaml_reference(file, text)
        assert [str(i) for i in exc.issues] == [str(i) for i in reference.value.issues]
        return
    try:
        expected = source._load_yaml_reference(file, text)
    except DataError:
        return  # the leniency above
    assert (got.data, got.locations) == (expected.data, expected.locations)
