"""Every answer holds only fields its spec-json documents, with the documented types."""

from __future__ import annotations

from app.sandbox import Sandbox
from tests.sandbox.conformance import assert_conforms, problems, response_tree
from tests.sandbox.support import ShopClient


async def test_checker_catches_undocumented_fields_and_wrong_types() -> None:
    tree = response_tree("authorization/get-authorized-shops.spec.json")
    good = {"code": 0, "message": "Success", "request_id": "x", "data": {"shops": [{"id": "1"}]}}
    assert problems(good, tree) == []
    assert problems({**good, "extra": 1}, tree, "$") == ["$.extra: not documented"]
    bad_type = {"code": True, "message": "m", "request_id": "x", "data": {"shops": [{"id": 1}]}}
    assert len(problems(bad_type, tree)) == 2


async def test_shops(client: ShopClient) -> None:
    for path, spec in (
        ("/authorization/202309/shops", "authorization/get-authorized-shops.spec.json"),
        ("/seller/202309/shops", "seller/get-active-shops.spec.json"),
    ):
        response = await client.call("GET", path, shop=False)
        assert_conforms(response.json(), spec)


async def test_order_search_and_detail_cover_every_order(
    client: ShopClient, sandbox: Sandbox
) -> None:
    token, ids = "", []
    while True:
        params = {"page_size": "100", **({"page_token": token} if token else {})}
        payload = (
            await client.call("POST", "/order/202309/orders/search", params=params, body={})
        ).json()
        assert_conforms(payload, "orders/get-order-list.spec.json")
        ids += [o["id"] for o in payload["data"]["orders"]]
        token = payload["data"]["next_page_token"]
        if not token:
            break
    assert len(ids) == 300
    for start in range(0, len(ids), 50):
        chunk = ",".join(ids[start : start + 50])
        payload = (await client.call("GET", "/order/202309/orders", params={"ids": chunk})).json()
        assert_conforms(payload, "orders/get-order-detail.spec.json")
        assert len(payload["data"]["orders"]) == len(ids[start : start + 50])


async def test_products_inventory_and_warehouses(client: ShopClient, sandbox: Sandbox) -> None:
    for path in ("/product/202309/products/search", "/product/202502/products/search"):
        payload = (await client.call("POST", path, params={"page_size": "100"}, body={})).json()
        assert_conforms(payload, "products/search-products.spec.json")
    shop = sandbox.state.shops[client.shop_id or ""]
    for product_id in shop.products:
        payload = (await client.call("GET", f"/product/202309/products/{product_id}")).json()
        assert_conforms(payload, "products/get-product.spec.json")
    body = {"product_ids": list(shop.products)}
    payload = (await client.call("POST", "/product/202309/inventory/search", body=body)).json()
    assert_conforms(payload, "products/inventory-search.spec.json")
    assert len(payload["data"]["inventory"]) == len(shop.products)
    payload = (await client.call("GET", "/logistics/202309/warehouses")).json()
    assert_conforms(payload, "logistics/get-warehouse-list.spec.json")


async def test_inventory_update_errors_and_webhook_api(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = sandbox.state.shops[client.shop_id or ""]
    product = next(p for p in shop.products.values() if p.status == "ACTIVATE")
    body = {
        "skus": [{"id": product.skus[0].id, "inventory": [{"warehouse_id": "1", "quantity": 5}]}]
    }
    path = f"/product/202309/products/{product.id}/inventory/update"
    payload = (await client.call("POST", path, body=body)).json()
    assert payload["data"]["errors"]
    assert_conforms(payload, "products/update-inventory.spec.json")
    hook = {"address": "https://example.com/hooks", "event_type": "ORDER_STATUS_CHANGE"}
    payload = (await client.call("PUT", "/event/202309/webhooks", body=hook)).json()
    assert_conforms(payload, "event/update-shop-webhook.spec.json")
    payload = (await client.call("GET", "/event/202309/webhooks")).json()
    assert_conforms(payload, "event/get-shop-webhooks.spec.json")
    assert payload["data"]["total_count"] == 1
    body = {"event_type": "ORDER_STATUS_CHANGE"}
    payload = (await client.call("DELETE", "/event/202309/webhooks", body=body)).json()
    assert_conforms(payload, "event/delete-shop-webhook.spec.json")
