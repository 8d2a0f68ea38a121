"""Write ``reference.docx`` (the Word styles of the Word edition) into every shipped theme.

Run after changing a theme's theme.css: ``.venv/bin/python scripts/make_reference_docx.py``
(or ``make reference-docx``). The file is deterministic, so an unchanged theme gives the same
bytes; tests/unit/test_word.py fails when a shipped reference.docx is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.word.reference import write_reference  # noqa: E402


def main(argv: list[str]) -> int:
    """Themes named on the command line (folders), else every folder under themes/."""
    folders = [Path(arg) for arg in argv] or sorted(
        p for p in (ROOT / "themes").iterdir() if (p / "theme.yaml").is_file()
    )
    for folder in folders:
        print(f"wrote {write_reference(folder)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
