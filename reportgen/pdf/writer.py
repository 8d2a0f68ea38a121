"""PDF stage: HTML -> PDF bytes with WeasyPrint, and atomic writing to disk.

Fonts, the stylesheet and the font configuration are created once per process and
reused. Only this stage (and the batch runner) writes files; a PDF appears under its
final name only when complete (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..errors import RenderError
from ..options import PageSize, RenderOptions
from ..paths import ASSETS_DIR, TEMPLATES_DIR
from ..render import HtmlDocument
from .fetcher import SafeFetcher

STYLESHEET = ASSETS_DIR / "css" / "report.css"


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


def _roots(options: RenderOptions) -> tuple[Path, ...]:
    roots = [ASSETS_DIR, TEMPLATES_DIR]
    if options.templates_dir is not None:
        roots.append(options.templates_dir)
    return tuple(roots)


@lru_cache(maxsize=32)
def _stylesheets(page_size: PageSize, roots: tuple[Path, ...], extra: tuple[str, ...]) -> tuple[CSS, ...]:
    """The parsed stylesheets (cached per process): report.css, a kind's own, the page size."""
    fetcher = SafeFetcher(roots)
    sheets = [CSS(filename=str(STYLESHEET), font_config=font_config(), url_fetcher=fetcher)]
    for name in extra:
        sheets.append(CSS(filename=str(STYLESHEET.parent / name), font_config=font_config(), url_fetcher=fetcher))
    # The paper size, and the same paper turned for wide pages (annex tables with a column per year).
    size_rules = f"@page {{ size: {page_size.value}; }} @page wide {{ size: {page_size.value} landscape; }}"
    sheets.append(CSS(string=size_rules, font_config=font_config()))
    return tuple(sheets)


def render_pdf(document: HtmlDocument, options: RenderOptions, stylesheets: tuple[str, ...] = ()) -> tuple[bytes, int]:
    """Lay out ``document`` with report.css plus ``stylesheets`` (names under assets/css/);
    return the PDF and its page count."""
    roots = _roots(options)
    fetcher = SafeFetcher(roots)
    html = HTML(string=document.html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher)
    settings = {
        "stylesheets": list(_stylesheets(options.page_size, roots, stylesheets)),
        "pdf_tags": True,
        "pdf_identifier": b"reportgen",
    }
    try:
        rendered = html.render(font_config=font_config(), **settings)
        data = rendered.write_pdf(**{k: v for k, v in settings.items() if k != "stylesheets"})
    except Exception as exc:  # WeasyPrint raises many types; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    if not isinstance(data, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise RenderError("PDF rendering returned no data")
    return data, len(rendered.pages)


def pdf_bytes(document: HtmlDocument, options: RenderOptions, stylesheets: tuple[str, ...] = ()) -> bytes:
    """The PDF of ``document`` (see :func:`render_pdf`)."""
    return render_pdf(document, options, stylesheets)[0]


def write_atomic(data: bytes, target: Path) -> Path:
    """Write ``data`` to ``target`` via a temporary file in the same folder and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise RenderError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
