"""The 17 Sustainable Development Goals: short titles (UN official wording) and target codes.

The titles are English source strings of the gettext catalogs (marked with ``N_``); reports
print them translated (the official Spanish and French titles are in the catalogs).
"""

from __future__ import annotations


def N_(text: str) -> str:
    return text


GOALS: dict[int, str] = {
    1: N_("No poverty"),
    2: N_("Zero hunger"),
    3: N_("Good health and well-being"),
    4: N_("Quality education"),
    5: N_("Gender equality"),
    6: N_("Clean water and sanitation"),
    7: N_("Affordable and clean energy"),
    8: N_("Decent work and economic growth"),
    9: N_("Industry, innovation and infrastructure"),
    10: N_("Reduced inequalities"),
    11: N_("Sustainable cities and communities"),
    12: N_("Responsible consumption and production"),
    13: N_("Climate action"),
    14: N_("Life below water"),
    15: N_("Life on land"),
    16: N_("Peace, justice and strong institutions"),
    17: N_("Partnerships for the goals"),
}


#: Per goal: (number of numbered targets, letters of the means-of-implementation targets).
_TARGET_SHAPE: dict[int, tuple[int, str]] = {
    1: (5, "ab"), 2: (5, "abc"), 3: (9, "abcd"), 4: (7, "abc"), 5: (6, "abc"), 6: (6, "ab"),
    7: (3, "ab"), 8: (10, "ab"), 9: (5, "abc"), 10: (7, "abc"), 11: (7, "abc"), 12: (8, "abc"),
    13: (3, "ab"), 14: (7, "abc"), 15: (9, "abc"), 16: (10, "ab"), 17: (19, ""),
}  # fmt: skip

#: Every SDG target code, "1.1" ... "17.19" (169 in all).
TARGETS: frozenset[str] = frozenset(
    f"{goal}.{suffix}"
    for goal, (numbered, lettered) in _TARGET_SHAPE.items()
    for suffix in [*map(str, range(1, numbered + 1)), *lettered]
)


def targets_of(goal: int) -> str:
    """``5`` -> ``5.1-5.6, 5.a-5.c`` (for messages)."""
    numbered, lettered = _TARGET_SHAPE[goal]
    text = f"{goal}.1-{goal}.{numbered}"
    if lettered:
        text += f", {goal}.{lettered[0]}-{goal}.{lettered[-1]}"
    return text


def goal_title(goal: int) -> str:
    """``5`` -> ``Gender equality``."""
    return GOALS[goal]
