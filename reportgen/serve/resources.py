"""What a report kind's look depends on: its templates (followed through extends, include and
import) and the stylesheets, fonts and images under assets/, hashed by content.

The preview compares these digests before and after an edit, so a change to the donor
report's partial re-renders donor reports only, and a change to report.css every kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, meta

from ..errors import DataError
from ..paths import ASSETS_DIR, TEMPLATES_DIR
from ..safe_files import open_binary

#: The largest file hashed, as in the batch's fingerprints: a theme's fonts are the largest files.
HASHED_LIMIT = "font_max_bytes"

#: The preview's own pages and scripts: not part of any report.
PREVIEW_FOLDER = "serve"


class Digests:
    """Content hashes of files, recomputed only when a file's size or modification time changes.

    Files are read through :func:`reportgen.safe_files.open_binary`, as the renderer loads them: a
    FIFO, a device or a file over ``font_max_bytes`` is not read (its refusal is the digest), so a
    hostile theme cannot make the preview wait or read gigabytes."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[int, int, str]] = {}

    def of(self, path: Path) -> str:
        try:
            stat = path.stat()
        except OSError:
            return "missing"
        known = self._seen.get(path)
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        try:
            hashed = hashlib.sha256()
            with open_binary(path, root=None, limit=HASHED_LIMIT) as stream:
                while chunk := stream.read(1 << 20):
                    hashed.update(chunk)
            digest = hashed.hexdigest()
        except DataError as refused:
            digest = "refused: " + refused.issues[0].message
        except OSError:
            return "unreadable"
        self._seen[path] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest

    def of_all(self, paths: Iterable[Path]) -> str:
        total = hashlib.sha256()
        for path in sorted(set(paths)):
            total.update(f"{path}\0{self.of(path)}\0".encode())
        return total.hexdigest()


def _files_in(folders: Iterable[Path]) -> set[Path]:
    return {
        file
        for folder in folders
        for file in folder.rglob("*")
        if file.is_file() and PREVIEW_FOLDER not in file.relative_to(folder).parts[:1]
    }


#: (file, its modification time and size) -> the templates it names: parsed once per version.
_REFERENCES: dict[tuple[str, int, int], list[str | None]] = {}


def _references(env: Environment, source: str, filename: str | None) -> list[str | None]:
    """The templates ``source`` extends, includes and imports (None: a name computed at render time)."""
    try:
        stat = Path(filename).stat() if filename else None
    except OSError:
        stat = None
    key = (filename or "", stat.st_mtime_ns, stat.st_size) if stat is not None else None
    if key is not None and key in _REFERENCES:
        return _REFERENCES[key]
    referenced = list(meta.find_referenced_templates(env.parse(source)))
    if key is not None:
        _REFERENCES[key] = referenced
    return referenced


def template_files(env: Environment, name: str, folders: Iterable[Path]) -> set[Path]:
    """The files rendering template ``name`` reads: itself and what it extends, includes and
    imports, as the environment's loader finds them (a user's override before the built-in
    one). A name computed at render time, or a template that does not parse, counts as
    depending on every template in ``folders``."""
    assert env.loader is not None
    found: set[Path] = set()
    todo, done = [name], set()
    while todo:
        current = todo.pop()
        if current in done:
            continue
        done.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)
        except TemplateNotFound:
            continue  # rendering will say so, located
        if filename:
            found.add(Path(filename))
        try:
            referenced = _references(env, source, filename)
        except TemplateSyntaxError:
            return found | _files_in(folders)
        if None in referenced:
            return found | _files_in(folders)
        todo.extend(ref for ref in referenced if ref is not None)
    return found


def asset_files() -> set[Path]:
    """Stylesheets, fonts and images a report may load (the preview's own files excluded)."""
    return _files_in([ASSETS_DIR])


def template_folders(user_templates: Path | None) -> tuple[Path, ...]:
    return (user_templates, TEMPLATES_DIR) if user_templates is not None else (TEMPLATES_DIR,)
