"""Packages: the parcels an order ships in, and how the package APIs show them (FACTS.md 4.4, 6).

TikTok opens one package per order when the order starts awaiting shipment; shipping some of
its items splits them off into a new package. Line items name their package only once it has
shipped (US local sellers, upgrading guide), so an unshipped package is reachable only through
the order's `packages[].id`, where Ship Package's spec tells sellers to find it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.sandbox.market import packages_before_shipping
from app.sandbox.model import Package, Shop

if TYPE_CHECKING:
    from app.sandbox.state import World

TO_FULFILL = "TO_FULFILL"
SHIPPED = frozenset({"PROCESSING", "FULFILLING", "COMPLETED"})
ITEM_GRAMS = 400  # get-product: package_weight 0.4 KILOGRAM per unit
ITEM_CM = (20, 15, 5)  # get-product: package_dimensions, stacked per unit


@dataclass(frozen=True)
class Shipment:
    """How a package leaves: the carrier, its tracking number, and the handover chosen."""

    carrier: str
    carrier_id: str
    tracking_number: str
    handover_method: str | None = None
    pickup_slot: tuple[int, int] | None = None


def active_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in order["line_items"] if i["display_status"] != "CANCELLED"]


def unshipped(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Live line items not in a shipped package (only shipped items carry `package_id`)."""
    return [i for i in active_items(order) if "package_id" not in i]


def splits_a_sku(chosen: list[dict[str, Any]], waiting: list[dict[str, Any]]) -> bool:
    """Whether `chosen` leaves some units of one of its SKUs behind (21011036, 21011035)."""
    return any(
        sum(i["sku_id"] == sku_id for i in chosen) < sum(i["sku_id"] == sku_id for i in waiting)
        for sku_id in {i["sku_id"] for i in chosen}
    )


def of_order(shop: Shop, order: dict[str, Any]) -> list[Package]:
    return [shop.packages[p["id"]] for p in order["packages"] if p["id"] in shop.packages]


def pending(shop: Shop, order: dict[str, Any]) -> Package | None:
    return next((p for p in of_order(shop, order) if p.status == TO_FULFILL), None)


def _new(world: World, shop: Shop, order: dict[str, Any], item_ids: list[str], at: int) -> Package:
    package = Package(
        id=world.ids.new(),
        shop_id=shop.id,
        order_ids=[order["id"]],
        line_item_ids=item_ids,
        create_time=at,
        update_time=at,
        shipping_type=order["shipping_type"],
        delivery_option_id=order["delivery_option_id"],
        delivery_option_name=order["delivery_option_name"],
    )
    shop.packages[package.id] = package
    order["packages"].append({"id": package.id})
    return package


def open_package(world: World, shop: Shop, order: dict[str, Any], at: int) -> None:
    """The order awaits shipment: its unshipped items wait in one TO_FULFILL package (not for
    US and UK local sellers, whose packages appear when they ship or buy a label)."""
    if not packages_before_shipping(shop):
        return
    items = unshipped(order)
    if items and pending(shop, order) is None:
        _new(world, shop, order, [i["id"] for i in items], at)


def drop_items(shop: Shop, order: dict[str, Any], item_ids: set[str], at: int) -> None:
    """Cancelled items leave the package that waited for them."""
    package = pending(shop, order)
    if package is not None and item_ids & set(package.line_item_ids):
        package.line_item_ids = [i for i in package.line_item_ids if i not in item_ids]
        package.update_time = at


def ship_items(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    items: list[dict[str, Any]],
    shipment: Shipment,
    at: int,
) -> Package:
    """Ship `items` (unshipped, not cancelled) in one package.

    When other items stay behind, the shipped ones split off into a new package and TikTok
    pushes PACKAGE_UPDATE with `sc_type` SPLIT (4-package-update.md).
    """
    ids = [i["id"] for i in items]
    package = pending(shop, order)
    left: Package | None = None
    if package is None:
        package = _new(world, shop, order, ids, at)
        if len(ids) < len(unshipped(order)) or order.get("split_or_combine_tag") == "SPLIT":
            # No package waited (US and UK local sellers): the order now ships in parts.
            package.tag = order["split_or_combine_tag"] = "SPLIT"
    elif set(package.line_item_ids) != set(ids):
        left = package
        left.line_item_ids = [i for i in left.line_item_ids if i not in ids]
        left.update_time = at
        package = _new(world, shop, order, ids, at)
        package.tag = left.tag = "SPLIT"
    package.status = "PROCESSING"
    package.tracking_number = shipment.tracking_number
    package.provider_id = shipment.carrier_id
    package.provider_name = shipment.carrier
    package.handover_method = shipment.handover_method
    package.pickup_slot = shipment.pickup_slot
    package.shipped_at = package.update_time = at
    package.events.append((at, f"Shipment arranged by the seller; awaiting {shipment.carrier}"))
    for item in items:
        item.update(
            package_id=package.id,
            package_status="PROCESSING",
            display_status="AWAITING_COLLECTION",
            tracking_number=shipment.tracking_number,
            shipping_provider_id=shipment.carrier_id,
            shipping_provider_name=shipment.carrier,
            rts_time=at,
        )
    order.update(
        tracking_number=shipment.tracking_number,
        shipping_provider=shipment.carrier,
        shipping_provider_id=shipment.carrier_id,
        rts_time=at,
    )
    if left is not None:
        order["split_or_combine_tag"] = "SPLIT"
        world.emit(
            shop,
            "PACKAGE_UPDATE",
            {
                "sc_type": "SPLIT",
                "role_type": "ROLE_SELLER",
                "package_list": [
                    {"package_id": p.id, "order_id_list": list(p.order_ids)}
                    for p in (package, left)
                ],
                "update_time": at,
            },
        )
    return package


def _items(shop: Shop, package: Package) -> list[dict[str, Any]]:
    wanted = set(package.line_item_ids)
    return [
        item
        for order_id in package.order_ids
        for item in shop.orders[order_id]["line_items"]
        if item["id"] in wanted
    ]


def collect(world: World, shop: Shop, package: Package, at: int) -> None:
    """The carrier picks the package up: in transit, and its units are no longer committed."""
    package.status = "FULFILLING"
    package.update_time = max(package.update_time, at)
    package.events.append((at, f"Package picked up by {package.provider_name}"))
    for item in _items(shop, package):
        item.update(package_status="FULFILLING", display_status="IN_TRANSIT")
    for order_id in package.order_ids:
        world.release(shop.order_meta[order_id], set(package.line_item_ids))


def deliver(shop: Shop, package: Package, at: int) -> None:
    package.status = "COMPLETED"
    package.update_time = max(package.update_time, at)
    package.events.append((at, "Your package was delivered!"))  # get-tracking sample
    for item in _items(shop, package):
        item.update(package_status="COMPLETED", display_status="DELIVERED")


def cancel(shop: Shop, package: Package, at: int) -> None:
    """A package of a cancelled order is cancelled once every order in it is."""
    if all(shop.orders[o]["status"] == "CANCELLED" for o in package.order_ids):
        package.status = "CANCELLED"
        package.update_time = max(package.update_time, at)


def retrack(
    shop: Shop, package: Package, carrier: str, carrier_id: str, number: str, at: int
) -> None:
    """The seller corrects the tracking number or carrier of a shipped package."""
    old = package.tracking_number
    package.tracking_number, package.provider_id, package.provider_name = (
        number,
        carrier_id,
        carrier,
    )
    package.update_time = max(package.update_time, at)
    package.events.append((at, f"Tracking information updated: {carrier} {number}"))
    for item in _items(shop, package):
        item.update(
            tracking_number=number, shipping_provider_id=carrier_id, shipping_provider_name=carrier
        )
    for order_id in package.order_ids:
        order = shop.orders[order_id]
        if order.get("tracking_number") == old:
            order.update(
                tracking_number=number, shipping_provider=carrier, shipping_provider_id=carrier_id
            )
        order["update_time"] = max(order["update_time"], at)


def tracking_in_use(world: World, number: str, but: str | None = None) -> bool:
    """Whether another package already ships under `number` (21011025 Duplicate tracking)."""
    return any(
        p.tracking_number == number and p.id != but
        for shop in world.shops.values()
        for p in shop.packages.values()
    )


# --- the wire -------------------------------------------------------------------------------------


def _orders_api(shop: Shop, package: Package) -> list[dict[str, Any]]:
    wanted = set(package.line_item_ids)
    result = []
    for order_id in package.order_ids:
        items = [i for i in shop.orders[order_id]["line_items"] if i["id"] in wanted]
        counts = Counter(i["sku_id"] for i in items)
        first = {i["sku_id"]: i for i in reversed(items)}
        skus = [
            {
                "id": sku_id,
                "name": first[sku_id]["sku_name"],
                "image_url": first[sku_id]["sku_image"],
                "quantity": quantity,
            }
            for sku_id, quantity in counts.items()
        ]
        result.append({"id": order_id, "skus": skus})
    return result


def _carrier_fields(package: Package) -> dict[str, Any]:
    if not package.tracking_number:
        return {}
    return {
        "tracking_number": package.tracking_number,
        "shipping_provider_name": package.provider_name,
        "shipping_provider_id": package.provider_id,
    }


def to_search_api(shop: Shop, package: Package) -> dict[str, Any]:
    """One `packages[]` entry of Search Package."""
    return {
        "id": package.id,
        "orders": _orders_api(shop, package),
        "create_time": package.create_time,
        "update_time": package.update_time,
        "status": package.status,
        **_carrier_fields(package),
        "order_line_item_ids": list(package.line_item_ids),
    }


RECIPIENT_FIELDS = (
    "full_address",
    "phone_number",
    "name",
    "postal_code",
    "address_detail",
    "region_code",
    "address_line1",
    "address_line2",
)


def to_detail_api(shop: Shop, package: Package) -> dict[str, Any]:
    """The `data` of Get Package Detail."""
    first = shop.orders[package.order_ids[0]]
    units = len(package.line_item_ids)
    data: dict[str, Any] = {
        "package_id": package.id,
        "orders": _orders_api(shop, package),
        "package_status": package.status,
        "split_and_combine_tag": package.tag,
        "has_multi_skus": len({i["sku_id"] for i in _items(shop, package)}) > 1,
        "note_tag": "BUYER_NOTED"
        if any(shop.orders[o]["buyer_message"] for o in package.order_ids)
        else "BUYER_UNNOTED",
        **_carrier_fields(package),
        "shipping_type": package.shipping_type,
        "delivery_option_name": package.delivery_option_name,
        "delivery_option_id": package.delivery_option_id,
        "create_time": package.create_time,
        "order_line_item_ids": list(package.line_item_ids),
        "weight": dict(package.weight or {"value": str(units * ITEM_GRAMS), "unit": "GRAM"}),
        "dimension": dict(
            package.dimension
            or {
                "length": str(ITEM_CM[0]),
                "width": str(ITEM_CM[1]),
                "height": str(ITEM_CM[2] * max(units, 1)),
                "unit": "CM",
            }
        ),
        "update_time": package.update_time,
    }
    if package.handover_method:
        data["handover_method"] = package.handover_method
    if package.pickup_slot:
        data["pickup_slot"] = {
            "start_time": package.pickup_slot[0],
            "end_time": package.pickup_slot[1],
        }
    address = first.get("recipient_address")
    if address:
        data["recipient_address"] = {k: address[k] for k in RECIPIENT_FIELDS if k in address}
    warehouse = next((w for w in shop.warehouses if w.id == first["warehouse_id"]), None)
    if warehouse is not None:
        a = warehouse.address
        data["sender_address"] = {
            "full_address": a["full_address"],
            "phone_number": a["phone_number"],
            "name": a["contact_person"],
            "postal_code": a["postal_code"],
            "address_detail": a["address_line1"],
            "region_code": a["region_code"],
            "address_line1": a["address_line1"],
            "address_line2": a["address_line2"],
        }
    return data


def tracking_api(shop: Shop, order: dict[str, Any]) -> list[dict[str, Any]]:
    """Get Tracking: the carrier scans of the order's packages, newest first (the spec gives
    no order; a tracking page reads top down from the latest scan)."""
    scans = [e for p in of_order(shop, order) for e in p.events]
    latest_first = sorted(enumerate(scans), key=lambda e: (e[1][0], e[0]), reverse=True)
    return [
        {"description": text, "update_time_millis": at * 1000} for _, (at, text) in latest_first
    ]
