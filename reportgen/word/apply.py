"""``reportgen import docx``: what an edited Word edition changes in the data, and applying it.

A field differs when its printed text in Word differs from the printed text of the data's
Markdown (so a style the editor changed, or a paragraph merely re-flowed, is no change). The
difference is shown word by word (``[-old-]{+new+}``). Applying writes the field's new Markdown
into the data file as a literal block scalar in place of the old scalar, located by the YAML
parser's marks: every other byte of the file (comments, order, layout) stays, and the new text
is parsed back before the file is replaced atomically. Figures are never written: tables are
compared with a Word edition rebuilt from the data, and a changed cell is reported.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from lxml import html as lxml_html

from ..atomic import write_text_atomic
from ..errors import DataError, Issue
from ..model import Dataset
from ..model.text import LocalizedText
from ..render.narrative import narrative_html
from .readback import FieldText, WordEdition

FIGURES_NOTE = "figures come from the data, not from Word"
#: Narrative fields of an outcome (besides its progress notes) that come back from Word.
NARRATIVE_FIELDS = ("statement", "objectives")
#: Unchanged words shown on each side of a change.
CONTEXT_WORDS = 6


@dataclass
class Change:
    """One narrative field whose text in Word differs from the data."""

    field: FieldText
    file: Path
    old: str  # the data's Markdown
    new: str  # Word's, as Markdown
    diff: str

    @property
    def label(self) -> str:
        where = self.field.where
        year = f" {where['year']}" if where["field"] == "progress" else ""
        return f"{where['outcome']}{year} {where['field']} ({where['lang']})"


def printed_text(markdown: str) -> str:
    """The words a reader sees of a narrative field (its rendered HTML's text)."""
    html = narrative_html(markdown)
    if not html.strip():
        return ""
    return " ".join(str(lxml_html.fragment_fromstring(html, create_parent="div").text_content()).split())


def word_diff(old: str, new: str) -> str:
    """``old`` -> ``new`` word by word: deletions ``[-...-]``, insertions ``{+...+}``."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            keep_head = i1 > 0
            keep_tail = i2 < len(a)
            if len(same) > 2 * CONTEXT_WORDS + 1:
                head = same[:CONTEXT_WORDS] if keep_head else []
                tail = same[-CONTEXT_WORDS:] if keep_tail else []
                same = [*head, "…", *tail]
            out.extend(same)
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def _field_value(dataset: Dataset, where: dict[str, Any]) -> str | None:
    """The data's Markdown of the narrative field ``where`` names, in its language."""
    outcome = dataset.outcomes.get(str(where.get("outcome")))
    if outcome is None:
        return None
    value: LocalizedText | None = None
    if where.get("field") == "progress":
        value = next((entry.note for entry in outcome.progress if entry.year == where.get("year")), None)
    elif where.get("field") in NARRATIVE_FIELDS:
        value = getattr(outcome, str(where["field"]))
    if value is None:
        return None
    return value if isinstance(value, str) else value.get(str(where.get("lang")))


def changes(edition: WordEdition, dataset: Dataset) -> tuple[list[Change], list[str]]:
    """The changed narrative fields, and notes on fields that match nothing in the data."""
    found: list[Change] = []
    notes: list[str] = []
    for item in edition.fields:
        where = item.where
        current = _field_value(dataset, where)
        source = dataset.source_of(str(where.get("outcome")))
        if current is None or source is None:
            notes.append(f"{item.name}: {where} is not in the data; left alone")
            continue
        old_text = printed_text(current)
        if old_text == item.text:  # tracked changes that cancel out, or only styling changed
            continue
        found.append(Change(item, source, current, item.markdown, word_diff(old_text, item.text)))
    return found, notes


def figure_changes(edition: WordEdition, rebuilt: WordEdition) -> list[str]:
    """Table cells whose text in Word differs from a Word edition rebuilt from the data."""
    messages: list[str] = []
    for t, (table, original) in enumerate(zip(edition.tables, rebuilt.tables, strict=False), start=1):
        for r, (row, row_then) in enumerate(zip(table, original, strict=False), start=1):
            for c, (cell, then) in enumerate(zip(row, row_then, strict=False), start=1):
                if " ".join(cell.split()) != " ".join(then.split()):
                    messages.append(
                        f"table {t}, row {r}, column {c}: {cell!r} in Word, {then!r} in the data: {FIGURES_NOTE}"
                    )
    if len(edition.tables) != len(rebuilt.tables):
        messages.append(f"{len(edition.tables)} tables in Word, {len(rebuilt.tables)} from the data: {FIGURES_NOTE}")
    return messages


def _child(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value
    return None


def _scalar(node: tuple[yaml.Node, yaml.Node] | None, lang: str) -> tuple[yaml.Node, yaml.ScalarNode] | None:
    """A text field's scalar: the field itself, or its ``lang`` version."""
    if node is None:
        return None
    if isinstance(node[1], yaml.ScalarNode):
        return node[0], node[1]
    by_lang = _child(node[1], lang)
    if by_lang is not None and isinstance(by_lang[1], yaml.ScalarNode):
        return by_lang[0], by_lang[1]
    return None


def _locate(root: yaml.Node, where: dict[str, Any]) -> tuple[yaml.Node, yaml.ScalarNode] | None:
    """(key node, scalar node) of the narrative field ``where`` names."""
    lang = str(where["lang"])
    if where["field"] in NARRATIVE_FIELDS:
        return _scalar(_child(root, str(where["field"])), lang)
    progress = _child(root, "progress")
    if progress is None or not isinstance(progress[1], yaml.SequenceNode):
        return None
    for item in progress[1].value:
        year = _child(item, "year")
        if year is not None and isinstance(year[1], yaml.ScalarNode) and year[1].value == str(where["year"]):
            return _scalar(_child(item, "note"), lang)
    return None


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    lines = [f"{pad}{line}" if line.strip() else "" for line in text.strip("\n").split("\n")]
    return "|\n" + "\n".join(lines) + "\n"


def replace_scalar(source: str, file: Path, where: dict[str, Any], new: str) -> str:
    """``source`` with the scalar of ``where`` replaced by ``new`` as a literal block."""
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    located = _locate(root, where) if root is not None else None
    if located is None:
        raise DataError([Issue(f"no {where['field']} for {where['year']} ({where['lang']}) in this file", file=file)])
    key, scalar = located
    start, end = scalar.start_mark.index, scalar.end_mark.index
    span = source[start:end]
    trailing = span[len(span.rstrip()) :]  # a block scalar's line breaks up to the next key
    block = _block(new, key.start_mark.column + 2)
    return source[:start] + block.rstrip("\n") + trailing + source[end:]


def apply(found: list[Change]) -> list[Path]:
    """Write every change into its data file (one atomic write per file); returns the files."""
    by_file: dict[Path, list[Change]] = {}
    for change in found:
        by_file.setdefault(change.file, []).append(change)
    written: list[Path] = []
    for file, items in by_file.items():
        source = file.read_text(encoding="utf-8")
        for change in items:
            source = replace_scalar(source, file, change.field.where, change.new)
            check = yaml.compose(source, Loader=yaml.SafeLoader)
            located = _locate(check, change.field.where) if check is not None else None
            if located is None or located[1].value.strip() != change.new.strip():
                raise DataError([Issue(f"the edited {change.label} would not read back as written", file=file)])
        written.append(write_text_atomic(source, file))
    return written
