"""Visual regression check: render a fixed set of report pages to PNG and compare them with the
committed references in tests/visual/ref/.

    python scripts/visual_check.py            # compare (make visual); exit 1 if a page differs
    python scripts/visual_check.py --update   # write the references anew (make visual-refs)

The pages are the first pages of each kind, a chapter page and an annex page, in both built-in
themes and in English, Spanish and French, rendered from the bundled data at a low resolution
(pdftoppm, 50 dpi) to stay fast. A page differs when its size differs, or when more than
MAX_DIFFERENT of its pixels differ from the reference by more than TOLERANCE in a colour channel
(anti-aliasing noise stays below both). For each page that differs, the folder given by ``--out``
(default tests/visual/out/, git-ignored) gets the page as rendered, the reference beside it and a
difference image: the reference faded, the differing pixels in red. The comparison follows
WeasyPrint's own pixel tests (``assert_pixels_equal``: a per-channel tolerance, and the actual and
expected images written out when they differ).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCES = ROOT / "tests" / "visual" / "ref"
OUT = ROOT / "tests" / "visual" / "out"
DPI = 50
#: A pixel differs when a colour channel is off by more than this (of 255).
TOLERANCE = 48
#: A page differs when more than this share of its pixels differ (0.1 %: some 240 pixels of an A4 page).
MAX_DIFFERENT = 0.001


@dataclass(frozen=True)
class Report:
    """One report to render, and which of its pages to compare (1-based; negative counts from the end)."""

    kind: str
    key: str
    lang: str
    theme: str
    pages: tuple[tuple[str, int], ...]  # (what the page is, its number)

    @property
    def stem(self) -> str:
        return f"{self.kind}-{self.key}-{self.lang}-{self.theme}"


#: The fixed set: each kind's first pages, a chapter, an annex, both themes, en, es and fr.
REPORTS = (
    Report("brief", "mex-justice", "en", "default", (("page1", 1), ("page2", 2))),
    Report("brief", "mex-justice", "en", "meridian", (("page1", 1),)),
    Report("brief", "mex-evaw", "es", "default", (("page1", 1),)),
    Report("donor", "sweden", "en", "default", (("cover", 1), ("overview", 3), ("chapter", 5), ("annex", -1))),
    Report("country", "mex", "en", "default", (("cover", 1), ("summary", 3), ("chapter", 7), ("annex", -1))),
    Report("country", "col", "fr", "meridian", (("cover", 1), ("summary", 3))),
)


@dataclass(frozen=True)
class Difference:
    """A page that is not as its reference: what differs, and where the images were saved."""

    name: str
    reason: str
    saved: tuple[Path, ...] = ()

    def __str__(self) -> str:
        where = f" (see {', '.join(str(p) for p in self.saved)})" if self.saved else ""
        return f"{self.name}: {self.reason}{where}"


def page_names(reports: Sequence[Report] = REPORTS) -> list[str]:
    """The reference file stems, ``<kind>-<key>-<lang>-<theme>-<page>``."""
    return [f"{report.stem}-{what}" for report in reports for what, _number in report.pages]


def _render(report: Report, folder: Path) -> dict[str, Path]:
    """Render ``report`` to a PDF in ``folder`` and its pages to PNGs; returns the PNG per page name."""
    from reportgen.load import load_dataset
    from reportgen.options import RenderOptions
    from reportgen.paths import THEMES_DIR
    from reportgen.pipeline import write_report

    pdf = write_report(
        load_dataset(DATA),
        report.kind,
        report.key,
        folder / f"{report.stem}.pdf",
        lang=report.lang,
        options=RenderOptions(theme_dir=THEMES_DIR / report.theme),
    )
    count = _page_count(pdf)
    pngs: dict[str, Path] = {}
    for what, number in report.pages:
        page = number if number > 0 else count + 1 + number
        target = folder / f"{report.stem}-{what}"
        command = ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile"]
        subprocess.run([*command, str(pdf), str(target)], check=True, capture_output=True)
        pngs[target.name] = target.with_suffix(".png")
    return pngs


def _page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def render_all(folder: Path, reports: Sequence[Report] = REPORTS, jobs: int = 2) -> dict[str, Path]:
    """Every page of the set rendered to PNG in ``folder``, by name (``jobs`` processes)."""
    pngs: dict[str, Path] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for found in pool.map(_render, reports, [folder] * len(reports)):
            pngs.update(found)
    return pngs


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def compare(name: str, actual: Path, expected: Path, out: Path) -> Difference | None:
    """None when ``actual`` matches ``expected`` within the tolerance; else the difference, with the
    page, the reference and a difference image saved in ``out``."""
    if not expected.is_file():
        return Difference(name, f"no reference {expected.relative_to(ROOT)} (make visual-refs writes it)")
    got, want = _pixels(actual), _pixels(expected)
    if got.shape != want.shape:
        reason = f"size {got.shape[1]}x{got.shape[0]} px, the reference is {want.shape[1]}x{want.shape[0]}"
        return Difference(name, reason, _save(name, actual, expected, None, out))
    different = np.abs(got - want).max(axis=2) > TOLERANCE
    share = float(different.mean())
    if share <= MAX_DIFFERENT:
        return None
    reason = f"{int(different.sum())} pixels ({share:.2%}) differ by more than {TOLERANCE}"
    return Difference(name, reason, _save(name, actual, expected, different, out))


def _save(name: str, actual: Path, expected: Path, different: np.ndarray | None, out: Path) -> tuple[Path, ...]:
    out.mkdir(parents=True, exist_ok=True)
    saved = [shutil.copyfile(actual, out / f"{name}.png"), shutil.copyfile(expected, out / f"{name}-expected.png")]
    if different is not None:
        faded = 255 - (255 - _pixels(expected)) // 4
        faded[different] = (220, 0, 0)
        Image.fromarray(faded.astype(np.uint8)).save(out / f"{name}-diff.png")
        saved.append(out / f"{name}-diff.png")
    return tuple(Path(p) for p in saved)


def check(out: Path = OUT, references: Path = REFERENCES, reports: Sequence[Report] = REPORTS) -> list[Difference]:
    """Render the set and compare every page with its reference; the pages that differ."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-visual-") as work:
        pngs = render_all(Path(work), reports)
        found = [compare(name, png, references / f"{name}.png", out) for name, png in sorted(pngs.items())]
    return [difference for difference in found if difference is not None]


def update(references: Path = REFERENCES, reports: Sequence[Report] = REPORTS) -> list[Path]:
    """Render the set and write every page as the new reference (stale references removed)."""
    references.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-visual-") as work:
        pngs = render_all(Path(work), reports)
        for stale in references.glob("*.png"):
            if stale.stem not in pngs:
                stale.unlink()
        return [Path(shutil.copyfile(png, references / f"{name}.png")) for name, png in sorted(pngs.items())]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the references anew (make visual-refs)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the pages that differ are saved")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: install poppler-utils (scripts/setup.sh does)", file=sys.stderr)
        return 2
    if args.update:
        written = update()
        print(f"wrote {len(written)} references in {REFERENCES.relative_to(ROOT)}")
        return 0
    differences = check(args.out)
    for difference in differences:
        print(difference)
    total = len(page_names())
    if differences:
        print(f"{len(differences)} of {total} pages differ; if the change is intended: make visual-refs")
        return 1
    print(f"{total} pages match their references")
    return 0


if __name__ == "__main__":
    sys.exit(main())
