"""Plain words for the operating system's file errors: what happened and the likely cause.

``describe(exc)`` gives ``"File too large (a full disk or a file size limit)"`` for EFBIG,
``"Permission denied (no permission to write there)"`` for EACCES, and so on; messages about
files that cannot be written (reports, manifests, imported data) all use it.
"""

from __future__ import annotations

import errno

_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a full disk or a file size limit",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EROFS: "the file system is read-only",
}


def describe(exc: OSError) -> str:
    """The error's own words, with the likely cause when it is a known one."""
    reason = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0)
    return f"{reason} ({hint})" if hint else reason
