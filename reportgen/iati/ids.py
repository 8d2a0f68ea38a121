"""reportgen ids made from IATI identifiers, organisation refs and names.

An id is lowercase letters, digits and hyphens, 1-64 characters, starting with a letter
or digit (``^[a-z0-9][a-z0-9-]{0,63}$``). Long or colliding ids, and ids that would be a
reserved Windows device name (``con``, ``nul``, ``com1``: ids name the data files written),
get a short hash of the original text, so the same input always gives the same id.
"""

from __future__ import annotations

import hashlib

from ..safe_names import is_reserved, slug

MAX_ID = 64
_HASH = 8


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH]


def make_id(text: str, max_length: int = MAX_ID) -> str:
    """A valid id for ``text``: its slug, shortened with a hash when it is too long (or empty)."""
    base = slug(text)
    if base and len(base) <= max_length and not is_reserved(base):
        return base
    head = base[: max_length - _HASH - 1].rstrip("-")
    return f"{head}-{_digest(text)}" if head else _digest(text)


class IdAllocator:
    """Hands out ids unique within one namespace; the same key always gets the same id."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        self._taken: set[str] = set()

    def allocate(self, key: str, text: str | None = None) -> str:
        """The id of ``key`` (made from ``text``, default the key itself)."""
        if key in self._by_key:
            return self._by_key[key]
        source = key if text is None else text
        candidate = make_id(source)
        if candidate in self._taken:
            head = candidate[: MAX_ID - _HASH - 1].rstrip("-")
            candidate = f"{head}-{_digest(key)}"
            n = 2
            while candidate in self._taken:  # pragma: no cover - a hash collision
                candidate = f"{head}-{_digest(f'{key}#{n}')}"
                n += 1
        self._by_key[key] = candidate
        self._taken.add(candidate)
        return candidate


def numbered(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first not in ``taken`` (which is updated)."""
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: MAX_ID - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(candidate)
    return candidate
