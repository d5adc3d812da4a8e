"""What the shop's return and refund requests mean for settlement.

get-statements spec: an order is settled a number of days after delivery "if no returns or
refunds are pending", so an open request holds it back. A refund paid to the buyer (the
request COMPLETE, or a replacement refunded) comes off the order's revenue: before settlement
in the settlement itself, afterwards as a further ORDER transaction in a later statement
(get-transactions-by-order: an order's SKU lines carry the statement each belongs to).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.sandbox import returns_model as m

REFUNDED = frozenset({m.COMPLETE, m.REPLACEMENT_REFUNDED})


@dataclass(frozen=True)
class Refund:
    """A refund paid to the buyer: the items it covers, and what it gave back."""

    request_id: str
    at: int  # when the buyer was paid
    item_ids: tuple[str, ...]
    partial: Decimal | None  # a partial refund's amount (the buyer kept the items)
    total: Decimal  # everything the buyer got back
    tax: Decimal
    shipping: Decimal  # the order's shipping fee, when every item came back
    return_label: Decimal  # the seller's return label


@dataclass(frozen=True)
class OrderReturns:
    """An order's requests as settlement sees them."""

    open: bool
    refunds: tuple[Refund, ...]

    @property
    def signature(self) -> tuple[str, ...]:
        """Which refunds have been paid: settlement changes when this does."""
        return tuple(r.request_id for r in self.refunds)

    @property
    def paid_at(self) -> int:
        return max((r.at for r in self.refunds), default=0)


NONE = OrderReturns(open=False, refunds=())


def _refund(req: m.ReturnRequest) -> Refund:
    partial = None
    if req.can_buyer_keep_item and req.partial_refund is not None:
        partial = Decimal(req.refund["refund_subtotal"])
    return Refund(
        request_id=req.id,
        at=req.update_time,
        item_ids=tuple(req.line_item_ids),
        partial=partial,
        total=Decimal(req.refund.get("refund_total") or "0"),
        tax=Decimal(req.refund.get("refund_tax") or "0"),
        shipping=Decimal(req.refund.get("refund_shipping_fee") or "0"),
        return_label=Decimal(req.return_shipping.get("seller_paid_return_shipping_fee") or "0"),
    )


def requests_by_order(shop: Any) -> dict[str, list[m.ReturnRequest]]:
    """The shop's requests, grouped by order."""
    found: dict[str, list[m.ReturnRequest]] = {}
    for req in shop.returns.requests.values():
        found.setdefault(req.order_id, []).append(req)
    return found


def as_of(requests: list[m.ReturnRequest], at: int) -> OrderReturns:
    """What an order's requests meant just before `at`: open ones, refunds already paid."""
    made = sorted((r for r in requests if r.create_time < at), key=lambda r: r.id)
    return OrderReturns(
        open=any(r.status not in m.FINAL or r.update_time >= at for r in made),
        refunds=tuple(_refund(r) for r in made if r.status in REFUNDED and r.update_time < at),
    )


def by_order(shop: Any, at: int) -> dict[str, OrderReturns]:
    """Every order of the shop that has a request, as of just before `at`."""
    return {oid: as_of(reqs, at) for oid, reqs in requests_by_order(shop).items()}
