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

import io
import zipfile
from pathlib import Path

from ..errors import Issue
from ..limits import RATIO_GRACE_BYTES, current
from .sniff import looks_like, looks_like_text

#: The part every Office Open XML package has.
CONTENT_TYPES = "[Content_Types].xml"


def _not_a_zip(head: bytes) -> str:
    """Why a file whose first bytes are ``head`` is no zip archive, as well as can be told."""
    if not head:
        return "the file is empty"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive cut short or damaged: its directory, at the end, is missing"
    if looks_like_text(head):
        return "not a zip archive but text: a CSV table? those are named .csv"
    what = looks_like(head)
    return f"not a zip archive: it looks like {what}" if what else "not a zip archive"


def check_workbook_archive(file: Path, content: bytes) -> Issue | None:
    """None when ``content``, the bytes of ``file`` (read with :func:`reportgen.safe_files.read_bytes`,
    within ``xlsx_max_bytes``), is a zip archive within the XLSX limits, else the issue to report."""
    limits = current()
    head = content[:512]
    try:
        if not zipfile.is_zipfile(io.BytesIO(content)):
            return Issue(f"not a readable .xlsx workbook ({_not_a_zip(head)})", file=file)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except OSError as exc:  # pragma: no cover - the bytes are in memory
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
