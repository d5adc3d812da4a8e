"""Approve Return and Reject Return: the seller's decisions, their checks and error codes.

Checks run as the specs' error lists suggest: the request exists in the shop (25020005), the
idempotency key (a repeat of a done request answers again without acting), the body's types
(25001001) and fit (11050001), the reject reason (25001014 unknown, 25001020 withdrawn in the
market, 25001057 not a return reason, 25001016 not for this decision), a request with an agent
(25011010), the decision against the request's type (25020004), FBT receipts (25011026), then
the request's state: cancelled (25020009), a partial refund offer waiting (25007007), no
longer waiting for approval (25011012; past the deadline the platform approved it), no parcel
to confirm (25011013), already approved (25020010), already received (25020011), no parcel to
reject (25020012) or not arrived yet (25011035).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import errors as e
from app.sandbox import idempotency, return_reasons, returns
from app.sandbox import returns_errors as rx
from app.sandbox import returns_model as m
from app.sandbox.errors import ApiError
from app.sandbox.params import body_bool, body_str
from app.sandbox.returns_model import ReturnRequest
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

APPROVED = frozenset(
    {m.AWAITING_SHIP, m.SUCCESS, m.COMPLETE, m.REPLACEMENT_COMPLETE, m.REPLACEMENT_REFUNDED}
)
CLOSED = frozenset({m.CANCELLED, m.REPLACEMENT_CANCELLED})
ASKING = frozenset({m.PENDING, m.REPLACEMENT_PENDING})


def _fail(detail: str) -> ApiError:
    return ApiError.of(e.RR_INVALID_PARAMS, detail)


def _start(
    call: Call, action: str, choices: tuple[str, ...]
) -> tuple[ReturnRequest, str | None, str] | None:
    """The request of the path, the idempotency key and the decision; None when that key
    already did this (the answer repeats without acting twice)."""
    shop = call.shop
    assert shop is not None
    req = shop.returns.requests.get(call.path_params["return_id"])
    if req is None:
        raise ApiError.of(e.RR_NO_PERMISSION)
    key, repeated = idempotency.claim(shop, call.query, action, req.id, _fail)
    if repeated:
        return None
    decision = body_str(call.body, "decision", _fail)
    if decision is None:
        raise _fail("decision is required")
    if decision not in choices:
        raise _fail(f"decision must be one of {', '.join(choices)}")
    return req, key, decision


def _common_checks(call: Call, req: ReturnRequest, decision: str) -> None:
    if req.arbitration_status == "IN_PROGRESS":
        raise ApiError.of(rx.WITH_OPERATOR)
    if req.return_type not in m.DECISION_TYPES[decision]:
        raise ApiError.of(e.RR_WRONG_TYPE)
    assert call.shop is not None
    order = call.shop.orders[req.order_id]
    fbt = order["fulfillment_type"] == "FULFILLMENT_BY_TIKTOK"
    if fbt and decision.endswith("RECEIVED_PACKAGE"):
        raise ApiError.of(rx.FBT_RECEIVE)
    if req.status in CLOSED:
        raise ApiError.of(
            e.RR_CLOSED if decision in m.APPROVE_DECISIONS else rx.INVALID_ORDER_STATUS
        )
    if req.status == m.AWAITING_BUYER:
        raise ApiError.of(rx.NEGOTIATING)


def _approve_state(req: ReturnRequest, decision: str) -> None:
    if decision == "APPROVE_RECEIVED_PACKAGE":
        if req.status != m.SHIPPED:
            raise ApiError.of(rx.CANNOT_APPROVE_RECEIVE)
    elif decision == "OFFER_PARTIAL_REFUND":
        if req.status != m.PENDING:
            raise ApiError.of(rx.PARTIAL_REFUND_STATUS)
    elif req.status not in ASKING:
        raise ApiError.of(e.RR_CANNOT_APPROVE)


def approve_return(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Approve a refund, a return, a received parcel or a replacement; or offer part."""
    shop = call.shop
    started = _start(call, "approve", m.APPROVE_DECISIONS)
    if started is None or shop is None:
        return {}
    req, key, decision = started
    keep = body_bool(call.body, "buyer_keep_item", _fail)
    partial = call.body.get("partial_refund")
    if partial is not None and not (
        isinstance(partial, dict)
        and all(isinstance(partial.get(k), str | None) for k in ("currency", "amount"))
    ):
        raise _fail("partial_refund must be {currency, amount} strings")
    if keep and decision != "APPROVE_RETURN":
        raise ApiError.of(rx.INVALID_PARAM, "buyer_keep_item goes with APPROVE_RETURN")
    if (partial is not None) != (decision == "OFFER_PARTIAL_REFUND"):
        raise ApiError.of(rx.INVALID_PARAM, "partial_refund goes with OFFER_PARTIAL_REFUND")
    _common_checks(call, req, decision)
    _approve_state(req, decision)
    if partial is not None:
        why = returns.partial_ok(req, partial)
        if why is not None:
            raise ApiError.of(rx.INVALID_PARAM, why)
    returns.approve(
        sandbox.state, shop, req, decision, call.now, keep_item=bool(keep), partial=partial
    )
    idempotency.remember(shop, key, "approve", req.id)
    return {}


def _reject_state(req: ReturnRequest, decision: str) -> None:
    if decision == "REJECT_RECEIVED_PACKAGE":
        if req.status in {m.SUCCESS, m.COMPLETE}:
            raise ApiError.of(e.RR_APPROVED)
        if req.status != m.SHIPPED:
            raise ApiError.of(rx.CANNOT_REJECT_RECEIVE)
        if req.arrived_at is None:
            raise ApiError.of(rx.PARCEL_NOT_HERE)
        return
    if req.status in ASKING:
        return
    if req.status == m.SHIPPED and req.arrived_at is not None:
        raise ApiError.of(rx.ALREADY_RECEIVED)
    if req.status in APPROVED or req.status == m.SHIPPED:
        raise ApiError.of(e.RR_APPROVED)
    raise ApiError.of(rx.INVALID_ORDER_STATUS)


def _check_reason(region: str, decision: str, reason: str) -> None:
    if reason in return_reasons.reject_reasons(region, decision):
        return
    if reason in return_reasons.offline_reasons(region):
        raise ApiError.of(rx.REASON_OFFLINE)
    if reason in return_reasons.market_reject_names(region):
        raise ApiError.of(rx.REASON_NOT_ACTION)
    known_elsewhere = return_reasons.is_cancel_reject_reason(reason) or reason in (
        return_reasons.TEXTS.keys() - return_reasons.REJECT_NAMES
    )
    raise ApiError.of(e.RR_REASON_TYPE if known_elsewhere else e.RR_UNKNOWN_REASON)


def reject_return(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Refuse a refund, return or replacement request, or a received parcel, with a reason."""
    shop = call.shop
    started = _start(call, "reject", m.REJECT_DECISIONS)
    if started is None or shop is None:
        return {}
    req, key, decision = started
    reason = body_str(call.body, "reject_reason", _fail)
    if not reason:
        raise _fail("reject_reason is required")
    comment = body_str(call.body, "comment", _fail) or ""
    images = call.body.get("images")
    if images is not None and not (isinstance(images, list) and all(_image_ok(i) for i in images)):
        raise _fail("images must be a list of {image_id, mime_type?, height?, width?}")
    _check_reason(shop.region, decision, reason)
    _common_checks(call, req, decision)
    _reject_state(req, decision)
    shown = [
        {
            "url": f"https://p16-sandbox.example/{i['image_id']}~tplv-origin.jpeg",
            "width": int(i.get("width") or 200),
            "height": int(i.get("height") or 200),
        }
        for i in images or []
    ]
    returns.reject(
        sandbox.state, shop, req, decision, reason, call.now, comment=comment, images=shown
    )
    idempotency.remember(shop, key, "reject", req.id)
    return {}


def _image_ok(image: Any) -> bool:
    """An `images[]` entry of the reject-return spec: image_id, and optional typed details."""
    if not isinstance(image, dict) or not isinstance(image.get("image_id"), str):
        return False
    sizes = [image.get(k) for k in ("height", "width") if image.get(k) is not None]
    mime = image.get("mime_type")
    return all(isinstance(v, int) and not isinstance(v, bool) for v in sizes) and (
        mime is None or isinstance(mime, str)
    )
