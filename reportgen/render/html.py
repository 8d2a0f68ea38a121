"""Render stage: a report model (+ charts, options) -> an HTML document string.

Templates see only the model, the charts, the options and the theme; data strings are
escaped by Jinja's autoescaping.
"""

from __future__ import annotations

import base64
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from ..charts import ChartFigure
from ..errors import TemplateRenderError
from ..options import RenderOptions
from ..themes import load_theme
from .environment import environment
from .loader import RefusedTemplate


@dataclass(frozen=True)
class HtmlDocument:
    """Rendered HTML, ready for the PDF stage."""

    html: str
    title: str
    lang: str


def svg_data_uri(chart: ChartFigure) -> str:
    """The chart's SVG as a ``data:`` URI for an ``<img>`` element."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")


def render_html(
    template: str,
    report: object,
    charts: Mapping[str, ChartFigure],
    options: RenderOptions,
    title: str,
    lang: str,
    locale: str,
) -> HtmlDocument:
    """Render ``template`` in ``lang`` with the report model; template errors become RenderError.

    ``locale`` (``es_MX``) gives the document's language tag (``es-MX``)."""
    theme = load_theme(options.theme_dir)
    env = environment(options.templates_dir, lang, theme.templates)
    tag = locale.replace("_", "-")
    try:
        html = env.get_template(template).render(
            report=report, charts=charts, options=options, svg_data_uri=svg_data_uri, title=title, lang=tag, theme=theme
        )
    except TemplateError as exc:
        raise template_error(exc, template) from exc
    except Exception as exc:  # 1/0, or a range over the sandbox's cap: the template's, if it raised it
        if not raised_by_template(exc):
            raise
        raise template_error(exc, template) from exc
    return HtmlDocument(html=html, title=title, lang=tag)


#: Where reportgen's own code lies: an error raised there (in a filter) is reportgen's, not a template's.
_PACKAGE = Path(__file__).resolve().parents[1]
_TEMPLATE_FILES = (".html", ".htm", ".j2")


def raised_by_template(exc: BaseException) -> bool:
    """Whether the innermost frame of a template or of reportgen's code that ``exc`` went
    through is a template line (Jinja names template frames after their files), so that the
    template, not a bug of reportgen, raised it (library frames, such as Jinja's, are skipped)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(_TEMPLATE_FILES):
            return True
        if Path(frame.filename).resolve().is_relative_to(_PACKAGE):
            return False
    return False


def template_error(exc: Exception, template: str) -> TemplateRenderError:
    """``exc`` located in its template: a syntax error knows its file and line; for an error
    met while rendering, the innermost template line being run (Jinja rewrites the traceback
    so that its frames are template lines)."""
    if isinstance(exc, TemplateSyntaxError):
        file = Path(exc.filename) if exc.filename else None
        return TemplateRenderError(exc.message or str(exc), file, exc.lineno, exc.name or template)
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith(_TEMPLATE_FILES)]
    if isinstance(exc, RefusedTemplate):  # located at the file refused, named by whoever asked for it
        asked = f" (named at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        return TemplateRenderError(f"{exc.reason}{asked}", exc.file, None, template)
    detail = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
    if frames:
        return TemplateRenderError(detail, Path(frames[-1].filename), frames[-1].lineno, template)
    return TemplateRenderError(detail, None, None, template)
