"""The live preview's refresh time: from saving a data file to the new text on the open page.

``python benchmarks/preview.py [--repeat 5] [--results DIR]`` starts ``reportgen serve`` on a copy of
the bundled data, opens an outcome brief, a donor report and a country report in headless Chromium
(Playwright driving Debian's ``/usr/bin/chromium``) and, ``--repeat`` times for each, renames a
funding partner in ``organization.yaml`` (every one of the three reports prints its name) and times
how long the new name takes to appear on the page, and how long until the page first says it is
rendering. In the same run, as the baseline, it times the report's PDF alone (``report_pdf`` in this
process, warm): the part of the wait that is WeasyPrint's, which no preview can avoid. It prints the
figures and writes them to ``DIR/preview-<date>-<commit>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
#: (kind, key, year): each prints the partner renamed below.
REPORTS = (("brief", "mex-justice", 2024), ("donor", "mex-gov", 2024), ("country", "mex", 2024))
#: The partner's entry: its name (the briefs' tables) and short name (titles, the other tables).
PARTNER = (
    "    name:\n      en: Mexico\n      es: México\n      fr: Mexique\n    type: Government\n"
    "    short_name:\n      en: Government of Mexico\n      es: Gobierno de México\n      fr: Gouvernement du Mexique\n"
)
TARGET_SECONDS = 2.0  # the "about two seconds"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def render_floor(data: Path, repeat: int) -> dict[str, tuple[float, int]]:
    """(median seconds, pages) of each report's PDF alone, warm, in this process."""
    from reportgen.kinds import kind
    from reportgen.load import load_dataset
    from reportgen.options import RenderOptions
    from reportgen.pdf import layout_pdf
    from reportgen.pipeline import effective_options, report_html

    dataset = load_dataset(data)
    options = effective_options(dataset, RenderOptions())
    floors: dict[str, tuple[float, int]] = {}
    for kind_name, key, year in REPORTS:
        report_kind = kind(kind_name)
        model = report_kind.build(dataset, key, year, None, None)
        layout_pdf(report_html(report_kind, model, options), options, report_kind.stylesheets)  # warm
        runs, pages = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            rendered = layout_pdf(report_html(report_kind, model, options), options, report_kind.stylesheets)
            runs.append(time.perf_counter() - start)
            pages = len(rendered.pages)
        floors[kind_name] = (statistics.median(runs), pages)
    return floors


def _edit_and_wait(page: Page, organization: Path, original: str, name: str) -> tuple[float, float]:
    """(seconds to the "rendering" notice, seconds to the new name on the page). The notice is
    caught by a MutationObserver (it may last only a moment), on the page's own clock."""
    page.evaluate(
        """() => {
            window.noticeAt = null;
            const live = document.getElementById('live');
            new MutationObserver(() => {
                const rendering = live.textContent.includes('rendering');
                if (window.noticeAt === null && rendering) window.noticeAt = performance.now();
            }).observe(live, {childList: true, characterData: true, subtree: true});
            window.editAt = performance.now();
        }"""
    )
    start = time.perf_counter()
    renamed = f"    name: {name}\n    type: Government\n    short_name: {name}\n"
    organization.write_text(original.replace(PARTNER, renamed))
    expect(page.locator(".text-layer").get_by_text(name).first).to_be_attached(timeout=60_000)
    visible = time.perf_counter() - start
    notice = page.evaluate("window.noticeAt === null ? null : (window.noticeAt - window.editAt) / 1000")
    return (float(notice) if notice is not None else visible), visible


def measure(repeat: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="reportgen-preview-bench-"))
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    organization = data / "organization.yaml"
    original = organization.read_text(encoding="utf-8")
    assert PARTNER in original, "the bundled data changed: pick another partner"
    floors = render_floor(data, repeat)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            "serve",
            "--data",
            str(data),
            "--out",
            str(work / "out"),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for kind_name, key, year in REPORTS:
                page = browser.new_page()
                page.goto(f"{url}/report/{kind_name}/{key}/{year}/en")
                expect(page.locator("#live")).to_have_text("live", timeout=60_000)
                notices, visible = [], []
                for run in range(repeat):
                    notice, seen = _edit_and_wait(page, organization, original, f"Partner {kind_name} {run}")
                    notices.append(notice)
                    visible.append(seen)
                page.close()
                floor, pages = floors[kind_name]
                median = statistics.median(visible)
                results[kind_name] = {
                    "report": f"{kind_name}/{key}/{year}/en",
                    "pages": pages,
                    "render_pdf_seconds": round(floor, 3),
                    "edit_to_notice_seconds": round(statistics.median(notices), 3),
                    "edit_to_visible_seconds": round(median, 3),
                    "edit_to_visible_runs": [round(v, 3) for v in visible],
                    "preview_overhead_seconds": round(median - floor, 3),
                    "visible_over_render": round(median / floor, 3) if floor else None,
                    "within_target": median <= TARGET_SECONDS,
                }
            browser.close()
    finally:
        organization.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    figures = measure(args.repeat)
    label = f"{dt.date.today().isoformat()}-{_commit()}"
    print(f"reportgen preview refresh, {args.repeat} edits per report (target: about {TARGET_SECONDS:g} s)")
    print(f"{'report':28} {'pages':>5} {'PDF alone':>9} {'notice':>9} {'visible':>9} {'overhead':>9} {'ratio':>6}")
    for row in figures.values():
        seconds = (
            row["render_pdf_seconds"],
            row["edit_to_notice_seconds"],
            row["edit_to_visible_seconds"],
            row["preview_overhead_seconds"],
        )
        timings = " ".join(f"{value:>8.2f}s" for value in seconds)
        print(f"{row['report']:28} {row['pages']:>5} {timings} {row['visible_over_render']:>6.2f}")
    args.results.mkdir(parents=True, exist_ok=True)
    target = args.results / f"preview-{label}.json"
    target.write_text(json.dumps({"label": label, "repeat": args.repeat, "reports": figures}, indent=2) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
