"""The sandbox every report template runs in: what a template may read, call and compute.

A theme may come with the data (``organization.theme: themes/x``), so its template overrides
are untrusted code. Every template therefore runs in Jinja's immutable sandbox (no attribute
starting with ``_``, no ``str.format`` escape, no change to lists and dicts, ``range`` capped),
narrowed further to what reportgen's templates need:

- attributes are read only on plain values (text, numbers, dates, containers, ``Markup``),
  on Jinja's own helpers (``loop``, ``namespace``, macros) and on reportgen's own objects -
  and on those only the fields and methods reportgen defines, never what they inherit from a
  library (pydantic's ``parse_file`` reads a file);
- never a module, a class, or Jinja's environment, templates, contexts or loaders, whoever
  holds them;
- nothing else: a ``Path`` in the context (``theme.folder``, ``options.theme_dir``) prints as
  text, but ``.read_text()`` and every other attribute of it is refused;
- ``*`` and ``**`` refuse results larger than :data:`MAX_SEQUENCE` items or
  :data:`MAX_POWER_BITS` bits, so ``'x' * 10**10`` stops at once instead of filling memory;
  so do a width over :data:`MAX_SEQUENCE` in ``%``, ``|format`` and ``str.format``
  (``'%999999999d'``), and in the ``center`` and ``indent`` filters; the string methods that
  pad to a width (``ljust``, ``zfill``...) are refused.

Other ways of building a huge string (a loop doubling a ``namespace`` value, ``replace`` on a
long string) are bounded only by ``batch``'s time and memory limits.

A refused access is Jinja's ``SecurityError``, which the render stage reports as a
template error at the template's line.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import numbers
import re
import string
import types
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any

from jinja2 import BaseLoader, Environment, Template
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

#: The longest string or sequence ``*`` may make in a template.
MAX_SEQUENCE = 1_000_000
#: The most bits a whole number made with ``**`` may have (about 1,200 decimal digits).
MAX_POWER_BITS = 4096

#: Values whose own (non-underscore) attributes are safe: Jinja's sandbox already refuses
#: ``str.format`` tricks and the mutating methods of lists, dicts and sets.
_PLAIN = (str, Markup, numbers.Number, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)
_CONTAINERS = (Mapping, Sequence, Set)
#: Methods of text that pad to any width: ``'x'.ljust(10**9)``. No template needs them.
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
#: Values no attribute may hand a template, whoever holds them: the machinery behind it.
_NEVER = (types.ModuleType, type, Environment, Template, Context, BaseLoader)
#: Modules whose objects a template meets as helpers: loop, cycler, joiner, namespace, macros.
_JINJA = "jinja2."
_OWN = "reportgen."


def _module(kind: type) -> str:
    return f"{kind.__module__}."


#: (class, attribute) -> whether reportgen defines it: asked on every attribute a template reads.
_DEFINED: dict[tuple[type, str], bool] = {}


def _defined_by_reportgen(kind: type, attr: str) -> bool:
    """``attr`` of a ``kind`` is a field, property or method a reportgen class defines (the first
    class of the method resolution order that has it), not one inherited from a library."""
    known = _DEFINED.get((kind, attr))
    if known is None:
        owner = next((owner for owner in kind.__mro__ if attr in vars(owner)), None)
        known = _DEFINED[(kind, attr)] = owner is not None and _module(owner).startswith(_OWN)
    return known


def attribute_allowed(obj: object, attr: str) -> bool:
    """Whether a template may read ``obj.attr`` (after Jinja's own checks)."""
    kind = type(obj)
    if _module(kind).startswith(_OWN):
        if isinstance(obj, enum.Enum):
            return attr in ("value", "name") or _defined_by_reportgen(kind, attr)
        instance = getattr(obj, "__dict__", None)
        return (isinstance(instance, dict) and attr in instance) or _defined_by_reportgen(kind, attr)
    if _module(kind).startswith(_JINJA):
        return True
    if isinstance(obj, str | bytes) and attr in _PADDING:
        return False
    return isinstance(obj, _PLAIN) or (isinstance(obj, _CONTAINERS) and _module(kind) == "builtins.")


def _size(value: object) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _multiply(left: Any, right: Any) -> Any:
    for sequence, count in ((left, right), (right, left)):
        length = _size(sequence)
        if length is not None and isinstance(count, int) and length * count > MAX_SEQUENCE:
            raise SecurityError(f"'*' would make a sequence of {length * count} items (at most {MAX_SEQUENCE})")
    return left * right


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        bits = exponent * (abs(base).bit_length() - 1) + 1  # a lower bound: 2**(k-1) <= base
        if bits > MAX_POWER_BITS:
            raise SecurityError(f"'**' would make a number of at least {bits} bits (at most {MAX_POWER_BITS})")
    return base**exponent


#: A printf conversion's width and precision (``%-08.3f``, ``%*d``).
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
#: A width or precision in a ``str.format`` spec (``>999999999``, ``.5``, ``{w}``).
_SPEC_NUMBER = re.compile(r"\d+|[{}]")


def _check_width(numbers_in: list[str]) -> None:
    for number in numbers_in:
        if number in ("*", "{", "}") or int(number) > MAX_SEQUENCE:
            raise SecurityError(f"a width or precision of {number!r} in a format (at most {MAX_SEQUENCE})")


def check_printf(fmt: object) -> None:
    """Refuse a ``%`` format whose widths could make a huge string."""
    if isinstance(fmt, str):
        _check_width([part for match in _PRINTF.finditer(fmt) for part in match.groups() if part])


def check_format_spec(fmt: str) -> None:
    """Refuse a ``str.format`` string whose specs could make a huge string."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format will refuse it
    _check_width([number for _, _, spec, _ in fields if spec for number in _SPEC_NUMBER.findall(spec)])


def _modulo(left: Any, right: Any) -> Any:
    check_printf(left)
    return left % right


def _width(value: object) -> None:
    if isinstance(value, int) and value > MAX_SEQUENCE:
        raise SecurityError(f"a width of {value} (at most {MAX_SEQUENCE})")


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": _multiply, "**": _power, "%": _modulo}


class ReportSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with reportgen's attribute policy and bounded ``*``/``**``."""

    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.update(center=_bounded_center, indent=_bounded(self.filters["indent"]))
        self.filters["format"] = _bounded_format(self.filters["format"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return (
            super().is_safe_attribute(obj, attr, value)
            and attribute_allowed(obj, attr)
            and not isinstance(value, _NEVER)
        )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_format_spec(value.__self__)
        return wrapped

    def call_binop(self, context: Context, operator_name: str, left: Any, right: Any) -> Any:
        bounded = _BINOPS.get(operator_name)
        return bounded(left, right) if bounded else super().call_binop(context, operator_name, left, right)


def _bounded_center(value: str, width: int = 80) -> str:
    _width(width)
    return str(value).center(width)


def _bounded(indent: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        _width(width)
        return indent(value, width, *args, **kwargs)

    return bounded


def _bounded_format(format_filter: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        check_printf(value)
        return format_filter(value, *args, **kwargs)

    return bounded


__all__ = ["MAX_POWER_BITS", "MAX_SEQUENCE", "ReportSandbox", "attribute_allowed"]
