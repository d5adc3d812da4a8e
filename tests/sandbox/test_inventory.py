"""Stock on TikTok's side: inventory update rules, and what orders do to available/committed."""

from __future__ import annotations

from typing import Any

import httpx

from app.sandbox import Sandbox
from app.sandbox.model import Product, Shop, Sku
from tests.sandbox.support import ShopClient
from tests.sandbox.test_orders import in_stock


def shop_of(sandbox: Sandbox, client: ShopClient) -> Shop:
    return sandbox.state.shops[client.shop_id or ""]


def multi_warehouse_product(shop: Shop) -> tuple[Product, Sku]:
    for product in shop.products.values():
        for sku in product.skus:
            if product.status == "ACTIVATE" and len(sku.stock) > 1:
                return product, sku
    raise AssertionError("the seeded shop has a SKU in two warehouses")


async def update(client: ShopClient, product_id: str, skus: list[dict[str, Any]]) -> dict[str, Any]:
    path = f"/product/202309/products/{product_id}/inventory/update"
    return (await client.call("POST", path, body={"skus": skus})).json()  # type: ignore[no-any-return]


async def test_request_wide_errors(client: ShopClient, sandbox: Sandbox) -> None:
    shop = shop_of(sandbox, client)
    inactive = next(p for p in shop.products.values() if p.status != "ACTIVATE")
    active, sku = multi_warehouse_product(shop)
    other = next(p for p in shop.products.values() if p.status == "ACTIVATE" and p.id != active.id)
    before = [st.available for st in sku.stock.values()]
    row = [{"id": sku.id, "inventory": [{"warehouse_id": w, "quantity": 5} for w in sku.stock]}]
    assert (await update(client, "1234567890123456789", row))["code"] == 12052032
    assert (await update(client, inactive.id, [{"id": inactive.skus[0].id, "inventory": []}]))[
        "code"
    ] == 12052901
    assert (await update(client, active.id, []))["code"] == 12052902
    assert (await update(client, active.id, [{"inventory": []}]))["code"] == 12052036
    assert (await update(client, active.id, row + row))["code"] == 12052553
    foreign = [{"id": other.skus[0].id, "inventory": [{"quantity": 1}]}]
    assert (await update(client, active.id, foreign))["code"] == 12052556
    assert [st.available for st in sku.stock.values()] == before  # nothing applied


async def test_every_assigned_warehouse_is_required(client: ShopClient, sandbox: Sandbox) -> None:
    product, sku = multi_warehouse_product(shop_of(sandbox, client))
    first, second = list(sku.stock)
    before = {w: (s.available, s.committed) for w, s in sku.stock.items()}
    partial = await update(
        client, product.id, [{"id": sku.id, "inventory": [{"warehouse_id": first, "quantity": 9}]}]
    )
    assert partial["code"] == 0
    (error,) = partial["data"]["errors"]
    assert error["code"] == 12052990 and error["detail"]["sku_id"] == sku.id
    assert error["detail"]["extra_errors"] == [
        {
            "warehouse_id": second,
            "code": 12019028,
            "message": error["detail"]["extra_errors"][0]["message"],
        }
    ]
    no_id = await update(client, product.id, [{"id": sku.id, "inventory": [{"quantity": 9}]}])
    assert no_id["data"]["errors"][0]["detail"]["extra_errors"][0]["code"] == 12019028
    assert {w: (s.available, s.committed) for w, s in sku.stock.items()} == before


async def test_quantities_warehouses_and_partial_success(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox, client)
    product, sku = multi_warehouse_product(shop)
    first, second = list(sku.stock)
    unassigned = next(w.id for w in shop.warehouses if w.id not in sku.stock)
    cases = [
        ([(first, 100_000), (second, 1)], 12052055),
        ([(first, -1), (second, 1)], 12052055),
        ([(first, "5"), (second, 1)], 12019024),
        ([(first, 1), (second, 1), ("42", 1)], 12052097),
        ([(first, 1), (second, 1), (unassigned, 1)], 12052533),
    ]
    for rows, code in cases:
        body = [{"id": sku.id, "inventory": [{"warehouse_id": w, "quantity": q} for w, q in rows]}]
        payload = await update(client, product.id, body)
        assert payload["code"] == 0
        assert [x["code"] for x in payload["data"]["errors"][0]["detail"]["extra_errors"]] == [
            code
        ], rows
    # One good SKU and one bad SKU in the same call: the good one is applied.
    siblings = [s for s in product.skus if s.id != sku.id]
    good = siblings[0] if siblings else None
    body = [
        {
            "id": sku.id,
            "inventory": [
                {"warehouse_id": first, "quantity": 0},
                {"warehouse_id": second, "quantity": 99_999},
            ],
        }
    ]
    before_update = product.update_time
    sandbox.clock.advance(10)
    payload = await update(client, product.id, body)
    assert payload["code"] == 0 and payload["data"] == {}
    assert (sku.stock[first].available, sku.stock[second].available) == (
        0,
        99_999,
    )  # 0 stops selling
    assert product.update_time > before_update
    if good is not None:
        mixed = [
            {"id": good.id, "inventory": [{"warehouse_id": w, "quantity": 7} for w in good.stock]},
            {"id": sku.id, "inventory": [{"warehouse_id": first, "quantity": 3}]},
        ]
        payload = await update(client, product.id, mixed)
        assert [e["detail"]["sku_id"] for e in payload["data"]["errors"]] == [sku.id]
        assert (
            all(s.available == 7 for s in good.stock.values()) and sku.stock[first].available == 0
        )


async def test_single_warehouse_sku_may_omit_the_warehouse(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox, client)
    product, sku = next(
        (p, s)
        for p in shop.products.values()
        if p.status == "ACTIVATE"
        for s in p.skus
        if len(s.stock) == 1
    )
    payload = await update(client, product.id, [{"id": sku.id, "inventory": [{"quantity": 12}]}])
    assert payload == {**payload, "code": 0, "data": {}}
    search = await client.ok(
        "POST", "/product/202309/inventory/search", body={"sku_ids": [sku.id], "product_ids": ["1"]}
    )
    (entry,) = search["inventory"]
    assert entry["product_id"] == product.id and entry["skus"][0]["total_available_quantity"] == 12


async def inventory_of(http: httpx.AsyncClient, sku: Sku) -> tuple[int, int]:
    rows = [
        r for r in (await http.get("/sandbox/inventory")).json()["skus"] if r["sku_id"] == sku.id
    ]
    return sum(r["quantity"] for r in rows), sum(r["committed"] for r in rows)


async def test_orders_move_stock(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sku = in_stock(sandbox, 4)
    available, committed = await inventory_of(http, sku)
    placed = (
        await http.post("/sandbox/orders", json={"line_items": [{"sku_id": sku.id, "quantity": 2}]})
    ).json()
    assert await inventory_of(http, sku) == (available - 2, committed + 2)
    api = await client.ok("POST", "/product/202309/inventory/search", body={"sku_ids": [sku.id]})
    row = api["inventory"][0]["skus"][0]
    assert (row["total_available_quantity"], row["total_committed_quantity"]) == (
        available - 2,
        committed + 2,
    )
    cancel = await http.post(
        f"/sandbox/orders/{placed['order']['id']}/status", json={"status": "CANCELLED"}
    )
    assert cancel.json()["order"]["cancellation_initiator"] == "BUYER"
    assert await inventory_of(http, sku) == (available, committed)  # given back before shipment
    shipped = (
        await http.post(
            "/sandbox/orders",
            json={"line_items": [{"sku_id": sku.id, "quantity": 1}], "paid": True},
        )
    ).json()
    url = f"/sandbox/orders/{shipped['order']['id']}/status"
    for status in ("AWAITING_SHIPMENT", "AWAITING_COLLECTION"):
        await http.post(url, json={"status": status})
    assert await inventory_of(http, sku) == (available - 1, committed + 1)
    await http.post(url, json={"status": "IN_TRANSIT"})
    assert await inventory_of(http, sku) == (available - 1, committed)  # handed to the carrier
    too_many = await http.post(
        "/sandbox/orders", json={"line_items": [{"sku_id": sku.id, "quantity": available}]}
    )
    assert too_many.status_code == 409
