"""The Jinja2 environment: template search path, autoescaping, filters and i18n.

One environment per template search path per process (cached), so a batch worker
parses each template once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from .. import formatting, labels
from ..i18n import translations
from ..model.text import localize
from ..paths import TEMPLATES_DIR
from ..sdg import goal_title
from .narrative import narrative


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


def css_string(value: object) -> Markup:
    """``value`` as a quoted CSS string, safe inside a ``<style>`` element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup(f'"{text}"')


@lru_cache(maxsize=32)
def environment(
    user_templates: Path | None = None, lang: str = "en", theme_templates: Path | None = None
) -> Environment:
    """A Jinja environment searching ``user_templates`` first, then the theme's templates, then
    the built-in templates, with the fixed text translated into ``lang``."""
    search = [FileSystemLoader(str(folder)) for folder in (user_templates, theme_templates) if folder]
    search.append(FileSystemLoader(str(TEMPLATES_DIR)))
    env = Environment(
        loader=ChoiceLoader(search),
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
    return env
