"""Chart stage: report models -> ChartFigure objects (SVG + alt text), via matplotlib (Agg)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "reportgen"  # deterministic ids in the SVG
# Text as SVG <text>, which WeasyPrint sets in the document's own embedded fonts: half the cost
# per chart of glyphs drawn as paths, the same look, and the text is real text inside the
# chart's Figure tag (benchmarks/charts.py measures every representation; see docs/performance.md).
matplotlib.rcParams["svg.fonttype"] = "none"

from ..build.brief_model import BriefReport  # noqa: E402
from ..i18n import translator  # noqa: E402
from .contributions import contributions_alt_text, contributions_chart  # noqa: E402
from .figure import ChartFigure  # noqa: E402

__all__ = ["ChartFigure", "brief_charts", "contributions_alt_text", "contributions_chart"]


def brief_charts(report: BriefReport, y_max: float | None = None) -> dict[str, ChartFigure]:
    """Every chart of an outcome brief, keyed ``<outcome-id>/<chart>`` so the charts of several
    outcomes can share one mapping (a country report's chapters); ``y_max`` shares a scale."""
    charts: dict[str, ChartFigure] = {}
    chart_id = f"{report.outcome.id}/contributions"
    chart = contributions_chart(report.contributions, report.locale, translator(report.lang), y_max, chart_id)
    if chart is not None:
        charts[chart.id] = chart
    return charts
