"""Reading one data file into plain Python data plus a map from field path to line.

``LocatedDocument.line_of(path)`` answers "which line holds this field", so validation
errors found later can point at the exact place. Loaders are chosen by file extension;
``LOADERS`` lists them and an unknown extension gets an error naming the supported ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, Issue

PathKey = tuple[str, ...]

#: Largest data file read, in bytes. Larger files are refused before parsing.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class LocatedDocument:
    """A parsed data file: its data and the line of every field path."""

    file: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[object]) -> int | None:
        """The line of ``path`` or of its nearest located parent."""
        key = tuple(str(part) for part in path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())


class _DecimalSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading YAML floats as exact Decimals."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    try:
        return Decimal(special.get(text.lower(), text))
    except InvalidOperation as exc:  # pragma: no cover - the YAML resolver already matched a float
        raise yaml.constructor.ConstructorError(None, None, f"not a number: {text!r}", node.start_mark) from exc


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _record_lines(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], duplicates: list[tuple[PathKey, int]]
) -> None:
    """Record the line of every field path; collect keys given twice in one mapping."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                duplicates.append((child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, str(index)), lines, duplicates)


def _read_text(file: Path) -> str:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError([Issue(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", file=file)])
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError([Issue(f"cannot read file: {exc.strerror or exc}", file=file)]) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [Issue(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", file=file, line=line)]
        ) from exc


def load_yaml(file: Path) -> LocatedDocument:
    """Parse a YAML file safely, recording the line of every field."""
    text = _read_text(file)
    loader = _DecimalSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError([Issue("file is empty", file=file)])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError([Issue(f"invalid YAML: {problem}", file=file, line=line)]) from exc
    except yaml.YAMLError as exc:
        raise DataError([Issue(f"invalid YAML: {exc}", file=file)]) from exc
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    duplicates: list[tuple[PathKey, int]] = []
    _record_lines(node, (), lines, duplicates)
    if duplicates:
        from .validate import dotted

        raise DataError(
            [
                Issue(
                    f"key given twice (first at line {lines[path]}); only one value can be right",
                    file=file,
                    line=line,
                    field=dotted(path),
                )
                for path, line in duplicates
            ]
        )
    return LocatedDocument(file=file, data=data, lines=lines)


Loader = Callable[[Path], LocatedDocument]

#: Loaders by file extension (lowercase, with the dot).
LOADERS: dict[str, Loader] = {".yaml": load_yaml, ".yml": load_yaml}


def load_document(file: Path) -> LocatedDocument:
    """Load ``file`` with the loader its extension selects."""
    loader = LOADERS.get(file.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise DataError(
            [Issue(f"unsupported file type {file.suffix or '(none)'!r}; supported: {supported}", file=file)]
        )
    return loader(file)
