"""Saying what a file that cannot be read seems to be, from its first bytes.

A PDF saved over an outcome file, a workbook named ``.csv``, a CSV named ``.xlsx``, a
spreadsheet exported as UTF-16: the parser's own complaint (an invalid byte, no zip
directory) does not tell the user what went wrong; the name of what the file looks like does.
"""

from __future__ import annotations

#: First bytes of kinds of file, and what to call them.
SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls or other Office 97-2003 file (save it as .xlsx)"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)


def looks_like(head: bytes) -> str | None:
    """What ``head`` (a file's first bytes) seems to be, or None when it says nothing."""
    for signature, what in SIGNATURES:
        if head.startswith(signature):
            return what
    sample = head[:512]
    if len(sample) >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4:
        return "UTF-16 text"
    return None


def looks_like_text(head: bytes) -> bool:
    """Whether ``head`` is printable ASCII or UTF-8 text (a cut multi-byte character at its end allowed)."""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8-sig", "replace")
    return all(char.isprintable() or char in "\r\n\t" for char in text)
