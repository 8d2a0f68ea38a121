"""Reading one data file into plain Python data plus a map from field path to line.

``LocatedDocument.line_of(path)`` answers "which line holds this field", so validation
errors found later can point at the exact place. Loaders are chosen by file extension;
``LOADERS`` lists them and an unknown extension gets an error naming the supported ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, Issue
from .location import LocatedDocument, Location, PathKey, dotted

#: Largest data file read, in bytes. Larger files are refused before parsing.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most values one document may expand to (YAML aliases can make a small file huge).
MAX_NODES = 500_000


class _TooLarge(Exception):
    pass


class _DecimalSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading YAML floats as exact Decimals."""


#: libyaml's parser (C, several times faster) where PyYAML was built with it.
_CParser: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
#: Text libyaml reads into other data than PyYAML does: tags (``!`` on an empty value is ""
#: for one, None for the other). Such files, rare in data, take the reference parser.
_REFERENCE_ONLY = re.compile(r"!")


class _FastDecimalSafeLoader(_CParser or yaml.SafeLoader):  # type: ignore[misc]
    """The same safe loader on libyaml's parser: the fast path for files that parse."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    try:
        return Decimal(special.get(text.lower(), text))
    except InvalidOperation as exc:  # pragma: no cover - the YAML resolver already matched a float
        raise yaml.constructor.ConstructorError(None, None, f"not a number: {text!r}", node.start_mark) from exc


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"not a valid date: {node.value!r} ({exc})", node.start_mark
        ) from exc


for _loader in (_DecimalSafeLoader, _FastDecimalSafeLoader):
    _loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _record_lines(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], duplicates: list[tuple[PathKey, int]]
) -> None:
    """Record the line of every field path; collect keys given twice in one mapping."""
    if len(lines) > MAX_NODES:
        raise _TooLarge
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
    """Parse a YAML file safely, recording the line of every field.

    libyaml parses it when it can; a file it refuses (or that fails in any other way) is parsed
    again by PyYAML's own parser, whose messages are the ones users see, so the fast path never
    changes an error message. Both use the same safe constructors and give the same data; libyaml
    is only more lenient with some odd syntax PyYAML refuses (a tab after a value, a comment right
    after ``|``)."""
    text = _read_text(file)
    if _CParser is not None and not _REFERENCE_ONLY.search(text):
        try:
            return _load_yaml_fast(file, text)
        except DataError:  # keys given twice, too many values: the same message either way
            raise
        except Exception:  # any other failure: let the reference parser explain it
            pass
    return _load_yaml_reference(file, text)


def _load_yaml_fast(file: Path, text: str) -> LocatedDocument:
    """libyaml's parse of ``text``; raises whatever goes wrong, for the caller to retry."""
    loader = _FastDecimalSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError([Issue("file is empty", file=file)])
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return _located(file, node, data)


def _load_yaml_reference(file: Path, text: str) -> LocatedDocument:
    """PyYAML's pure-Python parse of ``text``, turning every failure into a located DataError."""
    loader: _DecimalSafeLoader | None = None
    try:
        loader = _DecimalSafeLoader(text)  # its reader already refuses control characters
        node = loader.get_single_node()
        if node is None:
            raise DataError([Issue("file is empty", file=file)])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = str(mark.column + 1) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError([Issue(f"invalid YAML: {problem}", file=file, line=line, column=column)]) from exc
    except RecursionError as exc:
        raise DataError([Issue("invalid YAML: nested too deeply", file=file)]) from exc
    except yaml.YAMLError as exc:
        raise DataError([Issue(f"invalid YAML: {exc}", file=file)]) from exc
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # A typed value PyYAML cannot build (e.g. "!!int twenty", an integer of 5,000 digits).
        raise DataError([Issue(f"invalid YAML value ({type(exc).__name__}: {exc})", file=file)]) from exc
    finally:
        if loader is not None:
            loader.dispose()
    return _located(file, node, data)


def _located(file: Path, node: yaml.Node, data: Any) -> LocatedDocument:
    """``data`` with the line of every field path, from its YAML node tree."""
    lines: dict[PathKey, int] = {}
    duplicates: list[tuple[PathKey, int]] = []
    try:
        _record_lines(node, (), lines, duplicates)
    except _TooLarge:
        raise DataError(
            [Issue(f"document expands to more than {MAX_NODES} values (YAML aliases?); refused", file=file)]
        ) from None
    if duplicates:
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
    return LocatedDocument(file=file, data=data, locations={p: Location(file, n) for p, n in lines.items()})


def load_json(file: Path) -> LocatedDocument:
    """Parse a JSON file with exact decimals, recording the line of every field."""
    text = _read_text(file)
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise DataError([Issue(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=str(exc.colno))]) from exc
    except RecursionError as exc:
        raise DataError([Issue("invalid JSON: nested too deeply", file=file)]) from exc
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise DataError([Issue(f"invalid JSON value: {exc}", file=file)]) from exc
    try:  # JSON is YAML: its node tree gives the lines (and catches keys given twice)
        node = yaml.compose(text, Loader=_CParser or yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return LocatedDocument(file=file, data=data, locations={(): Location(file)})
    if node is None:
        raise DataError([Issue("file is empty", file=file)])
    return _located(file, node, data)


Loader = Callable[[Path], LocatedDocument]

#: Loaders by file extension (lowercase, with the dot).
LOADERS: dict[str, Loader] = {".yaml": load_yaml, ".yml": load_yaml, ".json": load_json}


def load_document(file: Path) -> LocatedDocument:
    """Load ``file`` with the loader its extension selects."""
    loader = LOADERS.get(file.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise DataError(
            [Issue(f"unsupported file type {file.suffix or '(none)'!r}; supported: {supported}", file=file)]
        )
    return loader(file)
