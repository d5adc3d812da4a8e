"""Connection hygiene for the receiver, which anyone on the internet can reach through the tunnel.

uvicorn's HTTP/1.1 protocol with three additions: a request's headers must arrive within
`header_timeout` of the connection opening (or of the previous answer), so idle and slow-drip
connections are hung up on; there is no "concurrency limit" that answers 503 to everyone once
some connections loiter; and when connections reach `max_connections`, the oldest one still
waiting for its headers is dropped to make room, so a valid push is served ahead of loiterers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

HEADER_TIMEOUT = 10.0
MAX_CONNECTIONS = 4096
#: File descriptors kept free for the database, logs and the tunnel.
SPARE_FILES = 256


class GuardedH11(H11Protocol):
    """H11Protocol that drops connections which never finish their headers."""

    header_timeout = HEADER_TIMEOUT
    max_connections = MAX_CONNECTIONS

    _header_timer: asyncio.TimerHandle | None = None
    _opened_at = 0.0

    @property
    def waiting_for_headers(self) -> bool:
        """No request being served: idle, or a request whose headers are still coming."""
        return self.cycle is None or self.cycle.response_complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened_at = self.loop.time()
        self._arm()
        self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if not self.waiting_for_headers:
            self._disarm()  # headers done; the body has the app's own deadline

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection must come just as quickly

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.waiting_for_headers and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        """At the limit, drop the oldest connection still waiting for headers (maybe this one)."""
        if len(self.connections) <= self.max_connections:
            return
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11) and c is not self and c.waiting_for_headers
        ]
        victim = min(waiting, key=lambda c: c._opened_at) if waiting else self
        log.warning("%d connections open: dropping one that sent nothing", len(self.connections))
        victim.transport.close()


def guarded_protocol(header_timeout: float, max_connections: int) -> type[GuardedH11]:
    """The protocol class uvicorn builds each connection from, with these limits."""
    return type(
        "ReceiverH11",
        (GuardedH11,),
        {"header_timeout": header_timeout, "max_connections": max_connections},
    )


def connection_budget(wanted: int = MAX_CONNECTIONS) -> int:
    """Raise this process's open-file limit towards `wanted` + spares; the connections it allows."""
    if sys.platform == "win32":
        return wanted
    import resource

    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted + SPARE_FILES
        if hard != resource.RLIM_INFINITY:
            target = min(target, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft != resource.RLIM_INFINITY:
            return max(64, min(wanted, soft - SPARE_FILES))
    return wanted
