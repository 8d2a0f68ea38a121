"""The scraped reference page (../shared/seed), parsed independently of our data files.

Tests compare the PDF with what the page itself says, so a transcription error in
data/ would fail them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

#: The project's shared material sits beside the checkout (``../shared``); REPORTGEN_SHARED overrides.
SHARED = Path(os.environ.get("REPORTGEN_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEED = SHARED / "seed" / "000_cf5ee7f4fb6c2d90.txt"
#: The real IATI files of the shared material.
IATI_FILES = SHARED / "data" / "iati"
_ABSENT = "(a clone without ../shared beside it; CI has it, or set REPORTGEN_SHARED)"
#: Skips a test that reads the seed page when the shared material is not beside the checkout.
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the seed page is not here: {SEED} {_ABSENT}")
#: Skips a test that imports the shared real IATI files when they are not beside the checkout.
needs_iati_files = pytest.mark.skipif(
    not IATI_FILES.is_dir(), reason=f"the shared IATI files are not here: {IATI_FILES} {_ABSENT}"
)

_ROW_START = re.compile(r"^(?P<partner>[A-Z][^|\n]*?) \| ", re.M)
_CELL = re.compile(
    r"\$(?P<total>[\d,]+) (?P<year>\d{4})\n.*?\nTotal contribution:\$(?P<total2>[\d,]+)\n"
    r"Development:\$(?P<dev>[\d,]+)\(\d+%\)\nHumanitarian:\$(?P<hum>[\d,]+)\(\d+%\)",
    re.S,
)
_NO_DATA = re.compile(r"--\n(?P<year>\d{4})\nNo data available")


@dataclass(frozen=True)
class SeedCell:
    partner: str
    year: int
    total: Decimal | None  # None: "No data available"
    development: Decimal | None
    humanitarian: Decimal | None


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def seed_text() -> str:
    if not SEED.is_file():
        raise FileNotFoundError(f"the seed page is missing: {SEED} (set REPORTGEN_SHARED to the shared/ folder)")
    return SEED.read_text(encoding="utf-8")


def contribution_cells() -> list[SeedCell]:
    """Every cell of the page's funding table, with "No data available" cells as None."""
    text = seed_text()
    end = text.index("Outcome insights and achievements")
    starts = list(_ROW_START.finditer(text, 0, end))
    cells = []
    for i, start in enumerate(starts):
        segment = text[start.end() : starts[i + 1].start() if i + 1 < len(starts) else end]
        partner = start.group("partner").strip()
        for m in _CELL.finditer(segment):
            assert m.group("total") == m.group("total2")
            cells.append(
                SeedCell(
                    partner,
                    int(m.group("year")),
                    _amount(m.group("total")),
                    _amount(m.group("dev")),
                    _amount(m.group("hum")),
                )
            )
        for m in _NO_DATA.finditer(segment):
            cells.append(SeedCell(partner, int(m.group("year")), None, None, None))
    return cells


def _clean(text: str) -> str:
    """Undo the scraper's artefacts the same way the transcription did."""
    text = re.sub(r"\s+([,.;])", r"\1", text)
    return text.replace("T he ", "The ")


def statement() -> str:
    lines = seed_text().splitlines()
    return _clean(lines[lines.index("Outcome summary") + 1])


def progress_notes() -> dict[int, str]:
    """Year -> note text. A note naming no year describes 2021 events (see issue #2)."""
    lines = seed_text().splitlines()
    start = lines.index("Outcome progress note for the year") + 1
    end = lines.index("Strategic plan contributions")
    raw_statement = lines[lines.index("Outcome summary") + 1]
    notes = [line for line in lines[start:end] if line.strip() and line != raw_statement]
    result = {}
    for note in notes:
        first_sentence = note.split(". ")[0]
        found = re.search(r"\b(20\d\d)\b", first_sentence)
        result[int(found.group(1)) if found else 2021] = _clean(note)
    return result


def opening_sentence(note: str) -> str:
    return note.split(". ")[0].strip() + "."
