"""TikTok's API paths: the route table, injected faults, then common checks and the endpoint."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.sandbox import (
    api_cancellations,
    api_finance,
    api_fulfillment,
    api_labels,
    api_logistics,
    api_orders,
    api_products,
    api_returns,
    api_shop,
)
from app.sandbox import errors as e
from app.sandbox.errors import ApiError, envelope, error_response
from app.sandbox.validation import Route, Router, validate

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

# Methods, paths and scopes from spec-json (`method`, `interface_path`, `scope_list`, where
# several scopes mean any of them); the Get Order Detail and Search Products specs are the
# newer 202507 / 202502 pages, served too.
ROUTES = [
    Route(
        "GET",
        "/authorization/202309/shops",
        api_shop.authorized_shops,
        "seller.authorization.info",
        shop_scoped=False,
    ),
    Route(
        "GET", "/seller/202309/shops", api_shop.active_shops, "seller.shop.info", shop_scoped=False
    ),
    Route("POST", "/order/202309/orders/search", api_orders.search_orders, "seller.order.info"),
    Route("GET", "/order/202309/orders", api_orders.order_detail, "seller.order.info"),
    Route("GET", "/order/202507/orders", api_orders.order_detail, "seller.order.info"),
    Route(
        "POST",
        "/product/202309/products/search",
        api_products.search_products,
        "seller.product.basic",
    ),
    Route(
        "POST",
        "/product/202502/products/search",
        api_products.search_products,
        "seller.product.basic",
    ),
    Route(
        "GET",
        "/product/202309/products/{product_id}",
        api_products.get_product,
        "seller.product.basic",
    ),
    Route(
        "POST",
        "/product/202309/inventory/search",
        api_products.search_inventory,
        "seller.product.basic",
    ),
    Route(
        "POST",
        "/product/202309/products/{product_id}/inventory/update",
        api_products.update_inventory,
        "seller.product.write",
    ),
    Route("GET", "/logistics/202309/warehouses", api_shop.warehouses, "seller.logistics"),
    Route(
        "GET",
        "/logistics/202309/warehouses/{warehouse_id}/delivery_options",
        api_logistics.delivery_options,
        "seller.logistics",
    ),
    Route(
        "GET",
        "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers",
        api_logistics.shipping_providers,
        "seller.fulfillment.basic",
        any_of=("seller.logistics",),
    ),
    Route(
        "POST",
        "/fulfillment/202309/orders/{order_id}/packages",
        api_fulfillment.mark_as_shipped,
        "seller.fulfillment.basic",
    ),
    Route(
        "POST",
        "/fulfillment/202309/packages/{package_id}/ship",
        api_fulfillment.ship_package,
        "seller.fulfillment.basic",
    ),
    Route(
        "POST",
        "/fulfillment/202309/packages/ship",
        api_fulfillment.batch_ship,
        "seller.fulfillment.basic",
    ),
    Route(
        "POST",
        "/fulfillment/202309/orders/{order_id}/shipping_info/update",
        api_fulfillment.update_order_shipping,
        "seller.logistics",
    ),
    Route(
        "POST",
        "/fulfillment/202309/packages/{package_id}/shipping_info/update",
        api_fulfillment.update_package_shipping,
        "seller.fulfillment.basic",
    ),
    Route(
        "GET",
        "/fulfillment/202309/packages/{package_id}",
        api_fulfillment.package_detail,
        "seller.fulfillment.basic",
    ),
    Route(
        "POST",
        "/fulfillment/202309/packages/search",
        api_fulfillment.search_packages,
        "seller.fulfillment.basic",
    ),
    Route(
        "GET",
        "/fulfillment/202309/orders/{order_id}/tracking",
        api_fulfillment.tracking,
        "seller.logistics",
    ),
    *api_labels.ROUTES,
    Route(
        "POST",
        "/return_refund/202309/cancellations/search",
        api_cancellations.search_cancellations,
        "seller.return_refund.basic",
    ),
    Route(
        "POST",
        "/return_refund/202309/cancellations/{cancel_id}/approve",
        api_cancellations.approve,
        "seller.return_refund.basic",
    ),
    Route(
        "POST",
        "/return_refund/202309/cancellations/{cancel_id}/reject",
        api_cancellations.reject,
        "seller.return_refund.basic",
    ),
    Route(
        "POST",
        "/return_refund/202309/cancellations",
        api_cancellations.cancel_order,
        "seller.return_refund.basic",
    ),
    Route("GET", "/event/202309/webhooks", api_shop.get_webhooks, "seller.authorization.info"),
    Route("PUT", "/event/202309/webhooks", api_shop.put_webhook, "seller.authorization.info"),
    Route("DELETE", "/event/202309/webhooks", api_shop.delete_webhook, "seller.authorization.info"),
    *api_finance.ROUTES,
    *api_returns.ROUTES,
]
ROUTER = Router(ROUTES)

HTML_ERROR = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>Service Unavailable"
    b"</h1></center><hr><center>Tengine</center></body></html>"
)


class DroppedResponse(Response):
    """Headers promising a body, then half of it, then nothing: the connection dies mid-answer.

    On a real server uvicorn closes the connection when the app returns early, so the client
    sees a protocol error (an in-process ASGITransport raises instead).
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"512")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b'{"code":0,"message":"Succ', "more_body": True}
        )


async def api_endpoint(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    path = request.scope["path"]
    sandbox.state.counters.count(path)
    try:
        route, path_params = ROUTER.match(request.method, path)
    except ApiError as error:
        return error_response(error)

    decision = sandbox.faults.decide_api()
    if decision.slow_seconds:
        await asyncio.sleep(decision.slow_seconds)
    if decision.fault == "drop":
        return DroppedResponse()
    if decision.fault in {"http_500", "http_503"}:
        status = 500 if decision.fault == "http_500" else 503
        body = HTML_ERROR if decision.html_body else b""
        return Response(body, status_code=status, media_type="text/html" if body else None)
    if decision.fault == "error_code":
        return error_response(ApiError.of(e.INTERNAL_ERROR))
    if decision.fault == "throttle":
        sandbox.state.counters.throttled += 1
        return error_response(ApiError.of(e.TOO_MANY_REQUESTS))

    try:
        raw_body = await request.body()
    except ClientDisconnect:
        return Response(status_code=499)  # the caller hung up (e.g. a killed process): no answer
    sandbox.tick()
    try:
        call = validate(
            sandbox,
            route=route,
            path_params=path_params,
            method=request.method,
            path=path,
            raw_query=request.scope.get("query_string", b""),
            headers={k.lower(): v for k, v in request.headers.items()},
            raw_body=raw_body,
            base_url=str(request.base_url).rstrip("/"),
        )
        response = envelope(route.handler(sandbox, call))
    except ApiError as error:
        response = error_response(error)
    delay = sandbox.faults.settings.api_answer_delay_seconds
    if delay:
        await asyncio.sleep(delay)  # handled already: only the answer is late
    return response
