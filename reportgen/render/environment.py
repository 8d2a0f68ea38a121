"""The Jinja2 environment: template search path, autoescaping, filters and i18n.

One environment per template search path per process (cached), so a batch worker
parses each template once.
"""

from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import formatting
from ..paths import TEMPLATES_DIR
from ..sdg import goal_title


def _version() -> str:
    from .. import __version__

    return __version__


@lru_cache(maxsize=8)
def environment(user_templates: Path | None = None) -> Environment:
    """A Jinja environment searching ``user_templates`` first, then the built-in templates."""
    search = [FileSystemLoader(str(user_templates))] if user_templates else []
    search.append(FileSystemLoader(str(TEMPLATES_DIR)))
    env = Environment(
        loader=ChoiceLoader(search),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(NullTranslations(), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=formatting.money,
        number=formatting.number,
        percent=formatting.percent,
        long_date=formatting.long_date,
        indicator_value=formatting.indicator_value,
        sdg_title=goal_title,
    )
    env.globals["version"] = _version()
    return env
