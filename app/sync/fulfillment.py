"""Shipping and cancellation answers, pushed through the outbox exactly once.

Each write is a row in the outbox. It is sent with the client's retries; when its outcome is
unknown (a dropped connection after the request left) the order or package is checked before
anything is sent again, so nothing ships twice. TikTok's documented refusals end the write
with a plain message on the order; other failures are retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from app.changes import Changes
from app.store import fulfillment as store
from app.store.cursors import fetch_cursor, save_cursor
from app.store.labels import fetch_label_package_ids
from app.store.outbox import save_released
from app.store.stored_orders import fetch_order
from app.sync.labels_service import ship_by_label
from app.sync.order_saves import save_order_page
from app.sync.outbox_sender import ALREADY_THERE, OutboxSender, WriteOutcome
from app.sync.recovery import recover_writes
from app.tiktok.errors import ReconnectNeeded, ShopdeskError, TikTokError
from app.tiktok.fulfillment import REFUSALS, FulfillmentApi, FulfillmentRefused

log = logging.getLogger(__name__)

CANCELLATIONS_CURSOR = "cancellations.update_time"
CANCELLATION_OVERLAP = 300
FIRST_CANCELLATION_LOOKBACK = 30 * 86400
#: Cancellations saved per transaction while a look back pages through them.
CANCELLATIONS_PER_SAVE = 100
PROVIDERS_FRESH = store.PROVIDERS_FRESH
#: Line items that already left with a carrier (FACTS.md 4.4 package_status).
SHIPPED_PACKAGE_STATES = frozenset({"PROCESSING", "FULFILLING", "COMPLETED"})
#: Refusals that mean "this was done already": success, when TikTok shows it was our write.
ALREADY_DONE = frozenset(code for code, why in REFUSALS.items() if why == "already shipped")
#: Writes TikTok would take twice (no idempotency key, not an absolute value): a resend of one
#: is preceded by a look at TikTok's state.
CHECK_BEFORE_RESEND = frozenset({store.SHIP, store.SELLER_CANCEL})


@dataclass
class WritesResult:
    """Every write one pass sent, and which orders changed."""

    outcomes: list[WriteOutcome] = field(default_factory=list)
    changed_orders: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[WriteOutcome]:
        """Writes TikTok refused or that kept failing."""
        return [o for o in self.outcomes if not o.ok and not o.in_progress]

    @property
    def in_progress(self) -> list[WriteOutcome]:
        """Writes another Shopdesk is still sending."""
        return [o for o in self.outcomes if o.in_progress]

    @property
    def warnings(self) -> list[WriteOutcome]:
        """Shipments TikTok took with a warning about the tracking number."""
        return [o for o in self.outcomes if o.ok and o.result.get("warning")]


class Fulfiller(OutboxSender):
    """Sends due writes for one shop session; its outlet hears every outcome as `Changes`."""

    REFUSED = FulfillmentRefused
    REFUSED_ACTION = "Fix it in Shopdesk or Seller Center, then retry or drop it."
    RETRY_ACTION = "Shopdesk retries by itself; nothing is sent twice."

    @cached_property
    def api(self) -> FulfillmentApi:
        """TikTok's fulfilment endpoints, through the session's client."""
        return FulfillmentApi(self.session.client)

    async def recover(self) -> WritesResult:
        """Finish what a dead process left in flight, checked with TikTok first."""
        db = self.session.db
        recovered = await recover_writes(self, now=self._now())
        result = WritesResult(
            [WriteOutcome(i.kind, i.ref, True, ALREADY_THERE) for i in recovered.done]
        )
        orders = [self._order_of(w) for w in store.fetch_payloads(db, recovered.done)]
        result.changed_orders = await self.refresh_orders(orders)
        self.outlet.changed(Changes.of(outbox=[i.id for i in recovered.done]))
        return result

    async def push_writes(self) -> WritesResult:
        """Send every due write (concurrently; the client keeps within the rate limits)."""
        db = self.session.db
        result = await self.recover()
        writes = store.save_claimed_writes(db, now=self._now())
        if not writes:
            return result
        self.outlet.changed(Changes.of(outbox=[w.item.id for w in writes]))  # now in flight
        outcomes = await asyncio.gather(
            *(self.send_once(w) for w in writes), return_exceptions=True
        )
        lost = [w for w, o in zip(writes, outcomes, strict=True) if isinstance(o, ReconnectNeeded)]
        if lost:
            save_released(db, [w.item.id for w in lost], now=self._now())
        self.outlet.changed(_written(writes))
        for outcome in outcomes:
            if isinstance(outcome, WriteOutcome):
                result.outcomes.append(outcome)
            elif isinstance(outcome, BaseException) and not isinstance(outcome, ReconnectNeeded):
                raise outcome
        orders = [self._order_of(w) for w in writes if w not in lost]
        result.changed_orders += await self.refresh_orders([o for o in orders if o])
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
        upsert = save_order_page(self.session.db, self.session.shop.id, raw, now=self._now())
        self.outlet.changed(upsert.changes)
        return upsert.changed

    def _check_first(self, write: store.Write) -> bool:
        return write.kind in CHECK_BEFORE_RESEND

    def _maybe_done(self, refusal: TikTokError) -> bool:
        return refusal.code in ALREADY_DONE

    async def _landed(self, write: store.Write) -> bool:
        """`already_applied`, with a failed check counting as "no" (the refusal then stands)."""
        try:
            return await self.already_applied(write)
        except ReconnectNeeded:
            raise
        except ShopdeskError as exc:
            log.info("could not check %s %s with TikTok: %s", write.kind, write.ref, exc)
            return False

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

    def _what(self, write: store.Write) -> str:
        if write.kind == store.SHIP:
            return f"Shipping order {write.ref}"
        if write.kind == store.SHIPPING_INFO:
            return f"Fixing the tracking number of order {write.ref}"
        if write.kind in (store.CANCEL_APPROVE, store.CANCEL_REJECT):
            verb = "Approving" if write.kind == store.CANCEL_APPROVE else "Rejecting"
            return f"{verb} cancellation request {write.ref}"
        return f"Cancelling order {write.ref}"

    async def _ship(self, order_id: str, p: dict[str, Any]) -> dict[str, Any]:
        chosen = [str(i) for i in p.get("line_item_ids") or []]
        if p.get("handover_method"):
            package_id = str(p.get("package_id") or await self._known_package(order_id))
            if not package_id:  # US/UK local TikTok Shipping: buying the label ships it
                return await ship_by_label(self.session, order_id)
            await self.api.ship_package(
                package_id,
                handover_method=p["handover_method"],
                tracking_number=p.get("tracking_number", ""),
                shipping_provider_id=p.get("shipping_provider_id", ""),
                verify_done=lambda: self._package_left(package_id),
            )
            return {"package_id": package_id}
        tracking = p["tracking_number"]
        shipped = await self.api.mark_shipped(
            order_id,
            tracking,
            p["shipping_provider_id"],
            line_item_ids=chosen,
            verify_done=lambda: self._tracking_landed(order_id, tracking, chosen),
        )
        answer: dict[str, Any] = {
            "package_id": shipped.package_id,
            "line_item_ids": shipped.order_line_item_ids,
        }
        warning = str(shipped.warning.get("message") or "")
        if warning:  # shipped, but the number may not track: it lowers the Valid Tracking Rate
            answer["warning"] = warning
        return answer

    async def _package_left(self, package_id: str) -> bool:
        state = (await self.api.package(package_id)).package_status
        return state in SHIPPED_PACKAGE_STATES

    async def _tracking_landed(self, order_id: str, tracking: str, chosen: Sequence[str]) -> bool:
        found = await self.session.api.order_details([order_id])
        if not found:
            return False
        items = [i for i in found[0].line_items if i.display_status != "CANCELLED"]
        if chosen:
            items = [i for i in items if i.id in set(chosen)]
        return bool(items) and all(i.tracking_number == tracking for i in items)

    async def already_applied(self, write: store.Write) -> bool:
        """Does TikTok already show this write (a crashed sender, or a refusal "already done")?

        The order's packages and tracking numbers for shipments, the request's status for
        answers, the order's status for a seller cancellation.
        """
        p, ref = write.payload, write.ref
        if write.kind in (store.SHIP, store.SHIPPING_INFO) and p.get("tracking_number"):
            chosen = [str(i) for i in p.get("line_item_ids") or []]
            return await self._tracking_landed(ref, str(p["tracking_number"]), chosen)
        if write.kind == store.SHIP:
            package = str(p.get("package_id") or await self._package_of(ref))
            return await self._package_left(package)
        if write.kind in (store.CANCEL_APPROVE, store.CANCEL_REJECT):
            found = await self.api.search_cancellations(order_ids=[str(p["order_id"])])
            mine = [c for c in found.cancellations if c.cancel_id == ref]
            return bool(mine) and mine[0].cancel_status != store.PENDING_REQUEST
        if write.kind == store.SELLER_CANCEL:
            return await self._cancelled_already(ref)
        return False

    async def _package_of(self, order_id: str) -> str:
        package = await self._known_package(order_id)
        if not package:
            raise ShopdeskError(f"order {order_id} has no package to ship yet")
        return package

    async def _known_package(self, order_id: str) -> str:
        """The order's package: stored, from a label Shopdesk bought, else TikTok's; or ''."""
        stored = fetch_order(self.session.db, order_id)
        packages = list(stored.package_ids) if stored is not None else []
        packages = packages or fetch_label_package_ids(self.session.db, order_id)
        if not packages:
            fresh = await self.session.api.order_details([order_id])
            packages = [p.id for o in fresh for p in o.packages if p.id]
        return packages[0] if packages else ""

    async def _cancelled_already(self, order_id: str) -> bool:
        orders = await self.session.api.order_details([order_id])
        if orders and orders[0].status == "CANCELLED":
            return True
        found = await self.api.search_cancellations(order_ids=[order_id])
        return any(c.role == "SELLER" for c in found.cancellations)

    async def _seller_cancel(self, order_id: str, p: dict[str, Any]) -> dict[str, Any]:
        cancellation = await self.api.cancel_order(
            order_id,
            p["reason"],
            line_item_ids=[str(i) for i in p.get("line_item_ids") or []],
            verify_done=lambda: self._cancelled_already(order_id),
        )
        return {"cancel_id": cancellation.cancel_id, "status": cancellation.cancel_status}

    # --- cancellation requests ---------------------------------------------------------------

    async def sync_cancellations(self, *, order_ids: Sequence[str] = ()) -> int:
        """Bring buyer cancellation requests up to date (all changed ones, or some orders')."""
        db, shop_id = self.session.db, self.session.shop.id
        if order_ids:
            page = await self.api.search_cancellations(order_ids=list(order_ids))
            saved = store.save_cancellations(db, page.cancellations, now=self._now())
            self.outlet.changed(Changes.of(cancellations=[c.order_id for c in page.cancellations]))
            return saved
        cursor = fetch_cursor(db, shop_id, CANCELLATIONS_CURSOR)
        since = (
            cursor - CANCELLATION_OVERLAP
            if cursor is not None
            else self._now() - FIRST_CANCELLATION_LOOKBACK
        )
        # Saved a page at a time: a shop's first look back holds thousands, each with its JSON
        # (the engine's largest allocation at start-up in the GUI bench). The cursor moves
        # once all are in; a page saved before an interruption is simply saved again.
        count, newest, orders = 0, 0, set[str]()
        batch: list[Any] = []
        async for cancellation in self.api.iter_cancellations(update_time_ge=max(0, since)):
            batch.append(cancellation)
            newest = max(newest, cancellation.update_time)
            if len(batch) >= CANCELLATIONS_PER_SAVE:
                count += self._save_cancellations(batch, orders)
                batch = []
        count += self._save_cancellations(batch, orders)
        if orders:
            save_cursor(db, shop_id, CANCELLATIONS_CURSOR, newest, now=self._now())
        if count:
            self.outlet.changed(Changes.of(cancellations=sorted(orders)))
        return count

    def _save_cancellations(self, batch: Sequence[Any], orders: set[str]) -> int:
        """Save one batch in its own transaction; `orders` gathers the orders it names."""
        if not batch:
            return 0
        with self.session.db.atomic():
            saved = store.save_cancellations(self.session.db, batch, now=self._now())
        orders.update(c.order_id for c in batch)
        return saved

    # --- carriers --------------------------------------------------------------------------

    async def providers(self, order_id: str) -> list[tuple[str, str]]:
        """Carriers the seller can name for this order (cached for a day)."""
        db = self.session.db
        order = fetch_order(db, order_id)
        option = order.delivery_option_id if order is not None else ""
        if option:
            cached = store.fetch_providers(db, option, since=self._now() - PROVIDERS_FRESH)
            if cached:
                return cached
        warehouse = order.warehouse_id if order is not None else ""
        if not option and warehouse:
            options = await self.api.delivery_options(warehouse)
            seller = [o for o in options if o.type == "SEND_BY_SELLER"]
            option = seller[0].id if seller else ""
        if not option:
            raise ShopdeskError(f"order {order_id} names no delivery option to ship with")
        providers = [(p.id, p.name) for p in await self.api.shipping_providers(option)]
        store.save_providers(db, option, providers, now=self._now())
        return providers


def _written(writes: Sequence[store.Write]) -> Changes:
    """Outbox rows sent (done, refused or to retry): the queue, the errors, what they answer."""
    answers = (store.CANCEL_APPROVE, store.CANCEL_REJECT)
    return Changes.of(
        outbox=[w.item.id for w in writes],
        errors=[w.kind for w in writes],
        cancellations=[
            str(w.payload.get("order_id") or w.ref) for w in writes if w.kind in answers
        ],
    )
