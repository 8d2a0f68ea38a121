"""The template loader: template files found in their search folders, never followed out of them.

A template name (``partials/logo.html``) is looked up in each search folder in turn, as Jinja's
``FileSystemLoader`` does, but the file found is read only when

- its real path (symlinks resolved) lies inside the real path of its search folder, and that
  folder's real path inside the folder it must belong to (a theme's ``templates/`` inside its
  theme folder, which :func:`reportgen.themes.find_theme` keeps inside the data folder);
- it is a regular file (not a FIFO, a device or a socket), checked with ``stat`` before it is
  opened, then opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again;
- it is at most :data:`TEMPLATE_MAX_BYTES` long and UTF-8 text.

Otherwise the template is refused with :class:`RefusedTemplate`, which names the template and
the reason but never quotes what the file (or its target) holds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

#: The largest template file read (the built-in ones are under 10 kB).
TEMPLATE_MAX_BYTES = 1024 * 1024


class RefusedTemplate(TemplateNotFound):
    """A template file exists but must not be read; ``file`` is where it was found (in its
    search folder, symlinks not resolved) and ``reason`` says why, without its content.

    It is a ``TemplateNotFound`` so that Jinja and the preview treat it as a template that cannot
    be loaded; the render stage turns it into a located :class:`~reportgen.errors.TemplateRenderError`.
    """

    def __init__(self, name: str, file: Path, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(name, f"{file}: {reason}")


@dataclass(frozen=True)
class SearchFolder:
    """A folder templates are looked up in; ``within``: the folder it must lie inside (None: itself)."""

    folder: Path
    within: Path | None = None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class ContainedLoader(BaseLoader):
    """Loads templates from ``folders`` in order, refusing any file that leaves its folder, is
    not a regular file or is too large (see the module's documentation)."""

    def __init__(self, folders: Sequence[SearchFolder], max_bytes: int = TEMPLATE_MAX_BYTES) -> None:
        self.folders = tuple(folders)
        self.max_bytes = max_bytes

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses "..": TemplateNotFound
        for search in self.folders:
            file = Path(search.folder, *pieces)
            if not os.path.lexists(file):
                continue
            return self._read(template, search, file)
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for search in self.folders:
            for path in Path(search.folder).rglob("*"):
                if path.is_file():
                    found.add(path.relative_to(search.folder).as_posix())
        return sorted(found)

    def _read(self, template: str, search: SearchFolder, file: Path) -> tuple[str, str, Callable[[], bool]]:
        def refuse(reason: str) -> RefusedTemplate:
            return RefusedTemplate(template, file, reason)

        root = os.path.realpath(search.folder)
        if search.within is not None and not _inside(root, os.path.realpath(search.within)):
            raise refuse(f"its template folder {search.folder} leads outside {search.within} (a symbolic link)")
        real = os.path.realpath(file)
        if not _inside(real, root):
            raise refuse(f"leads outside its template folder {search.folder} (a symbolic link)")
        try:
            before = os.stat(real)
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror})") from None
        if not stat.S_ISREG(before.st_mode):
            raise refuse("is not a regular file (a folder, FIFO, device or socket)")
        if before.st_size > self.max_bytes:
            raise refuse(f"is larger than {self.max_bytes} bytes ({before.st_size})")
        data = self._bytes(real, before, refuse)
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise refuse("is not UTF-8 text") from None
        mtime = before.st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, os.path.normpath(file), uptodate

    def _bytes(self, real: str, before: os.stat_result, refuse: Callable[[str], RefusedTemplate]) -> bytes:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(real, flags)
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror})") from None
        with os.fdopen(fd, "rb") as handle:
            now = os.fstat(handle.fileno())
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
                raise refuse("changed while it was being opened")
            data = handle.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise refuse(f"is larger than {self.max_bytes} bytes")
        return data
