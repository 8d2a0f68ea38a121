"""Lint: text that is valid but should not be printed (placeholders, scraping leftovers).

Warnings, not errors: the build continues and prints them; ``--strict`` makes them fatal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..errors import Issue, Severity
from .source import LocatedDocument
from .validate import dotted

_PLACEHOLDERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"lorem\s+ipsum", re.I), "placeholder text ('Lorem ipsum')"),
    (re.compile(r"dummy text of the printing", re.I), "placeholder text ('dummy text')"),
    (re.compile(r"^\s*(tbd|tbc|xxx+|n/a|to be (?:determined|confirmed))\s*$", re.I), "placeholder value"),
    (
        re.compile(r"^\s*no data available\s*$", re.I),
        "'No data available' written as a value; leave the field out instead",
    ),
    (re.compile(r"^\s*chart\s*/?\s*tableau\s*$", re.I), "website leftover ('Chart / Tableau')"),
]

#: A sentence this long or longer, repeated within one field, is flagged.
_MIN_REPEATED_SENTENCE = 40


def _strings(data: Any, path: tuple[object, ...]) -> Iterator[tuple[tuple[object, ...], str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _repeated_sentence(text: str) -> str | None:
    sentences = [" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+|\n", text)]
    counts = Counter(s for s in sentences if len(s) >= _MIN_REPEATED_SENTENCE)
    for sentence, count in counts.items():
        if count > 1:
            return sentence
    return None


def lint_document(doc: LocatedDocument) -> Iterator[Issue]:
    """Warnings for placeholder and repeated text anywhere in ``doc``."""
    for path, text in _strings(doc.data, ()):
        line, field = doc.line_of(path), dotted(path) or None
        for pattern, label in _PLACEHOLDERS:
            if pattern.search(text):
                yield Issue(label, file=doc.file, line=line, field=field, severity=Severity.WARNING)
                break
        repeated = _repeated_sentence(text)
        if repeated:
            snippet = repeated if len(repeated) <= 60 else repeated[:57] + "..."
            yield Issue(
                f"the same sentence appears more than once: {snippet!r}",
                file=doc.file,
                line=line,
                field=field,
                severity=Severity.WARNING,
            )
