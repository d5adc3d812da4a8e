"""Processing the webhook inbox: fetch what each push names, upsert, and say what changed."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.backoff import ROW_RETRY
from app.changes import ANY, NO_CHANGES, Changes
from app.store import inbox
from app.store.activity import save_error
from app.store.labels import STALE_REASONS, save_stale
from app.sync.order_saves import save_order_page
from app.sync.outlet import SILENT, Notice, Outlet
from app.sync.session import ShopSession
from app.tiktok.errors import ReconnectNeeded, ShopdeskError
from app.tiktok.models import EventType, WebhookEvent
from app.tiktok.webhooks import WebhookMalformed, parse_event

log = logging.getLogger(__name__)

#: Order events name orders whose details we fetch again (FACTS.md 7.4).
ORDER_TYPES = frozenset({1, 3, 4, 11, 12})
#: Product events name products to refresh.
PRODUCT_TYPES = frozenset({5, 15, 16, 27, 37})


@dataclass
class DrainResult:
    """What one pass over the inbox did."""

    processed: int = 0
    ignored: int = 0
    failed: int = 0
    changed_orders: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    #: Everything the pass changed: the inbox rows, the orders saved, SKUs, shop and errors.
    changes: Changes = NO_CHANGES


def retry_delay(attempts: int) -> int:
    """30 s, 1 min, 2 min ... up to an hour between attempts at a failed push."""
    return ROW_RETRY.seconds(max(0, attempts) + 1)  # `attempts` counts the earlier failures


def _date(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


class InboxProcessor:
    """Drains due pushes in batches: order ids 50 per detail call, one upsert per batch."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        refresh_products: Callable[[list[str]], Awaitable[None]] | None = None,
        returns_named: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.session = session
        self._returns_named = returns_named
        self._clock = clock
        self.outlet = outlet
        self._refresh_products = refresh_products
        self._told = NO_CHANGES

    def _now(self) -> int:
        return int(self._clock())

    async def drain(self, limit: int = 500) -> DrainResult:
        """Process every push that is due now (new, or failed and due for a retry)."""
        result = DrainResult()
        items = inbox.fetch_due(self.session.db, now=self._now(), limit=limit)
        if not items:
            return result
        orders: dict[int, list[str]] = {}
        products: dict[int, list[str]] = {}
        stale: dict[str, str] = {}  # printed labels that no longer match the order
        for item in items:
            try:
                event = parse_event(item.body.encode("utf-8"))
            except WebhookMalformed as exc:  # verified on receipt, so this is our bug or data
                inbox.save_processed(
                    self.session.db, [item.id], inbox.IGNORED, now=self._now(), note=str(exc)
                )
                result.ignored += 1
                continue
            if event.shop_id and event.shop_id != self.session.shop.id:
                self._done([item.id], inbox.IGNORED, f"for another shop ({event.shop_id})")
                result.ignored += 1
            elif event.type in ORDER_TYPES:
                if event.type == EventType.RETURN_STATUS_CHANGE and self._returns_named:
                    self._returns_named([str(event.data.get("return_id") or "")])
                ids = event.order_ids()
                if ids:
                    orders[item.id] = ids
                    stale.update(dict.fromkeys(ids, STALE_REASONS.get(event.type, "")))
                else:
                    self._done([item.id], inbox.IGNORED, "names no order")
                    result.ignored += 1
            elif event.type in PRODUCT_TYPES:
                products[item.id] = event.product_ids()
            elif event.type == EventType.SELLER_DEAUTHORIZATION:
                self._deauthorized(event)
                self._done([item.id], inbox.DONE, "shop deauthorized: reconnect needed")
                result.processed += 1
            elif event.type == EventType.UPCOMING_AUTHORIZATION_EXPIRATION:
                self._expiring(event)
                self._done([item.id], inbox.DONE, "reminder recorded")
                result.processed += 1
            else:
                self._done([item.id], inbox.IGNORED, f"event type {event.type} is not used")
                result.ignored += 1
        if orders:
            await self._orders(orders, result)
        for reason in set(stale.values()) - {""}:
            ids = [o for o, why in stale.items() if why == reason]
            save_stale(self.session.db, ids, reason, now=self._now())
        if products:
            await self._products(products, result)
        self._tell(Changes.of(inbox=[i.id for i in items]))
        result.changes, self._told = self._told, NO_CHANGES
        return result

    def _tell(self, changes: Changes) -> None:
        """Publish a change now and count it in this pass's result."""
        self._told = self._told.merge(changes)
        self.outlet.changed(changes)

    def _done(self, ids: list[int], state: str, note: str = "") -> None:
        inbox.save_processed(self.session.db, ids, state, now=self._now(), note=note)

    async def _orders(self, by_item: dict[int, list[str]], result: DrainResult) -> None:
        wanted = list(dict.fromkeys(oid for ids in by_item.values() for oid in ids))
        try:
            raw = await self.session.api.order_details_raw(wanted)
        except (ShopdeskError, OSError) as exc:
            self._failed(list(by_item), exc, result)
            return
        found = {str(o.get("id")) for o in raw}
        db = self.session.db
        with db.atomic():
            upsert = save_order_page(db, self.session.shop.id, raw, now=self._now())
            for item_id, ids in by_item.items():
                missing = [i for i in ids if i not in found]
                note = f"not found at TikTok: {', '.join(missing)}" if missing else ""
                inbox.save_processed(db, [item_id], inbox.DONE, now=self._now(), note=note)
        result.processed += len(by_item)
        result.changed_orders.extend(upsert.changed)
        self._tell(upsert.changes)

    async def _products(self, by_item: dict[int, list[str]], result: DrainResult) -> None:
        ids = list(dict.fromkeys(pid for pids in by_item.values() for pid in pids))
        if self._refresh_products is not None and ids:
            try:
                await self._refresh_products(ids)
            except (ShopdeskError, OSError) as exc:
                self._failed(list(by_item), exc, result)
                return
            note = "product refreshed"
            self._tell(Changes.of(skus=[ANY]))
        else:
            note = "product change recorded"
        self._done(list(by_item), inbox.DONE, note)
        result.processed += len(by_item)
        result.products.extend(ids)

    def _failed(self, item_ids: list[int], exc: Exception, result: DrainResult) -> None:
        db = self.session.db
        delay = retry_delay(inbox.fetch_attempts(db, item_ids))
        if isinstance(exc, ReconnectNeeded):
            delay = int(ROW_RETRY.cap)  # nothing works until the shop is reconnected
        inbox.save_failed(db, item_ids, str(exc), now=self._now(), retry_at=self._now() + delay)
        result.failed += len(item_ids)
        log.warning("webhook processing failed (%d events): %s", len(item_ids), exc)

    def _deauthorized(self, event: WebhookEvent) -> None:
        reason = "the seller deauthorized Shopdesk in TikTok Shop"
        self.session.tokens.mark_lost(reason)
        self._tell(Changes.of(shop=True, connection=True))
        self._notify(Notice("deauthorized", f"TikTok Shop: {reason}. Reconnect to resume syncing."))

    def _expiring(self, event: WebhookEvent) -> None:
        when = event.expiration_time
        day = _date(when) if when else "soon"
        message = f"TikTok Shop authorization ends on {day}. Reconnect before then."
        save_error(
            self.session.db,
            "authorization_expiring",
            message,
            action="Reconnect the shop in Settings (or run `shopdesk connect`).",
            shop_id=self.session.shop.id,
            now=self._now(),
        )
        self._tell(Changes.of(errors=["authorization_expiring"], shop=True))
        self._notify(Notice("authorization_expiring", message, when))

    def _notify(self, notice: Notice) -> None:
        self.outlet.notify(notice)
