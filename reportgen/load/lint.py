"""Lint: text that is valid but should not be printed (placeholders, scraping leftovers).

Warnings, not errors: the build continues and prints them; ``--strict`` makes them fatal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..errors import Issue, Severity
from ..model import Outcome
from .location import LocatedDocument

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
        for pattern, label in _PLACEHOLDERS:
            if pattern.search(text):
                yield doc.issue(path, label, Severity.WARNING)
                break
        repeated = _repeated_sentence(text)
        if repeated:
            snippet = repeated if len(repeated) <= 60 else repeated[:57] + "..."
            yield doc.issue(path, f"the same sentence appears more than once: {snippet!r}", Severity.WARNING)


#: A progress note longer than this does not fit a 2-4 page brief (about 1.5 pages of text).
MAX_NOTE_WORDS = 1000
#: Paragraphs shorter than this are too generic to flag when two outcomes share them.
_MIN_SHARED_PARAGRAPH = 80


def _paragraphs(text: str) -> list[str]:
    return [
        " ".join(block.split()) for block in re.split(r"\n\s*\n", text) if len(block.strip()) >= _MIN_SHARED_PARAGRAPH
    ]


def _versions(path: tuple[object, ...], value: object) -> Iterator[tuple[tuple[object, ...], str]]:
    """A narrative field's text, or each language version of it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for lang, text in value.items():
            if isinstance(text, str):
                yield (*path, lang), text


def _narratives(doc: LocatedDocument) -> Iterator[tuple[tuple[object, ...], str]]:
    data = doc.data if isinstance(doc.data, dict) else {}
    yield from _versions(("statement",), data.get("statement"))
    notes = data.get("progress")
    for index, note in enumerate(notes if isinstance(notes, list) else []):
        if isinstance(note, dict):
            yield from _versions(("progress", index, "note"), note.get("note"))


def lint_across(docs: list[LocatedDocument]) -> Iterator[Issue]:
    """Narrative paragraphs pasted into two outcome files (one warning at each later copy)."""
    first_seen: dict[str, tuple[LocatedDocument, tuple[object, ...]]] = {}
    for doc in docs:
        for path, text in _narratives(doc):
            for paragraph in _paragraphs(text):
                if paragraph not in first_seen:
                    first_seen[paragraph] = (doc, path)
                    continue
                other, other_path = first_seen[paragraph]
                if other is not doc:
                    where = f"{other.file}:{other.locate(other_path).line}"
                    snippet = paragraph[:57] + "..." if len(paragraph) > 60 else paragraph
                    yield doc.issue(path, f"paragraph also appears in {where}: {snippet!r}", Severity.WARNING)


def lint_outcome(outcome: Outcome, doc: LocatedDocument) -> Iterator[Issue]:
    """Warnings that need the validated outcome: a missing report-year note, a note too long."""
    from ..build import default_report_year

    year = default_report_year(outcome)
    if not any(note.year == year for note in outcome.progress):
        path = ("report_year",) if outcome.report_year is not None else ("progress",)
        yield doc.issue(path, f"no progress note for the report year {year}", Severity.WARNING)
    for index, note in enumerate(outcome.progress):
        words = note.word_count
        if words > MAX_NOTE_WORDS:
            yield doc.issue(
                ("progress", index, "note"),
                f"note is {words} words; a brief has room for about {MAX_NOTE_WORDS}",
                Severity.WARNING,
            )
