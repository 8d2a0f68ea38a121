"""Narrative fields (outcome statement, objectives, progress notes) as a small Markdown subset.

``narrative(text)`` returns sanitised HTML (a :class:`~markupsafe.Markup`) for templates.
Writers may use paragraphs, *emphasis*, **strong emphasis**, bullet and numbered lists, hard
line breaks (two spaces at a line's end) and links to ``http``, ``https`` and ``mailto``
addresses. Everything else is text and prints as written: raw HTML, headings, block quotes,
code, tables, images (``![alt](url)``) and links to any other kind of address.

Links are printed, never fetched: the link text is followed by its address in brackets
(unless the text already is the address), and the text stays a clickable link in the PDF.
The HTML is built by markdown-it-py with only those rules enabled, then cleaned by nh3 to an
allow-list, so no tag, attribute or URL scheme outside the subset can reach WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

#: The HTML a narrative may turn into: nothing that loads, styles or scripts anything.
ALLOWED_TAGS = frozenset({"p", "em", "strong", "ul", "ol", "li", "a", "br"})
#: ``start`` keeps a numbered list that begins at 3 (or at a year: "2024. ...") printing its numbers.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
#: The only addresses a link may point to.
URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: markdown-it rules turned on over its "zero" preset (paragraphs and text only).
_RULES = ["list", "emphasis", "link", "autolink", "image", "newline", "escape"]
#: Deepest block nesting the parser follows; past it markdown-it stops reading the text.
MAX_NESTING = 20


def _valid_link(url: str) -> bool:
    """Only absolute http, https and mailto addresses become links; others stay text."""
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in URL_SCHEMES or not rest.strip():
        return False
    return scheme.lower() == "mailto" or rest.startswith("//")


def _printed_address(href: str) -> str:
    """The address as printed after a link: an e-mail address without its ``mailto:``."""
    return href[len("mailto:") :] if href.lower().startswith("mailto:") else href


def _same_address(text: str, href: str) -> bool:
    """Whether the link text already shows the address (so printing it again adds nothing)."""
    text = text.strip().rstrip("/").lower()
    printed = _printed_address(href).rstrip("/").lower()
    return text in (printed, href.rstrip("/").lower()) or printed.split("//", 1)[-1] == text


def _link_text(tokens: Sequence[Token], close: int) -> tuple[Token, str]:
    """The ``link_open`` token matching the ``link_close`` at ``close``, and the text between."""
    start = close - 1
    while tokens[start].type != "link_open":
        start -= 1
    text = "".join(token.content for token in tokens[start + 1 : close] if token.type in ("text", "softbreak"))
    return tokens[start], text


def _render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """``</a>`` followed by the address in brackets, so it survives printing."""
    opening, text = _link_text(tokens, idx)
    href = str(opening.attrGet("href") or "")
    if opening.markup == "autolink" or _same_address(text, href):
        return "</a>"
    return f"</a> ({escape(_printed_address(href))})"


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image prints as the Markdown that asked for it; nothing is embedded or fetched."""
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or ())
    title = token.attrGet("title")
    shown = f'{token.attrGet("src")} "{title}"' if title else str(token.attrGet("src"))
    return str(escape(f"![{alt}]({shown})"))


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The process's Markdown parser for narrative fields (see the module docstring)."""
    md = MarkdownIt(
        "zero", {"html": False, "linkify": False, "typographer": False, "breaks": False, "maxNesting": MAX_NESTING}
    )
    md.enable(_RULES)
    md.validateLink = _valid_link  # type: ignore[method-assign]
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("image", _render_image)
    return md


def sanitize(html: str) -> str:
    """``html`` reduced to the allow-list: other tags dropped (their text kept), other
    attributes and URL schemes removed, comments stripped."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        # "*": no attribute on every tag (nh3 would otherwise keep lang and title everywhere)
        attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _plain(text: str) -> str:
    """``text`` as escaped paragraphs (split on blank lines), with no Markdown at all."""
    blocks = (" ".join(block.split()) for block in text.strip().split("\n\n"))
    return "\n".join(f"<p>{escape(block)}</p>" for block in blocks if block)


def narrative_html(text: str) -> str:
    """``text`` rendered as the Markdown subset and sanitised.

    Lists nested so deep that markdown-it would stop reading (and drop the rest of the
    text) make the whole field print as plain paragraphs instead: nothing is ever lost."""
    md = parser()
    tokens = md.parse(text)
    if any(token.level >= MAX_NESTING - 1 for token in tokens):
        return _plain(text)
    return sanitize(md.renderer.render(tokens, md.options, {})).strip()


def narrative(value: object) -> Markup:
    """A narrative field's text (a string or a :class:`~reportgen.model.text.Localized`) as
    sanitised HTML paragraphs, lists and links."""
    return Markup(narrative_html(str(value)))
