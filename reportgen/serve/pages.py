"""A rendered PDF's pages as the browser shows them: PNG pictures drawn from the PDF itself
(PDFium, through pypdfium2) and a text layer placed over each, so the preview is the PDF
and its text can still be selected and searched.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium

#: Pixels per point of the page pictures: 2 = 144 dpi, sharp on high-density screens.
SCALE = 2.0

# PDFium is not safe to call from two threads at once.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class TextRun:
    """A run of text on a page, in percent of the page's width and height from its top left."""

    text: str
    left: float
    top: float
    width: float
    height: float


def picture(data: bytes, index: int, scale: float = SCALE) -> bytes:
    """Page ``index`` (from 0) of the PDF ``data`` as PNG."""
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            page = document[index]
            image = page.render(scale=scale, may_draw_forms=True).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # fast: the picture lives for one look
    return out.getvalue()


def text_layers(data: bytes) -> tuple[tuple[TextRun, ...], ...]:
    """Every page's text runs, placed where PDFium finds them."""
    pages: list[tuple[TextRun, ...]] = []
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            for page in document:
                width, height = page.get_size()
                text_page = page.get_textpage()
                runs = []
                for index in range(text_page.count_rects()):
                    left, bottom, right, top = text_page.get_rect(index)
                    text = text_page.get_text_bounded(left, bottom, right, top).strip()
                    if text and right > left and top > bottom:
                        runs.append(
                            TextRun(
                                text,
                                100 * left / width,
                                100 * (height - top) / height,
                                100 * (right - left) / width,
                                100 * (top - bottom) / height,
                            )
                        )
                text_page.close()
                page.close()
                pages.append(tuple(runs))
        finally:
            document.close()
    return tuple(pages)
