"""Opening an input file safely: the one place every data, table, theme and font file is read.

A data folder comes from many hands, and a theme can live inside it, so a file in it may be
a symbolic link to ``/etc/passwd``, a FIFO that never ends, ``/dev/zero``, or a sparse file
of many gigabytes. Before a byte is read, a file is

1. resolved to its real path, which must stay inside its *root* (the data folder given with
   ``--data``, or the theme folder): a symbolic link out of it is refused, whatever it names;
2. ``stat``-ed: only a regular file is read (a FIFO, a device, a socket or a folder is refused
   before it is opened, so nothing blocks), and its size must be within the named limit;
3. opened with ``O_NOFOLLOW | O_NONBLOCK`` (a file swapped for a link or a FIFO in between
   is refused, not followed or waited on) and ``fstat``-ed again;
4. read for at most the limit plus one byte, so a file that grows, or lies about its size as
   ``/proc`` files do, is still bounded.

A refusal is a :class:`~reportgen.errors.DataError` whose one issue names the file as the user
gave it and the reason; it never quotes the file's content (nothing of it has been read).
The limits are those of :mod:`reportgen.limits`, named so the message says how to raise them.

    read_bytes(path, root=data_root, limit="yaml_max_bytes")          -> bytes
    with open_binary(path, root=None, limit="iati_max_bytes") as s:  -> a bounded binary stream
    check(path, root=theme_folder, limit="font_max_bytes")            -> the real path (stat only)
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from .errors import DataError, Issue
from .limits import current

#: The flags every input file is opened with (O_NOFOLLOW/O_NONBLOCK where the system has them).
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

#: What the reader calls the root folders, in messages.
DATA_FOLDER = "the data folder"
THEME_FOLDER = "the theme folder"


def _refuse(path: Path, reason: str) -> DataError:
    return DataError([Issue(reason, file=path)])


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, for the message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def inside(path: Path, root: Path, root_name: str = DATA_FOLDER) -> Path:
    """The real path of ``path`` (every symbolic link resolved); DataError when it leaves the real
    path of ``root``. The message says whether ``path`` itself is the link."""
    real = Path(os.path.realpath(path))
    if real.is_relative_to(Path(os.path.realpath(root))):
        return real
    if os.path.islink(path):
        raise _refuse(path, f"is a symbolic link to a file outside {root_name}; refused")
    raise _refuse(path, f"leads outside {root_name} (through a symbolic link or '..'); refused")


def _check_stat(path: Path, result: os.stat_result, limit: str) -> None:
    kind = _kind(result.st_mode)
    if kind is not None:
        raise _refuse(path, f"is {kind}, not a regular file; refused")
    limits = current()
    most: int = getattr(limits, limit)
    if result.st_size > most:
        size = result.st_size
        raise _refuse(path, limits.message(limit, f"file is {size} bytes", needed=size))


def _cannot(path: Path, exc: OSError) -> DataError:
    if exc.errno == getattr(os, "ELOOP", -1):  # O_NOFOLLOW met a link put there after the check
        return _refuse(path, "is a symbolic link; refused")
    return _refuse(path, f"cannot read file: {exc.strerror or exc}")


def check(path: Path, *, root: Path | None, limit: str, root_name: str = DATA_FOLDER) -> Path:
    """The real path of ``path`` once it is known to be a regular file inside ``root`` (when
    given) within the limit named ``limit``; nothing is opened. DataError otherwise."""
    real = inside(path, root, root_name) if root is not None else Path(os.path.realpath(path))
    try:
        result = os.stat(real)
    except OSError as exc:
        raise _cannot(path, exc) from None
    _check_stat(path, result, limit)
    return real


def _open(path: Path, root: Path | None, limit: str, root_name: str) -> int:
    """A file descriptor of ``path``, checked before and after opening."""
    real = check(path, root=root, limit=limit, root_name=root_name)
    try:
        fd = os.open(real, OPEN_FLAGS)
    except OSError as exc:
        raise _cannot(path, exc) from None
    try:
        _check_stat(path, os.fstat(fd), limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, *, root: Path | None, limit: str, root_name: str = DATA_FOLDER) -> bytes:
    """The content of ``path``, a regular file inside ``root`` (when given) of at most the limit
    named ``limit`` (read bounded: at most that many bytes plus one). DataError otherwise."""
    fd = _open(path, root, limit, root_name)
    most: int = getattr(current(), limit)
    try:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            data = _read_at_most(stream, most + 1)
    except OSError as exc:
        raise _cannot(path, exc) from None
    if len(data) > most:  # it grew, or its size lied (a /proc file says 0)
        limits = current()
        raise _refuse(path, limits.message(limit, f"file holds more than {most} bytes"))
    return data


def _read_at_most(stream: io.RawIOBase, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class BoundedStream(io.RawIOBase):
    """A read-only binary stream of a file that refuses (DataError) to read past ``most`` bytes."""

    def __init__(self, raw: io.FileIO, path: Path, limit: str) -> None:
        super().__init__()
        self._limits = current()  # those in force when the file was opened
        self._most: int = getattr(self._limits, limit)
        self._raw, self._path, self._limit, self._read = raw, path, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)
        self._read += count or 0
        if self._read > self._most:
            found = f"file holds more than {self._most} bytes"
            raise _refuse(self._path, self._limits.message(self._limit, found))
        return count or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_binary(path: Path, *, root: Path | None, limit: str, root_name: str = DATA_FOLDER) -> io.BufferedReader:
    """``path`` opened for reading as a stream, after the same checks as :func:`read_bytes`;
    reading past the limit named ``limit`` raises DataError (the stream readers: IATI XML)."""
    fd = _open(path, root, limit, root_name)
    return io.BufferedReader(BoundedStream(io.FileIO(fd, "rb", closefd=True), path, limit))
