"""Where a report's time goes: per-stage timings of the pipeline, recorded only when asked for.

The pipeline marks its stages with :func:`stage` (``load``, ``model``, ``charts``, ``html``,
``layout``, ``write``, ``save``; the batch runner adds ``fingerprint`` and ``verify``). Nothing is recorded
unless a caller opened :func:`recording`, so the marks cost a context-variable lookup.
The benchmarks and the batch summary read the recorded seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["STAGES", "Timings", "recording", "stage"]

#: The stages in pipeline order.
STAGES = ("load", "model", "fingerprint", "charts", "html", "layout", "write", "verify", "save")


@dataclass
class Timings:
    """Seconds spent per stage (summed over every time the stage ran) and how often it ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1

    def merge(self, seconds: dict[str, float]) -> None:
        """Add another recording's seconds (a worker's, sent back with its result)."""
        for name, value in seconds.items():
            self.add(name, value)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


_CURRENT: ContextVar[Timings | None] = ContextVar("reportgen_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """Record the stages run inside the ``with`` block (nested recordings each get their own)."""
    timings = Timings()
    token = _CURRENT.set(timings)
    try:
        yield timings
    finally:
        _CURRENT.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the ``with`` block as stage ``name`` when a recording is open; otherwise do nothing."""
    timings = _CURRENT.get()
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings.add(name, time.perf_counter() - start)
