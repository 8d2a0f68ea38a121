"""``reportgen theme``: start a theme of your own from the default one."""

from __future__ import annotations

from pathlib import Path

import click

from .app import handle_errors, main


@main.group()
def theme() -> None:
    """Themes: an organization's colours, fonts, logo and cover as a folder."""


@theme.command("new")
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to create (default: themes/<name> here).",
)
@handle_errors
def new(name: str, out: Path | None) -> None:
    """Copy the default theme to themes/NAME as a starting point."""
    from ..errors import UsageError
    from ..safe_names import slug
    from ..themes import new_theme

    folder_name = slug(name)
    if not folder_name:
        raise UsageError(f"{name!r} gives no usable folder name; use letters or digits")
    target = new_theme(name, out or Path("themes") / folder_name)
    click.echo(f"wrote {target}/")
    click.echo("  theme.css   colours, fonts, type sizes; any rule of the built-in stylesheets to change")
    click.echo("  theme.yaml  name, logo, chart fonts and colours, print inks")
    click.echo("  print.css   the document's colours as CMYK inks, for --print")
    click.echo("  fonts/      the font files theme.css and theme.yaml name")
    click.echo(f"Use it with --theme {target}, or name its folder (relative to the data folder)")
    click.echo("as theme: in organization.yaml.")
