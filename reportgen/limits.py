"""Limits on how much work one input file may make reportgen do, in one place.

A hostile or broken file (a YAML "billion laughs", an XLSX zip bomb, a CSV of a million
rows, an IATI file of many gigabytes) must be refused quickly with a clear message, not
exhaust memory or time. Every such limit is a field of :class:`Limits`, with its default
and what it guards. The loaders read :func:`current`; nothing else hard-codes a limit.

Configure them with ``reportgen --limit NAME=VALUE`` (repeatable), with the environment
variable ``REPORTGEN_LIMITS="name=value,name=value"`` (the command-line option wins), or in
code with ``with using(current().updated(csv_max_rows=10**6)): ...``. Sizes in bytes take
units (``20MB`` = 20,000,000, ``20MiB`` = 20,971,520); counts take ``k``, ``M``, ``G``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation

from .errors import UsageError

KiB, MiB, GiB = 1024, 1024**2, 1024**3

#: The environment variable read for limits (``name=value,name=value``).
ENV_VAR = "REPORTGEN_LIMITS"

#: A workbook member smaller than this is never refused for its compression ratio (tiny XML
#: parts compress unevenly); part of ``xlsx_max_compression_ratio``.
RATIO_GRACE_BYTES = MiB


def _limit(default: int, guards: str, loader: str) -> int:
    return field(default=default, metadata={"guards": guards, "loader": loader})


@dataclass(frozen=True)
class Limits:
    """Every limit on input, by name. Sizes (names ending ``_bytes``) are in bytes."""

    yaml_max_bytes: int = _limit(20 * MiB, "size of one YAML file, checked before it is read", "YAML")
    json_max_bytes: int = _limit(20 * MiB, "size of one JSON file, checked before it is read", "JSON")
    document_max_values: int = _limit(
        500_000, "values in one YAML or JSON document, counted with YAML aliases expanded ('billion laughs')",
        "YAML, JSON",
    )  # fmt: skip
    document_max_depth: int = _limit(64, "nesting of lists and mappings in one YAML or JSON document", "YAML, JSON")
    csv_max_bytes: int = _limit(20 * MiB, "size of one CSV table, checked before it is read", "CSV")
    csv_max_rows: int = _limit(200_000, "rows in one CSV table", "CSV")
    csv_max_field_chars: int = _limit(128 * KiB, "characters in one CSV cell", "CSV")
    xlsx_max_bytes: int = _limit(20 * MiB, "size of one workbook as stored (compressed)", "XLSX")
    xlsx_max_uncompressed_bytes: int = _limit(
        256 * MiB, "sum of the sizes of a workbook's parts once decompressed (zip bomb), checked before opening",
        "XLSX",
    )  # fmt: skip
    xlsx_max_compression_ratio: int = _limit(
        100, f"how many times larger any part over {RATIO_GRACE_BYTES // MiB} MiB may be once decompressed (zip bomb)",
        "XLSX",
    )  # fmt: skip
    xlsx_max_rows: int = _limit(200_000, "rows read from one sheet, empty rows between data included", "XLSX")
    xlsx_max_cells: int = _limit(2_000_000, "cells read from one sheet, empty cells within rows included", "XLSX")
    theme_file_max_bytes: int = _limit(
        2 * MiB, "size of one theme file (theme.yaml, theme.css, print.css, a stylesheet it imports), from stat",
        "themes",
    )  # fmt: skip
    font_max_bytes: int = _limit(32 * MiB, "size of one font file of a theme or the assets, from stat", "themes")
    image_max_bytes: int = _limit(16 * MiB, "size of one logo or picture a report loads, from stat", "themes")
    iati_max_bytes: int = _limit(GiB, "size of one IATI XML file to import (it is read as a stream)", "IATI XML")
    iati_max_depth: int = _limit(64, "nesting of XML elements", "IATI XML")
    iati_max_activity_elements: int = _limit(2_000_000, "XML elements in one iati-activity", "IATI XML")
    iati_max_activity_chars: int = _limit(64 * MiB, "characters of text in one iati-activity", "IATI XML")
    pdf_max_stream_bytes: int = _limit(
        64 * MiB, "decoded size of one stream of a PDF that is read back (flate bomb), stopped while decoding",
        "PDF (verify, load-attached)",
    )  # fmt: skip
    pdf_max_decoded_bytes: int = _limit(
        512 * MiB, "decoded size of all the streams of one PDF that is read back, summed", "PDF (verify, load-attached)"
    )
    pdf_max_metadata_bytes: int = _limit(
        4 * MiB, "decoded size of a PDF's XMP metadata stream, checked before it is parsed as XML", "PDF (verify)"
    )

    def updated(self, **values: int) -> Limits:
        """A copy with some limits changed (names as the fields)."""
        return replace(self, **values)

    def message(self, name: str, found: str, needed: int | None = None) -> str:
        """The text of a refusal: what was found, the limit passed, and how to raise it."""
        value = getattr(self, name)
        suggestion = max(2 * value, needed or 0)
        if name.endswith("_bytes"):
            suggestion = -(-suggestion // MiB) * MiB if suggestion >= MiB else suggestion
        return (
            f"{found}: more than {name}={format_value(name, value)}; if the file is trusted, "
            f"raise the limit with --limit {name}={format_value(name, suggestion)}"
        )


class LimitError(UsageError):
    """A limit setting that cannot be used (unknown name, bad value); the text says why."""


def names() -> list[str]:
    """Every limit's name, in the order of :class:`Limits`."""
    return [f.name for f in fields(Limits)]


def describe() -> list[tuple[str, str, str, str]]:
    """(name, default, what it guards, loader) of every limit, for documentation and help."""
    default = Limits()
    return [
        (f.name, format_value(f.name, getattr(default, f.name)), f.metadata["guards"], f.metadata["loader"])
        for f in fields(Limits)
    ]


def format_value(name: str, value: int) -> str:
    """``20MiB`` for sizes that are whole mebibytes (or KiB, GiB), the plain number otherwise."""
    if name.endswith("_bytes"):
        for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
            if value >= size and value % size == 0:
                return f"{value // size}{unit}"
    return str(value)


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)
_BYTE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": KiB, "m": 10**6, "mb": 10**6, "mib": MiB}
_BYTE_UNITS |= {"g": 10**9, "gb": 10**9, "gib": GiB}
_COUNT_UNITS = {"": 1, "k": 1000, "m": 10**6, "g": 10**9}


def parse_value(name: str, text: str) -> int:
    """The value of ``name`` written as ``text``; LimitError saying what is accepted."""
    units = _BYTE_UNITS if name.endswith("_bytes") else _COUNT_UNITS
    kind = "a size such as 20MB, 20MiB or 20971520" if units is _BYTE_UNITS else "a whole number such as 500000 or 500k"
    match = _NUMBER.match(text.replace("_", ""))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in units:
        raise LimitError(f"{name}: {text!r} is not {kind}")
    try:
        amount = Decimal(match.group(1)) * units[unit]
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        raise LimitError(f"{name}: {text!r} is not {kind}") from None
    if amount != amount.to_integral_value() or amount < 1:
        raise LimitError(f"{name}: {text!r} must be a whole number of at least 1")
    return int(amount)


def parse_settings(settings: Iterable[str], base: Limits) -> Limits:
    """``base`` with each ``NAME=VALUE`` of ``settings`` applied; LimitError for a bad one."""
    known = names()
    values: dict[str, int] = {}
    for setting in settings:
        name, sep, text = setting.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name:
            raise LimitError(f"{setting!r} is not NAME=VALUE; limits: {', '.join(known)}")
        if name not in known:
            raise LimitError(f"unknown limit {name!r}; limits: {', '.join(known)}")
        values[name] = parse_value(name, text)
    return base.updated(**values)


def from_environment(environ: Mapping[str, str] | None = None) -> Limits:
    """The defaults with ``REPORTGEN_LIMITS`` applied; LimitError naming the variable if it is bad."""
    text = (os.environ if environ is None else environ).get(ENV_VAR, "")
    settings = [part for part in text.split(",") if part.strip()]
    try:
        return parse_settings(settings, Limits())
    except LimitError as exc:
        raise LimitError(f"{ENV_VAR}: {exc}") from None


_CURRENT: ContextVar[Limits | None] = ContextVar("reportgen_limits", default=None)


def current() -> Limits:
    """The limits in force: those set by :func:`using`, else the defaults with ``REPORTGEN_LIMITS``."""
    limits = _CURRENT.get()
    return limits if limits is not None else from_environment()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the current ones inside the ``with`` block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
