"""Templates run sandboxed, are read only inside their folders, and data text reaches CSS only as
one escaped CSS string: the classic Jinja escapes refused (and a canary proves nothing ran),
symlinks, FIFOs and oversized files refused by name without their content, and css_string read
back by a real CSS parser (tinycss2, WeasyPrint's) as exactly the text it was given."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, TemplateError

from reportgen import load_dataset
from reportgen.kinds import kind
from reportgen.limits import current
from reportgen.options import RenderOptions
from reportgen.paths import TEMPLATES_DIR
from reportgen.render.environment import css_string, environment
from reportgen.render.loader import TEMPLATE_LIMIT, RefusedTemplate
from reportgen.themes import load_theme

ROOT = Path(__file__).resolve().parents[2]

#: Classic escapes, each of which would create the file CANARY if it ran.
ESCAPES = {
    "function globals": "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('touch CANARY').read() }}",
    "attr filter": "{{ (lipsum | attr('__globals__'))['os'].popen('touch CANARY').read() }}",
    "attr filter, hex-escaped": "{{ (lipsum | attr('\\x5f\\x5fglobals\\x5f\\x5f'))['os'].popen('touch CANARY') }}",
    "mro subclasses": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
        "{{ c('touch CANARY', shell=True) }}{% endif %}{% endfor %}"
    ),
    "builtins import": "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch CANARY') }}",
    "map attribute": "{{ [lipsum] | map(attribute='__globals__') | map(attribute='os') | first }}",
    "path from the context": "{{ theme.folder.joinpath('CANARY').touch() }}",
    "format string": "{{ '{0.__init__.__globals__[os].system}'.format(cycler) }}",
    "format_map": "{{ '{x.__init__.__globals__}'.format_map({'x': cycler}) }}",
    "format filter": "{{ '%s' | format(cycler.__init__.__globals__) }}",
    "pydantic file reader": "{{ report.organization.parse_file('/etc/passwd') }}",
    "mutating a list": "{% set x = [] %}{{ x.append(theme.folder.joinpath('CANARY').touch()) }}",
}

#: Expressions that would fill memory or take forever if they ran.
BOMBS = {
    "range": "{{ range(10**10) | list | length }}",
    "string repeat": "{{ ('x' * 10**10) | length }}",
    "list repeat": "{{ ([1] * 10**9) | length }}",
    "power": "{{ (9 ** (9 ** 9)) | string | length }}",
    "printf width": "{{ ('%999999999d' % 1) | length }}",
    "format width": "{{ ('{:>999999999}'.format(1)) | length }}",
    "format filter width": "{{ ('%999999999s' | format(1)) | length }}",
    "center": "{{ ('x' | center(10**9)) | length }}",
    "indent": "{{ ('x\ny' | indent(10**9)) | length }}",
    "padding method": "{{ 'x'.ljust(10**9) | length }}",
    "zfill": "{{ '1'.zfill(10**9) | length }}",
}


@pytest.fixture(scope="module")
def context() -> dict[str, object]:
    """What a template sees when a brief is rendered (the report, options, theme...)."""
    dataset = load_dataset(ROOT / "data")
    report = kind("brief").build(dataset, "mex-justice", None, None, None)
    theme = load_theme()
    return {"report": report, "options": RenderOptions(), "theme": theme, "charts": {}, "title": "t", "lang": "en"}


def overridden(tmp_path: Path, source: str) -> Environment:
    """The environment of a new ``--templates`` folder whose ``partials/logo.html`` is ``source``."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "logo.html").write_text(source, encoding="utf-8")
    return environment(folder, "en", None)


@pytest.mark.parametrize("payload", ESCAPES.values(), ids=list(ESCAPES))
def test_a_classic_escape_is_refused_and_runs_nothing(
    payload: str, tmp_path: Path, context: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "CANARY"
    env = overridden(tmp_path, payload.replace("CANARY", str(canary)))
    with pytest.raises(TemplateError) as refused:
        env.get_template("partials/logo.html").render(**context)
    assert not canary.exists()
    assert "root:" not in str(refused.value)  # /etc/passwd was not read into the message


@pytest.mark.parametrize("payload", BOMBS.values(), ids=list(BOMBS))
def test_a_memory_bomb_stops_at_once(payload: str, tmp_path: Path, context: dict[str, object]) -> None:
    env = overridden(tmp_path, payload)
    started = time.perf_counter()
    with pytest.raises((TemplateError, OverflowError)):
        env.get_template("partials/logo.html").render(**context)
    assert time.perf_counter() - started < 2


def test_the_bounds_leave_ordinary_templates_alone(tmp_path: Path, context: dict[str, object]) -> None:
    source = (
        "{{ 'ab' * 3 }}|{{ 2 ** 10 }}|{{ '%5.1f' % 2.25 }}|{{ '%s-%s' | format(1, 2) }}|{{ '{:>4}'.format(7) }}|"
        "{{ 'x' | center(5) }}|{{ range(3) | list | length }}|{{ report.organization.display_name }}|"
        "{{ theme.name }}|{{ theme.settings.charts.palette | length }}|"
        "{% for i in [1, 2] %}{{ loop.index }}{% endfor %}"
    )
    rendered = overridden(tmp_path, source).get_template("partials/logo.html").render(**context)
    theme = load_theme()
    organization = context["report"].organization  # type: ignore[attr-defined]
    expected = [
        "ab" * 3,
        str(2**10),
        format(2.25, "5.1f"),
        "1-2",
        format(7, ">4"),
        "x".center(5),
        "3",
        organization.display_name,
        theme.name,
        str(len(theme.settings.charts.palette)),
        "12",
    ]
    assert rendered == "|".join(expected)


def test_translations_and_filters_format_data_as_text(tmp_path: Path, context: dict[str, object]) -> None:
    """gettext's ``%(name)s`` formatting, the Markdown and CSS filters and ``format`` treat data as
    text: a format string or template code inside a value prints as written."""
    value = "{0.real} {0.__class__} %(x)s %s {{ 7*7 }} {% if 1 %}"
    source = (
        "{{ _('Report year %(year)s', year=value) }}|{{ value | narrative }}|{{ value | css_string }}|"
        "{{ '%s' | format(value) }}|{{ '{}'.format(value) }}"
    )
    rendered = overridden(tmp_path, source).get_template("partials/logo.html").render(value=value, **context)
    gettext, markdown, css, printf, formatted = rendered.split("|")
    assert gettext == f"Report year {value}" and printf == value and formatted == value
    assert "{0.real}" in markdown and "%(x)s %s {{ 7*7 }} {% if 1 %}" in markdown
    assert tinycss2.parse_one_component_value(css).value == value


def test_a_path_in_the_context_prints_but_cannot_be_used(tmp_path: Path, context: dict[str, object]) -> None:
    env = overridden(tmp_path, "{{ theme.folder }}")
    assert env.get_template("partials/logo.html").render(**context) == str(load_theme().folder)
    for attribute in ("read_text()", "parent", "name", "exists()"):
        env = overridden(tmp_path, f"{{{{ theme.folder.{attribute} }}}}")
        with pytest.raises(TemplateError, match="unsafe"):
            env.get_template("partials/logo.html").render(**context)


def test_a_template_cannot_list_the_theme_folder(tmp_path: Path, context: dict[str, object]) -> None:
    env = overridden(tmp_path, "{{ theme.files() }}")
    with pytest.raises(TemplateError, match="not safely callable"):
        env.get_template("partials/logo.html").render(**context)


# --- the loader --------------------------------------------------------------------------------


SECRET = "TOPSECRET-7f3a content of a file outside the template folder"


def templates_with(tmp_path: Path) -> tuple[Path, Path]:
    """(a --templates folder, a secret file outside it)."""
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    secret = tmp_path / "secret.html"
    secret.write_text(SECRET, encoding="utf-8")
    return folder, secret


def refusal(env: Environment, name: str) -> RefusedTemplate:
    with pytest.raises(RefusedTemplate) as refused:
        env.get_template(name)
    assert SECRET not in str(refused.value) and "root:" not in str(refused.value)
    return refused.value


def test_a_symlink_out_of_the_folder_is_refused_by_name(tmp_path: Path) -> None:
    folder, secret = templates_with(tmp_path)
    (folder / "partials" / "logo.html").symlink_to(secret)
    refused = refusal(environment(folder, "en", None), "partials/logo.html")
    assert refused.file == folder / "partials" / "logo.html"
    assert f"outside the template folder {folder}" in refused.reason


def test_a_symlink_to_etc_passwd_is_refused(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    (folder / "partials" / "logo.html").symlink_to("/etc/passwd")
    assert "outside" in refusal(environment(folder, "en", None), "partials/logo.html").reason


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    (folder / "partials" / "real.html").write_text("inside", encoding="utf-8")
    (folder / "partials" / "logo.html").symlink_to("real.html")
    assert environment(folder, "en", None).get_template("partials/logo.html").render() == "inside"


def test_a_themes_templates_folder_linked_out_of_the_theme_is_refused(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    outside, _ = templates_with(tmp_path)
    (outside / "partials" / "logo.html").write_text(SECRET, encoding="utf-8")
    (theme / "templates").symlink_to(outside)
    refused = refusal(environment(None, "en", theme / "templates"), "partials/logo.html")
    assert refused.reason.startswith(f"{theme / 'templates'}: ") and "outside the theme folder" in refused.reason


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    os.mkfifo(folder / "partials" / "logo.html")
    started = time.perf_counter()
    assert "not a regular file" in refusal(environment(folder, "en", None), "partials/logo.html").reason
    assert time.perf_counter() - started < 2  # it did not wait for a writer


def test_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    (folder / "partials" / "logo.html").symlink_to("/dev/zero")  # outside, and a device
    assert refusal(environment(folder, "en", None), "partials/logo.html")
    (folder / "partials" / "title.html").mkdir()
    assert "not a regular file" in refusal(environment(folder, "en", None), "partials/title.html").reason


def test_an_oversized_template_is_refused(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    most: int = getattr(current(), TEMPLATE_LIMIT)
    with (folder / "partials" / "logo.html").open("wb") as handle:
        handle.truncate(most + 1)  # sparse: no disk used
    reason = refusal(environment(folder, "en", None), "partials/logo.html").reason
    assert f"file is {most + 1} bytes: more than {TEMPLATE_LIMIT}=" in reason and "--limit" in reason


def test_a_template_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    (folder / "partials" / "logo.html").write_bytes(b"caf\xe9")
    assert "UTF-8" in refusal(environment(folder, "en", None), "partials/logo.html").reason


def test_an_override_shadows_the_built_in_template_and_dot_dot_finds_nothing(tmp_path: Path) -> None:
    folder, _ = templates_with(tmp_path)
    (folder / "partials" / "logo.html").write_text("mine", encoding="utf-8")
    env = environment(folder, "en", None)
    assert env.get_template("partials/logo.html").render() == "mine"
    assert env.get_template("macros.html").filename == str(TEMPLATES_DIR / "macros.html")
    with pytest.raises(TemplateError):
        env.get_template("../secret.html")


# --- css_string --------------------------------------------------------------------------------


def css_value(css: str) -> list[tinycss2.ast.Node]:
    """The value of the one declaration of the one rule in ``css``, whitespace left out."""
    rules = [rule for rule in tinycss2.parse_stylesheet(css) if rule.type != "whitespace"]
    assert len(rules) == 1 and rules[0].type == "qualified-rule", rules
    declarations = [d for d in tinycss2.parse_declaration_list(rules[0].content) if d.type != "whitespace"]
    assert len(declarations) == 1 and declarations[0].type == "declaration", declarations
    return [token for token in declarations[0].value if token.type != "whitespace"]


def as_css_reads_it(text: str) -> str:
    """What CSS can hold of ``text``: NUL and lone surrogates become U+FFFD (CSS Syntax 3, 3.3)."""
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)


HOSTILE = ["\r", "\f", "\r\n", "\n", "\x0b", "\x00", '"', "'", "\\", "</style>", ";}", "/*", "*/", "\u2028", "\ud800"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(st.characters(), st.sampled_from(HOSTILE)), max_size=30).map("".join))
def test_css_string_is_one_string_token_holding_the_text(text: str) -> None:
    tokens = css_value(f"a {{ content: {css_string(text)}; }}")
    assert len(tokens) == 1 and tokens[0].type == "string"
    assert tokens[0].value == as_css_reads_it(text)


BREAKOUTS = ["UN Women\r} body { color: red } a {", 'x"; } @page { margin: 0 } a { b: "']


@pytest.mark.parametrize("text", [*HOSTILE, *BREAKOUTS])
def test_css_string_keeps_the_style_element_and_the_rule_whole(text: str) -> None:
    written = str(css_string(text))
    assert not re.search(r"[<>&\x00-\x1f\x7f\u2028\u2029]", written)  # nothing ends <style> or the line
    tokens = css_value(f"a {{ content: {written} counter(page); }}")
    assert tokens[1].type == "function" and tokens[1].name == "counter"
    tokens = tokens[:1]
    assert [token.value for token in tokens] == [as_css_reads_it(text)]


def test_every_expression_inside_a_style_element_goes_through_css_string() -> None:
    """The one way data text reaches CSS: in every template, each ``{{ }}`` in a <style> ends in css_string."""
    checked = 0
    for template in [*TEMPLATES_DIR.rglob("*.html"), *(ROOT / "themes").rglob("*.html")]:
        source = template.read_text(encoding="utf-8")
        for style in re.findall(r"<style\b.*?</style>", source, flags=re.S):
            for expression in re.findall(r"\{\{(.*?)\}\}", style, flags=re.S):
                assert re.search(r"\|\s*css_string\s*$", expression), (template, expression)
                checked += 1
        assert not re.search(r"style=\"[^\"]*\{\{", source) or "serve" in template.parts, template
    assert checked >= 4
