"""Order status changes, only along TikTok's documented transitions (FACTS.md 4.3).

Each change moves the order's fields, TikTok's stock and the webhooks together, so generated
history, the live ticker and the admin API all produce the same kind of order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from app.sandbox.model import OrderMeta, Shop

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

#: Display texts of cancel-reasons.json (US market), by who cancels.
CANCEL_REASONS = {
    ("BUYER", "UNPAID"): "No longer needed",
    ("BUYER", "PAID"): "Bought by mistake",
    ("SELLER", "UNPAID"): "Out of stock",
    ("SELLER", "PAID"): "Out of stock",
    ("SYSTEM", "UNPAID"): "Buyer payment overdue",
    ("SYSTEM", "PAID"): "Package lost or damaged in transit",
}
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
    if target == "PARTIALLY_SHIPPING" and len(order["line_items"]) < 2:
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
    """Move `order` to `target` at shop time `at`, with its stock and webhook effects."""
    check(order, target)
    current = order["status"]
    at = max(at, order["update_time"])  # update_time never goes backwards
    if target == "ON_HOLD":
        order["paid_time"] = at
        meta.auto_at = remorse_end(order, at)
        world.pending_auto[order["id"]] = shop.id
        _set_display(order, "AWAITING_SHIPMENT")
    elif target == "AWAITING_SHIPMENT":
        _await_shipment(world, order, meta, at)
    elif target == "PARTIALLY_SHIPPING":
        unshipped = [i for i in order["line_items"] if "package_id" not in i]
        first = unshipped[: math.ceil(len(unshipped) / 2)]
        package_id = _ship(world, order, first, at)
        order["split_or_combine_tag"] = "SPLIT"
        world.emit(
            shop,
            "PACKAGE_UPDATE",
            {
                "sc_type": "SPLIT",
                "role_type": "ROLE_SELLER",
                "package_list": [{"package_id": package_id, "order_id_list": [order["id"]]}],
                "update_time": at,
            },
        )
    elif target == "AWAITING_COLLECTION":
        rest = [i for i in order["line_items"] if "package_id" not in i]
        if rest:
            _ship(world, order, rest, at)
    elif target == "IN_TRANSIT":
        order["collection_time"] = at
        _set_display(order, "IN_TRANSIT", "FULFILLING")
        _release(world, meta)  # handed to the carrier: no longer committed
    elif target == "DELIVERED":
        order["delivery_time"] = at
        _set_display(order, "DELIVERED", "COMPLETED")
    elif target == "COMPLETED":
        _set_display(order, "COMPLETED", "COMPLETED")
        _release(world, meta)
    elif target == "CANCELLED":
        _cancel(world, order, meta, current, at, cancel_reason, initiator)

    if order["is_buyer_request_cancel"]:
        # 11-cancellation-status-change.md: accepted when the order is cancelled, otherwise
        # closed by the system once the order moves on.
        status = (
            "CANCELLATION_REQUEST_SUCCESS"
            if target == "CANCELLED"
            else "CANCELLATION_REQUEST_CANCELLED"
        )
        if target == "CANCELLED" or target in {"AWAITING_COLLECTION", "PARTIALLY_SHIPPING"}:
            order["is_buyer_request_cancel"] = False
            _cancellation_webhook(world, shop, order, meta, status, at)

    order["status"] = target
    order["update_time"] = at
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


def request_cancellation(
    world: World, shop: Shop, order: dict[str, Any], meta: OrderMeta, at: int
) -> None:
    """A buyer asks to cancel after the remorse window; the seller must answer (FACTS.md 4.3)."""
    if order["status"] != "AWAITING_SHIPMENT":
        raise TransitionError(
            f"order {order['id']} is {order['status']}; buyers request cancellation of "
            "AWAITING_SHIPMENT orders (earlier they cancel directly, later it is a return)"
        )
    if order["is_buyer_request_cancel"]:
        raise TransitionError(f"order {order['id']} already has a pending cancellation request")
    at = max(at, order["update_time"])
    order["is_buyer_request_cancel"] = True
    order["request_cancel_time"] = at
    order["cancel_order_sla_time"] = min(
        order.get("cancel_order_sla_time", at + 2 * DAY), at + 2 * DAY
    )
    meta.cancel_id = world.ids.new()
    order["update_time"] = at
    world.order_changed(shop, order)
    _cancellation_webhook(world, shop, order, meta, "CANCELLATION_REQUEST_PENDING", at)


def update_address(
    world: World, shop: Shop, order: dict[str, Any], meta: OrderMeta, at: int, line1: str
) -> None:
    """The buyer edits the address before shipment (3-recipient-address-update.md)."""
    if order["status"] not in {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"}:
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


def _cancellation_webhook(
    world: World, shop: Shop, order: dict[str, Any], meta: OrderMeta, status: str, at: int
) -> None:
    world.emit(
        shop,
        "CANCELLATION_STATUS_CHANGE",
        {
            "order_id": order["id"],
            "cancellations_role": "BUYER",
            "cancel_status": status,
            "cancel_id": meta.cancel_id or world.ids.new(),
            "create_time": order.get("request_cancel_time", at),
        },
    )


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


def _ship(world: World, order: dict[str, Any], items: list[dict[str, Any]], at: int) -> str:
    """The seller arranges shipment of `items` in one new package."""
    package_id = world.ids.new()
    provider, provider_id = world.rng.choice(world.shipping_providers)
    tracking = f"9400{world.rng.randrange(10**17, 10**18)}"
    for item in items:
        item.update(
            package_id=package_id,
            package_status="PROCESSING",
            display_status="AWAITING_COLLECTION",
            tracking_number=tracking,
            shipping_provider_id=provider_id,
            shipping_provider_name=provider,
            rts_time=at,
        )
    order["packages"].append({"id": package_id})
    order.update(
        tracking_number=tracking,
        shipping_provider=provider,
        shipping_provider_id=provider_id,
        rts_time=at,
    )
    return package_id


def _cancel(
    world: World,
    order: dict[str, Any],
    meta: OrderMeta,
    current: str,
    at: int,
    reason: str | None,
    initiator: str | None,
) -> None:
    who = initiator or ("BUYER" if order["is_buyer_request_cancel"] else DEFAULT_INITIATOR[current])
    if who not in INITIATORS:
        raise TransitionError(f"cancellation_initiator must be one of {', '.join(INITIATORS)}")
    text = reason or CANCEL_REASONS[(who, "UNPAID" if current == "UNPAID" else "PAID")]
    order.update(cancel_time=at, cancel_reason=text, cancellation_initiator=who)
    for item in order["line_items"]:
        item.update(display_status="CANCELLED", cancel_reason=text, cancel_user=who)
        if "package_id" in item:
            item["package_status"] = "CANCELLED"
    world.pending_auto.pop(order["id"], None)
    meta.auto_at = None
    _give_back(world, meta)  # units not yet with the carrier become sellable again


def _set_display(order: dict[str, Any], display: str, package_status: str | None = None) -> None:
    for item in order["line_items"]:
        if item["display_status"] == "CANCELLED":
            continue
        item["display_status"] = display
        if package_status and "package_id" in item:
            item["package_status"] = package_status


def _release(world: World, meta: OrderMeta) -> None:
    for unit in meta.units:
        if unit.held:
            world.stock_of(unit.sku_id, unit.warehouse_id).committed -= 1
            unit.held = False


def _give_back(world: World, meta: OrderMeta) -> None:
    for unit in meta.units:
        if unit.held:
            stock = world.stock_of(unit.sku_id, unit.warehouse_id)
            stock.committed -= 1
            stock.available += 1
            unit.held = False
