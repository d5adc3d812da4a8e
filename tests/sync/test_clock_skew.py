"""This computer's clock two hours off, either way: no new order or update is missed, and the
skew is shown (status and the Health tab read it from SQLite)."""

from __future__ import annotations

import time

import pytest

from app.commands.status import collect_status
from app.sync.importer import OrderImporter, default_range
from app.sync.poller import poll_once
from tests.order_flow import next_status
from tests.sync.conftest import ConnectedShop

TWO_HOURS = 7200


async def place_orders(shop: ConnectedShop, count: int) -> list[str]:
    skus = (await shop.admin.get("/sandbox/inventory")).json()["skus"]
    placed: list[str] = []
    for n in range(count * 10):
        answer = await shop.admin.post(
            "/sandbox/orders",
            json={"line_items": [{"sku_id": skus[n % len(skus)]["sku_id"], "quantity": 1}]},
        )
        if answer.status_code == 200:  # some products are not for sale
            placed.append(answer.json()["order"]["id"])
        if len(placed) == count:
            return placed
    raise AssertionError(f"only {len(placed)} orders could be placed")


@pytest.mark.parametrize("skew", [TWO_HOURS, -TWO_HOURS], ids=["ahead", "behind"])
async def test_orders_keep_arriving_with_this_computers_clock_two_hours_off(
    connect_shop, skew: int
) -> None:
    shop: ConnectedShop = await connect_shop(orders=120)

    def clock() -> float:
        return time.time() + skew

    session = shop.session(clock=clock)
    await OrderImporter(session, clock=clock).run(*default_range(clock(), 90))
    await shop.later(2)
    new = await place_orders(shop, 12)
    truth = await shop.truth()
    moved = []
    for order in truth.values():
        target = next_status(order)
        if target is not None and order["id"] not in new and len(moved) < 30:
            await shop.move(order["id"], target)
            moved.append(order["id"])
    await shop.later(2)
    for _ in range(2):
        await poll_once(session, clock=clock)
    truth = await shop.truth()
    rows = dict(session.db.execute("SELECT id, update_time FROM orders").fetchall())
    missing = [o for o in new if o not in rows]
    stale = [o for o in moved if rows.get(o) != truth[o]["update_time"]]
    assert not missing and not stale, (
        f"{len(missing)} of {len(new)} new orders and {len(stale)} of {len(moved)} updates missed"
    )
    status = collect_status(shop.paths)
    assert abs(status["clock_skew_seconds"] - skew) <= 5
    assert "clock" in status["clock_warning"] and "2 h" in status["clock_warning"]
    await session.aclose()


async def test_a_right_clock_shows_no_skew(connect_shop) -> None:
    shop: ConnectedShop = await connect_shop(orders=20)
    session = shop.session()
    await poll_once(session)
    status = collect_status(shop.paths)
    assert abs(status["clock_skew_seconds"]) <= 2 and status["clock_warning"] is None
    await session.aclose()
