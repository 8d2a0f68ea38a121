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


def report_docx(report_kind: ReportKind, report: Report, options: RenderOptions, key: str | None = None) -> bytes:
    """The ``.docx`` of ``report``: charts drawn once more with their PNG variants, the report's
    HTML rendered by the same templates as the PDF, then converted (see :mod:`.convert`). With
    ``key``, the document records which report it is (``reportgen import docx`` rebuilds it to
    tell an edited figure from the data's)."""
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
        fields = dict(converter.field_map)
        if key is not None:
            fields["_report"] = {
                "kind": report_kind.name,
                "key": key,
                "year": report.report_year,
                "lang": report.lang,
                "locale": report.locale,
            }
        return deterministic_package(converter.save(), properties, fields)


docx_bytes = report_docx
