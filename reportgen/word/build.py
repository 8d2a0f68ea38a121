"""One report model -> the bytes of its Word edition (the same HTML as its PDF, walked once)."""

from __future__ import annotations

from dataclasses import replace

from ..charts import cache, figure, style
from ..i18n import translator
from ..kinds import Report, ReportKind
from ..options import RenderOptions
from ..render import render_html
from ..themes import load_theme
from ..timing import stage
from .convert import Converter
from .package import Properties, deterministic_package
from .reference import reference_path


def report_docx(report_kind: ReportKind, report: Report, options: RenderOptions) -> bytes:
    """The ``.docx`` of ``report``: charts drawn once more with their PNG variants, the report's
    HTML rendered by the same templates as the PDF, then converted (see :mod:`.convert`)."""
    theme = load_theme(options.theme_dir)
    look = style.from_theme(theme)
    with stage("charts"), style.using(look), figure.rasters() as pngs:
        cache.clear_cache()  # a cached chart is not drawn again, so it would have no PNG
        charts = report_kind.charts(report)
    with stage("html"):
        document = render_html(
            report_kind.template,
            report,
            charts,
            replace(options, print_ready=False),
            title=report.title,
            lang=report.lang,
            locale=report.locale,
        )
    images = {chart.alt: pngs[chart.svg] for chart in charts.values() if chart.svg in pngs}
    with stage("docx"):
        converter = Converter(reference_path(theme.folder), translator(report.lang), report, images)
        converter.convert(document.html)
        properties = Properties.from_html(document.html, report.data_as_of)
        return deterministic_package(converter.save(), properties, converter.field_map)


docx_bytes = report_docx
