"""A fix for WeasyPrint 70's per-line memory leak with OpenType features (``tabular-nums``).

``weasyprint.text.line_break.Layout.setup`` gives every piece of text whose style asks for
font features (``font-variant-numeric: tabular-nums``, which the report tables use) a Pango
attribute list, and never releases its own reference to it; the ``setdefault`` that was meant to
cache the features attribute also builds a new one each time, which leaks too. A brief lost about
0.25 MB per document that way, so a batch worker grew from 171 MB after 100 reports to 406 MB after
1,000 (see docs/performance.md and docs/upstream/weasyprint-font-features-leak.md).

:func:`install` mends both, for WeasyPrint 70 only (the version whose code this was read from):

* the font configuration's feature "cache" hands back the attribute it is given without keeping
  it, so each list owns its own attribute;
* after ``setup``, the reference the list was created with is dropped. The layout keeps its own
  reference, so the list (and its attribute) lives exactly as long as the layout.

Any other WeasyPrint version is left alone. The test suite renders documents full of tabular
figures and checks that memory stays flat, so a newer WeasyPrint that still leaks is noticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import weasyprint
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration

#: The WeasyPrint release whose ``Layout.setup`` this module was written against.
FIXED_VERSION = "70.0"


class UncachedFeatures(dict[bytes, Any]):
    """Stands in for ``FontConfiguration.font_features``: keeps nothing, so nothing is shared."""

    def setdefault(self, key: bytes, default: Any = None) -> Any:
        return default


_installed = False


def applies() -> bool:
    """Whether this WeasyPrint is the version the fix was written for."""
    return str(weasyprint.__version__) == FIXED_VERSION


def _releasing(setup: Callable[..., None]) -> Callable[..., None]:
    def setup_then_release(layout: Any, style: Any) -> None:
        setup(layout, style)
        if not isinstance(style.font_config.font_features, UncachedFeatures):
            return  # a font configuration that still shares its attributes: leave it as it was
        attributes = pango.pango_layout_get_attributes(layout.layout)
        if attributes != ffi.NULL:  # only the font-features branch sets attributes in setup
            pango.pango_attr_list_unref(attributes)

    setup_then_release.__wrapped__ = setup  # type: ignore[attr-defined]
    return setup_then_release


def install(config: FontConfiguration) -> bool:
    """Mend the leak for layouts made with ``config``; True when the fix is in place."""
    global _installed
    if not applies():
        return False
    if not _installed:
        line_break.Layout.setup = _releasing(line_break.Layout.setup)
        _installed = True
    config.font_features = UncachedFeatures()
    return True
