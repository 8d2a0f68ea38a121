"""Per-report time and memory limits in a batch worker: a pathological document is stopped
and reported, not left to hang the batch or to take the machine's memory.

:func:`run_bounded` runs a watchdog thread beside the render. When the report has taken longer
than its time limit, or the worker process's resident memory passes its memory limit, the
watchdog raises :class:`LimitExceeded` in the rendering thread (``PyThreadState_SetAsyncExc``:
the main thread of a pool worker and a Dask worker thread alike). Python code stops at once;
a render stuck in C for longer than a grace period cannot be interrupted, so the watchdog
ends the worker process (``hard_exit``), and the pool reports the report as failed. Local
pool workers also get an address-space limit (``RLIMIT_AS``) well above the memory limit, a
backstop for an allocation too fast for the watchdog to see: it turns into a MemoryError.
"""

from __future__ import annotations

import ctypes
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

#: Seconds between two looks at the clock and the process's memory.
POLL = 0.1
#: Exit status of a worker ended by its watchdog.
EXIT_STUCK = 75
MB = 2**20
T = TypeVar("T")


@dataclass(frozen=True)
class ReportBounds:
    """A report's limits: ``seconds`` of wall time and ``memory`` megabytes of the worker's
    resident memory (None: no limit). ``hard_exit``: end the process when a stopped render
    does not stop (only in a worker process, never in a program that renders in-process);
    ``address_space``: also set ``RLIMIT_AS`` (local pool workers, whose process is theirs);
    ``grace``: seconds a stopped render has to unwind before the process is ended."""

    seconds: float | None = 300.0
    memory: int | None = 2048
    hard_exit: bool = False
    address_space: bool = False
    grace: float = 10.0  # seconds a stopped render has to unwind before the process is ended

    def stopped(self, reason: str) -> str:
        """The message of a report stopped for ``reason`` ("time" or "memory")."""
        if reason == "time":
            return (
                f"stopped: took longer than the time limit of {self.seconds:g} s "
                "(raise it with --time-limit SECONDS, 0 for none)"
            )
        return (
            f"stopped: the worker used more than the memory limit of {self.memory} MB "
            "(raise it with --memory-limit MB, 0 for none)"
        )


class LimitExceeded(BaseException):
    """Raised in the rendering thread by its watchdog. A BaseException, so that no
    ``except Exception`` in the renderer (WeasyPrint, ours) can swallow the stop."""

    def __init__(self, reason: str = "time") -> None:
        self.reason = reason
        super().__init__(reason)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exception`` at its next bytecode (None: cancel a pending one)."""
    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


def _address_space(memory_mb: int) -> None:
    """Lower this process's soft ``RLIMIT_AS`` to twice the memory limit plus 2 GB (address
    space is much more than resident memory: libraries, thread stacks, malloc arenas)."""
    wanted = (2 * memory_mb + 2048) * MB
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


class _Watchdog:
    """The thread that watches one render. Only one exception is ever raised in the rendering
    thread, and :meth:`stop` settles it: once it returns, none is pending any more. The two
    flags make a lock-free handshake (the GIL orders them): either the watchdog sees ``done``
    and does not fire, or :meth:`stop` sees ``firing`` and waits for the fire to land."""

    def __init__(self, limits: ReportBounds, memory_now: Callable[[], int]) -> None:
        self.limits = limits
        self.memory_now = memory_now
        self.target = threading.get_ident()
        self.done = False
        self.firing = False
        self.reason: str | None = None
        self.finished = threading.Event()
        self.deadline = time.monotonic() + limits.seconds if limits.seconds is not None else None
        self.ceiling = limits.memory * MB if limits.memory is not None else None

    def start(self) -> None:
        threading.Thread(target=self._watch, name="reportgen-limits", daemon=True).start()

    def _passed(self) -> str | None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return "time"
        if self.ceiling is not None and self.memory_now() > self.ceiling:
            return "memory"
        return None

    def _watch(self) -> None:
        while not self.finished.wait(POLL):
            reason = self._passed()
            if reason is None:
                continue
            self.firing = True
            if self.done:
                self.firing = False
                return
            self.reason = reason
            _raise_in(self.target, LimitExceeded)
            self.firing = False
            if not self.finished.wait(self.limits.grace) and self.limits.hard_exit:
                os._exit(EXIT_STUCK)  # stuck in C: only ending the process stops it
            return

    def stop(self) -> None:
        """Stop watching; cancel a fire that has not landed yet (safe to call twice)."""
        self.done = True
        self.finished.set()
        while self.firing:
            time.sleep(0.001)
        if self.reason is not None:
            _raise_in(self.target, None)


def run_bounded(limits: ReportBounds, memory_now: Callable[[], int], work: Callable[[], T]) -> T:
    """``work()`` under ``limits``; ``memory_now()`` gives the process's resident bytes.

    Raises :class:`LimitExceeded` (``reason`` "time" or "memory") when a limit is passed,
    also when it was passed just as the work finished."""
    if limits.seconds is None and limits.memory is None:
        return work()
    if limits.address_space and limits.memory is not None:
        _address_space(limits.memory)
    watchdog = _Watchdog(limits, memory_now)
    try:
        try:
            watchdog.start()
            result = work()
        finally:
            watchdog.stop()  # the fire may land in here: the handler below stops again
    except LimitExceeded:
        watchdog.stop()
        raise LimitExceeded(watchdog.reason or "time") from None
    if watchdog.reason is not None:
        raise LimitExceeded(watchdog.reason)
    return result
