"""Safe file names from ids, and the checks that every output file stays where it belongs.

Every output file name that comes from data (an outcome, partner or office id, a language,
an imported IATI identifier) goes through :func:`file_name`, which turns any string into
one portable path component: ASCII letters, digits and hyphens, starting with a letter or
digit, at most :data:`MAX_NAME_BYTES` bytes, never a reserved Windows device name, never
``.`` or ``..``. An id that is already such a name is kept as it is (``mex-justice``);
any other gets a readable slug and a hash of the original text (``Con`` -> ``con-5a1b…``),
so two different ids give two different names. :func:`check_distinct` proves it for a run
(a collision, possible only by a chosen hash or on a case-insensitive file system, is an
error naming both ids) and :func:`inside` checks, before writing, that the resolved path is
in the output folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError

#: The longest name :func:`file_name` returns, in bytes (ASCII: one byte a character). With a
#: year, a language suffix and ``.pdf`` it stays far below the 255 bytes file systems allow.
MAX_NAME_BYTES = 64
_HASH = 12  # hex digits of sha256 (48 bits)
_SLUG_MAX = MAX_NAME_BYTES - _HASH - 1
_PLAIN = re.compile(r"[a-z0-9][a-z0-9-]*")
_OTHER = re.compile(r"[^a-z0-9]+")

#: Windows device names: a file called so (with any extension) is the device, not a file.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{n}" for n in "123456789"}
    | {f"lpt{n}" for n in "123456789"}
)


def is_reserved(name: str) -> bool:
    """True for a Windows device name, with or without extension (``nul``, ``COM1.txt``)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in RESERVED


def _digest(text: str) -> str:
    data = text.encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(data).hexdigest()[:_HASH]


def slug(text: str) -> str:
    """``XI-IATI-EC_INTPA-2021/429-054`` -> ``xi-iati-ec-intpa-2021-429-054``: accents are
    dropped, runs of other characters become one hyphen. Possibly empty; possibly too long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _OTHER.sub("-", ascii_text.lower()).strip("-")


def file_name(text: str) -> str:
    """One safe path component for ``text`` (see the module docstring): ``text`` itself when it
    is already plain (lowercase ASCII letters, digits, inner hyphens, not reserved, short),
    else ``<slug>-<hash>`` (``<hash>`` alone when nothing readable is left)."""
    if len(text) <= MAX_NAME_BYTES and _PLAIN.fullmatch(text) and not is_reserved(text):
        return text
    readable = slug(text)[:_SLUG_MAX].rstrip("-")
    return f"{readable}-{_digest(text)}" if readable else _digest(text)


def is_safe(name: str) -> bool:
    """True when ``name`` is one portable path component: printable ASCII without separators,
    no leading dot or hyphen, not reserved, within the length bound plus a suffix's room."""
    return (
        0 < len(name.encode("utf-8", errors="surrogatepass")) <= 255
        and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) is not None
        and not name.endswith(".")
        and not is_reserved(name)
    )


def inside(folder: Path, target: Path) -> Path:
    """``target``, after checking that it resolves to a place inside ``folder`` (symbolic
    links followed): a name that escaped :func:`file_name`, or a link planted in the output
    folder, must not make reportgen write elsewhere."""
    root = Path(os.path.realpath(folder))
    where = Path(os.path.realpath(target))
    if where == root or root not in where.parents:
        raise UsageError(
            f"refusing to write {target}: it resolves to {where}, outside the output folder {root} "
            "(a symbolic link in the output folder?)"
        )
    return target


def check_distinct(named: Iterable[tuple[str, Path]]) -> None:
    """Stop when two outputs of one run would be the same file: ``named`` is (what, path)
    pairs (``what`` names the report, ``brief 'mex-justice' 2024``). Paths are compared case
    folded, as a case-insensitive file system (macOS, Windows) would."""
    seen: dict[str, tuple[str, Path]] = {}
    for what, path in named:
        folded = str(path).casefold()
        if folded in seen and seen[folded][0] != what:
            other, other_path = seen[folded]
            raise UsageError(
                f"two reports would be written to the same file: {other} -> {other_path} and {what} -> {path}; "
                "rename one of the ids"
            )
        seen.setdefault(folded, (what, path))
