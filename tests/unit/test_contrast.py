"""Every shipped theme's text colours meet WCAG 2.1 AA contrast (4.5:1) where they are used."""

from __future__ import annotations

import re

import pytest

from reportgen.paths import DEFAULT_THEME_DIR, THEMES_DIR
from reportgen.themes import built_in


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variables(name: str) -> dict[str, str]:
    """The theme's CSS variables as the renderer sees them: the default theme's, then the theme's
    own (loaded after it), with ``var(--x)`` references followed."""
    found: dict[str, str] = {}
    for folder in dict.fromkeys((DEFAULT_THEME_DIR, THEMES_DIR / name)):
        css = (folder / "theme.css").read_text(encoding="utf-8")
        root = css[css.index(":root") :].split("}", 1)[0]
        found.update(re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", root))
    for key, value in found.items():
        while (ref := re.fullmatch(r"var\((--[a-z0-9-]+)\)", value.strip())) is not None:
            value = found[ref.group(1)]
        found[key] = value.strip()
    return found


THEMES = built_in()
TEXT = ["--ink", "--muted", "--primary", "--accent", "--no-data"]
STATUS = ["--status-achieved", "--status-significant-progress", "--status-some-progress", "--status-not-achieved"]


def test_the_shipped_themes_are_found() -> None:
    assert {"default", "meridian"} <= set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_text_and_status_colours_meet_aa_on_white_and_on_the_surface(theme: str) -> None:
    found = variables(theme)
    for variable in TEXT + STATUS:
        for ground in ("#ffffff", found["--surface"]):
            assert contrast(found[variable], ground) >= 4.5, (theme, variable, ground)


@pytest.mark.parametrize("theme", THEMES)
def test_cover_and_badge_text_meet_aa_on_their_ground(theme: str) -> None:
    found = variables(theme)
    for variable in ("--cover-ink", "--cover-muted", "--cover-soft"):
        assert contrast(found[variable], found["--cover-bg"]) >= 4.5, (theme, variable)
    assert contrast(found["--on-primary"], found["--primary"]) >= 4.5, theme
