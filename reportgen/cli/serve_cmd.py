"""``reportgen serve``: the live preview (see :mod:`reportgen.serve`)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from .app import (
    data_option,
    echo_err,
    handle_errors,
    main,
    page_size_option,
    print_option,
    render_options,
    templates_option,
    theme_option,
    two_sided_option,
)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@data_option
@templates_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Where rendered PDFs are written (the same files `reportgen build` writes).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@theme_option
@page_size_option
@print_option
@two_sided_option
@handle_errors
def serve(
    data: Path,
    templates: Path | None,
    out: Path,
    host: str,
    port: int,
    theme: Path | None,
    page_size: str,
    print_ready: bool,
    two_sided: bool,
) -> None:
    """Live preview: every report the data supports, refreshed as you edit data, templates and stylesheets."""
    import uvicorn

    from ..errors import UsageError
    from ..runtime import tune_process
    from ..serve.app import create_app
    from ..serve.workspace import Workspace

    if not data.is_dir():
        raise UsageError(f"{data}: no such data folder")
    tune_process()
    workspace = Workspace(data, out, render_options(page_size, templates, False, theme, print_ready, two_sided))
    hosts: tuple[str, ...] = (*LOCAL_HOSTS, host)
    if not _is_loopback(host):
        echo_err(f"warning: serving on {host}: anyone who can reach this machine can read the reports")
        hosts = ("*",)
    app = create_app(workspace, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"reportgen preview of {data} on http://{shown}:{port}/ (Ctrl+C to stop)")
    problems = (
        "the data has errors: the page shows them" if workspace.load_failed else f"{len(workspace.listed)} reports"
    )
    click.echo(problems)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
