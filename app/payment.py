"""An order's payment as lines that add up to what the buyer paid (detail pane and export).

TikTok's documented formulas (FACTS.md 4.4): `sub_total = original_total_product_price -
seller_discount - platform_discount`, `shipping_fee = original_shipping_fee -
shipping_fee_seller_discount - shipping_fee_platform_discount`, `total_amount = sub_total +
shipping_fee + taxes + retail_delivery_fee`. Every documented field that carries an amount gets
a line; a line only counts in a sum when the amounts say it belongs there, so what is shown
always adds up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Literal

from app.tiktok.models import Payment

ZERO = Decimal(0)
#: part / minus: inside a section, they make its subtotal; subtotal: a section's amount, counted
#: in the total; add: counted in the total by itself (a tax, a fee); note: already inside
#: another line, shown for information; total: what the buyer paid.
Kind = Literal["part", "minus", "subtotal", "add", "note", "total"]
COUNTED: tuple[Kind, ...] = ("subtotal", "add")

ITEMS = (
    "original_total_product_price",
    "Original price",
    (("seller_discount", "Your discount"), ("platform_discount", "TikTok discount")),
    ("sub_total", "Subtotal", "Items"),
)
SHIPPING = (
    "original_shipping_fee",
    "Shipping",
    (
        ("shipping_fee_seller_discount", "Your shipping discount"),
        ("shipping_fee_platform_discount", "TikTok shipping discount"),
        ("shipping_fee_cofunded_discount", "Co-funded shipping discount"),
    ),
    ("shipping_fee", "Shipping paid", "Shipping"),
)
TAX_PARTS = (
    ("product_tax", "Tax on items"),
    ("shipping_fee_tax", "Tax on shipping"),
    ("item_insurance_tax", "Tax on insurance"),
)
#: Fees buyers pay in some markets; the formula names only the first.
FEES = (
    ("retail_delivery_fee", "Retail delivery fee"),
    ("small_order_fee", "Small order fee"),
    ("buyer_service_fee", "Buyer service fee"),
    ("handling_fee", "Payment handling fee"),
    ("shipping_insurance_fee", "Shipping insurance"),
    ("item_insurance_fee", "Item insurance"),
)
GAP_LABEL = "Other charges in TikTok's total"


@dataclass(frozen=True)
class PaymentLine:
    """One line of the payment block, with the TikTok payment field it shows."""

    label: str
    amount: Decimal
    kind: Kind
    fields: tuple[str, ...] = ()


def _amount(payment: Payment, name: str) -> Decimal | None:
    value = getattr(payment, name, None)
    return value if isinstance(value, Decimal) else None


def _section(
    payment: Payment,
    spec: tuple[str, str, tuple[tuple[str, str], ...], tuple[str, str, str]],
) -> list[PaymentLine]:
    """The original amount and the discounts that explain the amount paid, then that amount.

    Co-funded shipping discounts replace the seller's in some orders (get-order-detail), so
    the set of discounts that closes the gap is the one counted; the others become notes.
    """
    start_name, start_label, discounts, (paid_name, paid_label, alone_label) = spec
    paid = _amount(payment, paid_name) or ZERO
    start = _amount(payment, start_name)
    found = [(n, label, a) for n, label in discounts if (a := _amount(payment, n))]
    counted: tuple[tuple[str, str, Decimal], ...] | None = None
    if start is not None:
        for size in range(len(found), -1, -1):
            for chosen in combinations(found, size):
                if start - sum((a for _, _, a in chosen), ZERO) == paid:
                    counted = chosen
                    break
            if counted is not None:
                break
    lines: list[PaymentLine] = []
    if start is not None and counted is not None:
        lines.append(PaymentLine(start_label, start, "part", (start_name,)))
    elif start is not None and start != paid:
        lines.append(PaymentLine(start_label, start, "note", (start_name,)))
    for name, label, amount in found:
        kind: Kind = "minus" if counted is not None and (name, label, amount) in counted else "note"
        lines.append(PaymentLine(label, amount, kind, (name,)))
    shown: tuple[str, ...] = (paid_name,)
    if not any(line.kind == "minus" for line in lines):  # nothing taken off: one line
        lines = [line for line in lines if line.kind == "note" and line.fields != (start_name,)]
        paid_label = alone_label
        shown = (paid_name, start_name) if start == paid else shown
    lines.append(PaymentLine(paid_label, paid, "subtotal", shown))
    return lines


def _taxes(payment: Payment) -> list[PaymentLine]:
    """The tax parts when they make up the tax, else one tax line with the parts as notes."""
    tax = _amount(payment, "tax") or ZERO
    parts = [(n, label, a) for n, label in TAX_PARTS if (a := _amount(payment, n))]
    if parts and sum((a for _, _, a in parts), ZERO) == tax:
        return [PaymentLine(label, a, "add", (n,)) for n, label, a in parts]
    lines = [PaymentLine("Tax", tax, "add", ("tax",))] if tax else []
    return lines + [PaymentLine(label, a, "note", (n,)) for n, label, a in parts]


def _fees(payment: Payment, before: Decimal, total: Decimal) -> list[PaymentLine]:
    """Fees, counted when they belong in the total: all, else the formula's own, else none."""
    fees = [(n, label, a) for n, label in FEES if (a := _amount(payment, n))]
    names = {n for n, _, _ in fees}
    for chosen in (names, names & {"retail_delivery_fee"}, set()):
        if before + sum((a for n, _, a in fees if n in chosen), ZERO) == total:
            break
    else:
        chosen = names & {"retail_delivery_fee"}
    return [PaymentLine(label, a, "add" if n in chosen else "note", (n,)) for n, label, a in fees]


def counted_sum(lines: list[PaymentLine]) -> Decimal:
    """What the counted lines add up to (equal to the total line by construction)."""
    return sum((line.amount for line in lines if line.kind in COUNTED), ZERO)


def payment_lines(payment: Payment) -> list[PaymentLine]:
    """Items, shipping, taxes and fees, then the total; the counted lines sum to the total."""
    total = _amount(payment, "total_amount") or ZERO
    lines = _section(payment, ITEMS) + _section(payment, SHIPPING) + _taxes(payment)
    lines += _fees(payment, counted_sum(lines), total)
    gap = total - counted_sum(lines)
    if gap:  # TikTok's total holds something no documented field explains
        lines.append(PaymentLine(GAP_LABEL, gap, "add"))
    lines.append(PaymentLine("Total", total, "total", ("total_amount",)))
    return lines


def discounts(payment: Payment) -> Decimal:
    """Every discount the buyer got on items and shipping (for the export)."""
    return sum((line.amount for line in payment_lines(payment) if line.kind == "minus"), ZERO)
