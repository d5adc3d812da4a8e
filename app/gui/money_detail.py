"""An order's money in its detail pane: every fee line, estimated or settled, and by how much
the settlement changed TikTok's estimate."""

from __future__ import annotations

from html import escape

from app.queries.money import SETTLED, OrderProfit

#: TikTok's fee field names, in the creator's words (others are shown by their own name).
FEE_LABELS = {
    "platform_commission_amount": "Platform commission",
    "referral_fee_amount": "Referral fee",
    "transaction_fee_amount": "Transaction fee",
    "affiliate_commission_amount": "Affiliate commission",
    "live_specials_fee_amount": "LIVE specials fee",
    "sfp_service_fee_amount": "Shipping fee program",
    "fbt_fulfillment_fee_amount": "FBT fulfilment fee",
}


def fee_label(name: str) -> str:
    found = FEE_LABELS.get(name)
    if found:
        return found
    words = name.removesuffix("_amount").replace("_", " ")
    return words[:1].upper() + words[1:]


def money_rows(p: OrderProfit) -> list[tuple[str, str]]:
    """(label, amount) lines: revenue, each fee, shipping, payout, cost, profit."""
    rows = [("Revenue", p.revenue.text)]
    rows += [
        (fee_label(k), f"−{v.text}" if v.amount > 0 else v.text)
        for k, v in sorted(p.fee_lines.items())
    ]
    rows += [
        ("Shipping", p.shipping_cost.text),
        ("Payout", p.payout.text),
        ("Cost of goods", p.cost_of_goods.text),
        ("Profit", p.profit.text),
    ]
    return rows


def money_html(p: OrderProfit | None) -> str:
    """The pane's Money section (escaped), or a line saying TikTok has no figures yet."""
    if p is None:
        return "<p>TikTok Shop has no settlement or estimate for this order yet.</p>"
    state = (
        "Settled in a statement"
        if p.state == SETTLED
        else "Estimated by TikTok Shop (settles after delivery)"
    )
    lines = "".join(
        f"<tr><td>{escape(label)}</td><td align='right'>{escape(value)}</td></tr>"
        for label, value in money_rows(p)
    )
    change = p.settlement_change
    note = ""
    if change is not None and change.amount != 0:
        assert p.estimate is not None
        note = (
            f"<p>Settlement changed the estimate by <b>{escape(change.text)}</b> "
            f"(estimated payout {escape(p.estimate.payout.text)}).</p>"
        )
    missing = (
        f"<p>{p.units_without_cost} unit(s) have no cost entered (Inventory, or "
        "`shopdesk costs`).</p>"
        if p.units_without_cost
        else ""
    )
    return (
        f"<p><b>{escape(state)}</b> · {escape(p.currency)}</p>"
        f"<table cellspacing='0' cellpadding='2' width='100%'>{lines}</table>{note}{missing}"
    )
