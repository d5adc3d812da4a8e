"""Our own control API under /sandbox/ (DESIGN.md 5): ground truth and levers for tests.

Contract endpoints: GET/POST /sandbox/orders, POST /sandbox/orders/{id}/status,
GET /sandbox/inventory, GET /sandbox/calls, GET/PUT /sandbox/faults, GET /sandbox/webhooks,
POST /sandbox/clock.

POST /sandbox/orders also takes "paid" (pay it at once) and "buyer_user_id" (another order of
that buyer). Label endpoints are in admin_labels.py.

Extra endpoints:
- GET  /sandbox/clock        {"now", "offset"}
- GET  /sandbox/info         {"app_key", "service_id", "shops": [{"id", "name", "cipher", ...}]}
- POST /sandbox/orders/{id}/status also takes {"at": unix}: the change is recorded at that
                             earlier shop time (update_time = the time of the status change,
                             which search may show late), not at now
- POST /sandbox/orders/{id}/buyer_cancel_request   {"cancel_reason"?}
                             a buyer asks to cancel (CANCELLATION_STATUS_CHANGE, pending);
                             answers {"order", "cancel_id"}; unanswered, the system accepts it
                             at the deadline
- GET  /sandbox/packages     {"packages": [package objects exactly as Get Package Detail
                             returns them]}
- POST /sandbox/packages/{id}/collect
                             the carrier picks a shipped package up (IN_TRANSIT once it has
                             all of the order's packages)
- POST /sandbox/packages/{id}/deliver
                             the carrier delivers it (DELIVERED once all have arrived)
- GET  /sandbox/cancellations
                             {"cancellations": [records exactly as Search Cancellations
                             returns them]}
- POST /sandbox/orders/{id}/address   {"address_line1"}
                             the buyer edits the address (RECIPIENT_ADDRESS_UPDATE)
- POST /sandbox/products/{id}         {"title"?, "status"?}
                             the seller edits a product in Seller Center
                             (PRODUCT_INFORMATION_CHANGE, PRODUCT_STATUS_CHANGE)
- POST /sandbox/deauthorize  {"shop_id"?}: the seller revokes the app (SELLER_DEAUTHORIZATION)
JSON in and out, no signing; errors are {"error": "..."} with HTTP 400, 404 or 409.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.sandbox import cancellations, packages, shipping, transitions
from app.sandbox.api_products import PRODUCT_STATUSES
from app.sandbox.model import Package, Shop
from app.sandbox.orders import ORDER_TYPES, OrderOptions
from app.sandbox.state import StockError
from app.sandbox.transitions import TransitionError

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

BOOL_FLAGS = (
    "is_cod",
    "is_sample_order",
    "is_on_hold_order",
    "is_replacement_order",
    "is_exchange_order",
)
CHOICES = {
    "order_type": ORDER_TYPES,
    "shipping_type": ("TIKTOK", "SELLER"),
    "fulfillment_type": ("FULFILLMENT_BY_SELLER", "FULFILLMENT_BY_TIKTOK"),
    "delivery_type": ("HOME_DELIVERY", "COLLECTION_POINT"),
}


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    sandbox.tick()
    return sandbox


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise AdminError(400, "the body must be a JSON object") from None
    if not isinstance(value, dict):
        raise AdminError(400, "the body must be a JSON object")
    return value


def handled(func: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(await func(request))
        except AdminError as error:
            return JSONResponse({"error": error.message}, status_code=error.status)

    return endpoint


def _order(sandbox: Sandbox, order_id: str) -> tuple[Any, dict[str, Any], Any]:
    found = sandbox.state.find_order(order_id)
    if found is None:
        raise AdminError(404, f"no order {order_id}")
    return found


async def list_orders(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    shops = sandbox.state.shops.values()
    return {"orders": [o for shop in shops for o in shop.orders.values()]}


async def create_order(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    world = sandbox.state
    items = body.get("line_items")
    if not isinstance(items, list) or not items:
        raise AdminError(400, "line_items must be a non-empty list of {sku_id, quantity}")
    lines, shops = [], set()
    for item in items:
        sku_id = item.get("sku_id") if isinstance(item, dict) else None
        quantity = item.get("quantity", 1) if isinstance(item, dict) else None
        if sku_id not in world.sku_index:
            raise AdminError(400, f"unknown sku_id {sku_id!r}")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 500:
            raise AdminError(400, "quantity must be an integer from 1 to 500")
        shop, product, sku = world.sku_index[sku_id]
        shops.add(shop.id)
        lines.append((product, sku, quantity))
    if len(shops) > 1:
        raise AdminError(400, "all SKUs of one order must belong to one shop")
    options = _options(body)
    shop = world.shops[shops.pop()]
    buyer = world.rng.choice(world.buyers[shop.id])
    if "buyer_user_id" in body:  # another order of a known buyer (their packages may combine)
        known = [b for b in world.buyers[shop.id] if b.user_id == body["buyer_user_id"]]
        if not known:
            raise AdminError(400, f"unknown buyer_user_id {body['buyer_user_id']!r}")
        buyer = known[0]
    now = sandbox.clock.now()
    try:
        order = world.place_order(shop, lines, buyer, now, options)
    except StockError as error:
        raise AdminError(409, str(error)) from None
    if body.get("paid"):
        world.transition(
            shop, order["id"], "ON_HOLD" if options.is_on_hold_order else "AWAITING_SHIPMENT", now
        )
    return {"order": order}


def _options(body: dict[str, Any]) -> OrderOptions:
    values: dict[str, Any] = {}
    for flag in BOOL_FLAGS:
        if flag in body:
            if not isinstance(body[flag], bool):
                raise AdminError(400, f"{flag} must be true or false")
            values[flag] = body[flag]
    for name, choices in CHOICES.items():
        if name in body:
            if body[name] not in choices:
                raise AdminError(400, f"{name} must be one of {', '.join(choices)}")
            values[name] = body[name]
    for name in ("replaced_order_id", "exchange_source_order_id", "buyer_message"):
        if name in body:
            values[name] = str(body[name])
    order_type = values.get("order_type", "NORMAL")
    if order_type == "PRE_ORDER":
        values["release_date"] = int(body.get("release_date", 0)) or None
    if order_type in {"MADE_TO_ORDER", "BACK_ORDER"}:
        values["handling_days"] = int(body.get("handling_days", 5))
    if "discount_rate" in body:
        values["discount_rate"] = Decimal(str(body["discount_rate"]))
    return OrderOptions(**values)


async def order_status(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    shop, order, meta = _order(sandbox, request.path_params["order_id"])
    target = body.get("status")
    if not isinstance(target, str):
        raise AdminError(400, 'give {"status": "<ORDER STATUS>"}')
    now = sandbox.clock.now()
    at = body.get("at", now)
    if isinstance(at, bool) or not isinstance(at, int) or at > now:
        raise AdminError(400, "at must be a shop time (unix seconds) no later than now")
    try:
        transitions.apply(
            sandbox.state,
            shop,
            order,
            meta,
            target,
            at,
            cancel_reason=body.get("cancel_reason"),
            initiator=body.get("cancellation_initiator"),
        )
    except TransitionError as error:
        status = 400 if target not in transitions.TRANSITIONS else 409
        raise AdminError(status, str(error)) from None
    return {"order": order}


async def buyer_cancel_request(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    shop, order, meta = _order(sandbox, request.path_params["order_id"])
    reason = body.get("cancel_reason")
    if reason is not None and not isinstance(reason, str):
        raise AdminError(400, "cancel_reason must be a buyer's reason name")
    try:
        transitions.request_cancellation(
            sandbox.state, shop, order, meta, sandbox.clock.now(), reason
        )
    except TransitionError as error:
        raise AdminError(409, str(error)) from None
    return {"order": order, "cancel_id": meta.cancel_id}


async def list_packages(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    return {
        "packages": [
            packages.to_detail_api(shop, package)
            for shop in sandbox.state.shops.values()
            for package in shop.packages.values()
        ]
    }


def _shipped_package(sandbox: Sandbox, package_id: str, allowed: set[str]) -> tuple[Shop, Package]:
    found = sandbox.state.find_package(package_id)
    if found is None:
        raise AdminError(404, f"no package {package_id}")
    if found[1].status not in allowed:
        raise AdminError(
            409,
            f"package {package_id} is {found[1].status}; expected {' or '.join(sorted(allowed))}",
        )
    return found


async def collect_package(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    shop, package = _shipped_package(sandbox, request.path_params["package_id"], {"PROCESSING"})
    shipping.collect(sandbox.state, shop, package, sandbox.clock.now())
    return {"package": packages.to_detail_api(shop, package)}


async def deliver_package(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    shop, package = _shipped_package(
        sandbox, request.path_params["package_id"], {"PROCESSING", "FULFILLING"}
    )
    shipping.deliver(sandbox.state, shop, package, sandbox.clock.now())
    return {"package": packages.to_detail_api(shop, package)}


async def list_cancellations(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    return {
        "cancellations": [
            cancellations.to_api(shop, entry)
            for shop in sandbox.state.shops.values()
            for entry in shop.cancellations.values()
        ]
    }


async def order_address(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    shop, order, meta = _order(sandbox, request.path_params["order_id"])
    line1 = body.get("address_line1")
    if not isinstance(line1, str) or not line1.strip():
        raise AdminError(400, 'give {"address_line1": "<street address>"}')
    try:
        transitions.update_address(
            sandbox.state, shop, order, meta, sandbox.clock.now(), line1.strip()
        )
    except TransitionError as error:
        raise AdminError(409, str(error)) from None
    return {"order": order}


async def edit_product(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    world, now = sandbox.state, sandbox.clock.now()
    product_id = request.path_params["product_id"]
    shop = next((s for s in world.shops.values() if product_id in s.products), None)
    if shop is None:
        raise AdminError(404, f"no product {product_id}")
    product = shop.products[product_id]
    title, status = body.get("title"), body.get("status")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise AdminError(400, "title must be a non-empty string")
    if status is not None and (status not in PRODUCT_STATUSES or status == "ALL"):
        raise AdminError(400, f"status must be one of {', '.join(PRODUCT_STATUSES[1:])}")
    if title is None and status is None:
        raise AdminError(400, 'give {"title": ...} and/or {"status": ...}')
    product.update_time = max(product.update_time, now)
    if title is not None and title != product.title:
        product.title = title.strip()
        world.emit(
            shop,
            "PRODUCT_INFORMATION_CHANGE",
            {
                "product_id": product.id,
                "change_source": "SELLER_CENTER",
                "changed_fields": ["title"],
                "update_time": now,
            },
        )
    if status is not None and status != product.status:
        product.status = status
        # 5-product-status-change.md sends product_id as a JSON number.
        world.emit(
            shop,
            "PRODUCT_STATUS_CHANGE",
            {
                "product_id": int(product.id),
                "status": "PRODUCT_STATUS_CHANGED",
                "suspended_reason": "",
                "update_time": now,
            },
        )
    return {"product": product.to_search_api(shop.currency, shop.region)}


async def inventory(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    rows = []
    for shop in sandbox.state.shops.values():
        for product in shop.products.values():
            for sku in product.skus:
                for warehouse_id, stock in sku.stock.items():
                    rows.append(
                        {
                            "product_id": product.id,
                            "sku_id": sku.id,
                            "seller_sku": sku.seller_sku,
                            "warehouse_id": warehouse_id,
                            "quantity": stock.available,
                            "committed": stock.committed,
                        }
                    )
    return {"skus": rows}


async def calls(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    found = sandbox.state.counters.to_dict()
    if sandbox.hourly is not None:  # a development shop: its hourly budget and what is used
        found["hourly"] = {
            "limit": sandbox.hourly.limit,
            "used": sandbox.hourly.used(sandbox.clock.now()),
        }
    return found


async def get_faults(request: Request) -> dict[str, Any]:
    return _sandbox(request).faults.settings.to_dict()


async def put_faults(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    try:
        return sandbox.faults.update(body).to_dict()
    except ValueError as error:
        raise AdminError(400, str(error)) from None


async def webhooks(request: Request) -> dict[str, Any]:
    return {"deliveries": [d.to_admin() for d in _sandbox(request).webhooks.log]}


async def get_clock(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    return {"now": sandbox.clock.now(), "offset": sandbox.clock.offset}


async def advance_clock(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    seconds = body.get("advance_seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise AdminError(400, "advance_seconds must be a number >= 0 (the clock never goes back)")
    sandbox.clock.advance(seconds)
    sandbox.tick()
    return {"now": sandbox.clock.now(), "offset": sandbox.clock.offset}


async def deauthorize(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    world = sandbox.state
    shop_id = body.get("shop_id")
    if shop_id is not None and shop_id not in world.shops:
        raise AdminError(404, f"no shop {shop_id}")
    shop_ids = [shop_id] if shop_id else list(world.shops)
    world.deauthorize(shop_ids)
    return {"deauthorized": shop_ids}


async def info(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    return {
        "app_key": sandbox.app_key,
        "service_id": sandbox.service_id,
        "shops": [
            {
                "id": s.id,
                "name": s.name,
                "cipher": s.cipher,
                "region": s.region,
                "seller_type": s.seller_type,
            }
            for s in sandbox.state.shops.values()
        ],
    }


ADMIN_ROUTES = [
    Route("/sandbox/orders", handled(list_orders), methods=["GET"]),
    Route("/sandbox/orders", handled(create_order), methods=["POST"]),
    Route("/sandbox/orders/{order_id}/status", handled(order_status), methods=["POST"]),
    Route(
        "/sandbox/orders/{order_id}/buyer_cancel_request",
        handled(buyer_cancel_request),
        methods=["POST"],
    ),
    Route("/sandbox/orders/{order_id}/address", handled(order_address), methods=["POST"]),
    Route("/sandbox/packages", handled(list_packages), methods=["GET"]),
    Route("/sandbox/packages/{package_id}/collect", handled(collect_package), methods=["POST"]),
    Route("/sandbox/packages/{package_id}/deliver", handled(deliver_package), methods=["POST"]),
    Route("/sandbox/cancellations", handled(list_cancellations), methods=["GET"]),
    Route("/sandbox/products/{product_id}", handled(edit_product), methods=["POST"]),
    Route("/sandbox/inventory", handled(inventory), methods=["GET"]),
    Route("/sandbox/calls", handled(calls), methods=["GET"]),
    Route("/sandbox/faults", handled(get_faults), methods=["GET"]),
    Route("/sandbox/faults", handled(put_faults), methods=["PUT"]),
    Route("/sandbox/webhooks", handled(webhooks), methods=["GET"]),
    Route("/sandbox/clock", handled(get_clock), methods=["GET"]),
    Route("/sandbox/clock", handled(advance_clock), methods=["POST"]),
    Route("/sandbox/deauthorize", handled(deauthorize), methods=["POST"]),
    Route("/sandbox/info", handled(info), methods=["GET"]),
]
