"""Live mode: new orders at about `order_rate` a minute, and older ones moving along."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

from app.sandbox.orders import OrderOptions
from app.sandbox.state import StockError
from app.sandbox.transitions import TransitionError

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

#: The step a shop's people and carriers take next (ON_HOLD moves by itself after remorse).
NEXT_STEP = {
    "AWAITING_SHIPMENT": "AWAITING_COLLECTION",
    "PARTIALLY_SHIPPING": "AWAITING_COLLECTION",
    "AWAITING_COLLECTION": "IN_TRANSIT",
    "IN_TRANSIT": "DELIVERED",
    "DELIVERED": "COMPLETED",
}


async def run_live(sandbox: Sandbox) -> None:
    rng = random.Random(f"{sandbox.config.seed}:live-ticker")
    per_second = sandbox.config.order_rate / 60.0
    while True:
        await asyncio.sleep(rng.expovariate(per_second))
        sandbox.tick()
        place_random_order(sandbox, rng)
        advance_random_order(sandbox, rng)


def place_random_order(sandbox: Sandbox, rng: random.Random) -> str | None:
    world, now = sandbox.state, sandbox.clock.now()
    shop = world.shops[rng.choice(sorted(world.shops))]
    sellable = [
        (p, s)
        for p in shop.products.values()
        if p.status == "ACTIVATE"
        for s in p.skus
        if sum(st.available for st in s.stock.values()) > 0
    ]
    if not sellable:
        return None
    picks = rng.sample(sellable, k=min(len(sellable), rng.choice([1, 1, 1, 2])))
    lines = [(p, s, 1) for p, s in picks]
    options = OrderOptions(
        is_on_hold_order=rng.random() < 0.9,
        shipping_type=rng.choice(["TIKTOK", "TIKTOK", "SELLER"]),
    )
    try:
        order = world.place_order(shop, lines, rng.choice(world.buyers[shop.id]), now, options)
    except StockError:
        return None
    if rng.random() < 0.85:  # most buyers pay right away
        world.transition(
            shop, order["id"], "ON_HOLD" if options.is_on_hold_order else "AWAITING_SHIPMENT", now
        )
    return str(order["id"])


def advance_random_order(sandbox: Sandbox, rng: random.Random) -> None:
    world, now = sandbox.state, sandbox.clock.now()
    candidates = [
        (shop, order)
        for shop in world.shops.values()
        for order in shop.orders.values()
        if order["status"] in NEXT_STEP or order["status"] == "UNPAID"
    ]
    if not candidates:
        return
    shop, order = rng.choice(candidates)
    status = order["status"]
    if status == "UNPAID":
        target = (
            "CANCELLED"
            if rng.random() < 0.3
            else ("ON_HOLD" if order["is_on_hold_order"] else "AWAITING_SHIPMENT")
        )
    else:
        target = NEXT_STEP[status]
    try:
        world.transition(shop, order["id"], target, now)
    except TransitionError:
        return
