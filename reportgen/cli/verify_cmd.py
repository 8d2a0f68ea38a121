"""``reportgen verify``: check finished PDFs (tagged, titled, fonts embedded, ...; PDF/A-3 for archives)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .app import EXIT_FAILED, EXIT_OK, handle_errors, main


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--archive/--no-archive",
    default=None,
    help="Also check (or never check) PDF/A-3, attachments and external references "
    "[default: when the file's XMP metadata claims PDF/A].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people (coloured on a terminal), json for CI pipelines.",
)
@click.option(
    "--validator",
    is_flag=True,
    help="Also run the independent validator page-validation (PDF/UA-1; PDF/A-3a for archives), "
    "when installed (pip install page-validation), as one more check.",
)
@handle_errors
def verify(files: tuple[Path, ...], archive: bool | None, fmt: str, validator: bool) -> None:
    """Check finished PDFs; exit 0 only if every check of every file passes, 1 otherwise (2: a file is missing)."""
    from ..errors import UsageError
    from ..validator import validation_check
    from ..verify import ARCHIVE_CHECKS, all_passed
    from ..verify import verify as verify_pdf

    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    results = [(path, verify_pdf(path, archive)) for path in files]
    if validator:  # archives (asked for, or claimed by the file) are validated as PDF/A-3a too
        results = [
            (path, [*checks, validation_check(path, any(c.name in ARCHIVE_CHECKS for c in checks))])
            for path, checks in results
        ]
    if fmt == "json":
        report = [
            {
                "file": str(path),
                "passed": all_passed(checks),
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in checks],
            }
            for path, checks in results
        ]
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for path, checks in results:
            passed = sum(check.passed for check in checks)
            click.echo(f"{path}: {passed} of {len(checks)} checks pass")
            for check in checks:
                word = click.style("PASS", fg="green") if check.passed else click.style("FAIL", fg="red")
                click.echo(f"  {word} {check.name}: {check.detail}")
        good = sum(all_passed(checks) for _, checks in results)
        click.echo(f"{good} of {len(results)} files pass")
    sys.exit(EXIT_OK if all(all_passed(checks) for _, checks in results) else EXIT_FAILED)
