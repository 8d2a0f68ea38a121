"""How to embed a chart: each representation's cost per page, in matplotlib and in WeasyPrint.

The charts are the real ones: every chart of a sample of briefs, donor and country reports of a
synthetic dataset, drawn by reportgen's own chart code. While a chart is drawn, its matplotlib
figure is also saved in each representation:

* ``svg-paths``: SVG with every glyph as a path (text exactly as drawn, no font lookup);
* ``svg-text``: SVG with text as ``<text>`` (WeasyPrint sets it in the document's own fonts);
* ``png-300`` and ``png-150``: raster at print and at screen resolution;
* ``svg-paths-inline``: the SVG-with-paths markup inline in the HTML instead of an ``<img>``.

For each chart and representation the figures are: matplotlib's time to save it, WeasyPrint's time
to lay out and write a page holding only that chart minus the same page without it, and the bytes it
adds to the PDF. ``measure`` returns one row per representation (medians over the charts) and the
representation reportgen uses.
"""

from __future__ import annotations

import base64
import io
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import weasyprint
from matplotlib.figure import Figure

import reportgen.charts.contributions
import reportgen.charts.country
import reportgen.charts.donor
from reportgen.charts.cache import clear_cache
from reportgen.kinds import kind
from reportgen.load import load_dataset
from reportgen.options import RenderOptions
from reportgen.paths import TEMPLATES_DIR
from reportgen.pdf import writer
from reportgen.pipeline import jobs_of
from reportgen.synthetic import write_dataset

CHART_MODULES = (reportgen.charts.contributions, reportgen.charts.country, reportgen.charts.donor)
REPRESENTATIONS = ("svg-paths", "svg-text", "png-300", "png-150", "svg-paths-inline")
#: What each representation gives in print.
QUALITY = {
    "svg-paths": "vector; glyphs exact at any zoom; text not selectable",
    "svg-text": "vector; text selectable, set by WeasyPrint in the document's fonts",
    "png-300": "raster at 300 dpi: print resolution, soft edges when zoomed",
    "png-150": "raster at 150 dpi: visibly soft in print",
    "svg-paths-inline": "as svg-paths (the same drawing, inline in the HTML)",
}
PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>chart</title></head><body>'
    '<h1>Chart</h1><figure class="chart">{figure}<figcaption>Caption</figcaption></figure></body></html>'
)


def _save(figure: Figure, representation: str) -> tuple[str, float]:
    """``figure`` as the markup of an ``<img>`` (or inline ``<svg>``), and matplotlib's seconds."""
    start = time.perf_counter()
    buffer = io.BytesIO()
    options: dict[str, Any] = {"bbox_inches": "tight", "pad_inches": 0.03}
    if representation.startswith("png"):
        dpi = int(representation.split("-")[1])
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, **options)
        mime = "image/png"
    else:
        fonttype = "none" if representation == "svg-text" else "path"
        with matplotlib.rc_context({"svg.fonttype": fonttype}):
            figure.savefig(buffer, format="svg", metadata={"Date": None}, **options)
        mime = "image/svg+xml"
    seconds = time.perf_counter() - start
    data = buffer.getvalue()
    if representation == "svg-paths-inline":
        text = data.decode("utf-8")
        markup = text[text.index("<svg") :]
    else:
        markup = f'<img alt="chart" src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}">'
    return markup, seconds


@contextmanager
def _capturing(into: list[dict[str, tuple[str, float]]]) -> Iterator[None]:
    """While reportgen draws charts, save each figure in every representation too."""
    originals: dict[object, Callable[[Figure], str]] = {}

    def capture(figure: Figure) -> str:
        into.append({name: _save(figure, name) for name in REPRESENTATIONS})
        return originals[reportgen.charts.contributions](figure)

    for module in CHART_MODULES:
        originals[module] = module.to_svg
        module.to_svg = capture  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in CHART_MODULES:
            module.to_svg = originals[module]  # type: ignore[attr-defined]


def _render(html: str) -> tuple[float, int]:
    """Seconds to lay out and write ``html`` with the brief's stylesheets, and the PDF's bytes."""
    options = RenderOptions()
    sheets = list(writer._stylesheets(options.page_size, writer._roots(options), (), writer.theme_stylesheets(options)))
    start = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/").render(
        stylesheets=sheets, font_config=writer.font_config(), pdf_tags=True, pdf_variant="pdf/ua-1"
    )
    pdf = document.write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1")
    return time.perf_counter() - start, len(pdf or b"")


def _charts(work: Path, reports: int) -> list[dict[str, tuple[str, float]]]:
    """Every chart of ``reports`` briefs and one donor and one country report, in every representation."""
    folder = work / "charts-data"
    if not (folder / "organization.yaml").is_file():
        write_dataset(folder, 16, seed=0)
    dataset = load_dataset(folder)
    clear_cache()  # draw every chart, even one this process drew before
    charts: list[dict[str, tuple[str, float]]] = []
    with _capturing(charts):
        for name, count in (("brief", reports), ("donor", 1), ("country", 1)):
            report_kind = kind(name)
            for key, year in jobs_of(report_kind, dataset)[:count]:
                report_kind.charts(report_kind.build(dataset, key, year, None, None))
    return charts


def measure(work: Path, reports: int = 6, repeat: int = 3) -> dict[str, Any]:
    """Each representation's median cost per chart (matplotlib seconds, WeasyPrint seconds added to
    the page, PDF bytes added), with what it gives in print; and reportgen's default."""
    charts = _charts(work, reports)
    _render(PAGE.format(figure=""))  # warm fonts and stylesheets
    base_seconds, base_bytes = min((_render(PAGE.format(figure="")) for _ in range(repeat)), key=lambda r: r[0])
    rows = []
    for name in REPRESENTATIONS:
        saved, rendered, sizes = [], [], []
        for chart in charts:
            markup, seconds = chart[name]
            runs = [_render(PAGE.format(figure=markup)) for _ in range(repeat)]
            saved.append(seconds)
            rendered.append(statistics.median(r[0] for r in runs) - base_seconds)
            sizes.append(runs[0][1] - base_bytes)
        rows.append(
            {
                "representation": name,
                "matplotlib_ms": round(statistics.median(saved) * 1000, 1),
                "weasyprint_ms": round(statistics.median(rendered) * 1000, 1),
                "total_ms": round((statistics.median(saved) + statistics.median(rendered)) * 1000, 1),
                "pdf_kb": round(statistics.median(sizes) / 1024, 1),
                "quality": QUALITY[name],
            }
        )
    default = "svg-text" if matplotlib.rcParams["svg.fonttype"] == "none" else "svg-paths"
    return {"charts": len(charts), "repeat": repeat, "rows": rows, "default": default}


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.work")), indent=2))
