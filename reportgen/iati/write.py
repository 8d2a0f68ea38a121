"""Writing imported data: YAML text with a provenance header, written atomically.

Every file starts with a comment header naming the source file, the IATI version and the
activity, and the words ``Imported by reportgen import iati``. A re-import may overwrite
a file carrying that header; a file without it was written by hand and is never
overwritten (the whole import stops before writing anything). Amounts are written as
exact number scalars from their Decimal text, never through float.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_text_atomic
from ..errors import ReportgenError, UsageError
from ..safe_names import is_safe

try:  # libyaml's emitter when PyYAML was built with it (much faster, same output)
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

MARKER = "Imported by reportgen import iati"
_HEAD_BYTES = 4096


class _Dumper(_BaseDumper):
    """Safe YAML with exact decimals, block text for paragraphs and no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: _BaseDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _text(dumper: _BaseDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _text)


def dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def header(lines: Iterable[str]) -> str:
    """A comment block, one ``# `` line per item."""
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def file_text(head: list[str], data: Mapping[str, Any]) -> str:
    return header(head) + dump(data)


def carries_marker(path: Path) -> bool:
    """True when ``path`` starts with the importer's header (so a re-import may overwrite it)."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):  # a link, FIFO or device is no file the importer wrote
            return False
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    for line in head.splitlines():
        if not line.startswith("#"):
            return False
        if MARKER in line:
            return True
    return False


def check_overwrites(targets: Iterable[Path]) -> None:
    """UsageError naming every target that exists and was not written by the importer."""
    hand_written = sorted(p for p in targets if p.exists() and not (p.is_file() and carries_marker(p)))
    if hand_written:
        listed = "\n".join(f"  {p}" for p in hand_written)
        raise UsageError(
            f"{len(hand_written)} file{'s' if len(hand_written) != 1 else ''} in the way were not written by "
            f"reportgen import iati (no '{MARKER}' header); nothing was written. Move them, or import into "
            f"another folder with --out:\n{listed}"
        )


def stale_imports(folder: Path, keep: set[Path]) -> list[Path]:
    """Outcome files an earlier import wrote in ``folder`` that this import does not write."""
    outcomes = folder / "outcomes"
    if not outcomes.is_dir():
        return []
    return sorted(
        p for p in outcomes.iterdir() if p.is_file() and p.suffix == ".yaml" and p not in keep and carries_marker(p)
    )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (:func:`reportgen.atomic.write_text_atomic`).

    The file's name is made from ids (``<id>.yaml``) and must be a safe path component; a
    failure to write (no permission, disk full) is a ReportgenError naming the file."""
    if not is_safe(path.name):
        raise ReportgenError(f"refusing to write {path}: {path.name!r} is not a safe file name")
    write_text_atomic(text, path)
