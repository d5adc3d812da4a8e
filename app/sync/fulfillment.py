"""Shipping and cancellation answers, pushed through the outbox exactly once.

Each write is a row in the outbox. It is sent with the client's retries; when its outcome is
unknown (a dropped connection after the request left) the order or package is checked before
anything is sent again, so nothing ships twice. TikTok's documented refusals end the write
with a plain message on the order; other failures are retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.store import fulfillment as store
from app.store.activity import save_error, save_error_resolved
from app.store.cursors import fetch_cursor, save_cursor
from app.store.orders import fetch_order_raw, save_orders
from app.store.outbox import save_released
from app.sync.session import ShopSession
from app.tiktok.errors import ReconnectNeeded, ShopdeskError, TikTokError
from app.tiktok.fulfillment import FulfillmentApi, FulfillmentRefused

log = logging.getLogger(__name__)

CANCELLATIONS_CURSOR = "cancellations.update_time"
CANCELLATION_OVERLAP = 300
FIRST_CANCELLATION_LOOKBACK = 30 * 86400
PROVIDERS_FRESH = 86400
MAX_RETRY = 3600
#: Line items that already left with a carrier (FACTS.md 4.4 package_status).
SHIPPED_PACKAGE_STATES = frozenset({"PROCESSING", "FULFILLING", "COMPLETED"})


def retry_delay(attempts: int) -> int:
    """30 s, 1 min, 2 min ... at most an hour between attempts."""
    return int(min(MAX_RETRY, 30 * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class WriteOutcome:
    """How one write ended, for the CLI report and the GUI."""

    kind: str
    ref: str
    ok: bool
    message: str = ""
    code: int | None = None
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class WritesResult:
    """Every write one pass sent, and which orders changed."""

    outcomes: list[WriteOutcome] = field(default_factory=list)
    changed_orders: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[WriteOutcome]:
        """Writes TikTok refused or that kept failing."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def warnings(self) -> list[WriteOutcome]:
        """Shipments TikTok took with a warning about the tracking number."""
        return [o for o in self.outcomes if o.ok and o.result.get("warning")]


def _line_items(order: dict[str, Any], chosen: Sequence[str]) -> list[dict[str, Any]]:
    items = [i for i in order.get("line_items") or [] if i.get("display_status") != "CANCELLED"]
    if chosen:
        wanted = set(chosen)
        items = [i for i in items if str(i.get("id")) in wanted]
    return items


class Fulfiller:
    """Sends due writes for one shop session; `on_orders_changed` hears what moved."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        on_orders_changed: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.session = session
        self.api = FulfillmentApi(session.client)
        self._clock = clock
        self._on_orders_changed = on_orders_changed

    def _now(self) -> int:
        return int(self._clock())

    async def push_writes(self) -> WritesResult:
        """Send every due write (concurrently; the client keeps within the rate limits)."""
        db = self.session.db
        writes = store.save_claimed_writes(db, now=self._now())
        result = WritesResult()
        if not writes:
            return result
        outcomes = await asyncio.gather(*(self._send(w) for w in writes), return_exceptions=True)
        lost = [w for w, o in zip(writes, outcomes, strict=True) if isinstance(o, ReconnectNeeded)]
        if lost:
            save_released(db, [w.item.id for w in lost], now=self._now())
        for outcome in outcomes:
            if isinstance(outcome, WriteOutcome):
                result.outcomes.append(outcome)
            elif isinstance(outcome, BaseException) and not isinstance(outcome, ReconnectNeeded):
                raise outcome
        orders = [self._order_of(w) for w in writes if w not in lost]
        result.changed_orders = await self.refresh_orders([o for o in orders if o])
        if lost:
            raise ReconnectNeeded("the shop must be reconnected before writes can be sent")
        return result

    def _order_of(self, write: store.Write) -> str:
        return str(write.payload.get("order_id") or write.ref)

    async def refresh_orders(self, order_ids: Sequence[str]) -> list[str]:
        """Read the orders again so SQLite shows what TikTok now says."""
        if not order_ids:
            return []
        raw = await self.session.api.order_details_raw(list(dict.fromkeys(order_ids)))
        upsert = save_orders(self.session.db, self.session.shop.id, raw, now=self._now())
        if upsert.changed and self._on_orders_changed is not None:
            self._on_orders_changed(upsert.changed)
        return upsert.changed

    async def _send(self, write: store.Write) -> WriteOutcome:
        db = self.session.db
        try:
            answer = await self._dispatch(write)
        except FulfillmentRefused as exc:
            store.save_write_failed(
                db, write, code=exc.code, message=exc.describe(), retry_at=None, now=self._now()
            )
            save_error(
                db,
                write.kind,
                f"{_what(write)}: {exc.describe()}",
                ref=write.ref,
                action="Fix it in Shopdesk or Seller Center, then retry or drop it.",
                shop_id=self.session.shop.id,
                now=self._now(),
            )
            return WriteOutcome(write.kind, write.ref, False, exc.reason, exc.code)
        except ReconnectNeeded:
            raise
        except (ShopdeskError, OSError) as exc:
            code = exc.code if isinstance(exc, TikTokError) else None
            retry_at = self._now() + retry_delay(write.item.attempts)
            store.save_write_failed(
                db, write, code=code, message=str(exc), retry_at=retry_at, now=self._now()
            )
            save_error(
                db,
                write.kind,
                f"{_what(write)} failed: {exc}",
                ref=write.ref,
                action="Shopdesk retries by itself; nothing is sent twice.",
                shop_id=self.session.shop.id,
                next_retry_at=retry_at,
                now=self._now(),
            )
            return WriteOutcome(write.kind, write.ref, False, str(exc), code)
        store.save_write_done(db, write, answer, now=self._now())
        save_error_resolved(db, write.kind, write.ref, now=self._now())
        return WriteOutcome(write.kind, write.ref, True, result=answer)

    async def _dispatch(self, write: store.Write) -> dict[str, Any]:
        p = write.payload
        if write.kind == store.SHIP:
            return await self._ship(write.ref, p)
        if write.kind == store.SHIPPING_INFO:
            await self.api.update_shipping_info(
                write.ref, p["tracking_number"], p["shipping_provider_id"]
            )
            return {}
        if write.kind == store.CANCEL_APPROVE:
            await self.api.approve_cancellation(write.ref, f"shopdesk-{write.item.id}")
            await self.sync_cancellations(order_ids=[p["order_id"]])
            return {}
        if write.kind == store.CANCEL_REJECT:
            await self.api.reject_cancellation(
                write.ref, p["reason"], f"shopdesk-{write.item.id}", p.get("comment", "")
            )
            await self.sync_cancellations(order_ids=[p["order_id"]])
            return {}
        if write.kind == store.SELLER_CANCEL:
            return await self._seller_cancel(write.ref, p)
        raise ValueError(f"unknown write {write.kind}")

    async def _ship(self, order_id: str, p: dict[str, Any]) -> dict[str, Any]:
        chosen = [str(i) for i in p.get("line_item_ids") or []]
        if p.get("handover_method"):
            package_id = str(p.get("package_id") or await self._package_of(order_id))

            async def package_left() -> bool:
                state = (await self.api.package(package_id)).package_status
                return state in SHIPPED_PACKAGE_STATES

            await self.api.ship_package(
                package_id,
                handover_method=p["handover_method"],
                tracking_number=p.get("tracking_number", ""),
                shipping_provider_id=p.get("shipping_provider_id", ""),
                verify_done=package_left,
            )
            return {"package_id": package_id}
        tracking = p["tracking_number"]

        async def tracking_landed() -> bool:
            [order] = await self.session.api.order_details_raw([order_id]) or [{}]
            items = _line_items(order, chosen)
            return bool(items) and all(i.get("tracking_number") == tracking for i in items)

        shipped = await self.api.mark_shipped(
            order_id,
            tracking,
            p["shipping_provider_id"],
            line_item_ids=chosen,
            verify_done=tracking_landed,
        )
        answer: dict[str, Any] = {
            "package_id": shipped.package_id,
            "line_item_ids": shipped.order_line_item_ids,
        }
        warning = str(shipped.warning.get("message") or "")
        if warning:  # shipped, but the number may not track: it lowers the Valid Tracking Rate
            answer["warning"] = warning
        return answer

    async def _package_of(self, order_id: str) -> str:
        raw = fetch_order_raw(self.session.db, order_id) or {}
        packages = [str(p.get("id")) for p in raw.get("packages") or [] if p.get("id")]
        if not packages:
            [fresh] = await self.session.api.order_details_raw([order_id]) or [{}]
            packages = [str(p.get("id")) for p in fresh.get("packages") or [] if p.get("id")]
        if not packages:
            raise ShopdeskError(f"order {order_id} has no package to ship yet")
        return packages[0]

    async def _seller_cancel(self, order_id: str, p: dict[str, Any]) -> dict[str, Any]:
        async def cancelled_already() -> bool:
            [order] = await self.session.api.order_details_raw([order_id]) or [{}]
            if order.get("status") == "CANCELLED":
                return True
            found = await self.api.search_cancellations(order_ids=[order_id])
            return any(c.role == "SELLER" for c in found.cancellations)

        cancellation = await self.api.cancel_order(
            order_id,
            p["reason"],
            line_item_ids=[str(i) for i in p.get("line_item_ids") or []],
            verify_done=cancelled_already,
        )
        return {"cancel_id": cancellation.cancel_id, "status": cancellation.cancel_status}

    # --- cancellation requests ---------------------------------------------------------------

    async def sync_cancellations(self, *, order_ids: Sequence[str] = ()) -> int:
        """Bring buyer cancellation requests up to date (all changed ones, or some orders')."""
        db, shop_id = self.session.db, self.session.shop.id
        if order_ids:
            page = await self.api.search_cancellations(order_ids=list(order_ids))
            return store.save_cancellations(db, page.cancellations, now=self._now())
        cursor = fetch_cursor(db, shop_id, CANCELLATIONS_CURSOR)
        since = (
            cursor - CANCELLATION_OVERLAP
            if cursor is not None
            else self._now() - FIRST_CANCELLATION_LOOKBACK
        )
        found = [c async for c in self.api.iter_cancellations(update_time_ge=max(0, since))]
        with db.atomic():
            count = store.save_cancellations(db, found, now=self._now())
            if found:
                newest = max(c.update_time for c in found)
                save_cursor(db, shop_id, CANCELLATIONS_CURSOR, newest, now=self._now())
        return count

    # --- carriers --------------------------------------------------------------------------

    async def providers(self, order_id: str) -> list[tuple[str, str]]:
        """Carriers the seller can name for this order (cached for a day)."""
        db = self.session.db
        raw = fetch_order_raw(db, order_id) or {}
        option = str(raw.get("delivery_option_id") or "")
        if option:
            cached = store.fetch_providers(db, option, since=self._now() - PROVIDERS_FRESH)
            if cached:
                return cached
        warehouse = str(raw.get("warehouse_id") or "")
        if not option and warehouse:
            options = await self.api.delivery_options(warehouse)
            seller = [o for o in options if o.type == "SEND_BY_SELLER"]
            option = seller[0].id if seller else ""
        if not option:
            raise ShopdeskError(f"order {order_id} names no delivery option to ship with")
        providers = [(p.id, p.name) for p in await self.api.shipping_providers(option)]
        store.save_providers(db, option, providers, now=self._now())
        return providers


def _what(write: store.Write) -> str:
    if write.kind == store.SHIP:
        return f"Shipping order {write.ref}"
    if write.kind == store.SHIPPING_INFO:
        return f"Fixing the tracking number of order {write.ref}"
    if write.kind in (store.CANCEL_APPROVE, store.CANCEL_REJECT):
        verb = "Approving" if write.kind == store.CANCEL_APPROVE else "Rejecting"
        return f"{verb} cancellation request {write.ref}"
    return f"Cancelling order {write.ref}"
