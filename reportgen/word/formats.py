"""``--format pdf|docx|pdf,docx``: the option and its one parsing rule (imports nothing heavy)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError

FORMATS = ("pdf", "docx")
DOCX_SUFFIX = ".docx"

format_option = click.option(
    "--format",
    "formats",
    default="pdf",
    show_default=True,
    metavar="pdf|docx|pdf,docx",
    help="What to write: the PDF, its Word edition (.docx beside it, same name), or both.",
)


def parse_formats(value: str) -> tuple[str, ...]:
    """``"pdf,docx"`` -> ``("pdf", "docx")``; a UsageError names an unknown format."""
    wanted = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in wanted if name not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f"unknown --format {value!r} (formats: pdf, docx, pdf,docx)")
    return wanted


def docx_path(pdf_target: Path) -> Path:
    """The Word edition's file: the PDF's, with ``.docx`` for ``.pdf``."""
    return pdf_target.with_suffix(DOCX_SUFFIX)
