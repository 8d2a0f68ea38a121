"""WeasyPrint's URL fetcher: serves the project's assets, templates, themes and inline data.

Everything else (http, https, ftp, file paths outside the allowed folders, any other
scheme) is refused with a logged warning naming the URL and the report being rendered; so is
a file that is not a regular file (a FIFO, a device) or passes its size limit
(``theme_file_max_bytes``, ``font_max_bytes``, ``image_max_bytes``), checked before it is read.
Nothing reaches the network: the only URLs opened are ``data:`` URLs (decoded in memory)
and files read directly from disk, so there is no request to redirect.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from ..errors import DataError
from ..safe_files import read_bytes

LOGGER = logging.getLogger("reportgen.fetch")


class RefusedURL(URLFetchingError):  # type: ignore[misc]
    """A URL outside what reports may load; WeasyPrint skips the resource."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch ``data:`` URLs and files under ``roots``; refuse everything else.

    ``label`` names what is being rendered (a report's title) in the warnings."""

    def __init__(self, roots: Iterable[Path], label: str = "") -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=1)
        self.roots = tuple(root.resolve() for root in roots)
        self.label = label
        self.refused: list[str] = []

    def _refuse(self, url: str, why: str) -> RefusedURL:
        self.refused.append(url)
        where = f" for {self.label[:200]!r}" if self.label else ""
        LOGGER.warning("refused to load %s%s: %s", url[:200], where, why)
        return RefusedURL(f"refused {url[:200]}{where}: {why}")

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise self._refuse(url, f"scheme {scheme or '(none)'!r} is not allowed")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file URLs are not allowed")
        path = Path(unquote(parts.path)).resolve()  # every link followed: a link out of a root is outside
        if not any(path.is_relative_to(root) for root in self.roots):
            raise self._refuse(url, "outside the project's assets, templates and themes")
        if not os.path.lexists(path):
            raise self._refuse(url, "no such file")
        try:  # a regular file only (no FIFO, device, socket), within its size limit, read bounded
            content = read_bytes(path, root=None, limit=size_limit(path))
        except DataError as exc:
            raise self._refuse(url, exc.issues[0].message.removesuffix("; refused")) from None
        return URLFetcherResponse(path.as_uri(), content, {})


#: Font files, by suffix: they get ``font_max_bytes``.
FONT_SUFFIXES = frozenset({".otf", ".ttf", ".woff", ".woff2", ".ttc"})


def size_limit(path: Path) -> str:
    """The name of the limit on a file the fetcher serves: stylesheets, fonts, anything else
    (pictures, SVG)."""
    suffix = path.suffix.lower()
    if suffix == ".css":
        return "theme_file_max_bytes"
    return "font_max_bytes" if suffix in FONT_SUFFIXES else "image_max_bytes"
