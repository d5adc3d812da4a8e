"""A new order as TikTok shows it: one line item per unit, and money that adds up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.sandbox.ids import IdFactory
from app.sandbox.logistics import option_for
from app.sandbox.model import Product, Shop, Sku, money

ZERO = Decimal("0")
CENT = Decimal("0.01")
SHIPPING_FEE = Decimal("5.99")
FREE_SHIPPING_FROM = Decimal("35")
#: Colorado's retail delivery fee, the one US market where TikTok charges an RDF.
COLORADO_RDF = Decimal("0.28")

ORDER_TYPES = ("NORMAL", "PRE_ORDER", "MADE_TO_ORDER", "BACK_ORDER", "ZERO_LOTTERY")
#: `sku_type` (deprecated) lists no BACK_ORDER; such lines read NORMAL.
SKU_TYPE_FOR_ORDER = {"BACK_ORDER": "NORMAL"}


@dataclass
class Buyer:
    user_id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    line1: str
    city: str
    state: str
    state_code: str
    postal_code: str
    tax_rate: Decimal
    country: str = "United States"
    region_code: str = "US"


@dataclass
class OrderOptions:
    """The choices a buyer's checkout makes; every field is a documented order attribute."""

    order_type: str = "NORMAL"
    is_cod: bool = False
    is_sample_order: bool = False
    is_on_hold_order: bool = True
    is_replacement_order: bool = False
    replaced_order_id: str | None = None
    is_exchange_order: bool = False
    exchange_source_order_id: str | None = None
    shipping_type: str = "TIKTOK"
    fulfillment_type: str = "FULFILLMENT_BY_SELLER"
    delivery_type: str = "HOME_DELIVERY"
    buyer_message: str = ""
    release_date: int | None = None
    handling_days: int | None = None
    discount_rate: Decimal = ZERO
    platform_discount_rate: Decimal = ZERO


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mask(text: str) -> str:
    return " ".join(w[0] + "***" + w[-1] if len(w) > 1 else w for w in text.split())


def recipient_address(buyer: Buyer, masked: bool) -> dict[str, Any]:
    """FACTS.md 4.4: name and phone are masked when TikTok's logistics carry the parcel."""
    name = f"{buyer.first_name} {buyer.last_name}"
    phone = buyer.phone
    if masked:
        name = _mask(name)
        phone = phone[:9] + "***" + phone[-4:]
    if buyer.state_code:
        full = f"{buyer.line1}, {buyer.city}, {buyer.state_code} {buyer.postal_code}"
    else:
        full = f"{buyer.line1}, {buyer.city}, {buyer.postal_code}"
    address: dict[str, Any] = {
        "full_address": full,
        "phone_number": phone,
        "name": name,
        "first_name": _mask(buyer.first_name) if masked else buyer.first_name,
        "last_name": _mask(buyer.last_name) if masked else buyer.last_name,
        "address_detail": buyer.line1,
        "address_line1": buyer.line1,
        "address_line2": "",
        "district_info": [
            {
                "address_level_name": "Country",
                "address_name": buyer.country,
                "address_level": "L0",
            },
            {
                "address_level_name": "State" if buyer.state_code else "County",
                "address_name": buyer.state,
                "address_level": "L1",
            },
            {"address_level_name": "City", "address_name": buyer.city, "address_level": "L3"},
        ],
        "delivery_preferences": {"drop_off_location": "Front Door"},
        "postal_code": buyer.postal_code,
        "region_code": buyer.region_code,
    }
    if not buyer.state_code:
        address["post_town"] = buyer.city  # UK addresses (get-order-detail spec)
    return address


def build_order(
    shop: Shop,
    ids: IdFactory,
    rng: random.Random,
    order_id: str,
    lines: list[tuple[Product, Sku, int]],
    buyer: Buyer,
    at: int,
    options: OrderOptions,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh UNPAID order and its recipient address (orders are created unpaid,
    order-api-overview.json).

    Payment follows the documented formulas (FACTS.md 4.4):
    sub_total = original_total_product_price - seller_discount - platform_discount,
    shipping_fee = original_shipping_fee - shipping_fee_seller_discount
    - shipping_fee_platform_discount, total_amount = sub_total + shipping_fee + tax
    + retail_delivery_fee.
    """
    currency = shop.currency
    free = options.is_sample_order or options.order_type == "ZERO_LOTTERY"
    items: list[dict[str, Any]] = []
    original_total = seller_total = platform_total = product_tax = ZERO
    for product, sku, quantity in lines:
        for _ in range(quantity):  # one line item per unit (FACTS.md 4.4)
            original = sku.price
            seller_d = original if free else _cents(original * options.discount_rate)
            platform_d = ZERO if free else _cents(original * options.platform_discount_rate)
            sale = original - seller_d - platform_d
            tax = _cents(sale * buyer.tax_rate)
            original_total += original
            seller_total += seller_d
            platform_total += platform_d
            product_tax += tax
            item: dict[str, Any] = {
                "id": ids.new(),
                "sku_id": sku.id,
                "product_id": product.id,
                "product_name": product.title,
                "sku_name": sku.name,
                "sku_image": sku.image,
                "seller_sku": sku.seller_sku,
                "original_price": money(original),
                "sale_price": money(sale),
                "platform_discount": money(platform_d),
                "seller_discount": money(seller_d),
                "currency": currency,
                "display_status": "UNPAID",
                "is_gift": False,
                "item_tax": [
                    {
                        "tax_type": "SALES_TAX",
                        "tax_amount": money(tax),
                        "tax_rate": str(buyer.tax_rate),
                    }
                ],
                "retail_delivery_fee": "0.00",
                "buyer_service_fee": "0.00",
                "small_order_fee": "0.00",
                "is_dangerous_good": False,
                "needs_prescription": False,
                "gift_retail_price": money(original) if free else "0.00",
                "sku_type": SKU_TYPE_FOR_ORDER.get(options.order_type, options.order_type),
            }
            if options.handling_days is not None:
                item["handling_duration_days"] = str(options.handling_days)
            items.append(item)

    sub_total = original_total - seller_total - platform_total
    ship_original = SHIPPING_FEE
    ship_seller = SHIPPING_FEE if free else ZERO
    ship_platform = SHIPPING_FEE if not free and sub_total >= FREE_SHIPPING_FROM else ZERO
    shipping_fee = ship_original - ship_seller - ship_platform
    shipping_tax = ZERO
    rdf = COLORADO_RDF if buyer.state_code == "CO" and not free else ZERO
    if rdf and items:
        items[0]["retail_delivery_fee"] = money(rdf)
    tax = product_tax + shipping_tax
    total = sub_total + shipping_fee + tax + rdf
    masked = (
        options.shipping_type == "TIKTOK" or options.fulfillment_type == "FULFILLMENT_BY_TIKTOK"
    )
    option = option_for(options.shipping_type)  # providers come from it (get-shipping-providers)

    order: dict[str, Any] = {
        "id": order_id,
        "status": "UNPAID",
        "order_type": options.order_type,
        "create_time": at,
        "update_time": at,
        "user_id": buyer.user_id,
        "buyer_email": buyer.email,
        "buyer_message": options.buyer_message,
        "seller_note": "",
        "fulfillment_type": options.fulfillment_type,
        "shipping_type": options.shipping_type,
        "delivery_type": options.delivery_type,
        "warehouse_id": shop.default_warehouse.id,
        "delivery_option_id": option.id,
        "delivery_option_name": option.name,
        "payment_method_name": "Cash on delivery"
        if options.is_cod
        else rng.choice(["Credit/debit card", "PayPal", "Apple Pay", "Google Pay"]),
        "payment": {
            "currency": currency,
            "sub_total": money(sub_total),
            "shipping_fee": money(shipping_fee),
            "seller_discount": money(seller_total),
            "platform_discount": money(platform_total),
            "total_amount": money(total),
            "original_total_product_price": money(original_total),
            "original_shipping_fee": money(ship_original),
            "shipping_fee_seller_discount": money(ship_seller),
            "shipping_fee_platform_discount": money(ship_platform),
            "shipping_fee_cofunded_discount": "0.00",
            "tax": money(tax),
            "shipping_fee_tax": money(shipping_tax),
            "product_tax": money(product_tax),
            "retail_delivery_fee": money(rdf),
            "small_order_fee": "0.00",
            "buyer_service_fee": "0.00",
            "handling_fee": "0.00",
            "item_insurance_fee": "0.00",
            "item_insurance_tax": "0.00",
        },
        "line_items": items,
        "packages": [],
        "has_updated_recipient_address": False,
        "is_cod": options.is_cod,
        "is_sample_order": options.is_sample_order,
        "is_on_hold_order": options.is_on_hold_order,
        "is_replacement_order": options.is_replacement_order,
        "is_exchange_order": options.is_exchange_order,
        "is_buyer_request_cancel": False,
    }
    if options.is_replacement_order and options.replaced_order_id:
        order["replaced_order_id"] = options.replaced_order_id
    if options.is_exchange_order and options.exchange_source_order_id:
        order["exchange_source_order_id"] = options.exchange_source_order_id
    if options.order_type == "PRE_ORDER" and options.release_date is not None:
        order["release_date"] = options.release_date
    if options.handling_days is not None:
        order["handling_duration"] = {"days": str(options.handling_days), "type": "BUSINESS_DAY"}
    # Kept aside until it may be shown (not under UNPAID / ON_HOLD, FACTS.md 4.4).
    return order, recipient_address(buyer, masked)
