"""A seeded shop with history: same seed, same shop, byte for byte (given the same epoch)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from app.sandbox.catalog import SHOP_NAMES, build_buyers, build_products, build_warehouses
from app.sandbox.config import SandboxConfig
from app.sandbox.ids import random_text, upper_code
from app.sandbox.logistics import LABEL_CARRIERS
from app.sandbox.market import market_of
from app.sandbox.model import Product, Shop, Sku
from app.sandbox.orders import OrderOptions
from app.sandbox.returns_seed import seed_returns
from app.sandbox.state import World
from app.sandbox.transitions import request_cancellation

DAY = 86400
HOUR = 3600

#: Share of each final status among the random (non-coverage) orders.
STATUS_WEIGHTS = [
    ("COMPLETED", 45),
    ("CANCELLED", 10),
    ("DELIVERED", 12),
    ("IN_TRANSIT", 8),
    ("AWAITING_COLLECTION", 6),
    ("AWAITING_SHIPMENT", 10),
    ("PARTIALLY_SHIPPING", 1),
    ("ON_HOLD", 3),
    ("UNPAID", 5),
]
#: Oldest an order may be and still sit in the status (unshipped orders get cancelled by TikTok).
MAX_AGE = {
    "UNPAID": 20 * HOUR,
    "AWAITING_SHIPMENT": 3 * DAY,
    "PARTIALLY_SHIPPING": 4 * DAY,
    "AWAITING_COLLECTION": 5 * DAY,
    "IN_TRANSIT": 8 * DAY,
}
PATH = [
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
]


@dataclass
class Spec:
    """What one generated order should end up as."""

    target: str
    options: OrderOptions = field(default_factory=OrderOptions)
    units: int = 1
    same_sku_units: bool = False
    split: bool = False
    combine_group: int | None = None
    buyer_request: bool = False
    cancel_from: str = "AWAITING_SHIPMENT"
    replacement: bool = False
    exchange: bool = False


def populate(world: World, config: SandboxConfig, now: int) -> None:
    rng = random.Random(f"{config.seed}:shop")
    world.shipping_providers = list(LABEL_CARRIERS)
    names = rng.sample(SHOP_NAMES, k=min(config.shops, len(SHOP_NAMES)))
    world.seller.open_id = random_text(rng, 43)
    world.seller.name = names[0]
    world.seller.region = config.region
    market = market_of(config.region)
    for index in range(config.shops):
        name = names[index] if index < len(names) else f"{names[0]} {index + 1}"
        shop = Shop(
            id=world.ids.new(),
            name=name,
            region=market.region,
            currency=market.currency,
            seller_type=config.seller_type,
            cipher="GCP_" + random_text(rng, 32),
            code=market.region + upper_code(rng, 10),
        )
        world.add_shop(shop)
        srng = random.Random(f"{config.seed}:shop:{index}")
        build_warehouses(world, shop, srng)
        build_products(world, shop, srng, config.products, now)
        world.buyers[shop.id] = build_buyers(world, srng, max(20, config.orders // 3), shop.region)
        _orders(world, shop, srng, config, now)
        seed_returns(world, shop, f"{config.seed}:{index}", now)  # after, and leaving them as is


def _coverage() -> list[Spec]:
    """Orders that make sure every status, type and flag appears in the default shop."""
    o = OrderOptions
    specs = [Spec(target=status) for status in [*PATH, "UNPAID", "CANCELLED"] for _ in range(2)]
    for spec in specs:
        if spec.target == "PARTIALLY_SHIPPING":
            spec.units, spec.split = 3, True
    return [
        *specs,
        Spec("ON_HOLD", o(order_type="PRE_ORDER")),
        Spec("COMPLETED", o(order_type="PRE_ORDER")),
        Spec("AWAITING_SHIPMENT", o(order_type="MADE_TO_ORDER", handling_days=5)),
        Spec("AWAITING_SHIPMENT", o(order_type="BACK_ORDER", handling_days=7)),
        Spec("COMPLETED", o(order_type="ZERO_LOTTERY")),
        Spec("DELIVERED", o(is_sample_order=True)),
        Spec("IN_TRANSIT", o(is_cod=True)),
        Spec("AWAITING_SHIPMENT", replacement=True),
        Spec("AWAITING_COLLECTION", exchange=True),
        Spec("AWAITING_SHIPMENT", o(is_on_hold_order=False)),
        Spec("COMPLETED", o(is_on_hold_order=False)),
        Spec("AWAITING_SHIPMENT", buyer_request=True),
        Spec("IN_TRANSIT", o(fulfillment_type="FULFILLMENT_BY_TIKTOK")),
        Spec("DELIVERED", o(shipping_type="SELLER")),
        Spec("COMPLETED", o(delivery_type="COLLECTION_POINT")),
        Spec("IN_TRANSIT", units=2, split=True),
        Spec("IN_TRANSIT", combine_group=1),
        Spec("IN_TRANSIT", combine_group=1),
        Spec("DELIVERED", units=2, same_sku_units=True),
        Spec("CANCELLED", cancel_from="UNPAID"),
        Spec("CANCELLED", cancel_from="ON_HOLD"),
        Spec("CANCELLED", cancel_from="IN_TRANSIT"),
        Spec("AWAITING_SHIPMENT", o(shipping_type="SELLER"), units=2),
        Spec("AWAITING_SHIPMENT", o(shipping_type="SELLER"), units=2, buyer_request=True),
        Spec("AWAITING_SHIPMENT", units=3, buyer_request=True),
    ]


def _random_spec(rng: random.Random) -> Spec:
    target = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    options = OrderOptions(
        shipping_type="TIKTOK" if rng.random() < 0.8 else "SELLER",
        fulfillment_type="FULFILLMENT_BY_TIKTOK"
        if rng.random() < 0.05
        else "FULFILLMENT_BY_SELLER",
        delivery_type="COLLECTION_POINT" if rng.random() < 0.05 else "HOME_DELIVERY",
        is_on_hold_order=rng.random() < 0.9,
        discount_rate=Decimal(rng.choice(["0", "0", "0", "0.1", "0.15"])),
        platform_discount_rate=Decimal(rng.choice(["0", "0", "0", "0.05"])),
        buyer_message=rng.choice(["", "", "", "Please ship asap!", "Gift wrap please"]),
    )
    units = rng.choices([1, 2, 3, 4], [60, 25, 10, 5])[0]
    cancel_from = rng.choices(["UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"], [40, 30, 30])[0]
    split = target == "PARTIALLY_SHIPPING" or (units > 1 and rng.random() < 0.05)
    if target == "ON_HOLD":
        options.is_on_hold_order = True
    return Spec(
        target,
        options,
        max(units, 2) if split else units,
        rng.random() < 0.3,
        split,
        cancel_from=cancel_from,
    )


def _steps(spec: Spec) -> list[str]:
    last = spec.cancel_from if spec.target == "CANCELLED" else spec.target
    if last == "UNPAID":
        steps: list[str] = []
    else:
        steps = PATH[: PATH.index(last) + 1]
    if not spec.split:
        steps = [s for s in steps if s != "PARTIALLY_SHIPPING"]
    if not spec.options.is_on_hold_order:
        steps = [s for s in steps if s != "ON_HOLD"]
    return [*steps, "CANCELLED"] if spec.target == "CANCELLED" else steps


def _gap(rng: random.Random, step: str, spec: Spec) -> int:
    handling = (spec.options.handling_days or 0) * DAY
    return {
        "ON_HOLD": rng.randrange(30, 1800),
        "AWAITING_SHIPMENT": HOUR if spec.options.is_on_hold_order else rng.randrange(30, 1800),
        "PARTIALLY_SHIPPING": rng.randrange(3 * HOUR, 30 * HOUR) + handling,
        "AWAITING_COLLECTION": rng.randrange(2 * HOUR, 30 * HOUR) + (0 if spec.split else handling),
        "IN_TRANSIT": rng.randrange(2 * HOUR, 20 * HOUR),
        "DELIVERED": rng.randrange(DAY, 4 * DAY),
        "COMPLETED": 7 * DAY,  # after-sales window; aligned to the next midnight below
        "CANCELLED": rng.randrange(600, 20 * HOUR),
    }[step]


def _schedule(
    spec: Spec, rng: random.Random, now: int, history: int
) -> tuple[int, list[tuple[str, int]]]:
    steps = _steps(spec)
    offsets, t = [], 0
    for step in steps:
        t += _gap(rng, step, spec)
        offsets.append(t)
    extra = rng.randrange(HOUR, 6 * HOUR) if spec.buyer_request else 0
    total = (offsets[-1] if offsets else 0) + extra
    if spec.target == "ON_HOLD":
        create = (
            now - rng.randrange(600, 3000)
            if spec.options.order_type != "PRE_ORDER"
            else now - rng.randrange(DAY, 4 * DAY)
        )
        return create, [("ON_HOLD", create + min(offsets[0], (now - create) // 2))]
    max_age = MAX_AGE.get(spec.target, history)
    if spec.buyer_request:
        # Requested within the last day or so: the seller's 48 hours to answer still run.
        max_age = total + DAY
    if spec.target == "DELIVERED":
        max_age = total + 5 * DAY
    low, high = now - max(max_age, total + 120), now - total - 60
    create = rng.randrange(low, high) if high > low else high
    times = [(step, create + off) for step, off in zip(steps, offsets, strict=True)]
    if spec.target == "PARTIALLY_SHIPPING":
        create, times = _before_shipping_due(spec, now, create, times)
    if spec.target == "COMPLETED":
        done = times[-1][1]
        midnight = -(-done // DAY) * DAY  # TikTok closes after-sales windows in a nightly batch
        shift = max(0, -(-(midnight - now + 60) // DAY)) * DAY
        create -= shift
        times = [(s, at - shift) for s, at in times[:-1]] + [("COMPLETED", midnight - shift)]
    return create, times


def _before_shipping_due(
    spec: Spec, now: int, create: int, times: list[tuple[str, int]]
) -> tuple[int, list[tuple[str, int]]]:
    """A partly shipped order is still open only within its shipping due time (TikTok cancels
    it then: auto_cancel): move it later when it would be past it (no random draw)."""
    paid = next(at for step, at in times if step == "AWAITING_SHIPMENT")
    late = now + HOUR - (paid + 3 * DAY + (spec.options.handling_days or 0) * DAY)
    if late <= 0:
        return create, times
    return create + late, [(step, at + late) for step, at in times]


def _orders(world: World, shop: Shop, rng: random.Random, config: SandboxConfig, now: int) -> None:
    specs = _coverage()[: config.orders]
    specs += [_random_spec(rng) for _ in range(config.orders - len(specs))]
    sellable = [
        (p, s) for p in shop.products.values() if p.status == "ACTIVATE" for s in p.skus
    ] or [(p, s) for p in shop.products.values() for s in p.skus]
    history = config.history_days * DAY
    planned = []
    for spec in specs:
        create, times = _schedule(spec, rng, now, history)
        planned.append((create, spec, times))
    planned.sort(key=lambda p: p[0])
    order_ids = world.ids.ascending(len(planned))
    buyers = world.buyers[shop.id]
    placed: list[dict[str, Any]] = []
    groups: dict[int, list[dict[str, Any]]] = {}
    for (create, spec, times), order_id in zip(planned, order_ids, strict=True):
        lines = _lines(rng, sellable, spec)
        options = spec.options
        if options.order_type == "PRE_ORDER":
            pay = next((at for s, at in times if s == "ON_HOLD"), create)
            release = (
                now + rng.randrange(3 * DAY, 20 * DAY) if spec.target == "ON_HOLD" else pay + HOUR
            )
            options = replace(options, release_date=release)
        buyer = rng.choice(buyers)
        if spec.combine_group is not None and spec.combine_group in groups:
            buyer = next(b for b in buyers if b.user_id == groups[spec.combine_group][0]["user_id"])
        order = world.place_order(
            shop, lines, buyer, create, options, order_id=order_id, check_stock=False
        )
        meta = shop.order_meta[order_id]
        for step, at in times:
            if step == "AWAITING_SHIPMENT" and meta.auto_at is not None:
                at = meta.auto_at  # the end of the remorse window (or the pre-order release)
            world.transition(shop, order_id, step, at)
        if spec.buyer_request:
            request_cancellation(
                world, shop, order, meta, min(now - 60, order["update_time"] + HOUR)
            )
        if spec.combine_group is not None:
            groups.setdefault(spec.combine_group, []).append(order)
        if spec.replacement or spec.exchange:
            source = next(
                (o for o in reversed(placed) if o["status"] in {"DELIVERED", "COMPLETED"}), None
            )
            source_id = (source or placed[0])["id"] if placed else order_id
            if spec.replacement:
                order.update(is_replacement_order=True, replaced_order_id=source_id)
            else:
                order.update(is_exchange_order=True, exchange_source_order_id=source_id)
        placed.append(order)
    for group in groups.values():
        if len(group) == 2 and group[0]["packages"] and group[1]["packages"]:
            _combine(shop, group[0], group[1])
    world.last_order_id = max([world.last_order_id, *(int(i) for i in order_ids)])
    for _, sku in sellable:
        for stock in sku.stock.values():
            # Today's sellable count after all that history (the seller restocked meanwhile).
            stock.available = 0 if rng.random() < 0.08 else rng.randrange(3, 150)
    for product in shop.products.values():
        if product.status != "ACTIVATE":
            for sku in product.skus:
                for stock in sku.stock.values():
                    stock.available = rng.randrange(0, 40)
    world.version += 1


def _lines(
    rng: random.Random, sellable: list[tuple[Product, Sku]], spec: Spec
) -> list[tuple[Product, Sku, int]]:
    if spec.same_sku_units:
        product, sku = rng.choice(sellable)
        return [(product, sku, spec.units)]
    picks = rng.sample(sellable, k=min(spec.units, len(sellable)))
    lines = [(p, s, 1) for p, s in picks]
    missing = spec.units - len(lines)
    if missing > 0:
        p, s, q = lines[0]
        lines[0] = (p, s, q + missing)
    return lines


def _combine(shop: Shop, first: dict[str, Any], second: dict[str, Any]) -> None:
    """Two orders of one buyer shipped in one parcel: the second joins the first's package."""
    package = shop.packages[first["packages"][0]["id"]]
    source = next(i for i in first["line_items"] if i.get("package_id") == package.id)
    for ref in second["packages"]:
        dropped = shop.packages.pop(ref["id"])
        package.line_item_ids.extend(dropped.line_item_ids)
    package.order_ids.append(second["id"])
    package.tag = "COMBINE"
    for item in second["line_items"]:
        for key in (
            "package_id",
            "tracking_number",
            "shipping_provider_id",
            "shipping_provider_name",
        ):
            item[key] = source[key]
    second["packages"] = [{"id": package.id}]
    for key in ("tracking_number", "shipping_provider", "shipping_provider_id"):
        second[key] = first[key]
    first["split_or_combine_tag"] = second["split_or_combine_tag"] = "COMBINED"
