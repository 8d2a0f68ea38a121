"""The Jinja2 environment: template search path, sandbox, autoescaping, filters and i18n.

Every template runs sandboxed (:mod:`reportgen.render.sandbox`): a theme's template overrides
may come with the data. Template files are read by :mod:`reportgen.render.loader`, which never
follows a symbolic link out of a search folder. One environment per template search path per
process (cached), so a batch worker parses each template once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from .. import formatting, labels
from ..i18n import translations
from ..model.text import localize
from ..paths import TEMPLATES_DIR
from ..sdg import goal_title
from .loader import ContainedLoader, SearchFolder
from .narrative import narrative
from .sandbox import ReportSandbox


def _version() -> str:
    from .. import __version__

    return __version__


@pass_context
def qr_code(context: Context, url: str) -> str:
    """A QR code of ``url`` as a ``data:`` URI of vector SVG, for an ``<img>`` (see reportgen.qr),
    in black ink only with ``--print``. ReportLab is imported on first use, so commands that
    render nothing do not pay for it."""
    from ..qr import qr_data_uri

    options = context.get("options")
    return qr_data_uri(url, for_print=bool(getattr(options, "print_ready", False)))


#: What css_string writes as a hex escape: every code point that could end a CSS string
#: (quotes, backslash, the newlines LF, CR and FF, CSS Syntax 3 sections 3.3 and 4.3.5), all
#: other controls (C0, DEL, C1, vertical tab included), what could end the ``<style>`` element
#: or read as markup (``<``, ``>``, ``&``), the line and paragraph separators, and the code
#: points CSS reads as U+FFFD anyway (NUL, lone surrogates), which are written as U+FFFD.
_CSS_ESCAPED = re.compile(r"[\x00-\x1f\x7f-\x9f\"'\\<>&\u2028\u2029\ud800-\udfff]")


def _css_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0 or 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return f"\\{code:x} "  # the space ends the escape, and is part of it


def css_string(value: object) -> Markup:
    """``value`` as one quoted CSS string token, safe inside a ``<style>`` element: the one way
    data text reaches CSS (running headers and footers, ``content:``). Read back by a CSS parser
    it is ``value`` exactly (NUL and lone surrogates become U+FFFD, as CSS makes them)."""
    return Markup(f'"{_CSS_ESCAPED.sub(_css_escape, str(value))}"')


@lru_cache(maxsize=32)
def environment(
    user_templates: Path | None = None, lang: str = "en", theme_templates: Path | None = None
) -> Environment:
    """A sandboxed Jinja environment searching ``user_templates`` first, then the theme's
    templates (a folder that must lie inside its theme folder, ``theme_templates.parent``),
    then the built-in templates, with the fixed text translated into ``lang``."""
    search = [SearchFolder(user_templates)] if user_templates else []
    if theme_templates:
        search.append(SearchFolder(theme_templates, within=theme_templates.parent))
    search.append(SearchFolder(TEMPLATES_DIR))
    env = ReportSandbox(
        loader=ContainedLoader(search),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = translations(lang)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=formatting.money,
        headline_money=formatting.headline_money,
        number=formatting.number,
        percent=formatting.percent,
        long_date=formatting.long_date,
        indicator_value=formatting.indicator_value,
        sdg_title=lambda goal: catalog.gettext(goal_title(goal)),
        activity_status=lambda code: catalog.gettext(labels.ACTIVITY_STATUS[code]),
        gender_marker=lambda code: catalog.gettext(labels.GENDER_MARKER[code]),
        result_level=lambda code: catalog.gettext(labels.RESULT_LEVEL[code]),
        css_string=css_string,
        localize=localize,
        language_name=formatting.language_name,
        narrative=narrative,
        qr_code=qr_code,
    )
    env.globals["version"] = _version()
    env.globals["hides_cents"] = formatting.hides_cents
    return env
