"""Vetting a workbook file before openpyxl opens it: a real zip, and no zip bomb.

An ``.xlsx`` is a zip archive of XML parts. A few kilobytes of zip can hold gigabytes of
XML ("zip bomb"), so the archive's directory is read first (it is small, and reading it
decompresses nothing) and the workbook is refused when its parts add up to more than
``xlsx_max_uncompressed_bytes`` or a large part is more than ``xlsx_max_compression_ratio``
times its compressed size. Python's zipfile never inflates a part beyond the size the
directory declares (it stops there, or fails its CRC check), so the declared sizes are
the bound. Files that are not zips at all get a message saying what they look like.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import Issue
from ..limits import RATIO_GRACE_BYTES, current

#: The part every Office Open XML package has.
CONTENT_TYPES = "[Content_Types].xml"

#: What a file that is not a zip archive seems to be, by its first bytes.
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls or other Office 97-2003 file: save it as .xlsx"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"<", "an XML or HTML text file"),
    (b"\xef\xbb\xbf", "a text file, a CSV? name a CSV table .csv"),
)


def _looks_like(head: bytes) -> str:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    if not head:
        return "an empty file"
    text = head.replace(b"\r", b"").replace(b"\n", b"").replace(b"\t", b"")
    if all(32 <= byte < 127 for byte in text):
        return "a text file, a CSV? name a CSV table .csv"
    return "unknown binary data"


def check_workbook_archive(file: Path) -> Issue | None:
    """None when ``file`` is a zip archive within the XLSX limits, else the issue to report."""
    limits = current()
    try:
        size = file.stat().st_size
        if size > limits.xlsx_max_bytes:
            return Issue(limits.message("xlsx_max_bytes", f"file is {size} bytes", needed=size), file=file)
        with file.open("rb") as stream:
            head = stream.read(8)
        if not zipfile.is_zipfile(file):
            what = _looks_like(head)
            return Issue(f"not a readable .xlsx workbook (not a zip archive; it looks like {what})", file=file)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except OSError as exc:
        return Issue(f"cannot read file: {exc.strerror or exc}", file=file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        return Issue(f"not a readable .xlsx workbook (damaged zip archive: {exc})", file=file)
    if CONTENT_TYPES not in {member.filename for member in members}:
        return Issue(f"not a readable .xlsx workbook (a zip archive without {CONTENT_TYPES})", file=file)
    total = sum(member.file_size for member in members)
    if total > limits.xlsx_max_uncompressed_bytes:
        found = f"the workbook's parts are {total} bytes once decompressed"
        return Issue(limits.message("xlsx_max_uncompressed_bytes", found, needed=total), file=file)
    for member in members:
        if member.file_size <= RATIO_GRACE_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.xlsx_max_compression_ratio:
            found = f"part {member.filename!r} is {ratio:.0f} times larger decompressed ({member.file_size} bytes)"
            return Issue(limits.message("xlsx_max_compression_ratio", found, needed=int(ratio) + 1), file=file)
    return None
