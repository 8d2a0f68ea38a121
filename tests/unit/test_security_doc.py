"""SECURITY.md's table of limits is the code's: every limit, with its default, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.limits import describe

SECURITY = Path(__file__).resolve().parents[2] / "SECURITY.md"


def test_security_md_lists_every_limit_with_its_default() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (\S+) \|", SECURITY.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert rows == [(name, default) for name, default, _guards, _loader in describe()]
