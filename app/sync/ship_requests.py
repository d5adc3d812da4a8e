"""Turning the creator's shipping and cancellation choices into checked outbox writes.

Every row of a shipping CSV is checked before anything is queued; one bad row queues nothing
and each problem is named with its line number.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from app.store import fulfillment as store
from app.store.shops import fetch_current_shop
from app.store.stored_orders import StoredOrder, fetch_order
from app.tiktok.errors import ShopdeskError
from app.tiktok.reasons import DEFAULT_REGION, reject_reasons, seller_cancel_reasons

SHIPPABLE = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
HANDOVER_METHODS = ("DROP_OFF", "PICKUP")
_TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{3,59}$")
REQUIRED_COLUMNS = ("order_id", "tracking_number", "provider")
NO_TRACKING = "no tracking number given"
NO_CARRIER = "no carrier given"
PROVIDERS_HINT = "`shopdesk ship --providers ORDER_ID`"


class ShipRequestError(ShopdeskError):
    """The request cannot be queued; every problem is listed, nothing was queued."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class ShipRequest:
    """One order to mark shipped, checked against what we know locally."""

    order_id: str
    tracking_number: str = ""
    shipping_provider_id: str = ""
    handover_method: str = ""
    line_item_ids: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """What the outbox row carries."""
        body: dict[str, Any] = {"order_id": self.order_id}
        if self.tracking_number:
            body["tracking_number"] = self.tracking_number
            body["shipping_provider_id"] = self.shipping_provider_id
        if self.handover_method:
            body["handover_method"] = self.handover_method
        if self.line_item_ids:
            body["line_item_ids"] = list(self.line_item_ids)
        return body


@dataclass
class ShipPlan:
    """Checked requests, ready to queue together; `already` were shipped so before (the same
    tracking number reached TikTok): a success, never sent again."""

    requests: list[ShipRequest] = field(default_factory=list)
    already: list[int] = field(default_factory=list)


def shipped_already(db: sqlite_utils.Database, order_id: str, tracking: str) -> int | None:
    """The done write that shipped this order with this tracking number, if there is one."""
    if not tracking:
        return None
    for write in store.fetch_writes(db, order_id):
        if write["kind"] == store.SHIP and write["state"] == "done":
            payload = json.loads(write["payload"] or "{}")
            if payload.get("tracking_number") == tracking:
                return int(write["id"])
    return None


def resolve_provider(db: sqlite_utils.Database, order: StoredOrder, given: str) -> str | None:
    """A carrier by id or by name (any case), among those cached for the order's option."""
    option = order.delivery_option_id or None
    known = store.fetch_providers(db, option) or store.fetch_providers(db)
    text = given.strip()
    for pid, name in known:
        if text == pid or text.casefold() == name.casefold():
            return pid
    return None


def check_request(
    db: sqlite_utils.Database,
    order_id: str,
    *,
    tracking: str = "",
    provider: str = "",
    handover: str = "",
    line_item_ids: tuple[str, ...] = (),
) -> tuple[ShipRequest | None, list[str]]:
    """Check one shipment against the stored order; returns the request or the problems."""
    problems: list[str] = []
    order = fetch_order(db, order_id)
    if order is None:
        return None, [f"order {order_id} is not in Shopdesk (import or sync first)"]
    status = order.status
    if status not in SHIPPABLE:
        problems.append(f"order {order_id} is {status}, not awaiting shipment")
    missing = [i for i in line_item_ids if i not in order.item_ids]
    if missing:
        problems.append(f"order {order_id} has no line item {', '.join(missing)}")
    if _open_request(db, order_id) and not rejects_by_shipping(shop_region(db)):
        problems.append(f"the buyer asked to cancel order {order_id}: answer that request first")
    seller_ships = order.seller_ships
    provider_id = ""
    if handover:
        if handover not in HANDOVER_METHODS:
            problems.append(f"handover must be {' or '.join(HANDOVER_METHODS)}, not {handover!r}")
    elif not seller_ships:
        problems.append(
            f"TikTok ships order {order_id} with its own label: choose a handover method "
            "(--handover DROP_OFF or PICKUP) instead of a tracking number"
        )
    if seller_ships or tracking:
        if not tracking.strip():
            problems.append(NO_TRACKING)
        elif not _TRACKING.match(tracking):
            problems.append(f"{tracking!r} is not a tracking number (4-60 letters and digits)")
        resolved = resolve_provider(db, order, provider) if provider else None
        if not provider.strip():
            problems.append(f"{NO_CARRIER} (an id or name from {PROVIDERS_HINT})")
        elif resolved is None:
            problems.append(
                f"unknown shipping provider {provider!r} (use an id or name from {PROVIDERS_HINT})"
            )
        provider_id = resolved or ""
    if problems:
        return None, problems
    return (
        ShipRequest(order_id, tracking, provider_id, handover, tuple(line_item_ids)),
        [],
    )


def shop_region(db: sqlite_utils.Database) -> str:
    """The connected shop's market region (`US`, `GB`...): reasons and rules differ by it."""
    shop = fetch_current_shop(db) if "shops" in db.table_names() else None
    return shop.region if shop is not None and shop.region else DEFAULT_REGION


def rejects_by_shipping(region: str) -> bool:
    """US: shipping an order rejects the buyer's pending cancellation request, and apps must
    not call Reject Cancellation there (FACTS.md 9.4)."""
    return region.upper() == "US"


def _open_request(db: sqlite_utils.Database, order_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM cancellations WHERE order_id = ? AND status = ? LIMIT 1",
        [order_id, store.PENDING_REQUEST],
    ).fetchone()
    return row is not None


def plan_ship_file(db: sqlite_utils.Database, text: str) -> ShipPlan:
    """Check a CSV of `order_id, tracking_number, provider`; any bad row queues nothing."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ShipRequestError(["the file is empty: it needs a header line and a row per order"])
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ShipRequestError([f"line 1: missing column(s) {', '.join(missing)}"])
    reader.fieldnames = header
    plan, problems = ShipPlan(), []
    seen_orders: dict[str, int] = {}
    seen_tracking: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        # An id from Shopdesk's own export keeps its spreadsheet text mark (').
        order_id = values.get("order_id", "").removeprefix("'").strip()
        tracking = values.get("tracking_number", "")
        if not order_id:
            problems.append(f"line {line}: order_id is empty")
            continue
        if order_id in seen_orders:
            problems.append(
                f"line {line}: order {order_id} is already on line {seen_orders[order_id]}"
            )
            continue
        seen_orders[order_id] = line
        if tracking and tracking in seen_tracking:
            problems.append(
                f"line {line}: tracking number {tracking} is already used on line "
                f"{seen_tracking[tracking]}"
            )
            continue
        seen_tracking[tracking] = line
        done = shipped_already(db, order_id, tracking)
        if done is not None:
            plan.already.append(done)
            continue
        request, found = check_request(
            db, order_id, tracking=tracking, provider=values.get("provider", "")
        )
        problems.extend(f"line {line}: {p}" for p in found)
        if request is not None:
            plan.requests.append(request)
    if problems:
        raise ShipRequestError(problems)
    if not plan.requests and not plan.already:
        raise ShipRequestError(["the file has no rows to ship"])
    return plan


def save_plan(db: sqlite_utils.Database, plan: ShipPlan, *, now: int) -> list[int]:
    """Queue every checked shipment in one transaction."""
    with db.atomic():
        return [
            store.save_write(db, store.SHIP, r.order_id, r.payload(), now=now)
            for r in plan.requests
        ]


def save_cancel_answer(
    db: sqlite_utils.Database,
    cancel_id: str,
    *,
    approve: bool,
    reason: str = "",
    comment: str = "",
    now: int,
) -> int:
    """Queue the seller's answer to a buyer's cancellation request."""
    row = db.execute(
        "SELECT order_id FROM cancellations WHERE cancel_id = ?", [cancel_id]
    ).fetchone()
    if row is None:
        raise ShipRequestError([f"no cancellation request {cancel_id}"])
    region = shop_region(db)
    if not approve and rejects_by_shipping(region):
        raise ShipRequestError(
            [
                f"in the US a buyer's cancellation request is rejected by shipping the order: "
                f"ship order {row[0]} (TikTok Shop then rejects the request)"
            ]
        )
    allowed = reject_reasons(region)
    if not approve and reason not in allowed:
        names = ", ".join(allowed) or f"none: TikTok lists no reject reasons for {region}"
        raise ShipRequestError([f"rejecting needs one of the documented reasons: {names}"])
    payload: dict[str, Any] = {"order_id": row[0]}
    if not approve:
        payload.update(reason=reason, comment=comment)
    kind = store.CANCEL_APPROVE if approve else store.CANCEL_REJECT
    return store.save_write(db, kind, cancel_id, payload, now=now)


def save_seller_cancel(
    db: sqlite_utils.Database,
    order_id: str,
    reason: str,
    *,
    line_item_ids: tuple[str, ...] = (),
    now: int,
) -> int:
    """Queue the seller's own cancellation (e.g. out of stock)."""
    order = fetch_order(db, order_id)
    if order is None:
        raise ShipRequestError([f"order {order_id} is not in Shopdesk"])
    allowed = seller_cancel_reasons(order.status, shop_region(db))
    if reason not in allowed:
        names = ", ".join(allowed) or "none: this status cannot be cancelled by the seller"
        raise ShipRequestError(
            [f"reason {reason!r} is not allowed for a {order.status} order (allowed: {names})"]
        )
    payload: dict[str, Any] = {"order_id": order_id, "reason": reason}
    if line_item_ids:
        payload["line_item_ids"] = list(line_item_ids)
    return store.save_write(db, store.SELLER_CANCEL, order_id, payload, now=now)
