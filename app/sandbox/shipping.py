"""Shipping and the carrier's progress, with the order's status following its packages.

Order overview (FACTS.md 4.3), transitions 3-6: shipping some items moves AWAITING_SHIPMENT to
PARTIALLY_SHIPPING, shipping the last ones to AWAITING_COLLECTION; the order is IN_TRANSIT once
the carrier has every package and DELIVERED once every package arrived. Shipping alone never
reaches IN_TRANSIT: that waits for the carrier's first scan (collect).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import packages, transitions
from app.sandbox.model import Package, Shop
from app.sandbox.packages import Shipment

if TYPE_CHECKING:
    from app.sandbox.state import World

COLLECTED = frozenset({"FULFILLING", "COMPLETED"})


def ship(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    items: list[dict[str, Any]],
    shipment: Shipment,
    at: int,
) -> Package:
    at = max(at, order["update_time"])
    package = packages.ship_items(world, shop, order, items, shipment, at)
    target = "PARTIALLY_SHIPPING" if packages.unshipped(order) else "AWAITING_COLLECTION"
    if order["status"] == target:
        transitions.touch(world, shop, order, at)
    else:
        transitions.apply(world, shop, order, shop.order_meta[order["id"]], target, at)
    return package


def _live(shop: Shop, order: dict[str, Any]) -> list[Package]:
    return [
        p for p in packages.of_order(shop, order) if p.line_item_ids and p.status != "CANCELLED"
    ]


def collect(world: World, shop: Shop, package: Package, at: int) -> None:
    """The carrier scans the package in."""
    packages.collect(world, shop, package, at)
    for order_id in package.order_ids:
        order = shop.orders[order_id]
        if order["status"] == "AWAITING_COLLECTION" and all(
            p.status in COLLECTED for p in _live(shop, order)
        ):
            transitions.apply(world, shop, order, shop.order_meta[order_id], "IN_TRANSIT", at)
        else:
            transitions.touch(world, shop, order, at)


def deliver(world: World, shop: Shop, package: Package, at: int) -> None:
    """The carrier hands the package to the buyer (collecting it first if it never scanned)."""
    if package.status == "PROCESSING":
        collect(world, shop, package, at)
    packages.deliver(shop, package, at)
    for order_id in package.order_ids:
        order = shop.orders[order_id]
        if order["status"] == "IN_TRANSIT" and all(
            p.status == "COMPLETED" for p in _live(shop, order)
        ):
            transitions.apply(world, shop, order, shop.order_meta[order_id], "DELIVERED", at)
        else:
            transitions.touch(world, shop, order, at)
