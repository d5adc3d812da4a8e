"""Reading the tracking of shipped orders (Get Tracking) for the valid tracking estimate.

Reads are upkeep: they run at the lowest budget priority, a few per pass, so a development
shop's hourly budget (FACTS.md 9.2) goes to writes and polls first.
"""

from __future__ import annotations

import time

from app.changes import Changes
from app.store.tracking import fetch_tracking_due, save_tracking
from app.sync.session import ShopSession
from app.tiktok.budget import Priority, priority
from app.tiktok.errors import InvalidToken, TikTokError, TokenExpired
from app.tiktok.fulfillment import FulfillmentApi

#: Orders read per pass without an hourly budget, and with one.
PER_PASS = 50
PER_PASS_BUDGETED = 5


async def read_tracking(session: ShopSession, now: int | None = None) -> Changes:
    """Read the tracking of the orders valid tracking still needs; one failure skips one."""
    now = int(time.time()) if now is None else now
    limit = PER_PASS_BUDGETED if session.settings.max_requests_per_hour else PER_PASS
    api = FulfillmentApi(session.client)
    read: list[str] = []
    with priority(Priority.CATALOG):
        for order_id, shipped_at in fetch_tracking_due(session.db, now, limit):
            try:
                events = await api.tracking(order_id)
            except (TokenExpired, InvalidToken):
                raise
            except TikTokError:
                continue  # read again on a later pass
            # The seller's own "shipment arranged" or "label created" step is not a scan.
            scans = [t for e in events if (t := e.update_time_millis // 1000) > shipped_at]
            save_tracking(session.db, order_id, scans, now)
            read.append(order_id)
    return Changes.of(deadlines=read) if read else Changes()
