"""Order status changes, only along TikTok's documented transitions (FACTS.md 4.3).

Each change moves the order's fields, TikTok's stock and the webhooks together, so generated
history, the live ticker and the admin API all produce the same kind of order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from app.sandbox import cancellations, logistics, packages, reasons
from app.sandbox.model import Cancellation, OrderMeta, Shop
from app.sandbox.packages import Shipment

if TYPE_CHECKING:
    from app.sandbox.state import World

# order-api-overview.json "Order Status Transitions" 1-15 (FACTS.md 4.3).
# UNPAID -> AWAITING_SHIPMENT is the flow of shops without ON_HOLD (changelog
# "introducing on-hold order status").
TRANSITIONS: dict[str, frozenset[str]] = {
    "UNPAID": frozenset({"ON_HOLD", "AWAITING_SHIPMENT", "CANCELLED"}),
    "ON_HOLD": frozenset({"AWAITING_SHIPMENT", "CANCELLED"}),
    "AWAITING_SHIPMENT": frozenset({"PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "CANCELLED"}),
    "PARTIALLY_SHIPPING": frozenset({"AWAITING_COLLECTION", "CANCELLED"}),
    "AWAITING_COLLECTION": frozenset({"IN_TRANSIT", "CANCELLED", "COMPLETED"}),
    "IN_TRANSIT": frozenset({"DELIVERED", "CANCELLED", "COMPLETED"}),
    "DELIVERED": frozenset({"COMPLETED"}),
    "COMPLETED": frozenset(),
    "CANCELLED": frozenset(),
}
STATUSES = tuple(TRANSITIONS)

#: The status-change webhook spells cancelled orders `CANCEL` (1-order-status-change.md).
WEBHOOK_STATUS = {"CANCELLED": "CANCEL"}

REMORSE_SECONDS = 3600  # the 1-hour remorse window of ON_HOLD (order-api-overview.json)
DAY = 86400

#: The seller answers a buyer's cancellation request within 48 hours, or the system accepts it
#: (11-cancellation-status-change.md: accepted "by the SELLER or SYSTEM"). The docs give no
#: window; 48 h is the one the request already puts on `cancel_order_sla_time`.
RESPONSE_WINDOW = 2 * DAY
DEFAULT_INITIATOR = {
    "UNPAID": "BUYER",
    "ON_HOLD": "BUYER",
    "AWAITING_SHIPMENT": "SELLER",
    "PARTIALLY_SHIPPING": "BUYER",
    "AWAITING_COLLECTION": "SELLER",
    "IN_TRANSIT": "SYSTEM",
}
INITIATORS = ("BUYER", "SELLER", "SYSTEM")


class TransitionError(ValueError):
    """The change is not one TikTok documents for the order's current state."""


def check(order: dict[str, Any], target: str) -> None:
    current = order["status"]
    if target not in TRANSITIONS:
        raise TransitionError(f"unknown order status {target!r}; known: {', '.join(STATUSES)}")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final status)"
        raise TransitionError(
            f"order {order['id']} is {current}; it cannot become {target} (allowed: {allowed})"
        )
    if current == "UNPAID" and target == "ON_HOLD" and not order["is_on_hold_order"]:
        raise TransitionError(
            f"order {order['id']} skips ON_HOLD (is_on_hold_order is false); pay it with "
            "AWAITING_SHIPMENT"
        )
    if current == "UNPAID" and target == "AWAITING_SHIPMENT" and order["is_on_hold_order"]:
        raise TransitionError(f"order {order['id']} must pass ON_HOLD first (is_on_hold_order)")
    if target == "PARTIALLY_SHIPPING" and len(packages.active_items(order)) < 2:
        raise TransitionError(f"order {order['id']} has one item; it cannot ship partially")


def remorse_end(order: dict[str, Any], paid_time: int) -> int:
    """ON_HOLD lasts an hour; a PRE_ORDER waits for its release date (get-order-list spec)."""
    end = paid_time + REMORSE_SECONDS
    if order["order_type"] == "PRE_ORDER" and "release_date" in order:
        end = max(end, order["release_date"])
    return end


def apply(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    meta: OrderMeta,
    target: str,
    at: int,
    *,
    cancel_reason: str | None = None,
    initiator: str | None = None,
) -> None:
    """Move `order` to `target` at shop time `at`, with its stock, package and webhook effects.

    Reaching PARTIALLY_SHIPPING or AWAITING_COLLECTION ships whatever the seller has not shipped
    yet with a carrier TikTok picks (the admin API and generated history); the fulfilment APIs
    ship first and then call this with nothing left to ship.
    """
    check(order, target)
    current = order["status"]
    at = max(at, order["update_time"])  # update_time never goes backwards
    request = shop.cancellations.get(meta.cancel_id or "")
    if request is not None and request.status != cancellations.PENDING:
        request = None
    if target == "ON_HOLD":
        order["paid_time"] = at
        meta.auto_at = remorse_end(order, at)
        world.pending_auto[order["id"]] = shop.id
        _set_display(order, "AWAITING_SHIPMENT")
    elif target == "AWAITING_SHIPMENT":
        _await_shipment(world, order, meta, at)
        packages.open_package(world, shop, order, at)
    elif target == "PARTIALLY_SHIPPING":
        waiting = packages.unshipped(order)
        if len(waiting) == len(packages.active_items(order)):  # nothing shipped yet
            first = waiting[: math.ceil(len(waiting) / 2)]
            packages.ship_items(world, shop, order, first, _label(world, order), at)
    elif target == "AWAITING_COLLECTION":
        rest = packages.unshipped(order)
        if rest:
            packages.ship_items(world, shop, order, rest, _label(world, order), at)
    elif target == "IN_TRANSIT":
        order["collection_time"] = at
        for package in packages.of_order(shop, order):
            if package.status == "PROCESSING":
                packages.collect(world, shop, package, at)  # items follow their package
        world.release(meta)  # handed to the carrier: no longer committed
    elif target == "DELIVERED":
        order["delivery_time"] = at
        for package in packages.of_order(shop, order):
            if package.status == "FULFILLING":
                packages.deliver(shop, package, at)
        _set_display(order, "DELIVERED", "COMPLETED")
    elif target == "COMPLETED":
        _set_display(order, "COMPLETED", "COMPLETED")
        world.release(meta)
    elif target == "CANCELLED":
        _cancel(world, shop, order, meta, current, at, cancel_reason, initiator, request)

    if request is not None and target in {"CANCELLED", "AWAITING_COLLECTION", "PARTIALLY_SHIPPING"}:
        # 11-cancellation-status-change.md: accepted when the order is cancelled, otherwise
        # closed by the system once the seller has shipped.
        order["is_buyer_request_cancel"] = False
        status = cancellations.SUCCESS if target == "CANCELLED" else cancellations.CLOSED
        cancellations.settle(world, shop, request, status, at)

    order["status"] = target
    order["update_time"] = at
    if target == "CANCELLED":
        for package in packages.of_order(shop, order):
            packages.cancel(shop, package, at)
    world.order_changed(shop, order)
    world.emit(
        shop,
        "ORDER_STATUS_CHANGE",
        {
            "order_id": order["id"],
            "order_status": WEBHOOK_STATUS.get(target, target),
            "is_on_hold_order": order["is_on_hold_order"],
            "update_time": at,
        },
    )


def touch(world: World, shop: Shop, order: dict[str, Any], at: int) -> None:
    """Record a change that leaves the status as it is (an extra package, a fixed tracking)."""
    order["update_time"] = max(order["update_time"], at)
    world.order_changed(shop, order)


def request_cancellation(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    meta: OrderMeta,
    at: int,
    reason: str | None = None,
) -> None:
    """A buyer asks to cancel after the remorse window; the seller must answer (FACTS.md 4.3)."""
    if order["status"] != "AWAITING_SHIPMENT":
        raise TransitionError(
            f"order {order['id']} is {order['status']}; buyers request cancellation of "
            "AWAITING_SHIPMENT orders (earlier they cancel directly, later it is a return)"
        )
    if order["is_buyer_request_cancel"]:
        raise TransitionError(f"order {order['id']} already has a pending cancellation request")
    allowed = reasons.buyer_reasons(shop.region, order["status"])
    reason = reason or reasons.default_reason(shop.region, "BUYER", order["status"])
    if reason not in allowed:
        raise TransitionError(
            f"a buyer cancels an {order['status']} order with one of {', '.join(allowed)}"
        )
    at = max(at, order["update_time"])
    meta.sla_before_request = order.get("cancel_order_sla_time")
    deadline = min(order.get("cancel_order_sla_time", at + RESPONSE_WINDOW), at + RESPONSE_WINDOW)
    order["is_buyer_request_cancel"] = True
    order["request_cancel_time"] = at
    order["cancel_order_sla_time"] = deadline
    order["update_time"] = at
    world.order_changed(shop, order)
    entry = cancellations.record(
        world,
        shop,
        order,
        packages.active_items(order),
        cancel_type="BUYER_CANCEL",
        role="BUYER",
        status=cancellations.PENDING,
        reason=reason,
        at=at,
        whole=True,
        deadline=deadline,
    )
    meta.cancel_id = entry.id


def reject_cancellation(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    meta: OrderMeta,
    entry: Cancellation,
    at: int,
    reason: str,
) -> None:
    """The seller refuses the buyer's request: the order goes on, the request is closed."""
    at = max(at, order["update_time"])
    entry.reject_reason = reason
    order["is_buyer_request_cancel"] = False
    if meta.sla_before_request is not None:
        order["cancel_order_sla_time"] = meta.sla_before_request
    order["update_time"] = at
    world.order_changed(shop, order)
    cancellations.settle(world, shop, entry, cancellations.CLOSED, at)


def cancel_items(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    meta: OrderMeta,
    items: list[dict[str, Any]],
    reason: str,
    at: int,
) -> None:
    """The seller cancels some unshipped items; the order keeps its status (cancel-order spec:
    item-level partial cancellation, US and UK)."""
    at = max(at, order["update_time"])
    text = reasons.text_of(reason)
    ids = {i["id"] for i in items}
    for item in items:
        item.update(display_status="CANCELLED", cancel_reason=text, cancel_user="SELLER")
    world.give_back(meta, ids)
    packages.drop_items(shop, order, ids, at)
    order["update_time"] = at
    world.order_changed(shop, order)
    entry = cancellations.record(
        world,
        shop,
        order,
        items,
        cancel_type="CANCEL",
        role="SELLER",
        status=cancellations.SUCCESS,
        reason=reason,
        at=at,
        whole=False,
    )
    meta.cancel_id = entry.id


def update_address(
    world: World, shop: Shop, order: dict[str, Any], meta: OrderMeta, at: int, line1: str
) -> None:
    """The buyer edits the address before the carrier has the parcel (3-recipient-address-
    update.md); a label already bought then prints with the new address."""
    collected = any(p.status in {"FULFILLING", "COMPLETED"} for p in packages.of_order(shop, order))
    if order["status"] not in {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"} and (
        order["status"] not in {"PARTIALLY_SHIPPING", "AWAITING_COLLECTION"} or collected
    ):
        raise TransitionError(f"order {order['id']} is {order['status']}; the address is fixed")
    at = max(at, order["update_time"])
    meta.address = {**meta.address, "address_line1": line1, "address_detail": line1}
    meta.address["full_address"] = ", ".join([line1, *meta.address["full_address"].split(", ")[1:]])
    if "recipient_address" in order:
        order["recipient_address"] = dict(meta.address)
    order["has_updated_recipient_address"] = True
    order["update_time"] = at
    world.order_changed(shop, order)
    world.emit(shop, "RECIPIENT_ADDRESS_UPDATE", {"order_id": order["id"], "update_time": at})


def _await_shipment(world: World, order: dict[str, Any], meta: OrderMeta, at: int) -> None:
    order.setdefault("paid_time", at)
    world.pending_auto.pop(order["id"], None)
    meta.auto_at = None
    handling = int(order.get("handling_duration", {}).get("days", "0")) * DAY
    # order-api-overview.json "Order SLA": ship by rts_sla, collected by tts_sla, delivered by
    # delivery_sla; unshipped orders are cancelled at cancel_order_sla.
    order["rts_sla_time"] = at + 2 * DAY + handling
    order["tts_sla_time"] = at + 3 * DAY + handling
    order["shipping_due_time"] = at + 3 * DAY + handling
    order["cancel_order_sla_time"] = at + 3 * DAY + handling
    order["collection_due_time"] = at + 5 * DAY + handling
    order["delivery_sla_time"] = at + 8 * DAY + handling
    order["delivery_option_required_delivery_time"] = at + 8 * DAY + handling
    order["delivery_due_time"] = at + 15 * DAY + handling
    order["recipient_address"] = dict(meta.address)
    _set_display(order, "AWAITING_SHIPMENT")


def _label(world: World, order: dict[str, Any]) -> Shipment:
    """The carrier and tracking number of a shipment the seller arranged outside the APIs."""
    choices = logistics.SELLER_CARRIERS if order["shipping_type"] == "SELLER" else None
    carrier, carrier_id = world.rng.choice(choices or world.shipping_providers)
    return Shipment(carrier, carrier_id, logistics.tracking_for(world.rng, carrier))


def _cancel(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    meta: OrderMeta,
    current: str,
    at: int,
    reason: str | None,
    initiator: str | None,
    request: Cancellation | None,
) -> None:
    who = initiator or ("BUYER" if request is not None else DEFAULT_INITIATOR[current])
    if who not in INITIATORS:
        raise TransitionError(f"cancellation_initiator must be one of {', '.join(INITIATORS)}")
    if request is not None and reason is None:
        reason = request.reason
    name = reason or reasons.default_reason(shop.region, who, current)
    text = reasons.text_of(name)
    live = packages.active_items(order)
    order.update(cancel_time=at, cancel_reason=text, cancellation_initiator=who)
    for item in live:
        item.update(display_status="CANCELLED", cancel_reason=text, cancel_user=who)
        if "package_id" in item:
            item["package_status"] = "CANCELLED"
    world.pending_auto.pop(order["id"], None)
    meta.auto_at = None
    world.give_back(meta)  # units not yet with the carrier become sellable again
    if request is None:
        # Every cancellation leaves a record (search-cancellations); a buyer's own one in the
        # remorse window is a BUYER_CANCEL the system accepted at once.
        entry = cancellations.record(
            world,
            shop,
            order,
            live,
            cancel_type="BUYER_CANCEL" if who == "BUYER" else "CANCEL",
            role=who,
            status=cancellations.SUCCESS,
            reason=name,
            at=at,
            whole=True,
        )
        meta.cancel_id = entry.id


def _set_display(order: dict[str, Any], display: str, package_status: str | None = None) -> None:
    for item in order["line_items"]:
        if item["display_status"] == "CANCELLED":
            continue
        item["display_status"] = display
        if package_status and "package_id" in item:
            item["package_status"] = package_status
