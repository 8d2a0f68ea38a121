"""Fingerprints: what a report's content depends on, so unchanged reports are not rebuilt.

A job's fingerprint hashes its *report model* (the exact figures and texts it prints, built
from the data slice it uses), the templates, assets and catalogs, reportgen's version and
source, and the rendering options. Changing one outcome changes the models of exactly the
reports that use it: its brief, its donors' reports and its office's report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..errors import DataError
from ..i18n import LOCALES_DIR
from ..options import RenderOptions
from ..paths import ASSETS_DIR, TEMPLATES_DIR, THEMES_DIR
from ..safe_files import open_binary

_PACKAGE = Path(__file__).resolve().parents[1]


#: The largest file hashed from a template or theme folder: the largest any of them may load.
HASHED_LIMIT = "font_max_bytes"


def _hash_tree(digest: hashlib._Hash, folder: Path, suffixes: Iterable[str] | None = None) -> None:
    """Hash every regular file under ``folder`` (its relative name and content). Files are read
    with :func:`reportgen.safe_files.open_binary`, as the renderer would load them: a link out
    of the folder, or a file over ``font_max_bytes``, is not read (the renderer refuses it too)
    and the reason is hashed instead; a FIFO or device is passed over (``is_file`` is false for
    them) rather than waited on or read without end."""
    allowed = set(suffixes) if suffixes is not None else None
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in file.parts or (allowed is not None and file.suffix not in allowed):
            continue
        digest.update(str(file.relative_to(folder)).encode())
        digest.update(b"\0")
        try:
            with open_binary(file, root=folder, limit=HASHED_LIMIT) as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
        except DataError as refused:
            digest.update(b"refused: " + refused.issues[0].message.encode())
        digest.update(b"\0")


def resources_fingerprint(user_templates: Path | None = None, theme_dir: Path | None = None) -> str:
    """Templates, assets, the built-in themes and the theme in use, catalogs, reportgen's version
    and its source code (read anew each call: a run computes it once, so a template edited
    between two runs is seen)."""
    digest = hashlib.sha256(f"reportgen {__version__}\0".encode())
    for folder in (TEMPLATES_DIR, ASSETS_DIR, THEMES_DIR, LOCALES_DIR):
        _hash_tree(digest, folder)
    _hash_tree(digest, _PACKAGE, (".py",))
    for extra in (user_templates, theme_dir):
        if extra is not None:
            _hash_tree(digest, extra)
    return digest.hexdigest()


def job_fingerprint(model: object, options: RenderOptions, resources: str, attached: Iterable[bytes] = ()) -> str:
    """The fingerprint of one report: its model's full representation, the files it embeds
    (archival PDFs), and ``resources`` (from :func:`resources_fingerprint`)."""
    text = repr(model)
    if " at 0x" in text:  # an object without a stable representation would make every run differ
        raise ValueError(f"report model has no stable representation: {type(model).__name__}")
    digest = hashlib.sha256(resources.encode())
    digest.update(repr(options).encode())
    digest.update(text.encode())
    for data in attached:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()
