"""Return and refund reads: Search Returns, Get Return Records, Get Reject Reasons, Get
Aftersale Eligibility and Calculate Refund (FACTS.md 9.7); the answers are in
api_return_answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import (
    api_return_answers,
    packages,
    return_reasons,
    returns_eligibility,
    returns_money,
    returns_view,
)
from app.sandbox import errors as e
from app.sandbox import reasons as cancel_reasons
from app.sandbox import returns_errors as rx
from app.sandbox import returns_model as m
from app.sandbox.errors import ApiError
from app.sandbox.paging import fingerprint, page
from app.sandbox.params import (
    body_choices,
    body_str,
    body_str_list,
    body_time_bounds,
    in_bounds,
    query_choice,
)
from app.sandbox.returns_model import ReturnRequest
from app.sandbox.validation import Call, Route

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

SCOPE = "seller.return_refund.basic"
MIN_PAGE, MAX_PAGE, DEFAULT_PAGE = 10, 50, 10  # search-returns: "Default: 10. Valid range: [10-50]"
#: Which reject list a request waiting in this status is answered from.
REJECT_DECISION = {
    m.RESPOND_REFUND: "REJECT_REFUND",
    m.RESPOND_RETURN: "REJECT_RETURN",
    m.RESPOND_RECEIVE: "REJECT_RECEIVED_PACKAGE",
    m.RESPOND_REPLACEMENT: "REJECT_REPLACEMENT",
}
REQUEST_TYPES = ("CANCEL", "REFUND", "RETURN_AND_REFUND")


def _fail(detail: str) -> ApiError:
    return ApiError.of(e.RR_INVALID_PARAMS, detail)


def search_returns(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop = call.shop
    assert shop is not None
    q, b = call.query, call.body
    raw_size = q.get("page_size") or str(DEFAULT_PAGE)
    if not raw_size.isdigit() or not MIN_PAGE <= int(raw_size) <= MAX_PAGE:
        raise _fail(f"page_size must be within [{MIN_PAGE}, {MAX_PAGE}]")
    sort_field = query_choice(q, "sort_field", ("create_time", "update_time"), "create_time", _fail)
    sort_order = query_choice(q, "sort_order", ("ASC", "DESC"), "ASC", _fail)
    filters: dict[str, Any] = {
        "return_ids": body_str_list(b, "return_ids", _fail),
        "order_ids": body_str_list(b, "order_ids", _fail),
        "buyer_user_ids": body_str_list(b, "buyer_user_ids", _fail),
        "return_types": body_choices(b, "return_types", m.TYPES, _fail),
        "return_status": body_choices(b, "return_status", m.FILTER_STATUSES, _fail),
        "seller_proposed_return_type": body_choices(
            b, "seller_proposed_return_type", ("PARTIAL_REFUND",), _fail
        ),
        "arbitration_status": body_choices(b, "arbitration_status", m.ARBITRATION, _fail),
    }
    bounds = body_time_bounds(b, _fail)
    body_str(b, "locale", _fail)  # texts exist in English only

    def keep(r: ReturnRequest) -> bool:
        values = {
            "return_ids": r.id,
            "order_ids": r.order_id,
            "buyer_user_ids": shop.orders[r.order_id]["user_id"],
            "return_types": r.return_type,
            "return_status": r.status,
            "seller_proposed_return_type": "PARTIAL_REFUND" if r.partial_refund else None,
            "arbitration_status": r.arbitration_status,
        }
        for name, wanted in filters.items():
            if wanted and values[name] not in wanted:
                return False
        return in_bounds(bounds, r.create_time, r.update_time)

    sign = -1 if sort_order == "DESC" else 1

    def key(r: ReturnRequest) -> tuple[int, int]:
        return sign * int(getattr(r, sort_field)), sign * int(r.id)

    rows = sorted((r for r in shop.returns.requests.values() if keep(r)), key=key)
    chunk, next_token = page(
        rows,
        key,
        size=int(raw_size),
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint({"sort": [sort_field, sort_order], **filters, "bounds": bounds}),
        bad_token=lambda: _fail("page_token is invalid or belongs to another query"),
    )
    return {
        "return_orders": [returns_view.to_api(shop, r) for r in chunk],
        "total_count": len(rows),
        "next_page_token": next_token,
    }


def return_records(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    req = call.shop.returns.requests.get(call.path_params["return_id"])
    if req is None:
        raise ApiError.of(e.RR_NO_PERMISSION)
    return {"records": returns_view.records_api(req)}


def reject_reasons(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """The reasons the seller may reject this request with now (none when nothing waits)."""
    shop = call.shop
    assert shop is not None
    wanted = call.query.get("return_or_cancel_id")
    if not wanted:
        raise _fail("return_or_cancel_id is required")
    req = shop.returns.requests.get(wanted)
    if req is not None:
        decision = REJECT_DECISION.get(req.action or "")
        if decision is None or req.arbitration_status == "IN_PROGRESS":
            return {"reasons": []}
        found = return_reasons.reject_reasons(shop.region, decision)
    elif wanted in shop.cancellations:
        pending = shop.cancellations[wanted].status == "CANCELLATION_REQUEST_PENDING"
        found = cancel_reasons.reject_reasons(shop.region) if pending else {}
    else:
        raise ApiError.of(e.RR_NO_PERMISSION)
    return {"reasons": [{"name": name, "text": text} for name, text in found.items()]}


def aftersale_eligibility(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop = call.shop
    assert shop is not None
    user = query_choice(call.query, "initiate_aftersale_user", ("SELLER", "BUYER"), "SELLER", _fail)
    order = shop.orders.get(call.path_params["order_id"])
    if order is None:
        raise ApiError.of(rx.ORDER_NOT_FOUND)
    return {"sku_eligibility": returns_eligibility.eligibility_api(shop, order, user)}


def _chosen_items(order: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """The items Calculate Refund asks about: by id, else by SKU and quantity, else all."""
    ids = body_str_list(body, "order_line_item_ids", _fail)
    by_id = {i["id"]: i for i in order["line_items"]}
    if ids:
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise _fail(f"order_line_item_ids: {missing[0]} is not a line item of this order")
        return [by_id[i] for i in dict.fromkeys(ids)]
    skus = body.get("skus")
    if skus is None:
        return packages.active_items(order)
    if not isinstance(skus, list) or not skus:
        raise _fail("skus must be a non-empty list of {sku_id, quantity}")
    chosen: list[dict[str, Any]] = []
    for row in skus:
        sku_id = row.get("sku_id") if isinstance(row, dict) else None
        quantity = row.get("quantity") if isinstance(row, dict) else None
        if (
            not isinstance(sku_id, str)
            or isinstance(quantity, bool)
            or not isinstance(quantity, int)
        ):
            raise _fail("skus[] needs a sku_id and an integer quantity")
        units = [
            i for i in packages.active_items(order) if i["sku_id"] == sku_id and i not in chosen
        ]
        if not 1 <= quantity <= len(units):
            raise _fail(f"skus: {sku_id} has {len(units)} units in this order, {quantity} asked")
        chosen.extend(units[:quantity])
    return chosen


def calculate_refund(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """What the buyer would get back for these items and this kind of request."""
    shop = call.shop
    assert shop is not None
    b = call.body
    order_id = body_str(b, "order_id", _fail)
    request_type = body_str(b, "request_type", _fail, REQUEST_TYPES)
    reason = body_str(b, "reason_name", _fail)
    if not order_id or not request_type or not reason:
        raise _fail("order_id, request_type and reason_name are required")
    body_str(b, "shipment_type", _fail, ("PLATFORM", "BUYER_ARRANGE"))
    body_str(b, "handover_method", _fail, ("DROP_OFF", "PICKUP"))
    order = shop.orders.get(order_id)
    if order is None:
        raise ApiError.of(rx.ORDER_NOT_FOUND)
    items = _chosen_items(order, b)
    for item in items:
        why = returns_eligibility.verdict(shop, order, item, request_type, "SELLER")
        if why is not None:
            raise _fail(f"{item['id']} cannot be in a {request_type} request: {why[1]}")
    status = order["status"]
    if request_type == "CANCEL":
        allowed = {
            **cancel_reasons.seller_reasons(shop.region, status),
            **cancel_reasons.buyer_reasons(shop.region, status),
        }
    else:
        allowed = {
            **return_reasons.seller_reasons(shop.region, status),
            **return_reasons.buyer_reasons(shop.region, request_type, status),
        }
    if reason not in allowed:
        raise _fail(f"reason_name {reason} is not a {request_type} reason for a {status} order")
    return {"order_refund_amount": returns_money.calculated(order, items, request_type)}


ROUTES = [
    Route("POST", "/return_refund/202309/returns/search", search_returns, SCOPE),
    Route(
        "POST",
        "/return_refund/202309/returns/{return_id}/approve",
        api_return_answers.approve_return,
        SCOPE,
    ),
    Route(
        "POST",
        "/return_refund/202309/returns/{return_id}/reject",
        api_return_answers.reject_return,
        SCOPE,
    ),
    Route("GET", "/return_refund/202309/returns/{return_id}/records", return_records, SCOPE),
    Route("GET", "/return_refund/202309/reject_reasons", reject_reasons, SCOPE),
    Route(
        "GET",
        "/return_refund/202309/orders/{order_id}/aftersale_eligibility",
        aftersale_eligibility,
        SCOPE,
    ),
    Route("POST", "/return_refund/202309/refunds/calculate", calculate_refund, SCOPE),
]
