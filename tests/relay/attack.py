"""Raw-socket clients for the receiver attacks: idle and slow-drip connections, push bursts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import time

from app.relay.receiver import WEBHOOK_PATH
from tests.relay.support import APP_KEY, APP_SECRET, sign


def raise_open_files(wanted: int = 8192) -> None:
    """Room for thousands of sockets in this process (the hard limit allowing)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def signed_push(n: int) -> bytes:
    """A distinct order push, as TikTok sends it."""
    return json.dumps(
        {
            "type": 1,
            "tts_notification_id": str(7_400_000_000_000_000_000 + n),
            "shop_id": "7494049642642441621",
            "timestamp": 1_700_000_000 + n,
            "data": {"order_id": str(576_486_316_948_490_000 + n), "order_status": "UNPAID"},
        }
    ).encode()


def request_bytes(body: bytes, key: str = APP_KEY, secret: str = APP_SECRET) -> bytes:
    signature = sign(body, key, secret)
    head = (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"authorization: {signature}\r\ncontent-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


async def post(
    port: int,
    body: bytes,
    wait: float = 60.0,
    *,
    key: str = APP_KEY,
    secret: str = APP_SECRET,
) -> tuple[int, float]:
    """(status, seconds) for one signed push on its own connection; status 0 when refused."""
    began = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), wait)
    except (OSError, TimeoutError):
        return 0, time.perf_counter() - began
    try:
        writer.write(request_bytes(body, key, secret))
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), wait)
        parts = line.split()
        status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        status = 0
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return status, time.perf_counter() - began


class Loiterers:
    """Connections that open and then send nothing, or drip a request a byte at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._drip: asyncio.Task[None] | None = None

    async def open(self, idle: int, dripping: int) -> None:
        for n in range(idle + dripping):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.streams.append((reader, writer))
            if n >= idle:
                writer.write(f"POST {WEBHOOK_PATH} HTTP/1.1\r\n".encode())
        self._drip = asyncio.create_task(self._drip_loop(idle))

    async def _drip_loop(self, first: int) -> None:
        while True:
            await asyncio.sleep(0.5)
            for _, writer in self.streams[first:]:
                if not writer.is_closing():
                    with contextlib.suppress(OSError):
                        writer.write(b"x")

    async def closed_by_server(self, within: float) -> int:
        """How many of them the receiver has hung up on by `within` seconds from now."""
        deadline = time.monotonic() + within

        async def ended(reader: asyncio.StreamReader) -> bool:
            left = deadline - time.monotonic()
            try:
                while True:
                    chunk = await asyncio.wait_for(reader.read(4096), max(0.01, left))
                    if not chunk:
                        return True
            except TimeoutError:
                return False
            except OSError:
                return True

        results = await asyncio.gather(*(ended(r) for r, _ in self.streams))
        return sum(results)

    async def close(self) -> None:
        if self._drip is not None:
            self._drip.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drip
        for _, writer in self.streams:
            writer.close()
