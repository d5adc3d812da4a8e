"""Order endpoints: Get Order List (search) and Get Order Detail (FACTS.md 4.1, 4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.errors import ApiError
from app.sandbox.paging import fingerprint, page
from app.sandbox.params import body_bool, body_int, body_str, body_str_list, query_choice, query_int
from app.sandbox.transitions import STATUSES
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

MAX_DETAIL_IDS = 50  # get-order-detail spec: ids, max count 50
MAX_WAREHOUSE_IDS = 100


def order_param_error(detail: str) -> ApiError:
    """The order APIs document no code for a bad page_size or ids list; 21001001 is the order
    group's "Invalid parameters" code (get-price-detail spec), with the reason appended."""
    return ApiError(
        21001001,
        "Invalid parameters. Please ensure you are passing the correct request "
        f"parameter(s). {detail}",
    )


def search_orders(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    q, b, fail = call.query, call.body, order_param_error
    size = query_int(q, "page_size", fail, low=1, high=100)
    sort_field = query_choice(q, "sort_field", ("create_time", "update_time"), "create_time", fail)
    sort_order = query_choice(q, "sort_order", ("ASC", "DESC"), "DESC", fail)
    status = body_str(b, "order_status", fail, STATUSES)
    names = ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")
    given = {n: body_int(b, n, fail) for n in names}
    bounds = dict(given)
    # get-order-list spec: with one bound given, `_lt` defaults to now and `_ge` to the start.
    for name in ("create_time", "update_time"):
        ge, lt = bounds[f"{name}_ge"], bounds[f"{name}_lt"]
        if ge is not None and lt is None:
            bounds[f"{name}_lt"] = call.now
        if lt is not None and ge is None:
            bounds[f"{name}_ge"] = 0
    shipping_type = body_str(b, "shipping_type", fail, ("TIKTOK", "SELLER"))
    buyer = body_str(b, "buyer_user_id", fail)
    requested_cancel = body_bool(b, "is_buyer_request_cancel", fail)
    warehouses = body_str_list(b, "warehouse_ids", fail)
    if warehouses is not None and len(warehouses) > MAX_WAREHOUSE_IDS:
        raise fail(f"warehouse_ids allows at most {MAX_WAREHOUSE_IDS} ids")
    warehouse_set = set(warehouses) if warehouses else None

    def keep(o: dict[str, Any]) -> bool:
        if status is not None and o["status"] != status:
            return False
        for name in ("create_time", "update_time"):
            ge, lt = bounds[f"{name}_ge"], bounds[f"{name}_lt"]
            if ge is not None and o[name] < ge:
                return False
            if lt is not None and o[name] >= lt:
                return False
        if shipping_type is not None and o["shipping_type"] != shipping_type:
            return False
        if buyer is not None and o["user_id"] != buyer:
            return False
        if requested_cancel is not None and o["is_buyer_request_cancel"] != requested_cancel:
            return False
        return warehouse_set is None or o["warehouse_id"] in warehouse_set

    ordered = sandbox.state.sorted_orders(call.shop, sort_field)
    if sort_order == "DESC":
        ordered = ordered[::-1]
    rows = [o for o in ordered if keep(o)]
    sign = -1 if sort_order == "DESC" else 1

    def key(o: dict[str, Any]) -> tuple[int, int]:
        return sign * o[sort_field], sign * int(o["id"])

    filters = {
        "sort": [sort_field, sort_order],
        "status": status,
        "bounds": given,  # as sent: the defaulted "now" moves between pages
        "shipping_type": shipping_type,
        "buyer": buyer,
        "cancel": requested_cancel,
        "warehouses": sorted(warehouse_set) if warehouse_set else None,
    }
    chunk, next_token = page(
        rows,
        key,
        size=size,
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint(filters),
        bad_token=lambda: fail("page_token is invalid or belongs to another query"),
    )
    return {"next_page_token": next_token, "total_count": len(rows), "orders": chunk}


def order_detail(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    raw = call.query.get("ids", "")
    ids = list(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))
    if not ids:
        raise order_param_error("ids is required")
    if len(ids) > MAX_DETAIL_IDS:
        raise order_param_error(f"ids allows at most {MAX_DETAIL_IDS} order ids, got {len(ids)}")
    orders = call.shop.orders
    return {"orders": [orders[i] for i in ids if i in orders]}
