"""Narrative fields: the small Markdown subset, sanitised, and everything else printed as text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from markupsafe import Markup

from reportgen.model.text import Localized
from reportgen.paths import TEMPLATES_DIR
from reportgen.render import environment
from reportgen.render.narrative import ALLOWED_TAGS, narrative, sanitize


def tags(html: str) -> set[str]:
    return {name.lower() for name in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


# --- what the subset gives -------------------------------------------------------------------


def test_plain_paragraphs_stay_paragraphs() -> None:
    assert narrative("One line\nwrapped.\n\nSecond paragraph.") == Markup(
        "<p>One line\nwrapped.</p>\n<p>Second paragraph.</p>"
    )


def test_emphasis_and_strong() -> None:
    assert narrative("a *b* _c_ **d** __e__") == Markup(
        "<p>a <em>b</em> <em>c</em> <strong>d</strong> <strong>e</strong></p>"
    )


def test_bullet_and_numbered_lists() -> None:
    html = str(narrative("Results:\n- one\n- two\n\n1. first\n2. second"))
    assert "<p>Results:</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_a_numbered_list_keeps_its_first_number() -> None:
    # A note that starts "2024. ..." is a list in Markdown: it must still print "2024."
    assert narrative("2024. A good year.") == Markup('<ol start="2024">\n<li>A good year.</li>\n</ol>')


def test_hard_line_break() -> None:
    assert narrative("first  \nsecond") == Markup("<p>first<br>\nsecond</p>")


def test_link_prints_its_address_after_the_text() -> None:
    assert narrative("See [the data](https://example.org/d?a=1&b=2).") == Markup(
        '<p>See <a href="https://example.org/d?a=1&amp;b=2">the data</a> (https://example.org/d?a=1&amp;b=2).</p>'
    )


@pytest.mark.parametrize(
    "source",
    [
        "<https://example.org/x>",
        "[https://example.org/x](https://example.org/x)",
        "[example.org/x](https://example.org/x)",
    ],
)
def test_link_whose_text_is_the_address_prints_it_once(source: str) -> None:
    html = str(narrative(source))
    assert html.count("example.org/x") == 2  # the href and the text, nothing appended
    assert '<a href="https://example.org/x">' in html


def test_mailto_link_prints_the_address_without_the_scheme() -> None:
    assert narrative("[Write to us](mailto:office@example.org)") == Markup(
        '<p><a href="mailto:office@example.org">Write to us</a> (office@example.org)</p>'
    )
    assert narrative("<office@example.org>") == Markup(
        '<p><a href="mailto:office@example.org">office@example.org</a></p>'
    )


def test_backslash_escapes_print_the_character() -> None:
    assert narrative(r"5 \* 3 and \_x\_") == Markup("<p>5 * 3 and _x_</p>")


def test_localized_text_is_accepted() -> None:
    assert narrative(Localized("*hola*", "es")) == Markup("<p><em>hola</em></p>")


# --- what it refuses -------------------------------------------------------------------------

LITERAL = [
    "<b>bold</b>",
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "<style>body{background:url(http://127.0.0.1:1/x)}</style>",
    '<link rel="attachment" href="file:///etc/passwd">',
    '<a href="https://example.org" rel="attachment">x</a>',
    "<!-- comment -->",
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}",
    "&amp; &lt;b&gt;",
]


@pytest.mark.parametrize("text", LITERAL)
def test_html_and_template_syntax_print_literally(text: str) -> None:
    html = str(narrative(text))
    assert tags(html) == {"p"}
    assert unescape(html.removeprefix("<p>").removesuffix("</p>")) == text


@pytest.mark.parametrize(
    "text",
    [
        "![x](file:///etc/passwd)",
        "![x](http://127.0.0.1:1/md)",
        '![x](https://example.org/a.png "title")',
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](file:///etc/passwd)",
        "[x](ftp://example.org/f)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](relative/path.html)",
        "[x](/absolute/path)",
        "[x](#anchor)",
        "[x](//example.org/protocol-relative)",
        "<javascript:alert(1)>",
        "<file:///etc/passwd>",
    ],
)
def test_images_and_other_addresses_print_as_written(text: str) -> None:
    html = str(narrative(text))
    assert tags(html) == {"p"}, html
    assert "href" not in html and "src" not in html
    assert html.startswith("<p>") and html.endswith("</p>")
    assert unescape(html[3:-4]) == text


@pytest.mark.parametrize(
    "text",
    ["# Heading", "> quoted", "    indented code", "`code`", "| a | b |\n|---|---|\n| 1 | 2 |", "***", "Title\n====="],
)
def test_other_markdown_constructs_stay_text(text: str) -> None:
    assert tags(str(narrative(text))) == {"p"}


def test_every_tag_produced_is_allowed() -> None:
    source = "\n\n".join(
        [
            "*a* **b** [c](https://e.org) <https://e.org> line  \nbreak",
            "- x\n- y\n\n3. z",
            *LITERAL,
        ]
    )
    assert tags(str(narrative(source))) <= ALLOWED_TAGS


def test_sanitize_keeps_only_the_allow_list() -> None:
    dirty = (
        '<p class="x" style="color:red" title="t" lang="en">p</p><a href="javascript:alert(1)">j</a>'
        '<a href="https://e.org" rel="attachment" target="_blank">e</a><img src="file:///x"><ol start="2" type="a">'
        '<li>i</li></ol><style>@import url(file:///x);</style><script>x()</script><object data="file:///x"></object>'
    )
    clean = sanitize(dirty)
    assert tags(clean) <= ALLOWED_TAGS
    assert "file:" not in clean and "javascript:" not in clean and "rel=" not in clean
    assert '<a href="https://e.org">e</a>' in clean and '<ol start="2">' in clean and "<p>p</p>" in clean


# --- in the templates ------------------------------------------------------------------------


def test_environment_escapes_data_in_every_template() -> None:
    env = environment()
    names = env.list_templates(extensions=["html"])
    assert "brief.html" in names and "partials/donor/outcome.html" in names
    assert callable(env.autoescape)
    assert all(env.autoescape(name) for name in names)
    assert env.autoescape(None)  # templates from strings too
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize("name", sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.html")))
def test_no_template_marks_data_safe(name: str) -> None:
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    assert not re.search(r"\|\s*safe\b|autoescape\s+false|Markup", source), name


def test_narrative_filter_is_registered() -> None:
    env = environment()
    assert env.from_string("{{ x | narrative }}").render(x="*a* <b>") == "<p><em>a</em> &lt;b&gt;</p>"


def test_lists_nested_past_the_parsers_limit_print_as_plain_text() -> None:
    # markdown-it stops reading at its nesting limit; the field must not lose the rest.
    text = "- " * 30 + "deep\n\nafter *this*"
    html = str(narrative(text))
    assert tags(html) == {"p"}
    assert "deep" in html and "after *this*" in html


def test_lists_nested_a_few_levels_are_lists() -> None:
    html = str(narrative("- a\n  - b\n    - c"))
    assert html.count("<ul>") == 3 and "c</li>" in html


def test_long_emphasis_runs_keep_all_their_text() -> None:
    html = str(narrative("*" * 60 + "x" + "*" * 60 + " [" * 500 + "y"))
    assert "x" in html and html.count("[") == 500 and "y" in html
