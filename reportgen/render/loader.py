"""The template loader: template files found in their search folders, never followed out of them.

A template name (``partials/logo.html``) is looked up in each search folder in turn, as Jinja's
``FileSystemLoader`` does, and the file found is read through :mod:`reportgen.safe_files`, so it
is read only when

- its real path (symlinks resolved) lies inside the real path of its search folder, and that
  folder's real path inside the folder it must belong to (a theme's ``templates/`` inside its
  theme folder, which :func:`reportgen.themes.find_theme` keeps inside the data folder);
- it is a regular file (not a FIFO, a device or a socket), checked with ``stat`` before it is
  opened, then opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again;
- it is within the ``theme_file_max_bytes`` limit (read bounded) and UTF-8 text.

Otherwise the template is refused with :class:`RefusedTemplate`, which names the template and
the reason but never quotes what the file (or its target) holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

from ..errors import DataError
from ..safe_files import THEME_FOLDER, check, inside, read_bytes

#: The limit (reportgen.limits) on the size of one template file, as on the theme's other files.
TEMPLATE_LIMIT = "theme_file_max_bytes"


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


class ContainedLoader(BaseLoader):
    """Loads templates from ``folders`` in order, refusing any file that leaves its folder, is
    not a regular file or is too large (see the module's documentation)."""

    def __init__(self, folders: Sequence[SearchFolder]) -> None:
        self.folders = tuple(folders)

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
        folder = f"the template folder {search.folder}"
        try:
            if search.within is not None:
                inside(search.folder, search.within, THEME_FOLDER)
            real = check(file, root=search.folder, limit=TEMPLATE_LIMIT, root_name=folder)
            mtime = os.stat(real).st_mtime_ns
            data = read_bytes(file, root=search.folder, limit=TEMPLATE_LIMIT, root_name=folder)
        except DataError as exc:
            issue = exc.issues[0]
            where = "" if issue.file == file else f"{issue.file}: "
            raise RefusedTemplate(template, file, where + issue.message) from None
        except OSError as exc:  # gone between the checks
            raise RefusedTemplate(template, file, f"cannot read file: {exc.strerror or exc}") from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedTemplate(template, file, "is not UTF-8 text; refused") from None

        def uptodate() -> bool:
            try:
                return os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, os.path.normpath(file), uptodate
