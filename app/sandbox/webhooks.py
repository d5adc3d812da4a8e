"""Signed pushes to the shop's subscribed addresses, retried the way TikTok retries them.

configuration-guide.md: a push counts as received on HTTP 200 or 401 within 3 seconds;
otherwise it is retried 2 min after the first failure, then 30 min, 3 h and 12 h after each
failed retry, and given up after the fourth retry. `time_scale` shrinks those delays for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.sandbox.faults import FaultInjector
from app.sandbox.ids import IdFactory
from app.sandbox.model import Shop
from app.tiktok.signing import compact_json, webhook_signature

#: Event API `event_type` names and the numeric `type` their pushes carry (FACTS.md 7.4).
EVENT_TYPES: dict[str, int] = {
    "ORDER_STATUS_CHANGE": 1,
    "REVERSE_STATUS_UPDATE": 2,
    "RECIPIENT_ADDRESS_UPDATE": 3,
    "PACKAGE_UPDATE": 4,
    "PRODUCT_STATUS_CHANGE": 5,
    "SELLER_DEAUTHORIZATION": 6,
    "UPCOMING_AUTHORIZATION_EXPIRATION": 7,
    "CANCELLATION_STATUS_CHANGE": 11,
    "RETURN_STATUS_CHANGE": 12,
    "NEW_CONVERSATION": 13,
    "NEW_MESSAGE": 14,
    "PRODUCT_INFORMATION_CHANGE": 15,
    "PRODUCT_CREATION": 16,
    "PRODUCT_CATEGORY_CHANGE": 18,
    "NEW_MESSAGE_LISTENER": 33,
    "INVOICE_STATUS_CHANGE": 36,
    "PRODUCT_AUDIT_STATUS_CHANGE": 37,
}
RETRY_DELAYS = (120.0, 1800.0, 3 * 3600.0, 12 * 3600.0)
ACK_TIMEOUT = 3.0
ACK_STATUSES = frozenset({200, 401})


@dataclass
class Delivery:
    notification_id: str
    type: int
    shop_id: str
    address: str
    body: bytes
    status: str = "pending"  # pending | retrying | delivered | failed | dropped | held
    attempts: int = 0
    next_at: float = 0.0
    last_error: str | None = None
    duplicate: bool = False
    after: Delivery | None = None  # a reordered push waits for the one that overtakes it
    done: asyncio.Event | None = field(default=None, repr=False)

    def to_admin(self) -> dict[str, Any]:
        return {
            "notification_id": self.notification_id,
            "type": self.type,
            "shop_id": self.shop_id,
            "address": self.address,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "duplicate": self.duplicate,
        }


class WebhookHub:
    """Builds, signs, logs and delivers pushes; runs on the sandbox's event loop once started."""

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        faults: FaultInjector,
        ids: IdFactory,
        clock_now: Any,
        time_scale: float = 1.0,
    ) -> None:
        self._app_key = app_key
        self._app_secret = app_secret
        self._faults = faults
        self._ids = ids
        self._now = clock_now
        self.time_scale = time_scale
        self.log: list[Delivery] = []
        self._queue: list[Delivery] = []
        self._held: Delivery | None = None
        self._wake: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    # --- producing ------------------------------------------------------------------------------
    def emit(self, shop: Shop, event_type: str, data: dict[str, Any]) -> None:
        """Push `data` to the shop's address for `event_type`, if it has one (Event API)."""
        subscription = shop.subscriptions.get(event_type)
        if subscription is None:
            return
        notification_id = self._ids.new()
        number = EVENT_TYPES[event_type]
        payload = {
            "type": number,
            "tts_notification_id": notification_id,
            "shop_id": shop.id,
            "timestamp": self._now(),
            "data": data,
        }
        delivery = Delivery(
            notification_id, number, shop.id, subscription.address, compact_json(payload)
        )
        self.log.append(delivery)
        decision = self._faults.decide_webhook()
        if decision.drop:
            delivery.status = "dropped"
            return
        held, self._held = self._held, None
        if decision.reorder and held is None:
            delivery.status = "held"  # sent right after the next push
            self._held = delivery
        else:
            self._schedule(delivery)
        if held is not None:
            held.status = "pending"
            held.after = delivery
            self._schedule(held)
        if decision.duplicate and delivery.status != "held":
            twin = Delivery(
                notification_id, number, shop.id, delivery.address, delivery.body, duplicate=True
            )
            self.log.append(twin)
            self._schedule(twin)

    def _schedule(self, delivery: Delivery, delay: float = 0.0) -> None:
        delivery.next_at = time.monotonic() + delay
        self._queue.append(delivery)
        if self._wake is not None:
            self._wake.set()

    # --- delivering -----------------------------------------------------------------------------
    async def start(self) -> None:
        if self._runner is not None:
            return
        self._wake = asyncio.Event()
        self._client = httpx.AsyncClient(timeout=ACK_TIMEOUT, trust_env=False)
        self._runner = asyncio.create_task(self._run(), name="sandbox-webhooks")

    async def stop(self) -> None:
        tasks = [t for t in (self._runner, *self._inflight) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._runner = None
        self._inflight.clear()
        self._wake = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            now = time.monotonic()
            due = [d for d in self._queue if d.next_at <= now]
            for delivery in due:
                self._queue.remove(delivery)
                task = asyncio.create_task(self._attempt(delivery))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
            self._wake.clear()
            timeout = min((d.next_at for d in self._queue), default=now + 3600.0) - now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(timeout, 0.0))

    async def _attempt(self, delivery: Delivery) -> None:
        if delivery.done is None:
            delivery.done = asyncio.Event()
        if delivery.after is not None:
            if delivery.after.done is None:
                delivery.after.done = asyncio.Event()
            await delivery.after.done.wait()
        assert self._client is not None
        delivery.attempts += 1
        headers = {
            "Authorization": webhook_signature(self._app_key, self._app_secret, delivery.body),
            "Content-Type": "application/json",
        }
        try:
            response = await self._client.post(
                delivery.address, content=delivery.body, headers=headers
            )
            ok = response.status_code in ACK_STATUSES
            delivery.last_error = None if ok else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            ok = False
            delivery.last_error = type(exc).__name__
        delivery.done.set()
        if ok:
            delivery.status = "delivered"
        elif delivery.attempts > len(RETRY_DELAYS):
            delivery.status = "failed"
        else:
            delivery.status = "retrying"
            self._schedule(delivery, RETRY_DELAYS[delivery.attempts - 1] * self.time_scale)
