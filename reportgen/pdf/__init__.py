"""PDF stage: HTML -> PDF with WeasyPrint, through a fetcher that loads nothing foreign."""

from ..atomic import write_atomic
from .fetcher import SafeFetcher
from .sources import SourceFile
from .writer import PRODUCER, PageGeometry, RenderedPdf, forget_stylesheets, layout_pdf, pdf_bytes, render_pdf

__all__ = [
    "PRODUCER",
    "PageGeometry",
    "RenderedPdf",
    "SafeFetcher",
    "SourceFile",
    "forget_stylesheets",
    "layout_pdf",
    "pdf_bytes",
    "render_pdf",
    "write_atomic",
]
