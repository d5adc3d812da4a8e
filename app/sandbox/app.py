"""The ASGI app: the auth host, TikTok's API paths and /sandbox/, all on one port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import formatdate

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.sandbox.admin import ADMIN_ROUTES
from app.sandbox.admin_finance import FINANCE_ROUTES
from app.sandbox.admin_labels import LABEL_ROUTES
from app.sandbox.admin_market import MARKET_ROUTES
from app.sandbox.admin_returns import RETURN_ADMIN_ROUTES
from app.sandbox.api import api_endpoint
from app.sandbox.auth_routes import authorize_decision, authorize_page, token_get, token_refresh
from app.sandbox.core import Sandbox

ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def create_app(sandbox: Sandbox) -> Starlette:
    """Serve `sandbox`; the lifespan starts and stops its background work.

    With `httpx.ASGITransport` (which runs no lifespan) call `await sandbox.start()` yourself
    when a test needs webhooks delivered.
    """

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await sandbox.start()
        try:
            yield
        finally:
            await sandbox.stop()

    routes = [
        *ADMIN_ROUTES,
        *MARKET_ROUTES,
        *LABEL_ROUTES,
        *FINANCE_ROUTES,
        *RETURN_ADMIN_ROUTES,
        Route("/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/open/authorize", authorize_page, methods=["GET"]),
        Route("/oauth/authorize", authorize_decision, methods=["POST"]),
        Route("/api/v2/token/get", token_get, methods=["GET"]),
        Route("/api/v2/token/refresh", token_refresh, methods=["GET"]),
        # Everything else is TikTok's API: unknown paths and methods get TikTok's own errors.
        Route("/{path:path}", api_endpoint, methods=ALL_METHODS),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    app.add_middleware(_ShopDate, sandbox=sandbox)
    return app


class _ShopDate:
    """Every answer carries a `Date` header on the shop's clock, as TikTok's servers send theirs
    on the clock that stamps `update_time`."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                stamp = formatdate(self.sandbox.clock.now(), usegmt=True).encode("latin-1")
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", stamp)]}
            await send(message)

        await self.app(scope, receive, dated)
