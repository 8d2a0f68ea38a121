"""Where the built-in templates, assets and themes live.

In a source checkout they are the top-level ``templates/``, ``assets/`` and ``themes/``
folders; in an installed wheel they are packaged under ``reportgen/_resources/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_RESOURCES = _PACKAGE / "_resources"


def _resource_dir(name: str) -> Path:
    packaged = _RESOURCES / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


TEMPLATES_DIR = _resource_dir("templates")
ASSETS_DIR = _resource_dir("assets")
THEMES_DIR = _resource_dir("themes")
DEFAULT_THEME_DIR = THEMES_DIR / "default"
FONTS_DIR = DEFAULT_THEME_DIR / "fonts"  # the default theme's fonts (Inter)
