"""Cancellation endpoints: search, answer a buyer's request, cancel as the seller (FACTS.md 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import cancellations, idempotency, packages, reasons, transitions
from app.sandbox import errors as e
from app.sandbox.cancellations import PENDING, SUCCESS
from app.sandbox.errors import ApiError
from app.sandbox.model import Cancellation
from app.sandbox.paging import fingerprint, page
from app.sandbox.params import (
    body_choices,
    body_str,
    body_str_list,
    body_time_bounds,
    in_bounds,
    query_choice,
)
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

MAX_PAGE = 50  # search-cancellations: page_size [1-50], default 10
DEFAULT_PAGE = 10
#: The request filter spells the closed status CANCELLATION_REQUEST_CANCEL (and so does the
#: cancel-order response list); answers say CANCELLATION_REQUEST_CANCELLED.
STATUS_ALIASES = {"CANCELLATION_REQUEST_CANCEL": cancellations.CLOSED}
#: Shipped items cannot be called back from the carrier (25001045); completed or cancelled
#: orders are past cancelling (25001051).
SHIPPED = frozenset({"PARTIALLY_SHIPPING", "IN_TRANSIT", "DELIVERED"})
FINAL = frozenset({"COMPLETED", "CANCELLED"})


def _fail(detail: str) -> ApiError:
    return ApiError.of(e.RR_INVALID_PARAMS, detail)


def search_cancellations(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop = call.shop
    assert shop is not None
    q, b = call.query, call.body
    raw_size = q.get("page_size") or str(DEFAULT_PAGE)
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE:
        raise _fail(f"page_size must be within [1, {MAX_PAGE}]")
    sort_field = query_choice(q, "sort_field", ("create_time", "update_time"), "create_time", _fail)
    sort_order = query_choice(q, "sort_order", ("ASC", "DESC"), "ASC", _fail)
    cancel_ids = body_str_list(b, "cancel_ids", _fail)
    order_ids = body_str_list(b, "order_ids", _fail)
    buyers = body_str_list(b, "buyer_user_ids", _fail)
    types = body_choices(b, "cancel_types", cancellations.TYPES, _fail)
    statuses = body_choices(b, "cancel_status", (*cancellations.STATUSES, *STATUS_ALIASES), _fail)
    wanted_status = {STATUS_ALIASES.get(s, s) for s in statuses} if statuses else None
    bounds = body_time_bounds(b, _fail)
    body_str(b, "locale", _fail)  # texts exist in en-US only

    def keep(c: Cancellation) -> bool:
        if cancel_ids and c.id not in cancel_ids:
            return False
        if order_ids and c.order_id not in order_ids:
            return False
        if buyers and shop.orders[c.order_id]["user_id"] not in buyers:
            return False
        if types and c.cancel_type not in types:
            return False
        if wanted_status is not None and c.status not in wanted_status:
            return False
        return in_bounds(bounds, c.create_time, c.update_time)

    sign = -1 if sort_order == "DESC" else 1

    def key(c: Cancellation) -> tuple[int, int]:
        return sign * int(getattr(c, sort_field)), sign * int(c.id)

    rows = sorted((c for c in shop.cancellations.values() if keep(c)), key=key)
    filters = {
        "sort": [sort_field, sort_order],
        "ids": [cancel_ids, order_ids, buyers],
        "types": types,
        "status": sorted(wanted_status) if wanted_status else None,
        "bounds": bounds,
    }
    chunk, next_token = page(
        rows,
        key,
        size=int(raw_size),
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint(filters),
        bad_token=lambda: _fail("page_token is invalid or belongs to another query"),
    )
    return {
        "cancellations": [cancellations.to_api(shop, c) for c in chunk],
        "total_count": len(rows),
        "next_page_token": next_token,
    }


def _request(call: Call, action: str) -> tuple[Cancellation, str | None, bool]:
    """The buyer request named in the path, the idempotency key, and whether the key already
    did this very action (then the answer repeats without acting twice)."""
    shop = call.shop
    assert shop is not None
    entry = shop.cancellations.get(call.path_params["cancel_id"])
    if entry is None:
        raise ApiError.of(e.RR_NO_PERMISSION)
    key, repeated = idempotency.claim(shop, call.query, action, entry.id, _fail)
    return entry, key, repeated


def _check_answerable(entry: Cancellation, approving: bool) -> None:
    if entry.cancel_type != "BUYER_CANCEL":
        raise ApiError.of(e.RR_WRONG_TYPE)
    if entry.status == PENDING:
        return
    if entry.status == cancellations.CLOSED:
        raise ApiError.of(e.RR_CLOSED if approving else e.RR_CANNOT_REJECT)
    raise ApiError.of(e.RR_CANNOT_APPROVE if approving else e.RR_APPROVED)


def approve(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Accept the buyer's request: the order is cancelled and its stock sellable again."""
    shop = call.shop
    assert shop is not None
    entry, key, repeated = _request(call, "approve")
    if repeated:
        return {}
    _check_answerable(entry, approving=True)
    order = shop.orders[entry.order_id]
    transitions.apply(
        sandbox.state, shop, order, shop.order_meta[order["id"]], "CANCELLED", call.now
    )
    idempotency.remember(shop, key, "approve", entry.id)
    return {}


def reject(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Refuse the buyer's request with one of the documented reject reasons."""
    shop = call.shop
    assert shop is not None
    entry, key, repeated = _request(call, "reject")
    if repeated:
        return {}
    reason = body_str(call.body, "reject_reason", _fail)
    if not reason:
        raise _fail("reject_reason is required")
    body_str(call.body, "comment", _fail)
    images = call.body.get("images")
    if images is not None and not (
        isinstance(images, list)
        and all(isinstance(i, dict) and isinstance(i.get("image_id"), str) for i in images)
    ):
        raise _fail("images must be a list of {image_id, ...}")
    if reason not in reasons.reject_reasons(shop.region):
        # A name of another kind of this market, or of another market, is a wrong type; one
        # no market documents is unknown.
        raise ApiError.of(e.RR_REASON_TYPE if reasons.known(reason) else e.RR_UNKNOWN_REASON)
    _check_answerable(entry, approving=False)
    order = shop.orders[entry.order_id]
    meta = shop.order_meta[order["id"]]
    transitions.reject_cancellation(sandbox.state, shop, order, meta, entry, call.now, reason)
    idempotency.remember(shop, key, "reject", entry.id)
    return {}


def _chosen(order: dict[str, Any], ids: list[str] | None, skus: Any) -> list[dict[str, Any]] | None:
    """The live items a cancellation names; `order_line_item_ids` wins over `skus` when a
    request gives both (the spec's sample sends both for the same item)."""
    live = packages.active_items(order)
    chosen: list[dict[str, Any]] = []
    if ids:
        by_id = {i["id"]: i for i in order["line_items"]}
        for item_id in dict.fromkeys(ids):
            item = by_id.get(item_id)
            if item is None:
                raise _fail(f"order_line_item_ids: {item_id} is not a line item of this order")
            if item["display_status"] == "CANCELLED":
                raise ApiError.of(e.RR_IN_PROCESS)
            chosen.append(item)
        return chosen
    if skus is None:
        return None
    if not isinstance(skus, list) or not skus:
        raise _fail("skus must be a non-empty list of {sku_id, quantity}")
    taken: set[str] = set()
    for row in skus:
        sku_id = row.get("sku_id") if isinstance(row, dict) else None
        quantity = row.get("quantity") if isinstance(row, dict) else None
        if (
            not isinstance(sku_id, str)
            or isinstance(quantity, bool)
            or not isinstance(quantity, int)
        ):
            raise _fail("skus[] needs a sku_id and an integer quantity")
        if quantity < 1:
            raise _fail("skus[].quantity must be at least 1")
        if not any(i["sku_id"] == sku_id for i in order["line_items"]):
            raise _fail(f"skus: {sku_id} is not in this order")
        # Unshipped units first: they are the ones a partial cancellation can take.
        units = sorted(
            (i for i in live if i["sku_id"] == sku_id and i["id"] not in taken),
            key=lambda i: "package_id" in i,
        )
        if quantity > len(units):
            raise ApiError.of(e.RR_TOO_MANY_ITEMS)
        chosen.extend(units[:quantity])
        taken.update(i["id"] for i in units[:quantity])
    return chosen


def cancel_order(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """The seller cancels an order, or (out of stock, US) some of its unshipped items."""
    shop = call.shop
    assert shop is not None
    b = call.body
    order_id = body_str(b, "order_id", _fail)
    reason = body_str(b, "cancel_reason", _fail)
    ids = body_str_list(b, "order_line_item_ids", _fail)
    if not order_id or not reason:
        raise _fail("order_id and cancel_reason are required")
    order = shop.orders.get(order_id)
    if order is None:
        raise ApiError.of(e.RR_NO_PERMISSION)
    if reason not in reasons.market(shop.region).texts:  # unknown here (e.g. a US name in GB)
        raise ApiError.of(e.RR_UNKNOWN_REASON)
    if reason not in reasons.every_seller_reason(shop.region):
        raise ApiError.of(e.RR_NOT_SELLER_REASON)
    status = order["status"]
    if status in FINAL:
        raise ApiError.of(e.RR_FINAL)
    if status in SHIPPED:
        raise ApiError.of(e.RR_SHIPPED)
    if order["is_buyer_request_cancel"]:
        raise ApiError.of(e.RR_IN_PROCESS)
    # cancel-reasons.json: "If the cancel reason is not applicable for the order status, the
    # API will return a '25001021 Reason not match order status' error."
    if reason not in reasons.seller_reasons(shop.region, status):
        raise ApiError.of(e.RR_REASON_STATUS)
    meta = shop.order_meta[order_id]
    chosen = _chosen(order, ids, b.get("skus"))
    if chosen is not None and len(chosen) < len(packages.active_items(order)):
        # cancel-order spec: single items may be cancelled "when an item is out of stock";
        # once arranged for shipment, an item goes with its whole order or not at all.
        if not reasons.is_out_of_stock(shop.region, reason) or status == "AWAITING_COLLECTION":
            raise ApiError.of(e.RR_NO_ITEM_LEVEL)
        if any("package_id" in i for i in chosen):
            raise ApiError.of(e.RR_SHIPPED)
        transitions.cancel_items(sandbox.state, shop, order, meta, chosen, reason, call.now)
    else:
        transitions.apply(
            sandbox.state,
            shop,
            order,
            meta,
            "CANCELLED",
            call.now,
            cancel_reason=reason,
            initiator="SELLER",
        )
    return {"cancel_id": meta.cancel_id, "cancel_status": SUCCESS}
