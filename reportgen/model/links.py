"""Addresses of the online pages reports link to: ``links`` under ``organization`` in organization.yaml.

One optional URL pattern per report kind: ``outcome`` (outcome briefs), ``partner`` (donor
reports) and ``office`` (country annual reports). A report whose kind has a pattern prints a
QR code of its address and the address as a link; a kind without one prints neither.

A pattern is an absolute ``http://`` or ``https://`` address with placeholders in braces:

=================  ==================================================================
``{id}``           the outcome's, partner's or office's id
``{year}``         the report year
``{lang}``         the report's language code (``en``, ``es``, ``fr``)
``{reference}``    outcome patterns only: the outcome's ``reference`` (its IATI identifier,
                   say); an outcome without one gets no link
=================  ==================================================================

:func:`expand` percent-encodes every value (all but ASCII letters, digits and ``-._~``), so a
value never changes the address's structure: a ``/`` in a reference becomes ``%2F``, a space
``%20``. :func:`check_pattern` is the load-time check; its messages name what to change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote, urlsplit

from pydantic import ValidationInfo, WithJsonSchema, field_validator

from .types import FrozenModel

Kind = Literal["outcome", "partner", "office"]

#: The placeholders each kind's pattern may use, in the order messages list them.
PLACEHOLDERS: Mapping[str, tuple[str, ...]] = {
    "outcome": ("id", "year", "lang", "reference"),
    "partner": ("id", "year", "lang"),
    "office": ("id", "year", "lang"),
}
_EVERY_PLACEHOLDER = frozenset(name for names in PLACEHOLDERS.values() for name in names)
#: What a placeholder stands for while the pattern is checked as an address.
_SAMPLE = "x"
#: Characters RFC 3986 never allows unencoded in an address (braces are placeholders).
_NOT_IN_URLS = frozenset('"<>\\^`|')
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Placeholder:
    """``{name}`` in a pattern."""

    name: str


Part = str | Placeholder


def _shown(pattern: str) -> str:
    text = repr(pattern)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_pattern(pattern: str, kind: Kind) -> tuple[Part, ...]:
    """``pattern`` as literal text and placeholders; ValueError for a brace without its partner
    or a placeholder ``kind`` does not know."""
    known = PLACEHOLDERS[kind]
    listed = ", ".join(f"{{{name}}}" for name in known)
    parts: list[Part] = []
    position = 0
    while position < len(pattern):
        opening = pattern.find("{", position)
        closing = pattern.find("}", position)
        if closing != -1 and (opening == -1 or closing < opening):
            raise ValueError(
                f"'}}' at character {closing + 1} has no '{{' before it (write a literal brace as %7D), "
                f"got {_shown(pattern)}"
            )
        if opening == -1:
            parts.append(pattern[position:])
            break
        if opening > position:
            parts.append(pattern[position:opening])
        end = pattern.find("}", opening + 1)
        nested = pattern.find("{", opening + 1)
        if end == -1 or (nested != -1 and nested < end):
            raise ValueError(
                f"'{{' at character {opening + 1} is not closed by '}}' (write a literal brace as %7B), "
                f"got {_shown(pattern)}"
            )
        name = pattern[opening + 1 : end]
        if name not in known:
            if name in _EVERY_PLACEHOLDER:
                raise ValueError(f"{{{name}}} cannot be used in {kind} addresses; use {listed}")
            raise ValueError(f"unknown placeholder {{{name}}}; use {listed}")
        parts.append(Placeholder(name))
        position = end + 1
    return tuple(parts)


def check_pattern(pattern: str, kind: Kind) -> str:
    """``pattern`` when it is a valid ``kind`` address pattern; a ValueError saying what is wrong."""
    if not pattern:
        raise ValueError("must not be empty (leave the field out for no link)")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in pattern):
        raise ValueError(f"must not contain spaces or control characters (write a space as %20), got {_shown(pattern)}")
    if not pattern.isascii():
        raise ValueError(
            "must be ASCII: percent-encode other characters (é as %C3%A9) and write the host in its "
            f"ASCII form (xn--...), got {_shown(pattern)}"
        )
    parts = parse_pattern(pattern, kind)
    sample = "".join(part if isinstance(part, str) else _SAMPLE for part in parts)
    bad = sorted({c for c in sample if c in _NOT_IN_URLS})
    if bad:
        shown = " ".join(bad)
        raise ValueError(f"{shown} cannot appear in an address; percent-encode it, got {_shown(pattern)}")
    if _PERCENT.search(sample):
        raise ValueError(f"'%' must start a percent-encoded byte such as %20, got {_shown(pattern)}")
    try:
        address = urlsplit(sample)
        address.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:
        raise ValueError(f"is not a valid address ({exc}), got {_shown(pattern)}") from None
    if address.scheme.lower() not in ("http", "https"):
        raise ValueError(f"must be an absolute http:// or https:// address, got {_shown(pattern)}")
    if not address.hostname:
        raise ValueError(f"has no host name after {address.scheme}:// (https://example.org/...), got {_shown(pattern)}")
    return pattern


def expand(pattern: str, kind: Kind, values: Mapping[str, object]) -> str | None:
    """The address ``pattern`` gives for ``values`` (placeholder name -> value), each value
    percent-encoded; None when a placeholder it uses has no value (None or empty)."""
    out: list[str] = []
    for part in parse_pattern(pattern, kind):
        if isinstance(part, str):
            out.append(part)
            continue
        value = values.get(part.name)
        if value is None or str(value) == "":
            return None
        out.append(quote(str(value), safe=""))
    return "".join(out)


def _schema(kind: Kind) -> dict[str, object]:
    names = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind])
    address: dict[str, object] = {
        "type": "string",
        "format": "uri-template",
        "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[!-~]+$",
    }
    return {
        "anyOf": [address, {"type": "null"}],
        "default": None,
        "description": f"Address of the {kind}'s online page (absolute http/https); placeholders: {names}.",
    }


OutcomePattern = Annotated[str | None, WithJsonSchema(_schema("outcome"))]
PartnerPattern = Annotated[str | None, WithJsonSchema(_schema("partner"))]
OfficePattern = Annotated[str | None, WithJsonSchema(_schema("office"))]


class OnlineLinks(FrozenModel):
    """The address pattern of each kind's online page; a kind without one prints no link."""

    outcome: OutcomePattern = None
    partner: PartnerPattern = None
    office: OfficePattern = None

    @field_validator("outcome", "partner", "office")
    @classmethod
    def _valid_pattern(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        kind: Kind = info.field_name  # type: ignore[assignment]
        return check_pattern(value, kind)

    def url(self, kind: Kind, values: Mapping[str, object]) -> str | None:
        """The address of one ``kind`` page (see :func:`expand`); None without a pattern."""
        pattern: str | None = getattr(self, kind)
        return expand(pattern, kind, values) if pattern is not None else None
