"""Stock push budget: 1,000 edits across 100 products go out as exactly 100 inventory updates,
in at most 1.2x the time the rate limit allows (calls / QPS)."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx

from app.store.stock import save_manual_stock
from app.store.stock_levels import fetch_stock_rows
from app.sync.catalog import sync_catalog
from app.sync.pusher import PushResult, push_pending
from app.sync.session import open_session
from app.sync.stock import stock_defaults
from tests.benchmarks.sandbox_process import BenchShop, connected

QPS = 50
PRODUCTS = 100
EDITS = 1000
UPDATE_PATH = "/inventory/update"


async def update_calls(admin: httpx.AsyncClient) -> int:
    by_path = (await admin.get("/sandbox/calls")).json()["by_path"]
    return sum(n for path, n in by_path.items() if path.endswith(UPDATE_PATH))


async def edit_and_push(shop: BenchShop) -> dict[str, Any]:
    admin = httpx.AsyncClient(base_url=shop.info["api_base"], timeout=30)
    session = open_session(shop.paths, shop.settings, shop.secrets)
    try:
        await sync_catalog(session)
        defaults = stock_defaults(session.settings)
        rows = [r for r in fetch_stock_rows(session.db, defaults) if r.product_status == "ACTIVATE"]
        by_product: dict[str, list[str]] = {}
        for row in rows:
            by_product.setdefault(row.product_id, []).append(row.sku_id)
        products = sorted(by_product)[:PRODUCTS]
        skus = [s for p in products for s in by_product[p]]
        committed = {r.sku_id: r.committed for r in rows}
        rng = random.Random(4)
        # Every product gets an edit, then the rest land anywhere: many SKUs are edited
        # several times and only the last count of each may go out.
        picks = [rng.choice(by_product[p]) for p in products]
        picks += [rng.choice(skus) for _ in range(EDITS - len(picks))]
        last: dict[str, int] = {}
        for sku_id in picks:
            last[sku_id] = committed[sku_id] + rng.randrange(0, 60)
            save_manual_stock(session.db, sku_id, on_hand=last[sku_id], now=int(time.time()))
        await asyncio.sleep(1.1)  # the rate-limit buckets (ours and the sandbox's) refill
        before = await update_calls(admin)
        began = time.perf_counter()
        result: PushResult = await push_pending(session)
        wall = time.perf_counter() - began
        calls = await update_calls(admin) - before
        after = {r.sku_id: r for r in fetch_stock_rows(session.db, defaults, sku_ids=list(last))}
        truth = (await admin.get("/sandbox/inventory")).json()["skus"]
    finally:
        await session.aclose()
        await admin.aclose()
    listed: dict[str, int] = {}
    for row in truth:
        listed[row["sku_id"]] = listed.get(row["sku_id"], 0) + row["quantity"]
    wrong = [s for s in last if listed[s] != after[s].target or after[s].on_hand != last[s]]
    return {
        "products": len(products),
        "skus": len(last),
        "edits": len(picks),
        "calls": calls,
        "wall": wall,
        "result": result,
        "wrong": wrong,
    }


def run() -> list[dict[str, Any]]:
    flags = ("--orders", "200", "--products", str(PRODUCTS + 20), "--qps", str(QPS))
    with connected(*flags, "--seed", "12") as shop:
        figures = asyncio.run(edit_and_push(shop))
    floor = figures["calls"] / QPS
    ratio = figures["wall"] / floor if floor else float("inf")
    result: PushResult = figures["result"]
    checked = "all landed" if not figures["wrong"] else f"{len(figures['wrong'])} SKUs WRONG"
    return [
        {
            "name": "stock_push_update_calls",
            "value": figures["calls"],
            "unit": "calls",
            "budget": f"exactly {PRODUCTS} (one per product touched)",
            "detail": f"{figures['edits']} edits of {figures['skus']} SKUs in "
            f"{figures['products']} products; {len(result.pushed)} SKUs pushed, "
            f"{len(result.failed)} failed; {checked} in the sandbox",
        },
        {
            "name": "stock_push_wall_vs_rate_floor",
            "value": round(ratio, 3),
            "unit": "x",
            "budget": "<= 1.2",
            "detail": f"{figures['wall']:.2f} s for the whole push (orders pulled before and "
            f"after, {result.api_calls} API calls in all) vs floor {floor:.2f} s "
            f"({figures['calls']} updates at {QPS} QPS)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
