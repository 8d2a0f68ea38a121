"""``reportgen diff``, ``reconcile``, ``approve``, ``status`` and ``release``: from a batch to
what goes out (see README, "From batch to release"). Thin commands over ``reportgen.release``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .app import EXIT_FAILED, EXIT_OK, data_option, echo_err, handle_errors, main

if TYPE_CHECKING:
    from rich.console import Console

    from ..release.diff import BatchDiff, ReportDiff
    from ..release.status import ReportStatus

_format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text for people (coloured on a terminal), json for scripts.",
)  # fmt: skip
_STYLES = {"changed": "yellow", "added": "green", "removed": "red", "presentation": "cyan", "unknown": "magenta",
           "cleared": "green", "partly cleared": "yellow", "draft": "white", "re-opened": "yellow",
           "failing": "red"}  # fmt: skip


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=True, highlight=False)  # soft wrap: a long line is never cut for a narrow terminal


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))


def _print_report_diff(console: Console, report: ReportDiff, indent: str = "  ") -> None:
    from rich.text import Text

    from ..release.textdiff import shortened

    if report.note:
        console.print(Text(f"{indent}{report.note}", style="dim"))
    for change in report.changes:
        line = Text(f"{indent}{change.where}: ")
        if change.words:
            styles = {"=": "", "-": "red strike", "+": "green"}
            marks = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
            for piece in shortened(change.words):
                line.append(f"{marks[piece.op][0]}{piece.text}{marks[piece.op][1]} ", style=styles[piece.op])
        else:
            line.append(change.old if change.old is not None else "(none)", style="red")
            line.append(" -> ")
            line.append(change.new if change.new is not None else "(none)", style="green")
        console.print(line)


def _print_diff(diff: BatchDiff) -> None:
    from rich.text import Text

    console = _console()
    for report in diff.reports:
        if report.state == "unchanged":
            continue
        console.print(Text(f"{report.state}: {report.path} ({report.job})", style=_STYLES.get(report.state, "")))
        _print_report_diff(console, report)
    counts = ", ".join(f"{n} {state}" for state, n in sorted(diff.counts().items()))
    console.print(Text(f"diff: {counts or 'no reports'}"))


def _write_page(target: Path, page: str) -> None:
    """Write the HTML page, refusing to overwrite a file that is not an earlier diff page."""
    from ..atomic import write_text_atomic
    from ..errors import UsageError

    if target.exists():
        try:
            head = target.read_text(encoding="utf-8", errors="replace")[:400]
        except OSError:
            head = ""
        if "<title>reportgen diff:" not in head:
            raise UsageError(f"--html {target} exists and is not a page reportgen diff wrote; give another file")
    write_text_atomic(page, target)


@main.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@_format_option
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the diff as one self-contained HTML page (readable offline).")  # fmt: skip
@handle_errors
def diff(old: Path, new: Path, fmt: str, html_file: Path | None) -> None:
    """What changed between two batches (output folders or their manifest.json), report by report:
    each figure old -> new, narratives word by word, reports added, removed, or changed only in
    presentation. Reads the report models the batches kept, never the data."""
    from ..release.diff import compare
    from ..release.diff_html import diff_page

    result = compare(old, new)
    if html_file is not None:
        _write_page(html_file, diff_page(result))
    if fmt == "json":
        _echo_json(result.as_dict())
    else:
        _print_diff(result)
        if html_file is not None:
            click.echo(f"wrote {html_file}")


@main.command()
@click.option("--iati", "iati_file", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The IATI activity file the organization published.")  # fmt: skip
@data_option
@click.option(
    "--tolerance",
    default=None,
    metavar="AMOUNT|PCT%",
    help="Differences up to this amount (500) or share of the IATI figure (0.5%) pass. Default: exact.",
)
@_format_option
@handle_errors
def reconcile(iati_file: Path, data: Path, tolerance: str | None, fmt: str) -> None:
    """Compare the data's contributions, budgets and expenditure with an IATI file, outcome by outcome
    (matched by their IATI reference), by the rules of `import iati`; exit 1 if anything differs."""
    from rich.text import Text

    from ..release.reconcile import Tolerance
    from ..release.reconcile import reconcile as run

    result = run(iati_file, data, Tolerance.parse(tolerance))
    if fmt == "json":
        _echo_json(result.as_dict())
    else:
        console = _console()
        for difference in result.differences:
            head = Text(f"{difference.outcome} ({difference.reference}): {difference.figure}: ", style="bold")
            console.print(
                head + Text(f"data {difference.data or 'none'}, IATI {difference.iati or 'none'}", style="red")
            )
            console.print(Text(f"  data: {difference.data_file}"))
            for source in difference.sources or ("IATI: no transaction or budget",):
                console.print(Text(f"  IATI: {source}"))
        if result.no_reference:
            console.print(Text(f"not compared (no IATI reference): {', '.join(result.no_reference)}", style="dim"))
        console.print(Text(
            f"reconcile: {len(result.matched)} outcomes matched, {result.compared} figures compared, "
            f"{len(result.differences)} differ; {len(result.not_in_data)} activities of the file are not in the data"
        ))  # fmt: skip
    sys.exit(result.exit_code)


@main.command()
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--by", required=True, help="Who clears the reports (recorded in approvals.json).")
@click.option(
    "--role",
    default="reviewer",
    show_default=True,
    help="The role clearing them: programme, finance, communications, ... (organization.yaml: clearance).",
)
@click.option("--note", default="", help="A note kept with the clearance.")
@handle_errors
def approve(pdfs: tuple[Path, ...], by: str, role: str, note: str) -> None:
    """Clear report files of a batch: record who cleared which file, at which sha256 and fingerprint,
    in the output folder's approvals.json (append-only)."""
    from ..release.approve import approve as record

    for approval in record(list(pdfs), by, role, note):
        click.echo(f"cleared {approval.report} by {approval.by} ({approval.role}), sha256 {approval.sha256[:12]}")


def _presentation(status: ReportStatus) -> bool:
    return status.diff is not None and status.diff.state == "presentation"


def _status_line(status: ReportStatus) -> str:
    if status.state in ("cleared", "partly cleared"):
        who = ", ".join(f"{a.by} ({a.role})" for a in status.holding)
        missing = f"; still needs {', '.join(status.missing)}" if status.missing else ""
        return f"{status.state} by {who}{missing}"
    if status.state == "re-opened" and status.cleared_before is not None:
        before = status.cleared_before
        only = " (presentation only: every figure and text is as cleared)" if _presentation(status) else ""
        return f"re-opened: changed since {before.by} ({before.role}) cleared it on {before.time}{only}"
    if status.state == "failing":
        return "failing: " + "; ".join(status.problems)
    return "draft" + (f" (needs {', '.join(status.required)})" if status.required else "")


@main.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@_format_option
@handle_errors
def status(out: Path, fmt: str) -> None:
    """Where each report of a batch stands: draft, cleared by whom, re-opened (changed since it was
    cleared: the diff), or failing (verify, strict lint)."""
    from rich.text import Text

    from ..release.status import statuses

    found = statuses(out)
    if fmt == "json":
        _echo_json([
            {"report": s.path, "job": s.entry.id, "state": s.state, "required": list(s.required),
             "missing": list(s.missing), "problems": list(s.problems),
             "cleared_by": [{"by": a.by, "role": a.role, "time": a.time} for a in s.holding],
             "diff": s.diff.as_dict() if s.diff is not None else None}
            for s in found
        ])  # fmt: skip
        return
    console = _console()
    counts: dict[str, int] = {}
    for report in found:
        counts[report.state] = counts.get(report.state, 0) + 1
        console.print(Text(f"{report.path}: {_status_line(report)}", style=_STYLES.get(report.state, "")))
        if report.diff is not None:
            _print_report_diff(console, report.diff, "    ")
    console.print(Text("status: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no reports")))


@main.command()
@click.argument("out", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--to", "target", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The release folder (new, empty, or made by an earlier release of OUT).")  # fmt: skip
@click.option("--per-recipient", is_flag=True,
              help="Also a folder per funding partner (partners/<id>/): its donor reports and the briefs "
              "of the outcomes it funds.")  # fmt: skip
@click.option(
    "--year",
    type=int,
    default=None,
    help="Release only the reports of this year (every kind); the others are left out.",
)
@click.option("--check", "check_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Check a release folder instead: re-hash every file against its release.json.")  # fmt: skip
@handle_errors
def release(
    out: Path | None, target: Path | None, per_recipient: bool, year: int | None, check_dir: Path | None
) -> None:
    """Copy the reports cleared by every required role, unchanged since, passing verify and strict lint,
    to --to; refuse the rest with the reason (exit 1 if anything was refused)."""
    from ..errors import UsageError
    from ..release.publish import RELEASE_MANIFEST, check_release
    from ..release.publish import release as run

    if check_dir is not None:
        problems = check_release(check_dir)
        for problem in problems:
            echo_err(f"changed: {problem}")
        click.echo(f"release {check_dir}: " + (f"{len(problems)} problems" if problems else "every file as released"))
        sys.exit(EXIT_FAILED if problems else EXIT_OK)
    if out is None or target is None:
        raise UsageError("give the batch output folder and --to DIR (or --check DIR)")
    result = run(out, target, per_recipient, year)
    for path in result.copied:
        click.echo(f"released {path}")
    for path in result.removed:
        click.echo(f"removed {path} (released before, not cleared now)")
    for refusal in result.refused:
        echo_err(f"refused: {refusal.report}: {refusal.reason}")
    click.echo(
        f"release: {len(result.copied)} files released, {len(result.refused)} reports refused; "
        f"manifest: {target / RELEASE_MANIFEST}"
    )
    sys.exit(result.exit_code)
