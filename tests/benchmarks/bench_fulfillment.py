"""Shipping 500 orders from a CSV: API calls, and wall time against the rate-limit floor."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from app.sync.fulfillment import Fulfiller
from app.sync.poller import poll_once
from app.sync.session import open_session
from app.sync.ship_requests import plan_ship_file, save_plan
from tests.benchmarks.sandbox_process import connected

ORDERS = 500
QPS = 50


def place_seller_orders(
    api_base: str, count: int = ORDERS, shipping_type: str = "SELLER"
) -> list[str]:
    """Paid orders of one unit each, awaiting shipment."""
    placed: list[str] = []
    with httpx.Client(base_url=api_base, timeout=30) as admin:
        stock = admin.get("/sandbox/inventory").json()["skus"]
        units = [r["sku_id"] for r in stock for _ in range(max(0, r["quantity"]))]
        for sku in units:
            answer = admin.post(
                "/sandbox/orders",
                json={
                    "line_items": [{"sku_id": sku, "quantity": 1}],
                    "paid": True,
                    "is_on_hold_order": False,
                    "shipping_type": shipping_type,
                },
            )
            if answer.status_code == 200:
                placed.append(answer.json()["order"]["id"])
            if len(placed) == count:
                break
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
    assert len(placed) == count, f"only {len(placed)} orders could be placed"
    return placed


def run() -> list[dict[str, Any]]:
    with connected("--orders", "0", "--products", "60", "--qps", str(QPS), "--seed", "44") as shop:
        order_ids = place_seller_orders(shop.info["api_base"])

        async def ship_all() -> dict[str, Any]:
            session = open_session(shop.paths, shop.settings, shop.secrets)
            try:
                await poll_once(session)
                fulfiller = Fulfiller(session)
                providers = await fulfiller.providers(order_ids[0])
                csv_text = "order_id,tracking_number,provider\n" + "".join(
                    f"{oid},TRK{n:08d},{providers[0][1]}\n" for n, oid in enumerate(order_ids)
                )
                plan = plan_ship_file(session.db, csv_text)
                save_plan(session.db, plan, now=int(time.time()))
                await asyncio.sleep(1.1)  # the sandbox's per-second budget refills
                calls_before = session.stats.calls
                began = time.perf_counter()
                result = await fulfiller.push_writes()
                wall = time.perf_counter() - began
                calls = session.stats.calls - calls_before
                ship_calls = sum(
                    1
                    for c in session.stats.recent[-calls:]
                    if c.api.endswith("/orders/{order_id}/packages")
                )
                return {
                    "wall": wall,
                    "calls": calls,
                    "ship_calls": ship_calls,
                    "shipped": sum(o.ok for o in result.outcomes),
                    "throttled": session.stats.throttled,
                }
            finally:
                await session.aclose()

        figures = asyncio.run(ship_all())
    floor = figures["ship_calls"] / QPS
    return [
        {
            "name": "ship_500_from_csv",
            "value": round(figures["wall"] / floor, 3),
            "unit": "x floor",
            "budget": "API calls and wall time vs the rate-limit floor (calls / 50 QPS)",
            "detail": f"{figures['shipped']} shipped in {figures['wall']:.2f} s; "
            f"{figures['ship_calls']} mark-shipped calls (floor {floor:.1f} s) + "
            f"{figures['calls'] - figures['ship_calls']} order-detail refreshes; "
            f"{figures['throttled']} throttled",
        }
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
