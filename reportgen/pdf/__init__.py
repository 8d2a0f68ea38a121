"""PDF stage: HTML -> PDF with WeasyPrint, through a fetcher that loads nothing foreign."""

from ..atomic import write_atomic
from .fetcher import SafeFetcher
from .sources import SourceFile
from .writer import PRODUCER, pdf_bytes, render_pdf

__all__ = ["PRODUCER", "SafeFetcher", "SourceFile", "pdf_bytes", "render_pdf", "write_atomic"]
