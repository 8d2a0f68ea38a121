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
from ..limits import Limits, current
from ..safe_files import read_bytes
from .location import LocatedDocument, Location, PathKey, dotted
from .sniff import looks_like


class _TooLarge(Exception):
    """The node tree passes a limit: ``name`` (document_max_values or _depth), at ``line``."""

    def __init__(self, name: str, line: int) -> None:
        super().__init__(name)
        self.name, self.line = name, line


class _DecimalSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading YAML floats as exact Decimals; it stops composing (raises
    :class:`_TooLarge`) past :func:`_most_nodes` nodes, so a huge document is refused while parsed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes, self._most_nodes = 0, _most_nodes(current())

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._nodes += 1  # aliases too: never more than the values counted with aliases expanded
        if self._nodes > self._most_nodes:
            raise _TooLarge("document_max_values", _line_of(self.peek_event()))  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


def _line_of(event: yaml.Event) -> int:
    """The 1-based line an event starts on (0 when libyaml gives no mark)."""
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 0


def _most_nodes(limits: Limits) -> int:
    """How many nodes (values and mapping keys) a document within ``document_max_values`` can
    have: each value, plus at most one key for each."""
    return 2 * limits.document_max_values + 1


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


def _measure(node: yaml.Node, limits: Limits, memo: dict[int, tuple[int, int]], depth: int = 1) -> tuple[int, int]:
    """(values, nesting) of ``node`` with aliases expanded, checked against the document limits.

    An alias is the same node object as its anchor, so each node is measured once (``memo``):
    a "billion laughs" is refused after a few hundred steps, before anything is expanded."""
    known = memo.get(id(node))
    if known is not None:
        size, height = known
    else:
        size, height = 1, 0
        if isinstance(node, yaml.CollectionNode):
            if depth > limits.document_max_depth:
                raise _TooLarge("document_max_depth", node.start_mark.line + 1)
            children = [value for _key, value in node.value] if isinstance(node, yaml.MappingNode) else node.value
            for child in children:
                child_size, child_height = _measure(child, limits, memo, depth + 1)
                size, height = size + child_size, max(height, child_height)
            height += 1
        memo[id(node)] = (size, height)
    if size > limits.document_max_values:
        raise _TooLarge("document_max_values", node.start_mark.line + 1)
    if depth - 1 + height > limits.document_max_depth:
        raise _TooLarge("document_max_depth", node.start_mark.line + 1)
    return size, height


def _record_lines(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], duplicates: list[tuple[PathKey, int]]
) -> None:
    """Record the line of every field path; collect keys given twice in one mapping.

    Aliases are walked where they are used: :func:`_measure` has bounded how many values that is."""
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


def read_text(
    file: Path, limit: str, advice: str = "save the file as UTF-8", *, root: Path | None = None, root_name: str = ""
) -> str:
    """The file's text, refused (DataError) when it is larger than the limit named ``limit``, cannot
    be read or is not UTF-8 (``advice`` says how to save it instead). It is read through
    :func:`reportgen.safe_files.read_bytes`: a regular file only, inside ``root`` when given
    (``root_name`` names it in messages: the data folder by default)."""
    names = {"root_name": root_name} if root_name else {}
    raw = read_bytes(file, root=root, limit=limit, **names)
    return _decode_utf8(file, raw, advice)


def _decode_utf8(file: Path, raw: bytes, advice: str) -> str:
    """``raw`` as UTF-8 text (a BOM is dropped); else a DataError at the first bad byte's line,
    saying what the file seems to be instead."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}){_encoding_hint(raw)}; {advice}"
        raise DataError([Issue(message, file=file, line=line)]) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError([Issue(f"not a text file (contains NUL bytes){_encoding_hint(raw)}", file=file, line=line)])
    return text


def _cut_short(text: str, index: int) -> str:
    """A hint when a syntax error is on the file's last line: files cut short end like that."""
    rest = text[index:]
    last_line = "\n" not in rest.rstrip("\r\n") and not text.endswith("\n")
    return " (the file ends there, in the middle of a line: was it cut short?)" if last_line else ""


def _encoding_hint(raw: bytes) -> str:
    """``; it looks like ...`` when the first bytes say what the file is, else ``""``."""
    what = looks_like(raw[:512])
    return f"; it looks like {what}" if what else ""


def load_yaml(file: Path, root: Path | None = None, root_name: str = "") -> LocatedDocument:
    """Parse a YAML file safely, recording the line of every field.

    libyaml parses it when it can; a file it refuses (or that fails in any other way) is parsed
    again by PyYAML's own parser, whose messages are the ones users see, so the fast path never
    changes an error message. Both use the same safe constructors and give the same data; libyaml
    is only more lenient with some odd syntax PyYAML refuses (a tab after a value, a comment right
    after ``|``). ``root``: the folder the file must stay inside (see :func:`read_text`).

    A document of many values is refused while it is parsed, before its node tree is built:
    libyaml's events are counted first (the parse stops at the limit), and PyYAML's composer
    counts the nodes it makes."""
    text = read_text(file, "yaml_max_bytes", root=root, root_name=root_name)
    _count_events(file, text)
    if _CParser is not None and not _REFERENCE_ONLY.search(text):
        try:
            return _load_yaml_fast(file, text)
        except DataError:  # keys given twice, too many values: the same message either way
            raise
        except Exception:  # any other failure: let the reference parser explain it
            pass
    return _load_yaml_reference(file, text)


def _count_events(file: Path, text: str) -> None:
    """Refuse (DataError) a document with more nodes than :func:`_most_nodes` allows, counting
    libyaml's parse events, which are dropped as they come: nothing is built, so memory stays
    flat and the parse stops at the limit. Text libyaml cannot parse is left to the composer's
    own count. A document no longer than ``document_max_values`` characters is not counted: it
    holds at most about one node per character, half of what the count allows."""
    limits = current()
    most = _most_nodes(limits)
    if _CParser is None or len(text) <= limits.document_max_values:
        return
    parser = _CParser(text)
    count = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                count += 1
                if count > most:
                    _raise_too_large(file, _TooLarge("document_max_values", _line_of(event)), limits)
    except yaml.YAMLError:
        return  # the parse that follows explains it (or PyYAML reads what libyaml does not)
    finally:
        parser.dispose()


def _raise_too_large(file: Path, exc: _TooLarge, limits: Limits) -> None:
    """The DataError for a document past a document limit."""
    found = {
        "document_max_values": "the document holds too many values (counted with YAML aliases expanded)",
        "document_max_depth": "lists and mappings are nested too deeply",
    }[exc.name]
    raise DataError([Issue(limits.message(exc.name, found), file=file, line=exc.line)]) from None


def _load_yaml_fast(file: Path, text: str) -> LocatedDocument:
    """libyaml's parse of ``text``; raises whatever goes wrong, for the caller to retry."""
    loader = _FastDecimalSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError([Issue("file is empty", file=file)])
        lines = _lines(file, node)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return _located(file, lines, data)


def _load_yaml_reference(file: Path, text: str) -> LocatedDocument:
    """PyYAML's pure-Python parse of ``text``, turning every failure into a located DataError."""
    loader: _DecimalSafeLoader | None = None
    try:
        loader = _DecimalSafeLoader(text)  # its reader already refuses control characters
        try:
            node = loader.get_single_node()
        except _TooLarge as exc:
            _raise_too_large(file, exc, current())
        if node is None:
            raise DataError([Issue("file is empty", file=file)])
        lines = _lines(file, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = str(mark.column + 1) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        problem += _cut_short(text, mark.index if mark is not None else 0)
        raise DataError([Issue(f"invalid YAML: {problem}", file=file, line=line, column=column)]) from exc
    except RecursionError as exc:
        raise DataError([Issue(_TOO_DEEP_FOR_PARSER.format(kind="YAML"), file=file)]) from exc
    except yaml.YAMLError as exc:
        raise DataError([Issue(f"invalid YAML: {exc}", file=file)]) from exc
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # A typed value PyYAML cannot build (e.g. "!!int twenty", an integer of 5,000 digits).
        raise DataError([Issue(f"invalid YAML value ({type(exc).__name__}: {exc})", file=file)]) from exc
    finally:
        if loader is not None:
            loader.dispose()
    return _located(file, lines, data)


#: The message for nesting deeper than Python's parsers can follow, whatever the limit says.
_TOO_DEEP_FOR_PARSER = "invalid {kind}: nested too deeply for the parser (it follows about 900 levels)"


def _lines(file: Path, node: yaml.Node) -> dict[PathKey, int]:
    """The line of every field path in ``node``'s tree, checked against the document limits
    before anything is built from it; keys given twice are refused."""
    limits = current()
    lines: dict[PathKey, int] = {}
    duplicates: list[tuple[PathKey, int]] = []
    try:
        _measure(node, limits, {})
        _record_lines(node, (), lines, duplicates)
    except _TooLarge as exc:
        _raise_too_large(file, exc, limits)
    except RecursionError:
        raise DataError([Issue(_TOO_DEEP_FOR_PARSER.format(kind="document"), file=file)]) from None
    if duplicates:
        raise DataError(
            [
                Issue(
                    f"key given twice (first at line {lines[path]}); only one value can be right",
                    file=file,
                    line=line,
                    field=printable(dotted(path)),
                )
                for path, line in duplicates
            ]
        )
    return lines


#: A UTF-16 surrogate on its own: a ``\\ud800`` escape (JSON, YAML, a workbook's ``_xD800_``) that
#: names half of a character. No text can hold it: printing or writing it fails.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: At most this many lone surrogates are reported per file.
_MOST_SURROGATES = 20


def surrogate_message(text: str) -> str:
    """The message for ``text``, which holds a lone surrogate."""
    found = LONE_SURROGATE.search(text)
    code = f"\\u{ord(found.group()):04x}" if found else "a surrogate"
    return (
        f"the text holds {code}, half of a UTF-16 surrogate pair, which is no character on its own; "
        "write the character itself"
    )


def printable(text: str) -> str:
    """``text`` with each lone surrogate written as its ``\\uXXXX`` escape, so a message naming it
    (a key, a column) can be printed."""
    return LONE_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _check_text(file: Path, data: Any, lines: dict[PathKey, int], text: str = "") -> None:
    """Refuse (DataError, at each field's line) keys and strings holding a lone surrogate. The
    walk is iterative, in document order, and bounded: the document limits have been checked
    already. Without ``lines`` (a JSON file YAML cannot read), ``text`` gives the lines: the
    lone ``\\uXXXX`` escapes in it, in the same order."""
    issues: list[Issue] = []
    escapes = [text.count("\n", 0, found.start()) + 1 for found in _LONE_ESCAPE.finditer(text)] if text else []
    stack: list[tuple[Any, PathKey, bool]] = [(data, (), False)]
    while stack and len(issues) < _MOST_SURROGATES:
        value, path, is_key = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                message = ("a key: " if is_key else "") + surrogate_message(value)
                line = lines.get(path) or (escapes[0] if escapes else None)
                del escapes[: len(LONE_SURROGATE.findall(value))]
                issues.append(Issue(message, file=file, line=line, field=printable(dotted(path))))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                child = (*path, str(key))
                stack += [(item, child, False), (key, child, True)]
        elif isinstance(value, list):
            stack.extend((item, (*path, str(index)), False) for index, item in reversed(list(enumerate(value))))
    if issues:
        raise DataError(issues)


#: A ``\\uXXXX`` escape of half a surrogate pair without its other half (JSON text).
_LONE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _located(file: Path, lines: dict[PathKey, int], data: Any) -> LocatedDocument:
    """``data`` with the line of every field path, once its text is known to be printable."""
    _check_text(file, data, lines)
    return LocatedDocument(file=file, data=data, locations={p: Location(file, n) for p, n in lines.items()})


#: A JSON string (the unrolled form: linear, no backtracking), for :func:`_json_values`.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
#: An empty array or object (once strings are gone).
_JSON_EMPTY = re.compile(r"[\[{]\s*[\]}]")


def _json_values(text: str) -> int:
    """How many values a JSON text holds, counted as :func:`_measure` does (each value once,
    keys not), without parsing it: one for the document, plus, outside strings, one for each
    comma and one for each non-empty array or object. The counting is done by the regular
    expression engine and ``str.count``, in C, in a fraction of the time a parse takes."""
    stripped = _JSON_STRING.sub('""', text)
    opened = stripped.count("[") + stripped.count("{")
    return 1 + stripped.count(",") + opened - _JSON_EMPTY.subn("", stripped)[1]


def _check_json_values(file: Path, text: str) -> None:
    """Refuse a JSON document of more values than ``document_max_values`` before it is parsed
    (the parse and the node tree of millions of values take gigabytes and a minute)."""
    limits = current()
    quick = text.count(",") + text.count("[") + text.count("{")  # never fewer than the values, less one
    if quick < limits.document_max_values:
        return
    if _json_values(text) > limits.document_max_values:
        found = "the document holds too many values"
        raise DataError([Issue(limits.message("document_max_values", found), file=file)])


def load_json(file: Path, root: Path | None = None, root_name: str = "") -> LocatedDocument:
    """Parse a JSON file with exact decimals, recording the line of every field (``root``: the
    folder the file must stay inside, see :func:`read_text`). A document of too many values is
    refused before it is parsed."""
    text = read_text(file, "json_max_bytes", root=root, root_name=root_name)
    if not text.strip():
        raise DataError([Issue("file is empty", file=file)])
    _check_json_values(file, text)
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg}{_cut_short(text, exc.pos)}"
        raise DataError([Issue(message, file=file, line=exc.lineno, column=str(exc.colno))]) from exc
    except RecursionError as exc:
        raise DataError([Issue(_TOO_DEEP_FOR_PARSER.format(kind="JSON"), file=file)]) from exc
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise DataError([Issue(f"invalid JSON value: {exc}", file=file)]) from exc
    try:  # JSON is YAML: its node tree gives the lines (and catches keys given twice)
        node = yaml.compose(text, Loader=_CParser or yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):  # valid JSON that YAML 1.1 does not read: check the data itself
        _check_plain(file, data)
        _check_text(file, data, {}, text)
        return LocatedDocument(file=file, data=data, locations={(): Location(file)})
    if node is None:  # pragma: no cover - json.loads refused an empty document first
        raise DataError([Issue("file is empty", file=file)])
    return _located(file, _lines(file, node), data)


def _check_plain(file: Path, data: Any) -> None:
    """The document limits checked on plain data (no aliases, no lines), without recursion."""
    limits = current()
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        name, found = "", ""
        if count > limits.document_max_values:
            name, found = "document_max_values", "the document holds too many values"
        elif isinstance(value, dict | list):
            depth += 1
            if depth > limits.document_max_depth:
                name, found = "document_max_depth", "lists and mappings are nested too deeply"
            stack.extend((item, depth) for item in (value.values() if isinstance(value, dict) else value))
        if name:
            raise DataError([Issue(limits.message(name, found), file=file)])


Loader = Callable[[Path, Path | None], LocatedDocument]

#: Loaders by file extension (lowercase, with the dot).
LOADERS: dict[str, Loader] = {".yaml": load_yaml, ".yml": load_yaml, ".json": load_json}


def load_document(file: Path, root: Path | None = None) -> LocatedDocument:
    """Load ``file`` with the loader its extension selects; ``root``: the data folder it must
    stay inside (a symbolic link out of it is refused), see :func:`read_text`."""
    loader = LOADERS.get(file.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise DataError(
            [Issue(f"unsupported file type {file.suffix or '(none)'!r}; supported: {supported}", file=file)]
        )
    return loader(file, root)
