"""The webhook receiver: loopback only, signature on the raw body, committed before the 200."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import sqlite3
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

import uvicorn
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from app.relay.guard import HEADER_TIMEOUT, MAX_CONNECTIONS, connection_budget, guarded_protocol
from app.tiktok.models import WebhookEvent
from app.tiktok.webhooks import WebhookMalformed, WebhookRejected, verify_and_parse

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/tiktok"
MAX_BODY = 1024 * 1024  # 1 MiB: TikTok's events are a few hundred bytes
BODY_TIMEOUT = 10.0  # a half-sent body is abandoned after this long
PROBE_HEADER = "x-shopdesk-probe"
#: Probes we sent and still wait for; anything else in the header is ignored, so strangers
#: cannot make the receiver remember anything.
MAX_PROBES = 8

#: What to do with a verified push: commit it and return True if it is new.
Accept = Callable[[bytes, WebhookEvent], bool]


class ReceiverError(Exception):
    """The receiver cannot listen where it was asked to."""


def require_loopback(host: str) -> str:
    """Webhooks reach us only through the tunnel: never listen beyond this machine."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ReceiverError(f"the webhook receiver listens on loopback only, not {host}")


@dataclass
class ReceiverStats:
    """Deliveries seen, for the Health tab and the choice of poll speed."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    malformed: int = 0
    last_delivery_at: float | None = None
    _recent: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))

    def delivered(self, now: float) -> None:
        """Count one verified delivery."""
        self.last_delivery_at = now
        self._recent.append(now)

    def per_minute(self, now: float) -> int:
        """Deliveries in the last 60 seconds."""
        while self._recent and self._recent[0] < now - 60:
            self._recent.popleft()
        return len(self._recent)


class WebhookReceiver:
    """A small ASGI app: POST /webhooks/tiktok, everything else 404 or 405."""

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        accept: Accept,
        *,
        max_body: int = MAX_BODY,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.app_key = app_key
        self._app_secret = app_secret
        self._accept = accept
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.stats = ReceiverStats()
        self._probes: OrderedDict[str, float | None] = OrderedDict()

    def __repr__(self) -> str:
        return f"WebhookReceiver(app_key={self.app_key!r})"

    def expect_probe(self) -> str:
        """A fresh token for our own reachability check (only the last few are remembered)."""
        token = secrets.token_hex(16)
        self._probes[token] = None
        while len(self._probes) > MAX_PROBES:
            self._probes.popitem(last=False)
        return token

    def probe_arrived(self, token: str) -> bool:
        """Did our probe with this token come back through the tunnel?"""
        return self._probes.get(token) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        response = await self._handle(scope, receive)
        await response(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive) -> Response:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        probe = headers.get(PROBE_HEADER)
        if probe and probe in self._probes:
            self._probes[probe] = time.time()  # our own check came back through the tunnel
        if scope["path"] != WEBHOOK_PATH:
            return Response(status_code=404)
        if scope["method"] != "POST":
            return Response(status_code=405, headers={"allow": "POST"})
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return Response(status_code=413)
        try:
            raw = await asyncio.wait_for(self._read_body(receive), self.body_timeout)
        except TimeoutError:
            return Response(status_code=408)
        except _TooLarge:
            return Response(status_code=413)
        except _Disconnected:
            return Response(status_code=400)
        try:
            event = verify_and_parse(
                raw,
                headers.get("authorization"),
                app_key=self.app_key,
                app_secret=self._app_secret,
            )
        except WebhookRejected:
            self.stats.rejected += 1
            return Response(status_code=401)  # empty body, nothing stored
        except WebhookMalformed as exc:
            self.stats.malformed += 1
            log.warning("malformed webhook: %s", exc)
            return Response(status_code=400)
        try:
            new = self._accept(raw, event)
        except (sqlite3.OperationalError, OSError):
            log.exception("could not store a webhook; TikTok will deliver it again")
            return Response(status_code=500)  # busy or full: worth TikTok's retry
        except Exception:
            # Something in this body cannot be stored; a 500 would be redelivered forever.
            self.stats.malformed += 1
            log.exception("a signed webhook could not be stored as it is")
            return Response(status_code=400)
        if new:
            self.stats.accepted += 1
        else:
            self.stats.duplicates += 1
        self.stats.delivered(time.time())
        return Response(status_code=200)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class _QuietServer(uvicorn.Server):
    """uvicorn without signal handlers: the engine, not uvicorn, decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield


class ReceiverServer:
    """Runs a WebhookReceiver on 127.0.0.1 inside the current asyncio loop."""

    def __init__(
        self,
        receiver: WebhookReceiver,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        header_timeout: float = HEADER_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ):
        self.receiver = receiver
        self.host = require_loopback(host)
        self.requested_port = port
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful when 0 was asked for)."""
        if self._socket is None:
            return self.requested_port
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The local address a tunnel forwards to."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; raises ReceiverError when the port cannot be used."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.requested_port))
        except OSError as exc:
            sock.close()
            raise ReceiverError(
                f"cannot listen on {self.host}:{self.requested_port}: {exc.strerror}"
            ) from None
        sock.setblocking(False)
        self._socket = sock
        budget = connection_budget(self.max_connections)
        config = uvicorn.Config(
            self.receiver,
            http=guarded_protocol(self.header_timeout, budget),
            log_level="warning",
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_keep_alive=5,
            limit_concurrency=None,  # counted connections, so loiterers got everyone a 503
            backlog=2048,
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(
            self._server.serve(sockets=[sock]), name="webhook-receiver"
        )
        while not self._server.started:
            if self._task.done():
                raise ReceiverError(f"the webhook receiver stopped at start on {self.url}")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop serving and wait for open requests."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._socket is not None:
            self._socket.close()
        self._server, self._task, self._socket = None, None, None
