"""A webhook receiver with a real SQLite inbox in its own process, for the load benchmark.

Prints its port, then serves until stdin closes.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
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


if __name__ == "__main__":
    asyncio.run(main())
