"""Hostile PDFs written byte by byte (no library that might decode or repair them on the way): flate bombs in a
content stream, the XMP metadata or an embedded file, an LZW bomb, a JPEG that declares a huge image."""

from __future__ import annotations

import zlib

MiB = 1 << 20


def zeros_deflate(mib: int) -> bytes:
    """A valid zlib stream of ``mib`` MiB of zeros, made without compressing them: one fully flushed block of 1 MiB
    of zeros, repeated (a full flush makes each copy independent of the ones before), and the Adler-32 of zeros."""
    block_maker = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = block_maker.compress(b"\0" * MiB) + block_maker.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    adler = (((mib * MiB) % 65521) << 16) | 1  # Adler-32 over zeros: a stays 1, b adds 1 per byte
    return b"\x78\xda" + block * mib + final + adler.to_bytes(4, "big")


def lzw_zeros(cycles: int) -> bytes:
    """An LZW stream (EarlyChange 1) of zeros: after each clear code, codes 0, 258, 259, ... 4093, each standing
    for one zero more than the last; about 7.4 MB of zeros per 5.4 kB cycle."""
    bits, acc, out = 0, 0, bytearray()

    def put(code: int, width: int) -> None:
        nonlocal bits, acc
        acc, bits = (acc << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1

    width = 9
    for _ in range(cycles):
        put(256, width)
        put(0, 9)
        for code in range(258, 4094):
            width = 9 if code <= 510 else 10 if code <= 1022 else 11 if code <= 2046 else 12
            put(code, width)
    put(257, width)
    if bits:
        put(0, 8 - bits)
    return bytes(out)


def jpeg_header(width: int, height: int, components: int = 3) -> bytes:
    """The start of a JPEG: SOI and a baseline start-of-frame segment declaring the image's size."""
    sof = b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + bytes([components])
    sof += b"".join(bytes([index + 1, 0x11, 0]) for index in range(components))
    return b"\xff\xd8\xff\xc0" + (len(sof) + 2).to_bytes(2, "big") + sof + b"\xff\xd9"


def stream(entries: bytes, data: bytes) -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with a classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def one_page(
    content: bytes, catalog_extra: bytes = b"", resources: bytes = b"", extra: tuple[bytes, ...] = ()
) -> bytes:
    """A one-page PDF: 1 catalog, 2 pages, 3 page, 4 its content stream (``content``: a whole stream object), then
    ``extra`` objects from number 5 on."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << " + resources + b" >> "
            b"/Contents 4 0 R >>",
            content,
            *extra,
        ]
    )


EMPTY_CONTENT = stream(b"", b"")


def content_bomb(mib: int) -> bytes:
    """A page whose content stream (object 4 0) inflates to ``mib`` MiB."""
    return one_page(stream(b"/Filter /FlateDecode", zeros_deflate(mib)))


def xmp_bomb(mib: int) -> bytes:
    """A catalog whose XMP metadata stream (object 5 0) inflates to ``mib`` MiB."""
    metadata = stream(b"/Type /Metadata /Subtype /XML /Filter /FlateDecode", zeros_deflate(mib))
    return one_page(EMPTY_CONTENT, b"/Metadata 5 0 R", extra=(metadata,))


def attachment_bomb(mib: int, name: bytes = b"report-data.json") -> bytes:
    """An embedded file (object 5 0, named ``name``, the source data of an archive) that inflates to ``mib`` MiB."""
    embedded = stream(b"/Type /EmbeddedFile /Filter /FlateDecode", zeros_deflate(mib))
    spec = b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 5 0 R >> /AFRelationship /Source >>" % (name, name)
    names = b"/Names << /EmbeddedFiles << /Names [(%s) 6 0 R] >> >> /AF [6 0 R]" % name
    return one_page(EMPTY_CONTENT, names, extra=(embedded, spec))


def lzw_bomb(cycles: int) -> bytes:
    """A page whose content stream (object 4 0) is LZW data of about 7.4 MB of zeros per cycle."""
    return one_page(stream(b"/Filter /LZWDecode", lzw_zeros(cycles)))


def jpeg_bomb(width: int, height: int) -> bytes:
    """A page drawing an image (object 5 0) whose JPEG header declares ``width`` x ``height`` x 3 samples."""
    image = stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        b"/Filter /DCTDecode" % (width, height),
        jpeg_header(width, height),
    )
    draw = stream(b"", b"q 100 0 0 100 0 0 cm /Im0 Do Q")
    return one_page(draw, resources=b"/XObject << /Im0 5 0 R >>", extra=(image,))


def many_streams(count: int, mib_each: int) -> bytes:
    """A page with ``count`` content streams (objects 4 to 3 + count), each inflating to ``mib_each`` MiB of
    spaces (valid, empty content)."""
    spaces = zlib.compress(b" " * (mib_each * MiB), 9)
    contents = [stream(b"/Filter /FlateDecode", spaces) for _ in range(count)]
    refs = b" ".join(b"%d 0 R" % (4 + index) for index in range(count))
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents [" + refs + b"] >>",
            *contents,
        ]
    )


def xref_bomb(mib: int) -> bytes:
    """A PDF whose only cross-reference section is a stream (object 5 0) that inflates to ``mib`` MiB: qpdf decodes
    it while the file is being opened, before any check can look at it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>",
        EMPTY_CONTENT,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, 1):
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    entries = b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
    out += b"5 0 obj\n" + stream(entries, zeros_deflate(mib)) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
