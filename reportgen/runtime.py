"""Process settings for rendering many reports in one process: the garbage collector.

Laying out a document, WeasyPrint builds large object graphs full of reference cycles. With
Python's default thresholds the cyclic collector runs every 700 net allocations and rescans
everything a worker has loaded (WeasyPrint, matplotlib, fonts, parsed stylesheets) again and
again: about a tenth of a brief's time. :func:`tune_process` freezes what is loaded so far
out of the collector's reach and lets garbage build up for longer; :func:`report_done`
collects a finished report's garbage at once, so memory stays where it was (without it the
higher threshold lets a worker grow by some 80 MB). ``reportgen`` commands and batch workers
call both; a program using the library may too.
"""

from __future__ import annotations

import gc

__all__ = ["GEN0_THRESHOLD", "report_done", "tune_process"]

#: Net allocations between two young-generation collections (Python's default is 700).
GEN0_THRESHOLD = 10_000

_tuned = False


def tune_process() -> None:
    """Freeze what is loaded so far and raise the collector's threshold (once per process)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()  # modules, fonts and caches loaded so far are never scanned again
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, older, oldest)


def report_done() -> None:
    """Collect a finished report's cyclic garbage now, while it is all unreachable."""
    gc.collect()
