"""Render stage: a report model (+ charts, options) -> an HTML document string.

Templates see only the model, the charts and the options; data strings are escaped
by Jinja's autoescaping.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import TemplateError

from ..charts import ChartFigure
from ..errors import RenderError
from ..options import RenderOptions
from .environment import environment


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
    env = environment(options.templates_dir, lang)
    tag = locale.replace("_", "-")
    try:
        html = env.get_template(template).render(
            report=report, charts=charts, options=options, svg_data_uri=svg_data_uri, title=title, lang=tag
        )
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or template
        line = getattr(exc, "lineno", None)
        raise RenderError(f"template {where}{f':{line}' if line else ''}: {exc}") from exc
    return HtmlDocument(html=html, title=title, lang=tag)
