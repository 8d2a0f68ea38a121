"""One batch at a time per output folder: an exclusive lock on ``out_dir/.reportgen.lock``.

The lock file holds only the holder's pid, for the message a second batch prints; it is
not a result, so it is written in place rather than atomically (a rename would lose the lock)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UsageError
from ..io_errors import describe

LOCK_NAME = ".reportgen.lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the folder's lock for the block; a second batch on the same folder is refused at once."""
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:  # no permission, a read-only or full disk: nothing can be written there
        raise UsageError(f"cannot write to the output folder {out_dir}: {describe(exc)}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UsageError(f"another batch is writing to {out_dir} ({holder}); wait for it to finish") from None
        with contextlib.suppress(OSError):  # who holds it is for the message only; a full disk may refuse
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock
