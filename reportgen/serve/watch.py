"""Watching the data, templates and assets: an edit re-validates every report, re-renders the
open ones that changed, and tells the pages (first "rendering", then "changed")."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from watchfiles import Change, DefaultFilter, awatch

from ..paths import ASSETS_DIR, TEMPLATES_DIR, THEMES_DIR
from .refs import ReportRef
from .resources import PREVIEW_FOLDER, template_folders

if TYPE_CHECKING:
    from .app import Server

LOGGER = logging.getLogger("reportgen.serve")

#: Quiet time (ms) before an edit is acted on: an editor's save is often several writes.
DEBOUNCE_MS = 150


class _Inputs(DefaultFilter):
    """Editors' swap and backup files, caches and version control (watchfiles' defaults), the
    output folder (the preview writes there) and the preview's own pages are not inputs."""

    def __init__(self, ignored: tuple[Path, ...]) -> None:
        super().__init__()
        self.ignored = ignored

    def __call__(self, change: Change, path: str) -> bool:
        resolved = Path(path).resolve()
        return bool(super().__call__(change, path)) and not any(resolved.is_relative_to(i) for i in self.ignored)


def watched_folders(server: Server) -> list[Path]:
    options = server.workspace.options
    folders = [server.workspace.data_dir, *template_folders(options.templates_dir), ASSETS_DIR, THEMES_DIR]
    if options.theme_dir is not None:
        folders.append(options.theme_dir)
    return [folder for folder in dict.fromkeys(f.resolve() for f in folders) if folder.is_dir()]


def _refs(ids: set[str]) -> list[ReportRef]:
    refs = []
    for report_id in sorted(ids):
        parts = report_id.split("/")
        if len(parts) == 4:
            try:
                refs.append(ReportRef.parse(*parts))
            except Exception:  # a page watching something that is no report
                continue
    return refs


async def react(server: Server, paths: list[Path]) -> set[str]:
    """Apply one batch of edits; returns the ids of the reports that changed."""
    names = sorted({path.name for path in paths})
    server.hub.publish("editing", {"files": names})
    changed: set[str] = await server.run(server.workspace.apply, paths)
    due = _refs(changed & server.hub.watched())
    if due:
        server.hub.publish("rendering", {"reports": [ref.id for ref in due]})
    for ref in due:
        await server.run(server.workspace.preview, ref)
    server.hub.publish("changed", {"reports": sorted(changed), "files": names})
    LOGGER.info("%s edited: %d report(s) changed, %d re-rendered", ", ".join(names), len(changed), len(due))
    return changed


async def watch(server: Server, stop: asyncio.Event) -> None:
    """Watch until ``stop`` is set; an error while reacting is logged, never ends the watch."""
    out = server.workspace.out_dir.resolve()
    ignored = (out, (TEMPLATES_DIR / PREVIEW_FOLDER).resolve(), (ASSETS_DIR / PREVIEW_FOLDER).resolve())
    async for changes in awatch(
        *watched_folders(server), stop_event=stop, debounce=DEBOUNCE_MS, step=50, watch_filter=_Inputs(ignored)
    ):
        try:
            await react(server, [Path(path) for _, path in changes])
        except Exception:  # keep watching: the next edit may well mend it
            LOGGER.exception("could not apply the edit")
