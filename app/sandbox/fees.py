"""What an order earns its seller: TikTok's settlement breakdown filled from the order's payment.

The breakdown's names and signs are TikTok's (get-transactions-by-order spec: money the seller
receives is positive, what TikTok keeps is negative, and an amount is the sum of its breakdown).
The rates are the sandbox's own schedule, chosen so every kind of fee a creator meets shows up
(TikTok publishes its rates per market in Seller Center, not in the API documents):

- referral fee 6% of the SKU's revenue (US), transaction fee 1%;
- affiliate commission (5-20% by product) on orders a creator's video or LIVE brought;
- LIVE Specials service fee 2% on half of the LIVE orders;
- TikTok Shipping labels: 5.80 + 0.85 per extra unit, and 0.75 more for one order in five
  once the carrier has weighed the parcel (so an estimate made before collection can differ
  from the settlement); Fulfilled by TikTok: 3.58 + 0.45 per extra unit; the seller's own
  carrier costs TikTok nothing.

Every amount is rounded half up to the currency's minor unit per SKU; order and statement
totals are exact sums of those, so revenue + fees + shipping = settlement to the cent.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from app.sandbox.refunds import Refund

ZERO = Decimal(0)
#: ISO 4217 currencies TikTok Shop markets use without a minor unit.
NO_MINOR_UNIT = frozenset({"JPY", "IDR", "KRW", "VND"})

REFERRAL_RATE = Decimal("0.06")
TRANSACTION_RATE = Decimal("0.01")
LIVE_SPECIALS_RATE = Decimal("0.02")
ADMIN_RATE = Decimal("0.20")  # of the referral fee a refund gives back
LABEL_BASE = Decimal("5.80")
LABEL_PER_UNIT = Decimal("0.85")
REWEIGH_EXTRA = Decimal("0.75")
FBT_BASE = Decimal("3.58")
FBT_PER_UNIT = Decimal("0.45")
CHANNELS = ("LIVE", "VIDEO", "PRODUCT_CARD")  # gmv_breakdowns types (analytics specs)


ONE, CENT = Decimal(1), Decimal("0.01")


def quantum(currency: str) -> Decimal:
    """The currency's smallest amount: 1 for JPY and IDR, 0.01 otherwise."""
    return ONE if currency in NO_MINOR_UNIT else CENT


def rounded(value: Decimal, currency: str) -> Decimal:
    """Half up to the minor unit, never a negative zero."""
    result = value.quantize(quantum(currency), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def amount(value: Decimal, currency: str) -> str:
    """A wire amount: plain decimal text (no exponent), with the currency's decimals."""
    return format(rounded(value, currency), "f")


def share(value: Decimal, rate: Decimal, currency: str) -> Decimal:
    return rounded(value * rate, currency)


def split(total: Decimal, weights: list[int], currency: str) -> list[Decimal]:
    """`total` spread over `weights` in whole minor units that add up exactly."""
    if len(weights) == 1:
        return [total]
    unit = quantum(currency)
    units = int((total / unit).to_integral_value())
    whole = sum(weights)
    if whole == 0:
        return [ZERO for _ in weights]
    parts = [units * w // whole for w in weights]
    rest = units - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: -((units * weights[i]) % whole))
    for i in order[: abs(rest)]:
        parts[i] += 1 if rest > 0 else -1
    return [rounded(p * unit, currency) for p in parts]


def _byte(order_id: str, salt: str) -> int:
    return hashlib.sha256(f"{salt}:{order_id}".encode()).digest()[0]


@dataclass(frozen=True)
class Traits:
    """How a buyer came to the order and what the carrier found: fixed by the order id."""

    channel: str
    affiliate: bool
    live_specials: bool
    reweighed: bool
    adjusted: bool  # a shipping fee adjustment follows the settlement


@functools.lru_cache(maxsize=65536)
def traits(order_id: str) -> Traits:
    roll = _byte(order_id, "channel") * 100 // 256
    channel = "LIVE" if roll < 25 else "VIDEO" if roll < 60 else "PRODUCT_CARD"
    return Traits(
        channel=channel,
        affiliate=channel != "PRODUCT_CARD" and _byte(order_id, "affiliate") < 154,
        live_specials=channel == "LIVE" and _byte(order_id, "live") < 128,
        reweighed=_byte(order_id, "weight") < 52,
        adjusted=_byte(order_id, "adjust") < 10,
    )


@functools.lru_cache(maxsize=4096)
def commission_rate(product_id: str) -> Decimal:
    """The creator commission a product offers, 5% to 20%."""
    return Decimal(5 + _byte(product_id, "commission") % 16) / 100


@dataclass
class SkuMoney:
    """One SKU's part of an order, as the settlement breakdown names it."""

    sku_id: str
    sku_name: str
    product_id: str
    product_name: str
    quantity: int
    revenue: dict[str, Decimal] = field(default_factory=dict)
    shipping: dict[str, Decimal] = field(default_factory=dict)
    shipping_extra: dict[str, Decimal] = field(default_factory=dict)
    fee: dict[str, Decimal] = field(default_factory=dict)
    tax: dict[str, Decimal] = field(default_factory=dict)

    @cached_property
    def revenue_amount(self) -> Decimal:
        return sum(self.revenue.values(), ZERO)

    @cached_property
    def shipping_cost_amount(self) -> Decimal:
        return sum(self.shipping.values(), ZERO)

    @cached_property
    def fee_tax_amount(self) -> Decimal:
        return sum(self.fee.values(), ZERO) + sum(self.tax.values(), ZERO)

    @cached_property
    def settlement_amount(self) -> Decimal:
        return self.revenue_amount + self.shipping_cost_amount + self.fee_tax_amount


@dataclass
class OrderMoney:
    """An order's settlement (or TikTok's estimate of it), SKU by SKU."""

    order_id: str
    currency: str
    create_time: int
    skus: list[SkuMoney]
    extra: dict[str, Decimal]  # the transaction's supplementary_component

    def total(self, part: str) -> dict[str, Decimal]:
        """One breakdown (`revenue`, `shipping`, `fee`...) summed over the SKUs."""
        summed: dict[str, Decimal] = {}
        for sku in self.skus:
            for name, value in getattr(sku, part).items():
                summed[name] = summed.get(name, ZERO) + value
        return summed

    @cached_property
    def revenue_amount(self) -> Decimal:
        return sum((s.revenue_amount for s in self.skus), ZERO)

    @cached_property
    def shipping_cost_amount(self) -> Decimal:
        return sum((s.shipping_cost_amount for s in self.skus), ZERO)

    @cached_property
    def fee_tax_amount(self) -> Decimal:
        return sum((s.fee_tax_amount for s in self.skus), ZERO)

    @cached_property
    def settlement_amount(self) -> Decimal:
        return sum((s.settlement_amount for s in self.skus), ZERO)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def live_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Line items the buyer still pays for (cancelled ones are refunded)."""
    return [i for i in order["line_items"] if i.get("display_status") != "CANCELLED"]


def _shipping(
    order: dict[str, Any], units: int, measured: bool, refunds: Sequence[Refund]
) -> tuple[dict[str, Decimal], ...]:
    """Order-level shipping: the label or FBT fee, what the buyer paid (less what went back),
    what TikTok covered, and the seller's return labels."""
    pay = order["payment"]
    extra_units = Decimal(max(units - 1, 0))
    shipping_back = sum((r.shipping for r in refunds), ZERO)
    main = {
        "actual_shipping_fee_amount": ZERO,
        "shipping_fee_discount_amount": _dec(pay.get("shipping_fee_platform_discount")),
        "customer_paid_shipping_fee_amount": _dec(pay.get("shipping_fee")) - shipping_back,
        "return_shipping_fee_amount": -sum((r.return_label for r in refunds), ZERO),
    }
    extra = {
        "platform_shipping_fee_discount_amount": _dec(pay.get("shipping_fee_platform_discount")),
        "seller_shipping_fee_discount_amount": _dec(pay.get("shipping_fee_seller_discount")),
        "refunded_customer_shipping_fee_amount": -shipping_back,
    }
    if order.get("fulfillment_type") == "FULFILLMENT_BY_TIKTOK":
        cost = -(FBT_BASE + FBT_PER_UNIT * extra_units)
        extra["fbt_fulfillment_fee_amount"] = cost
        main["actual_shipping_fee_amount"] = cost
    elif order.get("shipping_type") == "TIKTOK":
        label = LABEL_BASE + LABEL_PER_UNIT * extra_units
        if measured and traits(order["id"]).reweighed:
            label += REWEIGH_EXTRA
        extra["fbm_shipping_cost_amount"] = -label
        main["actual_shipping_fee_amount"] = -label
    return main, extra  # wire amounts and schedule prices: already whole minor units


def _group(items: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["sku_id"], []).append(item)
    return groups


def _partials(
    groups: dict[str, list[dict[str, Any]]], refunds: Sequence[Refund], cur: str
) -> dict[str, Decimal]:
    """Partial refunds spread over the SKUs of the items they were for, by units."""
    found: dict[str, Decimal] = {}
    for refund in (r for r in refunds if r.partial is not None):
        assert refund.partial is not None
        units = [sum(1 for i in items if i["id"] in refund.item_ids) for items in groups.values()]
        if not any(units):
            continue
        for sku_id, part in zip(groups, split(refund.partial, units, cur), strict=True):
            found[sku_id] = found.get(sku_id, ZERO) + part
    return found


def _fees(
    revenue: Decimal, before_refunds: Decimal, facts: Traits, product_id: str, cur: str
) -> dict[str, Decimal]:
    """TikTok's fees on what the SKU earned; refunded sales give back their referral fee less
    the 20% refund administration fee (get-transactions-by-order spec)."""
    referral = share(revenue, REFERRAL_RATE, cur)
    fee = {
        "referral_fee_amount": -referral,
        "transaction_fee_amount": -share(revenue, TRANSACTION_RATE, cur),
    }
    refunded_referral = share(before_refunds, REFERRAL_RATE, cur) - referral
    if refunded_referral:
        fee["refund_administration_fee_amount"] = -share(refunded_referral, ADMIN_RATE, cur)
    if facts.affiliate:
        fee["affiliate_commission_amount"] = -share(revenue, commission_rate(product_id), cur)
    if facts.live_specials:
        fee["live_specials_fee_amount"] = -share(revenue, LIVE_SPECIALS_RATE, cur)
    return fee


def order_money(
    order: dict[str, Any], *, measured: bool = True, refunds: Sequence[Refund] = ()
) -> OrderMoney:
    """The order's money by SKU, after the refunds paid so far; `measured` once the carrier
    has weighed the parcel."""
    cur = order["payment"]["currency"]
    facts = traits(order["id"])
    groups = _group(live_items(order))
    units = [len(items) for items in groups.values()]
    ship_main, ship_extra = _shipping(order, sum(units), measured, refunds)
    spread_main = {k: split(v, units, cur) for k, v in ship_main.items()}
    spread_extra = {k: split(v, units, cur) for k, v in ship_extra.items()}
    returned = {i for r in refunds if r.partial is None for i in r.item_ids}
    partial = _partials(groups, refunds, cur)
    skus = []
    for index, (sku_id, items) in enumerate(groups.items()):
        first = items[0]
        back = [i for i in items if i["id"] in returned]
        gross = sum((_dec(i["original_price"]) for i in items), ZERO)
        seller = sum((_dec(i["seller_discount"]) for i in items), ZERO)
        revenue = {
            "subtotal_before_discount_amount": gross,
            "seller_discount_amount": -seller,
            "refund_subtotal_before_discount_amount": -partial.get(sku_id, ZERO)
            - sum((_dec(i["original_price"]) for i in back), ZERO),
            "seller_discount_refund_amount": sum((_dec(i["seller_discount"]) for i in back), ZERO),
        }
        net = sum(revenue.values(), ZERO)
        skus.append(
            SkuMoney(
                sku_id=sku_id,
                sku_name=first.get("sku_name", ""),
                product_id=first["product_id"],
                product_name=first.get("product_name", ""),
                quantity=len(items),
                revenue=revenue,
                shipping={k: v[index] for k, v in spread_main.items()},
                shipping_extra={k: v[index] for k, v in spread_extra.items()},
                fee=_fees(net, gross - seller, facts, first["product_id"], cur),
            )
        )
    return OrderMoney(order["id"], cur, order["create_time"], skus, _order_extra(order, refunds))


def _order_extra(order: dict[str, Any], refunds: Sequence[Refund]) -> dict[str, Decimal]:
    """What the buyer paid beyond the seller's money: tax and fees TikTok collects and remits,
    and what the buyer got back."""
    pay, cur = order["payment"], order["payment"]["currency"]
    tax = _dec(pay.get("tax"))
    tax_back = sum((r.tax for r in refunds), ZERO)
    rdf = _dec(pay.get("retail_delivery_fee"))
    values = {
        "customer_payment_amount": _dec(pay.get("total_amount")),
        "customer_refund_amount": sum((r.total for r in refunds), ZERO),
        "platform_discount_amount": _dec(pay.get("platform_discount")),
        "retail_delivery_fee_amount": rdf,
        "retail_delivery_fee_payment_amount": rdf,
        "sales_tax_amount": tax - tax_back,  # by-statement spec: payment - refund
        "sales_tax_payment_amount": tax,
        "sales_tax_refund_amount": tax_back,
    }
    return {k: rounded(v, cur) for k, v in values.items()}


def _minus(new: dict[str, Decimal], old: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: new.get(k, ZERO) - old.get(k, ZERO) for k in {*new, *old}}


def change(new: OrderMoney, old: OrderMoney) -> OrderMoney | None:
    """What a later settlement adds to an earlier one, SKU by SKU (None when nothing)."""
    before = {s.sku_id: s for s in old.skus}
    parts = ("revenue", "shipping", "shipping_extra", "fee", "tax")
    skus = []
    for sku in new.skus:
        prior = before.get(sku.sku_id)
        if prior is None:
            skus.append(sku)
            continue
        diff = {p: _minus(getattr(sku, p), getattr(prior, p)) for p in parts}
        if any(v for values in diff.values() for v in values.values()):
            skus.append(
                replace(
                    sku,
                    revenue=diff["revenue"],
                    shipping=diff["shipping"],
                    shipping_extra=diff["shipping_extra"],
                    fee=diff["fee"],
                    tax=diff["tax"],
                )
            )
    if not skus:
        return None
    return OrderMoney(
        new.order_id, new.currency, new.create_time, skus, _minus(new.extra, old.extra)
    )
