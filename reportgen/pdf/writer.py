"""PDF stage: HTML -> PDF bytes with WeasyPrint, and atomic writing to disk.

Fonts, the stylesheet and the font configuration are created once per process and
reused. Only this stage (and the batch runner) writes files; a PDF appears under its
final name only when complete (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pydyf
import weasyprint
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from .. import __version__
from ..errors import RenderError
from ..options import PageSize, RenderOptions
from ..paths import ASSETS_DIR, DEFAULT_THEME_DIR, TEMPLATES_DIR
from ..render import HtmlDocument
from ..themes import load_theme
from ..timing import stage
from . import pango_leak, structure
from .fetcher import SafeFetcher
from .source_date import source_date
from .sources import SourceFile

STYLESHEET = ASSETS_DIR / "css" / "report.css"


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """The process's one font configuration, with WeasyPrint 70's font-features leak mended."""
    config = FontConfiguration()
    pango_leak.install(config)
    return config


def _roots(options: RenderOptions) -> tuple[Path, ...]:
    """The folders a report may load files from: assets, templates and the themes in use."""
    roots = [ASSETS_DIR, TEMPLATES_DIR, DEFAULT_THEME_DIR]
    for folder in (options.templates_dir, options.theme_dir):
        if folder is not None:
            roots.append(folder)
    return tuple(roots)


def theme_stylesheets(options: RenderOptions) -> tuple[Path, ...]:
    """The stylesheets after the layout's: two-sided pages and print marks when asked for, the
    default theme's (every variable), the chosen theme's (what it changes) and, for print,
    the theme's CMYK colours (where the theme gives them)."""
    theme = load_theme(options.theme_dir)
    sheets = []
    if options.two_sided:
        sheets.append(STYLESHEET.parent / "two-sided.css")
    if options.print_ready:
        sheets.append(STYLESHEET.parent / "print.css")
    sheets.append(DEFAULT_THEME_DIR / "theme.css")
    if not theme.is_default:
        sheets.append(theme.stylesheet)
    if options.print_ready and theme.print_stylesheet is not None:  # only the chosen theme's inks
        sheets.append(theme.print_stylesheet)
    return tuple(sheets)


#: The attribute naming the stylesheet on a warning logged while it was parsed.
STYLESHEET_ATTRIBUTE = "reportgen_stylesheet"


class _NameFile(logging.Filter):
    """Prefix WeasyPrint's messages with the stylesheet being parsed (its own say only
    "Ignored `colour: red` at 12:5", without the file), and name it on the record for code
    that collects the warnings (the live preview locates them)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, STYLESHEET_ATTRIBUTE, (self.path, record.getMessage()))
        record.msg, record.args = f"{self.path}: {record.getMessage()}", None
        return True


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    name_file = _NameFile(path)
    logger.addFilter(name_file)
    try:
        yield
    finally:
        logger.removeFilter(name_file)


def _parse(path: Path, fetcher: SafeFetcher) -> CSS:
    with _naming(path):
        return CSS(filename=str(path), font_config=font_config(), url_fetcher=fetcher)


def _stamp(path: Path) -> tuple[int, int]:
    """When ``path`` last changed and its size: part of the cache key, so an edited theme is parsed anew."""
    try:
        status = path.stat()
    except OSError:
        return (0, -1)  # parsing it will say what is wrong
    return (status.st_mtime_ns, status.st_size)


def _stylesheets(
    page_size: PageSize, roots: tuple[Path, ...], extra: tuple[str, ...], themed: tuple[Path, ...]
) -> tuple[CSS, ...]:
    """The parsed stylesheets: report.css, a kind's own, the theme's, the page size; parsed once
    per process for each version of the theme's files (:func:`forget_stylesheets` drops them all)."""
    return _parsed_stylesheets(page_size, roots, extra, themed, tuple(_stamp(path) for path in themed))


@lru_cache(maxsize=32)
def _parsed_stylesheets(
    page_size: PageSize,
    roots: tuple[Path, ...],
    extra: tuple[str, ...],
    themed: tuple[Path, ...],
    stamps: tuple[tuple[int, int], ...],
) -> tuple[CSS, ...]:
    fetcher = SafeFetcher(roots, label="reportgen's stylesheets")
    sheets = [_parse(STYLESHEET, fetcher)]
    for name in extra:
        sheets.append(_parse(STYLESHEET.parent / name, fetcher))
    for path in themed:
        sheets.append(_parse(path, fetcher))
    # The paper size, and the same paper turned for wide pages (annex tables with a column per year).
    size_rules = f"@page {{ size: {page_size.value}; }} @page wide {{ size: {page_size.value} landscape; }}"
    sheets.append(CSS(string=size_rules, font_config=font_config()))
    return tuple(sheets)


def forget_stylesheets() -> None:
    """Parse the stylesheets anew at the next render (the live preview, after an edit)."""
    _parsed_stylesheets.cache_clear()


PRODUCER = f"reportgen {__version__} (WeasyPrint {weasyprint.__version__})"


def _name_producer(_document: object, pdf: pydyf.PDF) -> None:
    """Name reportgen as the producer, in the document info and (PDF/A requires both to agree)
    in the XMP metadata that WeasyPrint wrote."""
    pdf.info["Producer"] = pydyf.String(PRODUCER)
    theirs = f'pdf:Producer="WeasyPrint {weasyprint.__version__}"'.encode()
    ours = f'pdf:Producer="{PRODUCER}"'.encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/XML":
            obj.stream = [chunk.replace(theirs, ours) if isinstance(chunk, bytes) else chunk for chunk in obj.stream]


def _attachment(source: SourceFile) -> Attachment:
    stamp = None
    if source.modified is not None:
        stamp = dt.datetime.combine(source.modified, dt.time(), tzinfo=dt.UTC)
    return Attachment(
        file_obj=io.BytesIO(source.data), name=source.name, description=source.description,
        created=stamp, modified=stamp, relationship=source.relationship,
    )  # fmt: skip


@dataclass(frozen=True)
class PageGeometry:
    """One laid-out page: its size and margins, in points."""

    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF and the geometry of its pages."""

    data: bytes
    pages: tuple[PageGeometry, ...]


_PT_PER_PX = 0.75  # CSS pixels (1/96 in) to points (1/72 in)


def _geometry(page: weasyprint.Page) -> PageGeometry:
    box = getattr(page, "_page_box", None)  # WeasyPrint keeps the page box privately (pinned to 70.x)
    sides = ("top", "right", "bottom", "left")
    margins = tuple(float(getattr(box, f"margin_{side}", 0) or 0) * _PT_PER_PX for side in sides)
    return PageGeometry(page.width * _PT_PER_PX, page.height * _PT_PER_PX, margins)  # type: ignore[arg-type]


def render_pdf(
    document: HtmlDocument,
    options: RenderOptions,
    stylesheets: tuple[str, ...] = (),
    sources: tuple[SourceFile, ...] = (),
) -> tuple[bytes, int]:
    """The PDF of ``document`` and its page count (see :func:`layout_pdf`)."""
    rendered = layout_pdf(document, options, stylesheets, sources)
    return rendered.data, len(rendered.pages)


def layout_pdf(
    document: HtmlDocument,
    options: RenderOptions,
    stylesheets: tuple[str, ...] = (),
    sources: tuple[SourceFile, ...] = (),
) -> RenderedPdf:
    """Lay out ``document`` with report.css plus ``stylesheets`` (names under assets/css/);
    return the PDF and the geometry of its pages.

    Every PDF is tagged. By default it is PDF/UA-1 (accessible); with ``options.archive``
    it is PDF/A-3a (archival and tagged) with ``sources`` embedded as its source data.
    Every resource the document asks for goes through :class:`SafeFetcher`; a refused one
    is left out with a warning naming the report (its title)."""
    roots = _roots(options)
    fetcher = SafeFetcher(roots, label=document.title)
    settings: dict[str, object] = {
        "stylesheets": list(_stylesheets(options.page_size, roots, stylesheets, theme_stylesheets(options))),
        "pdf_tags": True,
        "pdf_identifier": b"reportgen",
        "pdf_variant": "pdf/a-3a" if options.archive else "pdf/ua-1",
    }
    if options.archive and sources:
        settings["attachments"] = [_attachment(source) for source in sources]
    try:
        with stage("layout"):  # parsing the HTML included, as WeasyPrint counts it
            html = HTML(string=document.html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher)
            rendered = html.render(font_config=font_config(), **settings)
    except Exception as exc:  # WeasyPrint raises many types; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    written = {k: v for k, v in settings.items() if k != "stylesheets"}
    with stage("write"):  # one stage: WeasyPrint's writing and our mending of its structure tree
        try:
            with source_date(rendered.metadata.created or rendered.metadata.modified):
                data = rendered.write_pdf(finisher=_name_producer, **written)  # fonts subset here: no clock
        except Exception as exc:
            raise RenderError(f"PDF rendering failed: {exc}") from exc
        if not isinstance(data, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
            raise RenderError("PDF rendering returned no data")
        data = structure.mend(data, options.archive)  # what WeasyPrint tags wrong (docs/upstream/)
    return RenderedPdf(data, tuple(_geometry(page) for page in rendered.pages))


def pdf_bytes(
    document: HtmlDocument,
    options: RenderOptions,
    stylesheets: tuple[str, ...] = (),
    sources: tuple[SourceFile, ...] = (),
) -> bytes:
    """The PDF of ``document`` (see :func:`render_pdf`)."""
    return render_pdf(document, options, stylesheets, sources)[0]
