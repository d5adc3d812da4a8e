"""Fulfilment endpoints: ship, fix tracking, read packages and tracking (FACTS.md 6).

Checks run in the order a caller can fix them: the request's own fields, then the order's
state (fulfilled by TikTok, cancelled, not paid yet, an after-sale request pending), then
the package and items, then the carrier and tracking number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.sandbox import cancellations, logistics, packages, shipping, transitions
from app.sandbox import errors as e
from app.sandbox.errors import ApiError
from app.sandbox.market import cancel_request_blocks_shipping
from app.sandbox.model import Package, Shop
from app.sandbox.packages import TO_FULFILL, Shipment
from app.sandbox.paging import fingerprint, page
from app.sandbox.params import (
    body_int,
    body_str,
    body_str_list,
    body_time_bounds,
    in_bounds,
    query_choice,
    query_int,
)
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

#: Letters and digits, as carriers print them; the specs' samples are "JX12345" and
#: "576460868968549926". Anything else is 21011022 (invalid tracking number).
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{6,40}")
#: FACTS.md 6 / update-shipping-info: shipping info may be fixed within 72 hours of shipping.
UPDATE_WINDOW = 72 * 3600
MAX_PAGE = 50  # search-package: page_size [1-50]
#: search-package documents four statuses; TO_FULFILL (get-order-detail's package_status for
#: "waiting seller to arrange shipment") names packages not shipped yet.
PACKAGE_STATUSES = ("TO_FULFILL", "PROCESSING", "FULFILLING", "COMPLETED", "CANCELLED")


def _fail(detail: str) -> ApiError:
    return ApiError.of(e.INVALID_PARAMS, detail)


def _order(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    order = call.shop.orders.get(call.path_params["order_id"])
    if order is None:
        raise ApiError.of(e.ORDER_NOT_IN_SHOP)
    return order


def _package(call: Call, missing: tuple[int, str] = e.PACKAGE_NOT_IN_SHOP) -> Package:
    assert call.shop is not None
    package = call.shop.packages.get(call.path_params["package_id"])
    if package is None:
        raise ApiError.of(missing)
    return package


def _tracking_fields(value: Any, where: str) -> tuple[str, str]:
    """`tracking_number` and `shipping_provider_id`, both required strings."""
    if not isinstance(value, dict):
        raise _fail(f"{where} must be an object")
    found = []
    for name in ("tracking_number", "shipping_provider_id"):
        field = value.get(name)
        if not isinstance(field, str) or not field:
            raise _fail(f"{where}.{name} is required")
        found.append(field)
    return found[0], found[1]


def _carrier(tracking: str, provider_id: str) -> str:
    """The provider's name, for a provider of Get Shipping Providers and a well-formed number."""
    name = logistics.SELLER_CARRIER_NAMES.get(provider_id)
    if name is None or not TRACKING_NUMBER.fullmatch(tracking):
        raise ApiError.of(e.INVALID_TRACKING)
    return name


#: US: shipping rejects a pending buyer request (us-only-order-cancellation-workflow-updates.md);
#: the request closes with the "Product has been packed" reason.
SHIPPED_REJECT_REASON = "seller_reject_apply_product_has_been_packed"


def _check_shippable(order: dict[str, Any], shop: Shop) -> None:
    """Refusals before anything ships. Outside the US a pending buyer cancellation request
    blocks shipping (21011007); in the US shipping is allowed and rejects it (FACTS.md 9.4)."""
    if _by_platform(order):
        raise ApiError.of(e.FULFILLED_BY_PLATFORM)
    if order["status"] == "CANCELLED":
        raise ApiError.of(e.ORDER_CANCELLED)
    if order["status"] == "ON_HOLD":  # the one-hour hold: 21011044 (FACTS.md 9.4)
        raise ApiError.of(e.ORDER_ON_HOLD)
    if order["status"] == "UNPAID":
        raise ApiError.of(e.ACTION_NOT_ALLOWED, f"Order {order['id']} is {order['status']}.")
    if order["is_buyer_request_cancel"] and cancel_request_blocks_shipping(shop):
        raise ApiError.of(e.AFTER_SALE_PENDING)


def _reject_pending_request(sandbox: Sandbox, shop: Shop, order: dict[str, Any], now: int) -> None:
    """US: the package ships, so TikTok rejects the buyer's pending request by itself."""
    if not order["is_buyer_request_cancel"]:
        return
    meta = shop.order_meta[order["id"]]
    entry = shop.cancellations.get(meta.cancel_id or "")
    if entry is not None and entry.status == cancellations.PENDING:
        transitions.reject_cancellation(
            sandbox.state, shop, order, meta, entry, now, SHIPPED_REJECT_REASON
        )


def _self_shipping(order: dict[str, Any]) -> bool:
    """The seller's own carrier ships it: SELLER shipping, not fulfilled by TikTok."""
    return bool(order["shipping_type"] == "SELLER") and not _by_platform(order)


def _by_platform(order: dict[str, Any]) -> bool:
    return bool(order["fulfillment_type"] == "FULFILLMENT_BY_TIKTOK")


def _pick(order: dict[str, Any], ids: list[str] | None) -> list[dict[str, Any]]:
    """The items Mark Package As Shipped ships: the given ones, else every unshipped one."""
    waiting = packages.unshipped(order)
    if not waiting:
        raise ApiError.of(e.ORDERS_SHIPPED)
    if not ids:
        return waiting
    by_id = {i["id"]: i for i in order["line_items"]}
    chosen = []
    for item_id in dict.fromkeys(ids):
        item = by_id.get(item_id)
        if item is None:
            raise _fail(f"order_line_item_ids: {item_id} is not a line item of this order")
        if item["display_status"] == "CANCELLED":
            raise _fail(f"order_line_item_ids: {item_id} is cancelled")
        if "package_id" in item:
            raise ApiError.of(e.ITEMS_SHIPPED)
        chosen.append(item)
    if packages.splits_a_sku(chosen, waiting):  # units of one SKU ship in one package
        raise ApiError.of(e.SAME_SKU_SPLIT)
    return chosen


def mark_as_shipped(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """The seller ships with their own carrier (mark-package-as-shipped spec; item-level split
    when `order_line_item_ids` names some of the items)."""
    assert call.shop is not None
    order = _order(call)
    tracking, provider_id = _tracking_fields(call.body, "body")
    ids = body_str_list(call.body, "order_line_item_ids", _fail)
    _check_shippable(order, call.shop)
    if not _self_shipping(order):
        raise ApiError.of(e.NOT_SELLER_SHIPPING)
    items = _pick(order, ids)
    carrier = _carrier(tracking, provider_id)
    if packages.tracking_in_use(sandbox.state, tracking):
        raise ApiError.of(e.DUPLICATE_TRACKING)
    shipment = Shipment(carrier, provider_id, tracking)
    _reject_pending_request(sandbox, call.shop, order, call.now)
    package = shipping.ship(sandbox.state, call.shop, order, items, shipment, call.now)
    answer: dict[str, Any] = {
        "order_id": order["id"],
        "order_line_item_ids": list(package.line_item_ids),
        "package_id": package.id,
    }
    # US local sellers: a number that does not fit the carrier still ships, with a warning
    # (FACTS.md 9.3); it is what lowers the Valid Tracking Rate.
    if call.shop.region == "US" and call.shop.seller_type == "LOCAL":
        warning = logistics.tracking_warning(carrier, tracking)
        if warning is not None:
            answer["warning"] = {"message": warning}
    return answer


def _pickup_slot(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail("pickup_slot must be an object")
    start = body_int(value, "start_time", _fail)
    end = body_int(value, "end_time", _fail)
    if start is None or end is None or start > end:
        raise _fail("pickup_slot needs start_time <= end_time")
    return start, end


def _ship_package(
    sandbox: Sandbox, shop: Shop, package: Package, body: dict[str, Any], now: int
) -> None:
    """Ship Package for one package (also each entry of Batch Ship Packages)."""
    handover = body_str(body, "handover_method", _fail, ("PICKUP", "DROP_OFF"))
    slot = _pickup_slot(body.get("pickup_slot"))
    orders = [shop.orders[o] for o in package.order_ids]
    for order in orders:
        _check_shippable(order, shop)
    if package.status != TO_FULFILL:
        raise ApiError.of(e.PACKAGE_SHIPPED)
    if slot is not None and slot[1] < now:
        raise ApiError.of(e.OUTSIDE_PICKUP_SLOT)
    if package.shipping_type == "SELLER":
        # ship-package spec: self_shipment is required for SEND_BY_SELLER packages.
        if body.get("self_shipment") is None:
            raise _fail("self_shipment is required: the seller ships this package (SEND_BY_SELLER)")
        tracking, provider_id = _tracking_fields(body["self_shipment"], "self_shipment")
        carrier = _carrier(tracking, provider_id)
        if packages.tracking_in_use(sandbox.state, tracking):
            raise ApiError.of(e.DUPLICATE_TRACKING)
        shipment = Shipment(carrier, provider_id, tracking, handover, slot)
    else:
        # TikTok Shipping: the label's carrier and number come from TikTok; self_shipment is
        # "only needed for merchant self-shipping packages" and is not used here.
        carrier, provider_id = sandbox.state.rng.choice(logistics.LABEL_CARRIERS)
        tracking = logistics.tracking_for(sandbox.state.rng, carrier)
        shipment = Shipment(carrier, provider_id, tracking, handover, slot)
    order = orders[0]
    for each in orders:
        _reject_pending_request(sandbox, shop, each, now)
    wanted = set(package.line_item_ids)
    items = [i for i in order["line_items"] if i["id"] in wanted]
    shipping.ship(sandbox.state, shop, order, items, shipment, now)


def ship_package(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    _ship_package(sandbox, call.shop, _package(call), call.body, call.now)
    return {}


def batch_ship(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Each package ships or fails on its own; failures come back in `data.errors`."""
    shop = call.shop
    assert shop is not None
    entries = call.body.get("packages")
    if not isinstance(entries, list) or not entries:
        raise _fail("packages is required: a non-empty list of {id, ...}")
    errors: list[dict[str, Any]] = []
    for entry in entries:
        package_id = entry.get("id") if isinstance(entry, dict) else None
        try:
            if not isinstance(entry, dict) or not isinstance(package_id, str) or not package_id:
                raise _fail("packages[].id is required")
            package = shop.packages.get(package_id)
            if package is None:
                raise ApiError.of(e.PACKAGE_NOT_IN_SHOP)
            _ship_package(sandbox, shop, package, entry, call.now)
        except ApiError as error:
            errors.append(
                {
                    "code": error.code,
                    "message": error.message,
                    "detail": {"package_id": package_id if isinstance(package_id, str) else ""},
                }
            )
    return {"errors": errors} if errors else {}


def _retrack(
    sandbox: Sandbox, shop: Shop, package: Package, body: dict[str, Any], now: int
) -> None:
    tracking, provider_id = _tracking_fields(body, "body")
    if package.status == "COMPLETED":
        raise ApiError.of(e.ALREADY_DELIVERED)
    if package.shipped_at is not None and now > package.shipped_at + UPDATE_WINDOW:
        raise ApiError.of(e.UPDATE_WINDOW_OVER)
    carrier = _carrier(tracking, provider_id)
    packages.retrack(shop, package, carrier, provider_id, tracking, now)
    for order_id in package.order_ids:
        sandbox.state.order_changed(shop, shop.orders[order_id])


def update_order_shipping(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Fix the tracking of an order shipped in one package (update-shipping-info spec)."""
    shop = call.shop
    assert shop is not None
    order = _order(call)
    _tracking_fields(call.body, "body")
    if not _self_shipping(order):
        raise ApiError.of(e.NOT_SELLER_SHIPPING)
    if order["status"] == "CANCELLED":
        raise ApiError.of(e.ORDER_CANCELLED)
    live = [p for p in packages.of_order(shop, order) if p.line_item_ids]
    shipped = [p for p in live if p.status in packages.SHIPPED]
    if not shipped:
        raise ApiError.of(e.NOT_SHIPPED)
    if len(live) > 1:
        # "For orders that have been split for shipping, please use the Update Package
        # Shipping Info API"; the spec lists no code of its own for it.
        raise ApiError.of(e.UPDATE_NOT_ALLOWED, "The order ships in several packages.")
    _retrack(sandbox, shop, shipped[0], call.body, call.now)
    return {}


def update_package_shipping(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop = call.shop
    assert shop is not None
    package = _package(call)
    _tracking_fields(call.body, "body")
    orders = [shop.orders[o] for o in package.order_ids]
    if not all(_self_shipping(o) for o in orders):
        raise ApiError.of(e.NOT_SELLER_SHIPPING)
    if any(o["status"] == "CANCELLED" for o in orders):
        raise ApiError.of(e.PACKAGE_ORDER_CANCELLED)
    if package.status == TO_FULFILL:
        raise ApiError.of(e.NOT_SHIPPED)
    _retrack(sandbox, shop, package, call.body, call.now)
    return {}


def package_detail(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    return packages.to_detail_api(call.shop, _package(call, e.PERMISSION_DENIED))


def search_packages(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop = call.shop
    assert shop is not None
    q, b = call.query, call.body
    size = query_int(q, "page_size", _fail, low=1, high=MAX_PAGE)
    sort_field = query_choice(
        q, "sort_field", ("create_time", "update_time", "order_pay_time"), "create_time", _fail
    )
    sort_order = query_choice(q, "sort_order", ("ASC", "DESC"), "DESC", _fail)
    bounds = body_time_bounds(b, _fail)
    status = body_str(b, "package_status", _fail, PACKAGE_STATUSES)

    def value(p: Package) -> int:
        if sort_field == "order_pay_time":
            return int(shop.orders[p.order_ids[0]].get("paid_time", 0))
        return int(getattr(p, sort_field))

    def keep(p: Package) -> bool:
        if not p.line_item_ids or (status is not None and p.status != status):
            return False
        return in_bounds(bounds, p.create_time, p.update_time)

    sign = -1 if sort_order == "DESC" else 1

    def key(p: Package) -> tuple[int, int]:
        return sign * value(p), sign * int(p.id)

    rows = sorted((p for p in shop.packages.values() if keep(p)), key=key)
    filters = {"sort": [sort_field, sort_order], "bounds": bounds, "status": status}
    chunk, next_token = page(
        rows,
        key,
        size=size,
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint(filters),
        bad_token=lambda: _fail("page_token is invalid or belongs to another query"),
    )
    return {
        "next_page_token": next_token,
        "total_count": len(rows),
        "packages": [packages.to_search_api(shop, p) for p in chunk],
    }


def tracking(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    return {"tracking": packages.tracking_api(call.shop, _order(call))}
