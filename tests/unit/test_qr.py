"""reportgen.qr: the SVG of a QR code decodes back to its text, at error correction level M, with a
quiet zone of 4 modules, black on white, at its printed size, the same every time."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pypdfium2 as pdfium
import pytest
import weasyprint
import zxingcpp

from reportgen.qr import QUIET_ZONE, SIZE_MM, qr_data_uri, qr_svg

SVG = "{http://www.w3.org/2000/svg}"
ADDRESSES = [
    "https://open.unwomen.org/en/results/outcomes/mex-justice",
    "https://x.org/",
    "https://portal.example.org/fr/activities/UNW%2FMEX-JUS%202024%20%C3%B1%26x?year=2024&view=full#top",
    "https://example.org/" + "a" * 300,  # a long address: a large code, still decoded
]


def decoded(svg: str, dpi: int = 150) -> list[zxingcpp.Barcode]:
    """``svg`` as WeasyPrint embeds it in a report (an <img> of a data: URI), drawn at ``dpi``."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    pdf = weasyprint.HTML(string=f'<body style="margin:10mm"><img src="{uri}" alt="code">').write_pdf()
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return list(zxingcpp.read_barcodes(image))


@pytest.mark.parametrize("address", ADDRESSES, ids=["outcome", "short", "encoded", "long"])
def test_the_code_decodes_to_its_text_at_level_m(address: str) -> None:
    (code,) = decoded(qr_svg(address))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == address
    assert code.ec_level == "M"


def test_a_typical_address_still_reads_at_screen_resolution() -> None:
    (code,) = decoded(qr_svg(ADDRESSES[0]), dpi=72)
    assert code.text == ADDRESSES[0]


def test_the_drawing_is_black_modules_on_a_white_square_with_a_quiet_zone_of_four() -> None:
    root = ET.fromstring(qr_svg(ADDRESSES[0]))
    assert root.get("width") == root.get("height") == f"{SIZE_MM:g}mm"
    x, y, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    assert (x, y) == (0, 0) and width == height  # one unit is one module
    side = int(width)
    (background,) = root.iter(f"{SVG}rect")
    assert (background.get("width"), background.get("height")) == (str(side), str(side))
    assert "fill: rgb(100%,100%,100%)" in (background.get("style") or "")
    (modules,) = root.iter(f"{SVG}path")
    assert "fill: rgb(0%,0%,0%)" in (modules.get("style") or "")
    points = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", modules.get("d") or "")]
    xs, ys = points[0::2], points[1::2]
    assert all(n == int(n) for n in points)  # modules on a whole-unit grid: no seams between them
    assert min(xs) == min(ys) == QUIET_ZONE
    assert max(xs) == max(ys) == side - QUIET_ZONE
    # The code itself is about 2 cm: side - 8 modules of the printed width.
    assert (side - 2 * QUIET_ZONE) / side * SIZE_MM >= 19.5


def test_the_svg_is_vector_self_contained_and_deterministic() -> None:
    svg = qr_svg(ADDRESSES[2])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    for absent in ("<image", "<!DOCTYPE", "<?xml", "xlink:href", "url(", "<title>", "<script"):
        assert absent not in svg
    qr_svg.cache_clear()
    assert qr_svg(ADDRESSES[2]) == svg  # drawn again, byte for byte the same


def test_the_data_uri_is_the_svg_and_both_are_cached() -> None:
    qr_svg.cache_clear()
    qr_data_uri.cache_clear()
    uri = qr_data_uri(ADDRESSES[0])
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]).decode() == qr_svg(ADDRESSES[0])
    assert qr_data_uri(ADDRESSES[0]) is uri
    assert qr_svg.cache_info().hits >= 1 and qr_data_uri.cache_info().hits == 1
