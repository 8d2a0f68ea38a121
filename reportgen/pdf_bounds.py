"""Decoding the streams of a PDF reportgen did not make, within bounds (``reportgen verify``, archival attachments).

A few megabytes of Flate data can decode to gigabytes (a "flate bomb"), and qpdf, by default, decodes whatever it is
asked to. Three things keep a hostile PDF within the limits of :mod:`reportgen.limits`:

- :func:`bounded` sets qpdf's own output limits (Flate, RunLength, PNG and TIFF predictors) to
  ``pdf_max_stream_bytes`` for the block, so every stream qpdf decodes inside it, including the cross-reference and
  object streams it reads while the file is opened, stops at that size with an error instead of growing;
- :func:`stream_problem` refuses, before decoding, what qpdf cannot bound: an LZW stream whose worst case passes the
  limit (qpdf has no limit for LZW, which expands up to about 3,400 times), and a JPEG whose header declares more
  samples than the limit;
- :func:`scan` decodes every stream of the file once, each within the bound, and stops when the total passes
  ``pdf_max_decoded_bytes``; it returns the streams that are too large, named by object ("object 12 0: content
  stream decompresses to more than 64 MiB"), and the decoded size of the others.

qpdf's limits are process-wide settings; :func:`bounded` restores the previous values when the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pikepdf
import pikepdf.settings
from pikepdf import Array, Name, Stream, StreamDecodeLevel

from .limits import Limits, format_value

#: qpdf's message when one of the limits :func:`bounded` sets stops a decoder ("PL_Flate memory limit exceeded").
QPDF_LIMIT_MESSAGE = "memory limit exceeded"
#: Filters qpdf decodes at its "generalized" level (lossless, general purpose).
GENERAL_FILTERS = frozenset({"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx"})
GENERAL_FILTERS |= {"/ASCII85Decode", "/A85", "/RunLengthDecode", "/RL"}
#: The most bytes one LZW code can produce (a table of 4,096 entries, 258 reserved) per encoded byte, rounded up.
LZW_MAX_RATIO = 3_412
#: JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic), whose header gives the image size.
SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


@contextmanager
def bounded(limits: Limits) -> Iterator[None]:
    """Within the block, qpdf stops decoding any Flate, RunLength or predictor stream at ``pdf_max_stream_bytes``."""
    cap = min(limits.pdf_max_stream_bytes, 2**32 - 1)
    previous = pikepdf.settings.set_qpdf_limits(
        flate_max_memory=cap, run_length_max_memory=cap, png_max_memory=cap, tiff_max_memory=cap
    )
    try:
        yield
    finally:
        pikepdf.settings.set_qpdf_limits(**previous)  # type: ignore[arg-type]


def kind_of(stream: Stream, contents: frozenset[tuple[int, int]] = frozenset()) -> str:
    """What a stream is, for messages: "content stream" (a page's: its objgen in ``contents``), "XMP metadata
    stream", "embedded file", ..."""
    if stream.objgen in contents:
        return "content stream"
    found = stream.stream_dict
    kinds = {
        "/Metadata": "XMP metadata stream",
        "/EmbeddedFile": "embedded file",
        "/ObjStm": "object stream",
        "/XRef": "cross-reference stream",
    }
    kind = kinds.get(str(found.get("/Type", "")))
    if kind is not None:
        return kind
    subtype = str(found.get("/Subtype", ""))
    if subtype == "/Image":
        return "image"
    if subtype == "/Form":
        return "content stream (form XObject)"
    if "/Length1" in found or subtype in ("/Type1C", "/CIDFontType0C", "/OpenType"):
        return "font file"
    return "stream"


def _filters(stream: Stream) -> list[str]:
    value = stream.stream_dict.get("/Filter")
    if isinstance(value, Name):
        return [str(value)]
    if isinstance(value, Array):
        return [str(item) for item in value if isinstance(item, Name)]
    return []


def _jpeg_samples(data: bytes) -> int | None:
    """Width x height x components from a JPEG's start-of-frame header, or None when there is none."""
    at = 2 if data[:2] == b"\xff\xd8" else None
    while at is not None and at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in SOF_MARKERS:
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return width * height * data[at + 9]
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _declared(stream: Stream) -> int | None:
    """The decoded size a stream declares (/DL, or an embedded file's /Params /Size), if it is a number."""
    found = stream.stream_dict
    params = found.get("/Params")
    for value in (found.get("/DL"), params.get("/Size") if isinstance(params, pikepdf.Dictionary) else None):
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    return None


def stream_problem(stream: Stream, limits: Limits) -> str | None:
    """Why ``stream`` may not be decoded within the limits, before decoding it; None when it may."""
    cap = limits.pdf_max_stream_bytes
    limit = format_value("pdf_max_stream_bytes", cap)
    declared = _declared(stream)
    if declared is not None and declared > cap:
        return f"declares a decoded size of {declared:,} bytes, more than pdf_max_stream_bytes={limit}"
    size = len(stream.read_raw_bytes())  # what is stored is bounded by the file itself
    for index, name in enumerate(_filters(stream)):
        if name in ("/LZWDecode", "/LZW"):
            if size * LZW_MAX_RATIO > cap:
                most = format_value("pdf_max_stream_bytes", cap // LZW_MAX_RATIO)
                return (
                    f"uses /LZWDecode on {size:,} encoded bytes: it may decompress to more than "
                    f"pdf_max_stream_bytes={limit} (LZW streams are read up to {most} encoded)"
                )
            size *= LZW_MAX_RATIO
        elif name in ("/DCTDecode", "/DCT"):
            samples = _jpeg_samples(stream.read_raw_bytes()) if index == 0 else None
            if index != 0:
                return "uses /DCTDecode after another filter: its decoded size cannot be known before decoding"
            if samples is not None and samples > cap:
                return f"is a JPEG of {samples:,} samples, more than pdf_max_stream_bytes={limit}"
        elif name in ("/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"):
            continue  # these shrink what they decode
        else:
            size = cap  # qpdf stops Flate and RunLength (and their predictors) at the cap
    return None


@dataclass
class Scan:
    """The streams of a PDF that are too large to decode, and the decoded size of the others, by object."""

    problems: list[str] = field(default_factory=list)
    sizes: dict[tuple[int, int], int] = field(default_factory=dict)
    too_large: set[tuple[int, int]] = field(default_factory=set)


def _ref(stream: Stream) -> str:
    number, generation = stream.objgen
    return f"object {number} {generation}"


def decoded_size(stream: Stream, limits: Limits) -> int | str:
    """The decoded size of ``stream`` (decoded within :func:`bounded`), or why it is too large to decode."""
    problem = stream_problem(stream, limits)
    if problem is not None:
        return problem
    if not set(_filters(stream)) <= GENERAL_FILTERS:  # an image codec qpdf leaves encoded: its stored size
        return len(stream.read_raw_bytes())
    try:
        return len(memoryview(stream.get_stream_buffer(decode_level=StreamDecodeLevel.generalized)))
    except pikepdf.DataDecodingError as exc:
        if QPDF_LIMIT_MESSAGE in str(exc):
            return _too_large(limits)
        return 0  # corrupt data, not a bomb: qpdf --check reports it


def _too_large(limits: Limits) -> str:
    limit = format_value("pdf_max_stream_bytes", limits.pdf_max_stream_bytes)
    return f"decompresses to more than pdf_max_stream_bytes={limit}"


def scan(pdf: pikepdf.Pdf, limits: Limits) -> Scan:
    """Decode every stream of ``pdf`` once, within the limits; call inside :func:`bounded`."""
    result = Scan()
    total = 0
    contents = _page_contents(pdf)
    for obj in pdf.objects:
        if not isinstance(obj, Stream):
            continue
        found = decoded_size(obj, limits)
        if isinstance(found, str):
            result.problems.append(f"{_ref(obj)}: {kind_of(obj, contents)} {found}")
            result.too_large.add(obj.objgen)
            continue
        result.sizes[obj.objgen] = found
        total += found
        if total > limits.pdf_max_decoded_bytes:
            most = format_value("pdf_max_decoded_bytes", limits.pdf_max_decoded_bytes)
            result.problems.append(f"the file's streams decompress to more than pdf_max_decoded_bytes={most} in all")
            break
    return result


def _page_contents(pdf: pikepdf.Pdf) -> frozenset[tuple[int, int]]:
    """The content streams of the pages (a page's /Contents is a stream or an array of them)."""
    found: set[tuple[int, int]] = set()
    try:
        for page in pdf.pages:
            contents = page.obj.get("/Contents")
            for item in contents if isinstance(contents, Array) else [contents]:
                if isinstance(item, Stream) and item.is_indirect:
                    found.add(item.objgen)
    except Exception:  # a broken page tree: the streams are named by what they say they are
        pass
    return frozenset(found)


class TooLarge(ValueError):
    """A stream that may not be decoded within the limits; the message names the object."""


def check_metadata(metadata: Stream, streams: Scan, limits: Limits) -> None:
    """Raise :class:`TooLarge` unless the XMP ``metadata`` stream decodes within ``pdf_max_metadata_bytes``."""
    where = f"{_ref(metadata)}: XMP metadata stream" if metadata.is_indirect else "the XMP metadata stream"
    if metadata.is_indirect and metadata.objgen in streams.too_large:
        raise TooLarge(next(p for p in streams.problems if p.startswith(_ref(metadata) + ":")))
    size = streams.sizes.get(metadata.objgen) if metadata.is_indirect else None
    if size is None:
        decoded = decoded_size(metadata, limits)
        if isinstance(decoded, str):
            raise TooLarge(f"{where} {decoded}")
        size = decoded
    if size > limits.pdf_max_metadata_bytes:
        limit = format_value("pdf_max_metadata_bytes", limits.pdf_max_metadata_bytes)
        raise TooLarge(f"{where} decompresses to {size:,} bytes, more than pdf_max_metadata_bytes={limit}")


def read_bounded(stream: Stream, limits: Limits, total: int = 0) -> bytes:
    """The decoded data of ``stream``, within the limits (``total``: bytes already decoded from the same file);
    :class:`TooLarge` naming the object otherwise. Call inside :func:`bounded`."""
    problem = stream_problem(stream, limits)
    if problem is None:
        try:
            data = stream.read_bytes()
        except pikepdf.DataDecodingError as exc:
            if QPDF_LIMIT_MESSAGE not in str(exc):
                raise
            problem = _too_large(limits)
        else:
            if total + len(data) <= limits.pdf_max_decoded_bytes:
                return data
            most = format_value("pdf_max_decoded_bytes", limits.pdf_max_decoded_bytes)
            problem = f"takes the file's decoded streams past pdf_max_decoded_bytes={most}"
    where = _ref(stream) if stream.is_indirect else "a direct stream"
    raise TooLarge(f"{where}: {kind_of(stream)} {problem}")
