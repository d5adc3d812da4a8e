"""Cancel reasons by market, by who cancels and in which order status.

From TikTok's "Cancel reasons" page (cancel-reasons.json, page 67e61eee427345048595487d), one
table per market: the name goes on the wire as `cancel_reason`, the text is what buyers and
sellers read (`cancel_reason_text`). A name of another market is unknown in this one (the UK's
end in `_uk`), and a kind the market does not list (JP: reject reasons) has no valid name.
"""

from __future__ import annotations

from app.tiktok.models.cancel_reasons import MarketReasons, all_markets, reason_text, reasons_for

#: What a US order cancelled without a given reason shows, by who cancels and the status it
#: left. The SYSTEM rows follow the order overview's scenarios: unpaid in time, not shipped by
#: cancel_order_sla, no carrier scan by tts_sla, lost in transit. Other markets take their own
#: reason with the same text, else the first of their list.
US_DEFAULTS = {
    ("BUYER", "UNPAID"): "ecom_order_unpaid_canceled_reason_no_longer_needed",
    ("BUYER", "PAID"): "ecom_order_to_ship_canceled_reason_created_by_mistakes",
    ("SELLER", "UNPAID"): "seller_cancel_unpaid_reason_out_of_stock",
    ("SELLER", "PAID"): "seller_cancel_reason_out_of_stock",
    ("SYSTEM", "UNPAID"): "system_cancel_unpaid_time_out",
    ("SYSTEM", "PAID"): "platform_cancel",
    ("SYSTEM", "ON_HOLD"): "platform_cancel",
    ("SYSTEM", "AWAITING_SHIPMENT"): "platform_cancel",
    ("SYSTEM", "PARTIALLY_SHIPPING"): "platform_cancel",
    ("SYSTEM", "AWAITING_COLLECTION"): "system_cancel_order_reason_shipping_timeout",
    ("SYSTEM", "IN_TRANSIT"): "package_lost",
}
OUT_OF_STOCK_TEXT = "Out of stock"


def market(region: str) -> MarketReasons:
    """The shop's market tables (none at all for an unlisted market)."""
    return reasons_for(region)


def buyer_reasons(region: str, status: str) -> dict[str, str]:
    """Reasons a buyer may give to cancel in `status` (ON_HOLD and AWAITING_SHIPMENT share)."""
    return market(region).buyer_reasons(status)


def seller_reasons(region: str, status: str) -> dict[str, str]:
    """Reasons a seller may cancel with in `status`.

    The tables stop at AWAITING_SHIPMENT, yet the US order overview (transition 12) lets
    sellers cancel AWAITING_COLLECTION orders; with no list of its own, that status takes the
    paid-order list there.
    """
    tables = market(region)
    if status == "AWAITING_COLLECTION" and tables.market == "US":
        status = "AWAITING_SHIPMENT"
    return tables.seller_reasons(status)


def every_seller_reason(region: str) -> dict[str, str]:
    """Every reason the market lets a seller cancel with, whatever the status."""
    found: dict[str, str] = {}
    for names in market(region).seller.values():
        found.update(names)
    return found


def reject_reasons(region: str) -> dict[str, str]:
    """ "Seller Reject Cancel Request Reason": the only reasons Reject Cancellation accepts."""
    return dict(market(region).reject)


def rejects_a_cancellation(name: str) -> bool:
    """A name some market lists for rejecting a buyer's cancellation request."""
    return any(name in m.reject for m in all_markets().values())


def is_out_of_stock(region: str, name: str) -> bool:
    """Only an out-of-stock item may be cancelled on its own (cancel-order spec: "when an item
    is out of stock, partial cancellation on the single item level is supported")."""
    return every_seller_reason(region).get(name) == OUT_OF_STOCK_TEXT


def known(name: str) -> bool:
    """A name some market documents (wrong kind or market, rather than made up)."""
    return reason_text(name) != name


def default_reason(region: str, who: str, status: str) -> str:
    """The reason name used when a cancellation comes without one."""
    us = (
        US_DEFAULTS.get((who, status))
        or US_DEFAULTS[(who, "UNPAID" if status == "UNPAID" else "PAID")]
    )
    tables = market(region)
    if tables.market == "US":
        return us
    pool = _pool(tables, who, status)
    text = all_markets()["US"].texts.get(us, "")
    same = [name for name, label in pool.items() if label == text]
    return same[0] if same else next(iter(pool), us)


def _pool(tables: MarketReasons, who: str, status: str) -> dict[str, str]:
    key = "UNPAID" if status == "UNPAID" else "AWAITING_SHIPMENT"
    if who == "BUYER":
        return tables.buyer_reasons(key)
    if who == "SELLER":
        return tables.seller_reasons(key)
    return dict(tables.system)


#: The display text of a reason name; free text (admin overrides) stays as it is.
text_of = reason_text
