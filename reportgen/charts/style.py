"""Chart styling shared by every chart: palette, fonts, sizes.

The palette is Okabe-Ito (colour-blind safe). A partner's colour is picked by its
position in organization.yaml, so the same partner has the same colour everywhere.
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib import font_manager

from ..paths import FONTS_DIR

#: Okabe & Ito (2008), without black, ordered for contrast on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
TEXT = "#1f2933"
MUTED = "#52606d"
GRID = "#d9dee3"
FONT_FAMILY = "Inter"
FONT_SIZE = 8.0
HUMANITARIAN_HATCH = "////"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Make the shipped Inter files known to matplotlib (once per process); returns the family."""
    for file in sorted(FONTS_DIR.glob("Inter-*.otf")):
        font_manager.fontManager.addfont(str(file))
    return FONT_FAMILY
