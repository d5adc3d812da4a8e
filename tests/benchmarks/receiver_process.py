"""A webhook receiver with a real SQLite inbox in its own process, for the load benchmark.

Prints its port, then serves until stdin closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.relay.receiver import ReceiverServer, WebhookReceiver
from app.store import inbox
from app.store.db import open_db
from app.tiktok.models import WebhookEvent

APP_KEY, APP_SECRET = "benchkey", "bench-secret"


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")

        def accept(raw: bytes, event: WebhookEvent) -> bool:
            _row, new = inbox.save_received(
                db,
                raw,
                notification_id=event.tts_notification_id,
                type_=event.type,
                shop_id=event.shop_id,
                event_time=event.timestamp,
                now=1,
            )
            return new

        server = ReceiverServer(WebhookReceiver(APP_KEY, APP_SECRET, accept), port=0)
        await server.start()
        print(server.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        count = db.execute("SELECT count(*) FROM inbox").fetchone()[0]
        print(count, flush=True)
        await server.stop()
        db.close()


@dataclass
class SeparateReceiver:
    """The receiver process's port, and once it stopped, how many pushes it committed."""

    port: int
    stored: int = 0


@contextlib.contextmanager
def separate_receiver() -> Iterator[SeparateReceiver]:
    """This module in its own process, so the load and the receiver never share a core."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.receiver_process"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    receiver = SeparateReceiver(int(proc.stdout.readline()))
    try:
        yield receiver
    finally:
        proc.stdin.close()
        receiver.stored = int(proc.stdout.readline() or 0)
        proc.wait(30)
        proc.stdout.close()


if __name__ == "__main__":
    asyncio.run(main())
