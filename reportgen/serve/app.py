"""The preview's web application: routes, pages and what it may serve.

It serves the pages it makes (the index and one viewer per report), the page pictures and
PDFs of its renders (written under the output folder) and files under assets/; nothing else
from disk. Requests must name a local host (no DNS rebinding); pages allow only the
preview's own scripts.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
from collections.abc import AsyncIterator, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import UsageError
from ..i18n import available_languages
from ..paths import ASSETS_DIR, TEMPLATES_DIR
from ..safe_names import inside
from .hub import Hub
from .refs import KIND_TITLES, ReportRef, paper_name
from .resources import PREVIEW_FOLDER
from .watch import watch
from .workspace import Preview, Workspace

T = TypeVar("T")

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
        "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class Server:
    """One preview session: the workspace (used from one worker thread), the connected pages."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.hub = Hub()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportgen-render")
        self.pages = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR / PREVIEW_FOLDER)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.pages.globals.update(kind_titles=KIND_TITLES, paper_name=paper_name, languages=available_languages())

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func`` on the render thread (WeasyPrint, matplotlib and PDFium one at a time),
        in this task's context (the ``--limit`` settings)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self.executor, context.run, func, *args)

    def page(self, template: str, **context: Any) -> str:
        return self.pages.get_template(template).render(workspace=self.workspace, **context)


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(name.encode(), value.encode()) for name, value in _SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _ref(request: Request) -> ReportRef:
    params = request.path_params
    return ReportRef.parse(params["kind"], params["key"], params["year"], params["lang"])


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status, headers={"cache-control": "no-store"})


def create_app(workspace: Workspace, allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> Starlette:
    """The preview's ASGI application over ``workspace``."""
    server = Server(workspace)

    def not_found(message: str) -> HTMLResponse:
        return _html(server.page("missing.html", message=message), 404)

    async def index(request: Request) -> Response:
        return _html(server.page("index.html", fragment=True))

    async def index_fragment(request: Request) -> Response:
        return _html(server.page("_index.html"))

    async def preview_of(request: Request) -> Preview | None:
        try:
            ref = _ref(request)
        except UsageError:
            return None
        if ref not in workspace.entries and (ref.kind, ref.key, ref.year) not in _listed():
            return None
        return await server.run(workspace.preview, ref)

    def _listed() -> set[tuple[str, str, int]]:
        return {(r.kind, r.key, r.year) for r in workspace.listed}

    async def report(request: Request) -> Response:
        preview = await preview_of(request)
        if preview is None:
            return not_found("The data has no such report.")
        return _html(server.page("report.html", preview=preview))

    async def report_fragment(request: Request) -> Response:
        preview = await preview_of(request)
        if preview is None:  # removed from the data since the page opened: say so in the page
            return _html(server.page("_missing.html", message="The data has no such report any more."), 404)
        return _html(server.page("_report.html", preview=preview))

    async def pdf(request: Request) -> Response:
        preview = await preview_of(request)
        if preview is None or preview.render is None:
            return not_found("This report has no PDF: it cannot be rendered as the data and templates stand.")
        path = inside(workspace.out_dir, preview.render.path)
        return FileResponse(
            path, media_type="application/pdf", filename=path.name, headers={"cache-control": "no-store"}
        )

    async def picture(request: Request) -> Response:
        fingerprint, number = request.path_params["fingerprint"], request.path_params["number"]
        if not _FINGERPRINT.match(fingerprint):
            return not_found("No such page.")
        png = await server.run(workspace.picture, fingerprint, number - 1)
        if png is None:
            return not_found("No such page.")
        return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=86400, immutable"})

    async def events(request: Request) -> Response:
        watching = request.query_params.get("report") or None
        return StreamingResponse(
            server.hub.stream(watching),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(server, stop))
        try:
            yield
        finally:
            stop.set()
            watcher.cancel()
            server.executor.shutdown(wait=False, cancel_futures=True)

    report_path = "{kind}/{key}/{year:int}/{lang}"
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/fragment/index", index_fragment),
            Route(f"/report/{report_path}", report),
            Route(f"/fragment/report/{report_path}", report_fragment),
            Route(f"/pdf/{report_path}", pdf),
            Route("/page/{fingerprint}/{number:int}.png", picture),
            Route("/events", events),
            Mount("/assets", StaticFiles(directory=ASSETS_DIR), name="assets"),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
            Middleware(_SecurityHeaders),
        ],
        lifespan=lifespan,
    )
    app.state.server = server
    return app
