"""The report's own date as ``SOURCE_DATE_EPOCH`` while its PDF is written, so that nothing in it carries the clock.

WeasyPrint subsets the embedded fonts with HarfBuzz when ``libharfbuzz-subset0`` is installed, and with fontTools
otherwise; fontTools stamps each subset font's ``head.modified`` with the current time unless ``SOURCE_DATE_EPOCH``
is set (``fontTools.misc.timeTools.timestampNow``). :func:`source_date` sets it, for the duration of one write, to
the document's own date (``dcterms.created``, the report's ``data_as_of``, which WeasyPrint also writes as the PDF's
creation date), and restores the previous value after: a batch worker renders many reports, each with its date.
A date set by the user in the environment wins (reproducible-builds practice: the caller decides).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

VARIABLE = "SOURCE_DATE_EPOCH"


def epoch_of(date: str | None) -> int | None:
    """Seconds since 1970 at the start (UTC) of a W3C date such as ``2024-12-31`` or ``2024-12-31T10:00:00Z``."""
    if not date:
        return None
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


@contextmanager
def source_date(date: str | None) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` is ``date`` inside the block (unless the environment already sets it)."""
    epoch = epoch_of(date)
    if epoch is None or VARIABLE in os.environ:
        yield
        return
    os.environ[VARIABLE] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop(VARIABLE, None)
