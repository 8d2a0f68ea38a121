"""PDF stage: HTML -> PDF with WeasyPrint, through a fetcher that loads nothing foreign."""

from .fetcher import SafeFetcher
from .writer import pdf_bytes, render_pdf, write_atomic

__all__ = ["SafeFetcher", "pdf_bytes", "render_pdf", "write_atomic"]
