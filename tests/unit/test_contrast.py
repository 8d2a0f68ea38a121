"""Text colours of the stylesheet meet WCAG 2.1 AA contrast (4.5:1) on white."""

from __future__ import annotations

import re

import pytest

from reportgen.paths import ASSETS_DIR

CSS = (ASSETS_DIR / "css" / "report.css").read_text(encoding="utf-8")


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_VARIABLES = ["--ink", "--muted", "--primary", "--accent", "--no-data"]
STATUS_COLOURS = re.findall(r"\.status-[a-z_]+ \{ color: (#[0-9a-fA-F]{6}); \}", CSS)


@pytest.mark.parametrize("variable", TEXT_VARIABLES)
def test_text_colour_variables_meet_aa_on_white(variable: str) -> None:
    colour = re.search(rf"{variable}: (#[0-9a-fA-F]{{6}});", CSS)
    assert colour, variable
    assert contrast(colour.group(1), "#ffffff") >= 4.5


def test_status_labels_meet_aa_on_white() -> None:
    assert len(STATUS_COLOURS) >= 4
    for colour in STATUS_COLOURS:
        assert contrast(colour, "#ffffff") >= 4.5, colour


def test_cover_text_meets_aa_on_the_primary_colour() -> None:
    primary = re.search(r"--primary: (#[0-9a-fA-F]{6});", CSS)
    assert primary
    cover = (ASSETS_DIR / "css" / "long.css").read_text(encoding="utf-8")
    for colour in set(re.findall(r"color: (#[0-9a-fA-F]{6})", cover.split("/* Contents")[0])):
        assert contrast(colour, primary.group(1)) >= 4.5, colour
