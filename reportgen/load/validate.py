"""Turning a located document into model objects, with every error located.

Pydantic's errors are rewritten into the project's form:
``file:line: contributions[3].development: must be >= 0, got -5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Issue
from .location import LocatedDocument

M = TypeVar("M", bound=BaseModel)


def _got(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    """What a value is, in the words of a data file: a list, text, a number, ..."""
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    return "nothing" if value is None else "a value"


def _message(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check its spelling against docs/data-format.md)"
    bounds = {
        "greater_than_equal": (">=", "ge"),
        "greater_than": (">", "gt"),
        "less_than_equal": ("<=", "le"),
        "less_than": ("<", "lt"),
    }
    if kind in bounds:
        op, key = bounds[kind]
        return f"must be {op} {ctx.get(key)}, got {_got(given)}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern", "").startswith("^[a-z0-9]"):
        return f"must be an id of lowercase letters, digits and hyphens, got {_got(given)}"
    if kind == "string_type" and isinstance(given, bool):
        return (
            f"must be text, got {str(given).lower()} (YAML reads yes/no/on/off as true/false: put the value in quotes)"
        )
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("model_type", "dict_type"):  # pydantic says "a valid dictionary or instance of Outcome"
        return f"must be a mapping of fields (name: value), got {_kind(given)} {_got(given)}"
    message = error["msg"][0].lower() + error["msg"][1:]
    return f"{message}, got {_got(given)}"


def issues_from(exc: ValidationError, doc: LocatedDocument, prefix: Sequence[object] = ()) -> list[Issue]:
    """One located :class:`Issue` per pydantic error."""
    issues = []
    for error in exc.errors():
        loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("["))]
        path = [*prefix, *loc]
        issues.append(doc.issue(path, _message(error)))
    return issues


def validate(model: type[M], doc: LocatedDocument, issues: list[Issue]) -> M | None:
    """Validate ``doc.data`` as ``model``; on failure add located issues and return None."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(issues_from(exc, doc))
        return None


IndexMap = dict[str, list[int]]


#: Top-level text fields no rule reads: a stand-in lets the rules still run when they are invalid.
_STAND_IN_FIELDS = {"short_title", "statement", "name"}


def prune_invalid_items(data: Any, exc: ValidationError) -> tuple[Any, IndexMap] | None:
    """``data`` without what pydantic rejected, and where the kept list items came from.

    Lets the cross-field rules still run on the valid rest of a file that has schema
    errors, so all problems of a file are reported together: rejected list items and
    unknown keys are dropped, invalid text that no rule reads gets a stand-in. Returns
    None when an error sits where the rules need a sound value (ids, period, office...).
    """
    if not isinstance(data, dict):
        return None
    drop: dict[str, set[int]] = {}
    pruned = dict(data)
    for error in exc.errors():
        loc = error["loc"]
        if not loc or not isinstance(loc[0], str):
            return None
        head = loc[0]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(head), list):
            drop.setdefault(head, set()).add(loc[1])
        elif error["type"] == "extra_forbidden" and len(loc) == 1:
            pruned.pop(head, None)
        elif len(loc) == 1 and head in _STAND_IN_FIELDS:
            pruned[head] = "-"
        else:
            return None
    index_map: IndexMap = {}
    for name, bad in drop.items():
        kept = [i for i in range(len(data[name])) if i not in bad]
        pruned[name] = [data[name][i] for i in kept]
        index_map[name] = kept
    return pruned, index_map


def validate_with_rest(
    model: type[M], doc: LocatedDocument, issues: list[Issue]
) -> tuple[M | None, M | None, IndexMap]:
    """Validate ``doc``; returns (valid model or None, model of the valid rest for rule checks, index map).

    When the whole file is valid both models are the same object and the index map is empty.
    """
    try:
        valid = model.model_validate(doc.data)
        return valid, valid, {}
    except ValidationError as exc:
        issues.extend(issues_from(exc, doc))
        rest = prune_invalid_items(doc.data, exc)
    if rest is None:
        return None, None, {}
    try:
        return None, model.model_validate(rest[0]), rest[1]
    except ValidationError:
        return None, None, {}
