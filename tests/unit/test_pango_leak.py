"""WeasyPrint 70's font-features leak is mended: rendering tabular figures no longer grows memory.

Each measurement runs in a fresh Python process (the test workers' own memory is shared with
whatever else they rendered) that renders a page of tabular figures many times and reports how
much its resident memory grew in each of three equal windows. The leak is linear, so it shows in
every window; a one-off step (an allocator arena, a cache filling) shows in one, so the median
window is what is judged. Without the fix, the same script shows the leak, so the measurement is
known to see it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import textwrap

import weasyprint

from reportgen.pdf import pango_leak
from reportgen.pdf.writer import font_config

ROUNDS = 15
WINDOWS = 3
SCRIPT = textwrap.dedent(
    """
    import gc, sys
    from weasyprint import CSS, HTML
    from reportgen.batch.worker import worker_memory
    from reportgen.pdf import pango_leak, writer

    if sys.argv[1] == "unmended":
        pango_leak.install = lambda config: False
    config = writer.font_config()
    cells = "".join(f"<td>{n:,}</td>" for n in range(600))
    html = f"<table><tr>{cells}</tr></table>"
    sheet = CSS(string="td { font-variant-numeric: tabular-nums; }", font_config=config)

    def render():
        HTML(string=html).render(font_config=config, stylesheets=[sheet])

    for _ in range(5):
        render()
    gc.collect()
    for _ in range(int(sys.argv[3])):
        before = worker_memory().rss
        for _ in range(int(sys.argv[2])):
            render()
        gc.collect()
        print(worker_memory().rss - before)
    """
)


def growth(mode: str) -> int:
    """Bytes of resident memory a fresh process gains over ``ROUNDS`` renders: the median window."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(ROUNDS), str(WINDOWS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(statistics.median(int(line) for line in done.stdout.split()))


def test_the_fix_is_for_the_installed_weasyprint() -> None:
    """When WeasyPrint is upgraded, this fails: read the new Layout.setup and move FIXED_VERSION on."""
    assert weasyprint.__version__ == pango_leak.FIXED_VERSION
    assert isinstance(font_config().font_features, pango_leak.UncachedFeatures)


def test_tabular_figures_do_not_grow_memory() -> None:
    unmended, mended = growth("unmended"), growth("mended")
    assert unmended > 3 * 2**20, f"the measurement no longer sees the leak ({unmended} bytes)"
    assert mended < 2 * 2**20, f"memory grew {mended / 2**20:.1f} MB over {ROUNDS} renders (median of {WINDOWS})"
