"""TikTok splitting or combining packages on its own (the platform, the buyer or an operator),
announced by PACKAGE_UPDATE (4-package-update.md). A label already bought is regenerated for
the new parcel, so what the seller printed before no longer matches."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from app.sandbox import packages, transitions
from app.sandbox.labels import Label, LabelBook, unique_tracking
from app.sandbox.model import Package, Shop
from app.sandbox.parcels import plain, product_parcel

if TYPE_CHECKING:
    from app.sandbox.state import World

ROLE_TYPES = ("ROLE_USER", "ROLE_SELLER", "ROLE_OPERATOR", "ROLE_SYSTEM")
SPLIT_TYPES = ("SPLIT", "ADDRESS_UPDATE_SPLIT")
CHANGEABLE = frozenset({packages.TO_FULFILL, "PROCESSING"})  # the carrier does not have it yet


class PackageChangeError(ValueError):
    """The change is not one TikTok could make to these packages now."""


def _items(shop: Shop, package: Package) -> list[dict[str, Any]]:
    wanted = set(package.line_item_ids)
    return [i for o in package.order_ids for i in shop.orders[o]["line_items"] if i["id"] in wanted]


def _reweigh(shop: Shop, package: Package) -> None:
    """The new parcel's weight and size, from its items' product package data."""
    grams, sides = product_parcel([shop.products[i["product_id"]] for i in _items(shop, package)])
    package.weight = {"value": plain(grams.quantize(Decimal(1), ROUND_CEILING)), "unit": "GRAM"}
    package.dimension = {
        "length": plain(sides[0].quantize(Decimal("0.1"))),
        "width": plain(sides[1].quantize(Decimal("0.1"))),
        "height": plain(sides[2].quantize(Decimal("0.1"))),
        "unit": "CM",
    }


def _announce(
    world: World, shop: Shop, sc_type: str, role: str, changed: list[Package], at: int
) -> None:
    for order_id in dict.fromkeys(o for p in changed for o in p.order_ids):
        transitions.touch(world, shop, shop.orders[order_id], at)
    world.emit(
        shop,
        "PACKAGE_UPDATE",
        {
            "sc_type": sc_type,
            "role_type": role,
            "package_list": [
                {"package_id": p.id, "order_id_list": list(p.order_ids)} for p in changed
            ],
            "update_time": at,
        },
    )


def split(
    world: World,
    book: LabelBook,
    shop: Shop,
    package: Package,
    item_ids: list[str],
    at: int,
    *,
    sc_type: str = "SPLIT",
    role: str = "ROLE_SYSTEM",
) -> Package:
    """Move `item_ids` out of `package` into a new one; a labelled package gets a second label."""
    if package.status not in CHANGEABLE:
        raise PackageChangeError(f"package {package.id} is {package.status}; the carrier has it")
    moved = [i for i in package.line_item_ids if i in set(item_ids)]
    if not moved or len(moved) != len(set(item_ids)) or len(moved) == len(package.line_item_ids):
        raise PackageChangeError("line_item_ids must be some, not all, of the package's items")
    at = max(at, package.update_time)
    new = Package(
        id=world.ids.new(),
        shop_id=shop.id,
        order_ids=[],
        line_item_ids=moved,
        create_time=at,
        update_time=at,
        shipping_type=package.shipping_type,
        delivery_option_id=package.delivery_option_id,
        delivery_option_name=package.delivery_option_name,
        status=package.status,
        tag="SPLIT",
    )
    package.line_item_ids = [i for i in package.line_item_ids if i not in set(moved)]
    package.tag, package.update_time = "SPLIT", at
    owners = {i["id"]: o for o in package.order_ids for i in shop.orders[o]["line_items"]}
    new.order_ids = list(dict.fromkeys(owners[i] for i in moved))
    kept = {owners[i] for i in package.line_item_ids}
    package.order_ids = [o for o in package.order_ids if o in kept]
    shop.packages[new.id] = new
    for order_id in new.order_ids:
        order = shop.orders[order_id]
        order["packages"].append({"id": new.id})
        order["split_or_combine_tag"] = "SPLIT"
        if order_id not in kept:
            order["packages"] = [r for r in order["packages"] if r["id"] != package.id]
    if package.status == "PROCESSING":
        new.provider_name, new.provider_id = package.provider_name, package.provider_id
        new.tracking_number = unique_tracking(world, new.provider_name)
        new.handover_method, new.pickup_slot = package.handover_method, package.pickup_slot
        new.shipped_at = at
        new.events.append((at, "Shipping label created after a split; awaiting pickup"))
        for item in _items(shop, new):
            item.update(package_id=new.id, tracking_number=new.tracking_number)
        old = book.labels.get(package.id)
        if old is not None:
            old.version += 1
            book.labels[new.id] = Label(new.id, shop.id, old.service, old.price, at, old.scan_at)
        _reweigh(shop, package)
        _reweigh(shop, new)
    _announce(world, shop, sc_type, role, [package, new], at)
    return new


def combine(
    world: World,
    book: LabelBook,
    shop: Shop,
    chosen: list[Package],
    at: int,
    *,
    role: str = "ROLE_SYSTEM",
) -> Package:
    """One buyer's packages become the first one; a labelled parcel gets a new label."""
    if len(chosen) < 2 or len({p.id for p in chosen}) != len(chosen):
        raise PackageChangeError("give at least two different packages")
    first, rest = chosen[0], chosen[1:]
    if len({p.status for p in chosen}) != 1 or first.status not in CHANGEABLE:
        raise PackageChangeError("the packages must all wait for the carrier, in one status")
    orders = [o for p in chosen for o in p.order_ids]
    if len(set(orders)) != len(orders):
        raise PackageChangeError("the packages must hold different orders")
    if len({shop.orders[o]["user_id"] for o in orders}) != 1:
        raise PackageChangeError("only one buyer's packages are combined")
    at = max(at, *(p.update_time for p in chosen))
    for package in rest:
        for item in _items(shop, package):
            if "package_id" in item:
                item["package_id"] = first.id
        first.line_item_ids.extend(package.line_item_ids)
        first.order_ids.extend(package.order_ids)
        for order_id in package.order_ids:
            order = shop.orders[order_id]
            order["packages"] = [r for r in order["packages"] if r["id"] != package.id]
            order["packages"].append({"id": first.id})
        package.line_item_ids, package.status, package.update_time = [], "CANCELLED", at
        label = book.labels.get(package.id)
        if label is not None:
            label.void = True
    first.tag, first.update_time = "COMBINE", at
    for order_id in first.order_ids:
        shop.orders[order_id]["split_or_combine_tag"] = "COMBINED"
    if first.status == "PROCESSING":
        book.relabel(world, shop, first, at)
        for order_id in first.order_ids:
            shop.orders[order_id]["tracking_number"] = first.tracking_number
        _reweigh(shop, first)
    _announce(world, shop, "COMBINE", role, [first], at)
    return first


def split_order(book: LabelBook, shop: Shop, order: dict[str, Any], item_ids: list[str]) -> None:
    """TikTok splits an order that has no package yet: each group needs its own label."""
    if not packages.unshipped(order) or packages.of_order(shop, order):
        raise PackageChangeError(
            f"order {order['id']} already has packages: split a package instead"
        )
    waiting = [i["id"] for i in packages.unshipped(order)]
    group = [i for i in waiting if i in set(item_ids)]
    if not group or len(group) != len(set(item_ids)) or len(group) == len(waiting):
        raise PackageChangeError("line_item_ids must be some, not all, of the unshipped items")
    book.split_groups[order["id"]] = [[i for i in waiting if i not in set(group)], group]
