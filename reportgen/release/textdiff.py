"""A word-level diff of two texts, for narrative changes a reviewer reads: which words went,
which came, in order. Whitespace only separates words; a change of spacing is no change."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["=", "-", "+"]


@dataclass(frozen=True)
class Piece:
    """A run of words kept (``=``), removed (``-``) or added (``+``)."""

    op: Op
    text: str


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The pieces that turn ``old`` into ``new``, word by word (a replacement is a removal then an addition)."""
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("-", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("+", " ".join(b[j1:j2])))
    return tuple(pieces)


def shortened(pieces: tuple[Piece, ...], context: int = 6) -> tuple[Piece, ...]:
    """``pieces`` with long unchanged runs cut to ``context`` words either side of a change."""
    out: list[Piece] = []
    for index, piece in enumerate(pieces):
        words = piece.text.split()
        if piece.op != "=" or len(words) <= 2 * context + 1:
            out.append(piece)
            continue
        before = words[:context] if index > 0 else []
        after = words[-context:] if index < len(pieces) - 1 else []
        out.append(Piece("=", " ".join([*before, "…", *after])))
    return tuple(out)


def as_text(pieces: tuple[Piece, ...]) -> str:
    """Plain text: removed words in ``[-…-]``, added words in ``{+…+}`` (as ``git diff --word-diff``)."""
    marks = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
    return " ".join(f"{marks[p.op][0]}{p.text}{marks[p.op][1]}" for p in pieces)
