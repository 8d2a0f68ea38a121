"""Pushing news to open pages: one queue per connected page (server-sent events).

A page says which report it shows when it connects, so the server knows which reports to
re-render at once after an edit (the others wait until they are opened).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

#: A comment line sent when nothing else was, so proxies and browsers keep the stream open.
KEEPALIVE_SECONDS = 15.0


@dataclass
class _Page:
    watching: str | None
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


class Hub:
    """The pages connected now, and what each of them shows."""

    def __init__(self) -> None:
        self._pages: dict[int, _Page] = {}
        self._ids = itertools.count()

    def watched(self) -> set[str]:
        """Ids of the reports open in some page."""
        return {page.watching for page in self._pages.values() if page.watching}

    def publish(self, event: str, payload: dict[str, object]) -> None:
        """Send ``event`` with ``payload`` (as JSON) to every connected page."""
        message = f"event: {event}\ndata: {json.dumps(payload)}\n\n"
        for page in self._pages.values():
            page.queue.put_nowait(message)

    async def stream(self, watching: str | None) -> AsyncIterator[str]:
        """The event stream of one page, until it disconnects."""
        number = next(self._ids)
        page = self._pages[number] = _Page(watching)
        try:
            yield "retry: 1000\n\n"  # reconnect after a second when the server restarts
            while True:
                try:
                    yield await asyncio.wait_for(page.queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            del self._pages[number]
