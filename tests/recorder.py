"""A loopback HTTP server that records every request it gets, for tests that must prove
nothing was fetched. It answers each request with a redirect (to ``redirect_to``), so a
client that followed redirects would be caught too."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Recorder:
    """The server's address and the requests it received (``"GET /path"``)."""

    base: str
    port: int
    requests: list[str] = field(default_factory=list)


@contextmanager
def recording_server(redirect_to: str = "file:///etc/passwd") -> Iterator[Recorder]:
    """Run a recording server on 127.0.0.1 (a free port) for the ``with`` block."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self) -> None:
            requests.append(f"{self.command} {self.path}")
            self.send_response(302)
            self.send_header("Location", redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _record

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads ``requests``."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = int(server.server_address[1])
    try:
        yield Recorder(f"http://127.0.0.1:{port}", port, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
