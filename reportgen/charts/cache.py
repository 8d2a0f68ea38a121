"""Charts cached by the hash of what they draw, so an unchanged chart is drawn once per process.

A chart is a pure function of its arguments (the figures, the locale, the language and the
scale), so its SVG and alt text can be reused whenever those are the same: a report rendered
again after an edit elsewhere in it (a live preview, a template change), the same outcome's
chart in several reports a worker makes. The key is a SHA-256 of the chart function's name and
the full representation of its arguments (frozen report models have complete, stable reprs)
and of the chart style in force (the theme's);
a translator is identified by its catalog, which is one object per language per process. The
cache holds the most recently used :data:`MAX_CHARTS` charts.

Only charts drawn from a small part of a report are cached (a brief's contribution table, a
country report's overview series). A donor report's charts take the whole report model, whose
representation costs more to hash than the chart to draw (186 ms for a partner funding 140
outcomes), so they are drawn each time.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import ParamSpec

from . import style
from .figure import ChartFigure

__all__ = ["MAX_CHARTS", "cache_info", "cached_chart", "clear_cache"]

#: Charts kept per process (a chart is some tens of kilobytes of SVG): enough for every chart of
#: the largest report twice over, small enough that a long-running worker's memory stays flat.
MAX_CHARTS = 64

P = ParamSpec("P")

_CHARTS: OrderedDict[str, ChartFigure | None] = OrderedDict()
_LOCK = threading.Lock()
_STATS = {"hits": 0, "misses": 0}


def _part(value: object) -> str:
    if callable(value):  # a translator: its catalog object stands for the language
        owner = getattr(value, "__self__", value)
        return f"<{getattr(value, '__qualname__', type(value).__name__)} of {type(owner).__name__}#{id(owner)}>"
    return repr(value)


def _key(name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    digest = hashlib.sha256(name.encode())
    digest.update(repr(style.current()).encode())  # the theme's fonts and colours
    for value in args:
        digest.update(b"\0" + _part(value).encode())
    for key in sorted(kwargs):
        digest.update(f"\0{key}=".encode() + _part(kwargs[key]).encode())
    return digest.hexdigest()


def cached_chart(function: Callable[P, ChartFigure | None]) -> Callable[P, ChartFigure | None]:
    """Memoise a chart function on the hash of its arguments (see the module docstring)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ChartFigure | None:
        key = _key(name, args, kwargs)
        with _LOCK:
            if key in _CHARTS:
                _CHARTS.move_to_end(key)
                _STATS["hits"] += 1
                return _CHARTS[key]
        chart = function(*args, **kwargs)
        with _LOCK:
            _STATS["misses"] += 1
            _CHARTS[key] = chart
            while len(_CHARTS) > MAX_CHARTS:
                _CHARTS.popitem(last=False)
        return chart

    return wrapper


def cache_info() -> dict[str, int]:
    """Hits, misses and charts held, in this process."""
    with _LOCK:
        return {**_STATS, "size": len(_CHARTS)}


def clear_cache() -> None:
    with _LOCK:
        _CHARTS.clear()
        _STATS.update(hits=0, misses=0)
