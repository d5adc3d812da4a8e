"""How a return, refund or replacement request moves: buyer, seller, platform and the clock.

Every status change is pushed as RETURN_STATUS_CHANGE (12-return-status-change.md) and written
to the request's records (Get Return Records). What the clock does (returns_model windows):
an unanswered request or received parcel is approved by the platform at its deadline
(FACTS.md 9.7), an approved return is shipped back by the buyer and arrives, a parcel never
shipped makes the platform close the request, and a granted refund is paid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.sandbox import return_reasons, returns_money
from app.sandbox import returns_model as m
from app.sandbox.model import Shop, money
from app.sandbox.orders import OrderOptions
from app.sandbox.returns_model import ReturnEvent, ReturnRequest

if TYPE_CHECKING:
    from app.sandbox.state import World

NOUN = {m.REFUND: "refund", m.RETURN_AND_REFUND: "return", m.REPLACEMENT: "replacement"}
SELLER_LATE = "the seller did not respond by the deadline"


class ReturnStateError(ValueError):
    """The buyer or the platform cannot do this to the request in its current state."""


def items_in_process(shop: Shop, order_id: str) -> set[str]:
    """Line items of the order in a request that is open or gave money back."""
    taken: set[str] = set()
    for req in shop.returns.requests.values():
        if req.order_id == order_id and req.status not in m.CLOSED_WITHOUT_REFUND:
            taken.update(req.line_item_ids)
    return taken


def open_request(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    items: list[dict[str, Any]],
    *,
    return_type: str,
    reason: str,
    at: int,
    ids: Any = None,
    note: str = "",
    images: list[dict[str, Any]] | None = None,
    videos: list[dict[str, Any]] | None = None,
    buyer_ships: bool = True,
    handover_method: str = "DROP_OFF",
) -> ReturnRequest:
    """The buyer asks; the seller has RESPONSE_WINDOW to answer (`ids` makes the ids)."""
    ids = ids or world.ids
    currency = order["payment"]["currency"]
    travels = return_type == m.RETURN_AND_REFUND
    req = ReturnRequest(
        id=ids.new(),
        shop_id=shop.id,
        order_id=order["id"],
        return_type=return_type,
        role="BUYER",
        reason=reason,
        create_time=at,
        line_item_ids=[i["id"] for i in items],
        lines=returns_money.return_lines(ids, order, items),
        refund=returns_money.totals(order, items),
        discount=returns_money.discounts(order, items),
        return_shipping=returns_money.return_shipping(currency, return_type, reason),
        update_time=at,
        shipment_type="PLATFORM" if travels else None,
        handover_method=handover_method if travels else None,
        buyer_ships=buyer_ships,
        can_buyer_keep_item=return_type == m.REPLACEMENT,
    )
    shop.returns.requests[req.id] = req
    _note(
        req,
        "BUYER",
        f"Customer submitted a {NOUN[return_type]} request",
        at,
        reason_text=return_reasons.text_of(reason),
        note=note,
        images=images or [],
        videos=videos or [],
    )
    _enter(
        world, shop, req, m.REPLACEMENT_PENDING if return_type == m.REPLACEMENT else m.PENDING, at
    )
    return req


def approve(
    world: World,
    shop: Shop,
    req: ReturnRequest,
    decision: str,
    at: int,
    *,
    role: str = "SELLER",
    keep_item: bool = False,
    partial: dict[str, str] | None = None,
) -> None:
    """An approving decision (approve-return spec), by the seller or, at the deadline, the
    platform; the caller has checked that it fits the request."""
    who = "Seller" if role == "SELLER" else "The platform"
    late = "" if role == "SELLER" else f" automatically: {SELLER_LATE}"
    noun = NOUN[req.return_type]
    if decision == "OFFER_PARTIAL_REFUND":
        assert partial is not None
        req.partial_refund = {
            "currency": partial["currency"],
            "amount": money(Decimal(partial["amount"])),
        }
        req.buyer_rejected_partial_refund = False
        offer = req.partial_refund
        _note(
            req,
            role,
            f"{who} offered a partial refund of {offer['amount']} {offer['currency']}",
            at,
        )
        _enter(world, shop, req, m.AWAITING_BUYER, at)
    elif decision == "APPROVE_RETURN" and not keep_item:
        _note(req, role, f"{who} approved the return request{late}", at)
        _enter(world, shop, req, m.AWAITING_SHIP, at)
    elif decision in {"APPROVE_REFUND", "APPROVE_RETURN"}:
        if keep_item:
            req.can_buyer_keep_item = True
        kept = " without asking for the item back" if keep_item else ""
        _note(req, role, f"{who} approved the {noun} request{kept}{late}", at)
        _enter(world, shop, req, m.SUCCESS, at)
    elif decision == "APPROVE_RECEIVED_PACKAGE":
        _note(req, role, f"{who} confirmed the returned package and approved the refund{late}", at)
        _enter(world, shop, req, m.SUCCESS, at)
    elif decision == "APPROVE_REPLACEMENT":
        new_order = _replacement_order(world, shop, req, at)
        if new_order is None:
            _note(req, "SYSTEM", "Not enough stock for a replacement: the buyer is refunded", at)
            _enter(world, shop, req, m.REPLACEMENT_REFUNDED, at)
        else:
            mark_replaced(world, shop, req, new_order, at, role=role)
    elif decision == "ISSUE_REPLACEMENT_REFUND":
        _note(req, role, f"{who} refunded the buyer instead of sending a replacement", at)
        _enter(world, shop, req, m.REPLACEMENT_REFUNDED, at)
    else:
        raise ValueError(f"not an approving decision: {decision}")


def mark_replaced(
    world: World, shop: Shop, req: ReturnRequest, order_id: str, at: int, role: str = "SELLER"
) -> None:
    """The replacement was approved and the platform made order `order_id` for it."""
    who = "Seller" if role == "SELLER" else "The platform"
    late = "" if role == "SELLER" else f" automatically: {SELLER_LATE}"
    req.replacement_order_id = order_id
    _note(
        req,
        role,
        f"{who} approved the replacement request{late}",
        at,
        note=f"Replacement order {order_id}",
    )
    _enter(world, shop, req, m.REPLACEMENT_COMPLETE, at)


def reject(
    world: World,
    shop: Shop,
    req: ReturnRequest,
    decision: str,
    reason: str,
    at: int,
    *,
    comment: str = "",
    images: list[dict[str, Any]] | None = None,
) -> None:
    """The seller says no, with a reason (reject-return spec)."""
    target = {
        "REJECT_REFUND": m.REJECTED,
        "REJECT_RETURN": m.REJECTED,
        "REJECT_RECEIVED_PACKAGE": m.PACKAGE_REJECTED,
        "REJECT_REPLACEMENT": m.REPLACEMENT_REJECTED,
    }[decision]
    what = (
        "the returned package"
        if decision == "REJECT_RECEIVED_PACKAGE"
        else (f"the {NOUN[req.return_type]} request")
    )
    _note(
        req,
        "SELLER",
        f"Seller rejected {what}",
        at,
        reason_text=return_reasons.text_of(reason),
        note=comment,
        images=images or [],
    )
    _enter(world, shop, req, target, at)


def ship_back(
    world: World, shop: Shop, req: ReturnRequest, at: int, tracking: str = "", provider: str = ""
) -> None:
    """The buyer drops the parcel off (or uploads a tracking number): BUYER_SHIPPED_ITEM."""
    if req.status != m.AWAITING_SHIP:
        raise ReturnStateError(
            f"return {req.id} is {req.status}; the buyer ships back only "
            f"once it is {m.AWAITING_SHIP}"
        )
    carrier, carrier_id = next(
        ((n, i) for n, i in world.shipping_providers if n == provider), world.shipping_providers[0]
    )
    req.provider_name, req.provider_id = carrier, carrier_id
    req.tracking_number = tracking or f"9202{int(req.id) % 10**18:018d}"
    _note(
        req,
        "BUYER",
        "Customer shipped the return package",
        at,
        note=f"{carrier} {req.tracking_number}",
    )
    _enter(world, shop, req, m.SHIPPED, at)


def arrive(world: World, shop: Shop, req: ReturnRequest, at: int) -> None:
    """The parcel reaches the seller's return warehouse: the seller checks it and answers."""
    if req.status != m.SHIPPED or req.arrived_at is not None:
        raise ReturnStateError(f"return {req.id} has no parcel on its way back")
    req.arrived_at = at
    _note(req, "SYSTEM", "The return package was delivered to the seller", at)
    if shop.orders[req.order_id]["fulfillment_type"] == "FULFILLMENT_BY_TIKTOK":
        # FBT: TikTok's warehouse receives it (25011026 for the seller) and refunds at once.
        _note(
            req,
            "SYSTEM",
            "The platform's warehouse received the package and approved the refund",
            at,
        )
        _enter(world, shop, req, m.SUCCESS, at)
        return
    req.update_time = max(req.update_time, at)
    req.action, req.deadline = m.RESPOND_RECEIVE, at + m.RECEIVE_WINDOW
    _schedule(shop, req, req.deadline, "approve")


def withdraw(world: World, shop: Shop, req: ReturnRequest, at: int, role: str = "BUYER") -> None:
    """The buyer cancels the request, or the platform closes it (CANCEL)."""
    if req.status in m.FINAL or req.status in {m.SUCCESS, m.SHIPPED}:
        raise ReturnStateError(f"return {req.id} is {req.status}; it can no longer be cancelled")
    if role == "BUYER":
        _note(req, role, "Customer cancelled the request", at)
    else:
        _note(
            req,
            role,
            "The platform closed the request: the customer did not ship the item back in time",
            at,
        )
    replacement = req.return_type == m.REPLACEMENT
    _enter(world, shop, req, m.REPLACEMENT_CANCELLED if replacement else m.CANCELLED, at)


def answer_offer(world: World, shop: Shop, req: ReturnRequest, accept: bool, at: int) -> None:
    """The buyer takes the seller's partial refund (and keeps the item) or declines it."""
    if req.status != m.AWAITING_BUYER or req.partial_refund is None:
        raise ReturnStateError(f"return {req.id} has no partial refund offer waiting")
    if accept:
        amount = Decimal(req.partial_refund["amount"])
        req.refund = returns_money.refund_object(
            req.refund["currency"], amount, Decimal(0), Decimal(0)
        )
        req.can_buyer_keep_item = True
        _note(req, "BUYER", "Customer accepted the partial refund offer", at)
        _enter(world, shop, req, m.SUCCESS, at)
    else:
        req.buyer_rejected_partial_refund = True
        _note(req, "BUYER", "Customer declined the partial refund offer", at)
        _enter(world, shop, req, m.PENDING, at)


def arbitrate(world: World, shop: Shop, req: ReturnRequest, status: str, at: int) -> None:
    """The buyer appeals a rejection; a TikTok Shop agent decides (`arbitration_status`)."""
    current = req.arbitration_status
    if status == "IN_PROGRESS":
        if req.status not in {m.REJECTED, m.PACKAGE_REJECTED} or current is not None:
            raise ReturnStateError(
                f"return {req.id} is {req.status}; only a rejected request "
                "goes to arbitration, once"
            )
        _note(req, "BUYER", "Customer asked TikTok Shop to review the seller's decision", at)
    elif status in {"SUPPORT_BUYER", "SUPPORT_SELLER"}:
        if current != "IN_PROGRESS":
            raise ReturnStateError(f"return {req.id} is not in arbitration")
        side = "the customer" if status == "SUPPORT_BUYER" else "the seller"
        _note(req, "OPERATOR", f"TikTok Shop decided for {side}", at)
    elif status == "CLOSED":
        if current not in {"SUPPORT_BUYER", "SUPPORT_SELLER"}:
            raise ReturnStateError(f"return {req.id} has no decided arbitration to close")
        _note(req, "OPERATOR", "Arbitration closed", at)
    else:
        raise ReturnStateError(f"arbitration status must be one of {', '.join(m.ARBITRATION)}")
    req.arbitration_status = status
    if status == "SUPPORT_BUYER":
        _enter(world, shop, req, m.SUCCESS, at)
    else:
        req.update_time = max(req.update_time, at)


def tick(world: World, shop: Shop, now: int) -> None:
    """Everything the clock has made due by `now`, oldest first, each at its own time."""
    book = shop.returns
    while book.timed:
        at, return_id = min((book.requests[i].due_at or 0, i) for i in book.timed)
        if at > now:
            return
        _fire(world, shop, book.requests[return_id], at)


def run_due(world: World, shop: Shop, req: ReturnRequest, until: int) -> None:
    """What the clock does to this one request up to `until` (seeded history)."""
    while req.due_at is not None and req.due_at <= until:
        _fire(world, shop, req, req.due_at)


def _fire(world: World, shop: Shop, req: ReturnRequest, at: int) -> None:
    kind = req.due
    _schedule(shop, req, None, None)
    if kind == "approve":
        decision = {
            m.REFUND: "APPROVE_REFUND",
            m.RETURN_AND_REFUND: "APPROVE_RETURN",
            m.REPLACEMENT: "APPROVE_REPLACEMENT",
        }[req.return_type]
        if req.status == m.SHIPPED:
            decision = "APPROVE_RECEIVED_PACKAGE"
        approve(world, shop, req, decision, at, role="SYSTEM")
    elif kind == "ship":
        ship_back(world, shop, req, at)
    elif kind == "close":
        withdraw(world, shop, req, at, role="SYSTEM")
    elif kind == "arrive":
        arrive(world, shop, req, at)
    elif kind == "refund":
        _note(
            req,
            "SYSTEM",
            "Refund completed: the buyer has been refunded",
            at,
            note=f"{req.refund['refund_total']} {req.refund['currency']}",
        )
        _enter(world, shop, req, m.COMPLETE, at)


def _enter(world: World, shop: Shop, req: ReturnRequest, status: str, at: int) -> None:
    """Set the status with the seller's next action and the clock's next step, then push."""
    req.status = status
    req.update_time = max(req.update_time, at)
    req.action = req.deadline = None
    due: tuple[int, str] | None = None
    if status in {m.PENDING, m.REPLACEMENT_PENDING}:
        req.action = {
            m.REFUND: m.RESPOND_REFUND,
            m.RETURN_AND_REFUND: m.RESPOND_RETURN,
            m.REPLACEMENT: m.RESPOND_REPLACEMENT,
        }[req.return_type]
        req.deadline = at + m.RESPONSE_WINDOW
        due = (req.deadline, "approve")
    elif status == m.AWAITING_SHIP:
        due = (
            (at + m.BUYER_SHIP_DELAY, "ship")
            if req.buyer_ships
            else (at + m.BUYER_SHIP_WINDOW, "close")
        )
    elif status == m.SHIPPED:
        due = (at + m.RETURN_TRANSIT, "arrive")
    elif status == m.SUCCESS:
        due = (at + m.REFUND_DELAY, "refund")
    _schedule(shop, req, *(due or (None, None)))
    world.emit(
        shop,
        "RETURN_STATUS_CHANGE",
        {
            "order_id": req.order_id,
            "return_role": req.role,
            "return_type": req.return_type,
            "return_status": req.status,
            "return_id": req.id,
            "create_time": req.create_time,
            "update_time": req.update_time,
        },
    )


def _schedule(shop: Shop, req: ReturnRequest, at: int | None, kind: str | None) -> None:
    req.due_at, req.due = at, kind
    if at is None:
        shop.returns.timed.discard(req.id)
    else:
        shop.returns.timed.add(req.id)


def _note(req: ReturnRequest, role: str, description: str, at: int, **extra: Any) -> None:
    req.events.append(ReturnEvent(role=role, description=description, at=at, **extra))


def _replacement_order(world: World, shop: Shop, req: ReturnRequest, at: int) -> str | None:
    """The platform's new order for the same items (REPLACEMENT_REQUEST_COMPLETE), or None
    when TikTok's stock cannot cover it (REPLACEMENT_REQUEST_REFUND_SUCCESS)."""
    order = shop.orders[req.order_id]
    buyers = world.buyers.get(shop.id) or []
    buyer = next(
        (b for b in buyers if b.user_id == order["user_id"]), buyers[0] if buyers else None
    )
    if buyer is None:
        return None
    by_id = {i["id"]: i for i in order["line_items"]}
    lines = []
    for item_id in req.line_item_ids:
        _, product, sku = world.sku_index[by_id[item_id]["sku_id"]]
        lines.append((product, sku, 1))
    options = OrderOptions(
        is_replacement_order=True,
        replaced_order_id=order["id"],
        is_on_hold_order=False,
        shipping_type=order["shipping_type"],
    )
    try:
        new = world.place_order(shop, lines, buyer, at, options)
    except ValueError:  # StockError: not enough for the replacement
        return None
    world.transition(shop, new["id"], "AWAITING_SHIPMENT", at)
    return str(new["id"])


def partial_ok(req: ReturnRequest, partial: dict[str, Any]) -> str | None:
    """Why a partial refund offer does not fit the request (None when it does)."""
    currency, amount = partial.get("currency"), partial.get("amount")
    if currency != req.refund["currency"]:
        return f"partial_refund.currency must be {req.refund['currency']}"
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return "partial_refund.amount must be a decimal string"
    if not value.is_finite() or value <= 0 or value >= Decimal(req.refund["refund_total"]):
        return f"partial_refund.amount must be above 0 and below {req.refund['refund_total']}"
    if value != value.quantize(Decimal("0.01")):
        return "partial_refund.amount has more than two decimals"
    return None
