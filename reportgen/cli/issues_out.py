"""Printing data issues: grouped by file for people, or JSON for pipelines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

import click

from ..errors import Issue, Severity


def _file_key(issue: Issue) -> str:
    return (str(issue.file) if issue.file else "<data>") + (f"[{issue.sheet}]" if issue.sheet else "")


def _sort_key(issue: Issue) -> tuple[str, int, str]:
    return (_file_key(issue), issue.line or 0, issue.column or "")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def issues_text(errors: Sequence[Issue], warnings: Sequence[Issue]) -> str:
    """Issues grouped by file, each line ``LINE[:COL]: field: message`` (ANSI colours; click strips them off a TTY)."""
    out: list[str] = []
    everything = sorted([*errors, *warnings], key=_sort_key)
    for file, group in groupby(everything, key=_file_key):
        out.append(click.style(file, bold=True))
        for issue in group:
            where = f"{issue.line}" + (f":{issue.column}" if issue.column else "") if issue.line else "-"
            field = f"{issue.field}: " if issue.field else ""
            label, colour = ("warning", "yellow") if issue.severity is Severity.WARNING else ("error", "red")
            out.append(f"  {where}: {click.style(label, fg=colour)}: {field}{issue.message}")
    files = len({_file_key(i) for i in everything})
    out.append(f"{_count(len(errors), 'error')} and {_count(len(warnings), 'warning')} in {_count(files, 'file')}")
    return "\n".join(out)


def issues_json(errors: Sequence[Issue], warnings: Sequence[Issue], strict: bool) -> str:
    ok = not errors and not (strict and warnings)
    return json.dumps(
        {
            "ok": ok,
            "errors": [i.as_dict() for i in sorted(errors, key=_sort_key)],
            "warnings": [i.as_dict() for i in sorted(warnings, key=_sort_key)],
        },
        indent=2,
        ensure_ascii=False,
    )
