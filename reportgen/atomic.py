"""Writing a file so that it appears only complete: a temporary file in the same folder, flushed,
then renamed over the target. Every file reportgen writes from a command goes through here (reports,
the batch manifest, compendiums, imported data, schemas, templates and skeletons); a failure leaves
what was there before and no temporary file, and says which file and why.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import RenderError
from .io_errors import describe


def _file_mode() -> int:
    """0666 less the process umask, as open() would give."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def write_atomic(data: bytes, target: Path) -> Path:
    """Write ``data`` to ``target`` via a temporary file in the same folder and a rename.

    ``target`` appears only complete: the data goes to ``.<name>.<random>.part``, is flushed
    to disk, then renamed over ``target``. A failure (disk full, a file size limit, no
    permission, a folder in the way) removes the temporary file, leaves whatever was at
    ``target`` before untouched and raises a RenderError naming ``target`` and the reason."""
    tmp_name: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _FILE_MODE)  # mkstemp makes 0600; reports are for reading
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise RenderError(f"cannot write {target}: {describe(exc)}") from exc
    finally:
        if tmp_name is not None:  # failed or interrupted: no temporary file left behind
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text_atomic(text: str, target: Path) -> Path:
    """:func:`write_atomic` of ``text`` as UTF-8 with ``\\n`` line ends."""
    return write_atomic(text.encode("utf-8"), target)
