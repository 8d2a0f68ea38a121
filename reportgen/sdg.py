"""The 17 Sustainable Development Goals' short titles (UN official wording)."""

from __future__ import annotations

GOALS: dict[int, str] = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
    17: "Partnerships for the goals",
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
