"""Turning the creator's shipping and cancellation choices into checked outbox writes.

Every row of a shipping CSV is checked before anything is queued; one bad row queues nothing
and each problem is named with its line number. Checks give typed problems (`Problem`: a
code, the order, the field, and words for the command line, a file's line and a row).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from app.ops.problems import Problem, ProblemsError
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

# Codes of the problems a shipment can have.
ORDER_UNKNOWN = "order_unknown"
NOT_SHIPPABLE = "not_shippable"
NO_LINE_ITEM = "no_line_item"
CANCEL_REQUESTED = "cancel_requested"
BAD_HANDOVER = "bad_handover"
NEEDS_HANDOVER = "needs_handover"
MISSING_TRACKING = "no_tracking"
BAD_TRACKING = "bad_tracking"
MISSING_CARRIER = "no_carrier"
UNKNOWN_CARRIER = "unknown_carrier"
BAD_FILE = "bad_file"


class ShipRequestError(ShopdeskError):
    """The request cannot be queued; every problem is listed, nothing was queued."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Found:
    """One thing wrong, in the three ways it is said: the command line's words (with its
    flags), the same without them (a line of a file), and a row's words (the GUI)."""

    code: str
    field: str
    cli: str
    plain: str = ""  # default: `cli`
    row: str = ""  # default: `plain`, capitalised

    def problem(self, order_id: str = "", *, line: int = 0) -> Problem:
        """As a typed problem: a line of a file says it plainly, a row in its row's words."""
        plain = self.plain or self.cli
        message = plain if line else (self.row or plain[:1].upper() + plain[1:])
        return Problem(self.code, message, order_id, field=self.field, line=line, cli=self.cli)


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
    lines: dict[str, int] = field(default_factory=dict)  # a file's line of each order


#: A further check of a request that passed, on line N of a file (the ops layer's guards).
Judge = Callable[[ShipRequest, int], list[Problem]]


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
) -> tuple[ShipRequest | None, list[Problem]]:
    """Check one shipment against the stored order; returns the request or the problems."""
    request, found = _check(db, order_id, tracking, provider, handover, line_item_ids)
    return request, [f.problem(order_id) for f in found]


def _check(
    db: sqlite_utils.Database,
    order_id: str,
    tracking: str,
    provider: str,
    handover: str = "",
    line_item_ids: tuple[str, ...] = (),
) -> tuple[ShipRequest | None, list[Found]]:
    order = fetch_order(db, order_id)
    if order is None:
        text = f"order {order_id} is not in Shopdesk (import or sync first)"
        return None, [Found(ORDER_UNKNOWN, "order", text)]
    problems = _order_problems(db, order, line_item_ids)
    seller_ships = order.seller_ships
    provider_id = ""
    if handover:
        if handover not in HANDOVER_METHODS:
            text = f"handover must be {' or '.join(HANDOVER_METHODS)}, not {handover!r}"
            problems.append(Found(BAD_HANDOVER, "handover", text))
    elif not seller_ships:
        said = f"TikTok ships order {order_id} with its own label: choose a handover method"
        problems.append(
            Found(
                NEEDS_HANDOVER,
                "handover",
                f"{said} (--handover DROP_OFF or PICKUP) instead of a tracking number",
                f"{said} instead of a tracking number",
            )
        )
    if seller_ships or tracking:
        problems.extend(_tracking_problems(tracking))
        resolved = resolve_provider(db, order, provider) if provider else None
        if not provider.strip():
            text = f"{NO_CARRIER} (an id or name from {PROVIDERS_HINT})"
            problems.append(
                Found(MISSING_CARRIER, "provider", text, NO_CARRIER, row="Choose a carrier")
            )
        elif resolved is None:
            problems.append(
                Found(
                    UNKNOWN_CARRIER,
                    "provider",
                    f"unknown shipping provider {provider!r} "
                    f"(use an id or name from {PROVIDERS_HINT})",
                    f"not one of TikTok's carriers for this order: {provider!r}",
                )
            )
        provider_id = resolved or ""
    if problems:
        return None, problems
    return ShipRequest(order_id, tracking, provider_id, handover, tuple(line_item_ids)), []


def _order_problems(
    db: sqlite_utils.Database, order: StoredOrder, line_item_ids: tuple[str, ...]
) -> list[Found]:
    """What about the order itself stops it shipping (its status, items, a buyer's request)."""
    found: list[Found] = []
    if order.status not in SHIPPABLE:
        text = f"order {order.id} is {order.status}, not awaiting shipment"
        found.append(Found(NOT_SHIPPABLE, "order", text))
    missing = [i for i in line_item_ids if i not in order.item_ids]
    if missing:
        text = f"order {order.id} has no line item {', '.join(missing)}"
        found.append(Found(NO_LINE_ITEM, "line_items", text))
    if _open_request(db, order.id) and not rejects_by_shipping(shop_region(db)):
        text = f"the buyer asked to cancel order {order.id}: answer that request first"
        found.append(Found(CANCEL_REQUESTED, "order", text))
    return found


def _tracking_problems(tracking: str) -> list[Found]:
    if not tracking.strip():
        return [Found(MISSING_TRACKING, "tracking", NO_TRACKING, row="Enter the tracking number")]
    if not _TRACKING.match(tracking):
        text = f"{tracking!r} is not a tracking number (4-60 letters and digits)"
        return [Found(BAD_TRACKING, "tracking", text)]
    return []


def provider_name(db: sqlite_utils.Database, provider_id: str) -> str:
    """The name TikTok gives a cached carrier id ("" when it is not cached)."""
    return next((name for pid, name in store.fetch_providers(db) if pid == provider_id), "")


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


def plan_ship_file(db: sqlite_utils.Database, text: str, *, judge: Judge | None = None) -> ShipPlan:
    """Check a CSV of `order_id, tracking_number, provider`; any bad row queues nothing
    (raises `ProblemsError`). `judge` adds its own problems for a row that passed."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _file_error(0, "the file is empty: it needs a header line and a row per order")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise _file_error(1, f"missing column(s) {', '.join(missing)}")
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
            problems.append(_file_problem(line, "order_id is empty"))
            continue
        if order_id in seen_orders:
            text = f"order {order_id} is already on line {seen_orders[order_id]}"
            problems.append(_file_problem(line, text, order_id))
            continue
        seen_orders[order_id] = line
        if tracking and tracking in seen_tracking:
            text = f"tracking number {tracking} is already used on line {seen_tracking[tracking]}"
            problems.append(_file_problem(line, text, order_id))
            continue
        seen_tracking[tracking] = line
        done = shipped_already(db, order_id, tracking)
        if done is not None:
            plan.already.append(done)
            continue
        request, found = _check(db, order_id, tracking, values.get("provider", ""))
        problems.extend(f.problem(order_id, line=line) for f in found)
        judged = [] if request is None or judge is None else judge(request, line)
        problems.extend(judged)
        if request is not None and not judged:
            plan.requests.append(request)
            plan.lines[order_id] = line
    if problems:
        raise ProblemsError(problems)
    if not plan.requests and not plan.already:
        raise _file_error(0, "the file has no rows to ship")
    return plan


def _file_problem(line: int, text: str, order_id: str = "") -> Problem:
    return Found(BAD_FILE, "file", text).problem(order_id, line=line)


def _file_error(line: int, text: str) -> ProblemsError:
    return ProblemsError([_file_problem(line, text)])


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
