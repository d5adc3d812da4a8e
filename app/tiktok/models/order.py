"""Orders as the Order API returns them (FACTS.md 4.3, 4.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from app.tiktok.models.base import Id, Money, RawModel, TikTokModel, Timestamp


class OrderStatus(StrEnum):
    """Every order status of API 202309 (FACTS.md 4.3)."""

    UNPAID = "UNPAID"
    ON_HOLD = "ON_HOLD"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    PARTIALLY_SHIPPING = "PARTIALLY_SHIPPING"
    AWAITING_COLLECTION = "AWAITING_COLLECTION"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


#: Statuses in which the buyer's units are promised but not yet with a carrier.
OPEN_STATUSES = frozenset(
    {
        OrderStatus.UNPAID,
        OrderStatus.ON_HOLD,
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
    }
)


class OrderType(StrEnum):
    """`order_type` values; TikTok leaves it empty for some standard orders (FACTS.md 4.4)."""

    NORMAL = "NORMAL"
    ZERO_LOTTERY = "ZERO_LOTTERY"
    PRE_ORDER = "PRE_ORDER"
    MADE_TO_ORDER = "MADE_TO_ORDER"
    BACK_ORDER = "BACK_ORDER"


#: Boolean order flags we show and filter on, in display order.
ORDER_FLAGS = (
    "is_sample_order",
    "is_cod",
    "is_on_hold_order",
    "is_replacement_order",
    "is_exchange_order",
    "is_buyer_request_cancel",
)


class OrderFacts:
    """What both order shapes answer from their flags and status."""

    status: str
    is_cod: bool
    is_sample_order: bool
    is_on_hold_order: bool
    is_replacement_order: bool
    is_exchange_order: bool
    is_buyer_request_cancel: bool

    @property
    def flags(self) -> list[str]:
        """The set boolean flags, named without their `is_` prefix."""
        return [name.removeprefix("is_") for name in ORDER_FLAGS if getattr(self, name)]

    @property
    def buyer_can_still_cancel(self) -> bool:
        """ON_HOLD orders sit in the buyer's remorse window: they may vanish (FACTS.md 4.3)."""
        return self.status == OrderStatus.ON_HOLD

    @property
    def is_open(self) -> bool:
        """Units of an open order are promised but not yet handed to a carrier."""
        return self.status in OPEN_STATUSES


class Payment(TikTokModel):
    """The payment block: every amount a decimal string in `currency`."""

    currency: str = ""
    sub_total: Money = None
    shipping_fee: Money = None
    seller_discount: Money = None
    platform_discount: Money = None
    total_amount: Money = None
    original_total_product_price: Money = None
    original_shipping_fee: Money = None
    shipping_fee_seller_discount: Money = None
    shipping_fee_platform_discount: Money = None
    shipping_fee_cofunded_discount: Money = None
    tax: Money = None
    small_order_fee: Money = None
    shipping_fee_tax: Money = None
    product_tax: Money = None
    retail_delivery_fee: Money = None
    buyer_service_fee: Money = None
    handling_fee: Money = None
    shipping_insurance_fee: Money = None
    item_insurance_fee: Money = None
    item_insurance_tax: Money = None


class DistrictInfo(TikTokModel):
    """One level of the address hierarchy (country, state, city...)."""

    address_level_name: str = ""
    address_name: str = ""
    address_level: str = ""


class RecipientAddress(TikTokModel):
    """Where the order goes; absent while UNPAID or ON_HOLD (FACTS.md 4.4)."""

    full_address: str = ""
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    phone_number: str = ""
    address_detail: str = ""
    address_line1: str = ""
    address_line2: str = ""
    address_line3: str = ""
    address_line4: str = ""
    postal_code: str = ""
    region_code: str = ""
    post_town: str = ""
    district_info: list[DistrictInfo] = Field(default_factory=list)


class PackageRef(TikTokModel):
    """A package of the order (its id; details come from the fulfilment API)."""

    id: Id


class HandlingDuration(TikTokModel):
    """How long MADE_TO_ORDER / BACK_ORDER orders take to hand over."""

    days: str = ""
    type: str = ""


class LineItem(TikTokModel):
    """One unit of one SKU: two identical T-shirts are two line items (FACTS.md 4.4)."""

    id: Id
    sku_id: Id = ""
    product_id: Id = ""
    product_name: str = ""
    sku_name: str = ""
    sku_image: str = ""
    seller_sku: str = ""
    currency: str = ""
    original_price: Money = None
    sale_price: Money = None
    platform_discount: Money = None
    seller_discount: Money = None
    display_status: str = ""
    package_id: Id = ""
    package_status: str = ""
    tracking_number: str = ""
    shipping_provider_id: Id = ""
    shipping_provider_name: str = ""
    rts_time: Timestamp = None
    cancel_reason: str = ""
    cancel_user: str = ""
    is_gift: bool = False
    sku_type: str = ""


class Order(OrderFacts, RawModel):
    """A TikTok Shop order with every field the app shows or computes with; unknown kept."""

    id: Id
    status: str
    order_type: str = ""
    create_time: int = 0
    update_time: int = 0
    paid_time: Timestamp = None
    user_id: Id = ""
    buyer_email: str = ""
    buyer_message: str = ""
    seller_note: str = ""
    cancellation_initiator: str = ""
    cancel_reason: str = ""
    cancel_time: Timestamp = None
    request_cancel_time: Timestamp = None
    cancel_order_sla_time: Timestamp = None
    rts_sla_time: Timestamp = None
    tts_sla_time: Timestamp = None
    rts_time: Timestamp = None
    shipping_due_time: Timestamp = None
    collection_due_time: Timestamp = None
    delivery_due_time: Timestamp = None
    collection_time: Timestamp = None
    delivery_time: Timestamp = None
    shipping_provider: str = ""
    shipping_provider_id: Id = ""
    tracking_number: str = ""
    warehouse_id: Id = ""
    delivery_option_id: Id = ""
    delivery_option_name: str = ""
    payment_method_name: str = ""
    fulfillment_type: str = ""
    shipping_type: str = ""
    delivery_type: str = ""
    split_or_combine_tag: str = ""
    commerce_platform: str = ""
    is_cod: bool = False
    is_sample_order: bool = False
    is_on_hold_order: bool = False
    is_replacement_order: bool = False
    replaced_order_id: Id = ""
    is_exchange_order: bool = False
    exchange_source_order_id: Id = ""
    is_buyer_request_cancel: bool = False
    release_date: Timestamp = None
    handling_duration: HandlingDuration | None = None
    payment: Payment | None = None
    recipient_address: RecipientAddress | None = None
    packages: list[PackageRef] = Field(default_factory=list)
    line_items: list[LineItem] = Field(default_factory=list)

    @property
    def currency(self) -> str:
        """The order's currency, from the payment block or its first line item."""
        if self.payment and self.payment.currency:
            return self.payment.currency
        return self.line_items[0].currency if self.line_items else ""

    @property
    def total_amount(self) -> Decimal | None:
        """What the buyer pays, as Decimal."""
        return self.payment.total_amount if self.payment else None


# The readers below run tens of times per order on the import path: the common type is
# tested first, by class (a bool is never taken for an int). `from_raw` tests it inline,
# `v if (v := get(key, blank)).__class__ is str else _text(v)`, and calls the reader only
# for the rare other value: a call per field was a quarter of the instructions of a read.


def _text(value: Any) -> str:
    """Ids and words as text; an id sent as a JSON number keeps every digit."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _money_text(value: Any) -> str | None:
    """TikTok's decimal text, kept as it is (a stray JSON number goes through its repr)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else repr(value)


def _flag(value: Any) -> bool:
    if value.__class__ is bool:
        return value
    return isinstance(value, str) and value.lower() == "true"


def _seconds(value: Any) -> int | None:
    """Times are integer seconds; digit strings are converted, anything else dropped."""
    if value.__class__ is int:
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _positive(value: int | None) -> int | None:
    """A time of 0 means "not yet" (TikTok sends 0 or leaves the field out)."""
    return value if value else None


@dataclass(slots=True)
class LineItemRow:
    """A line item's columns in the store."""

    id: str
    sku_id: str = ""
    product_id: str = ""
    product_name: str = ""
    sku_name: str = ""
    seller_sku: str = ""
    currency: str = ""
    sale_price: str | None = None
    display_status: str = ""
    package_id: str = ""
    package_status: str = ""
    cancel_user: str = ""

    @classmethod
    def from_raw(cls, item: Mapping[str, Any]) -> LineItemRow:
        """Read the columns straight from TikTok's dict."""
        get = item.get
        return cls(
            (v if (v := get("id", "")).__class__ is str else _text(v)),
            (v if (v := get("sku_id", "")).__class__ is str else _text(v)),
            (v if (v := get("product_id", "")).__class__ is str else _text(v)),
            (v if (v := get("product_name", "")).__class__ is str else _text(v)),
            (v if (v := get("sku_name", "")).__class__ is str else _text(v)),
            (v if (v := get("seller_sku", "")).__class__ is str else _text(v)),
            (v if (v := get("currency", "")).__class__ is str else _text(v)),
            _money_text(get("sale_price")),
            (v if (v := get("display_status", "")).__class__ is str else _text(v)),
            (v if (v := get("package_id", "")).__class__ is str else _text(v)),
            (v if (v := get("package_status", "")).__class__ is str else _text(v)),
            (v if (v := get("cancel_user", "")).__class__ is str else _text(v)),
        )


@dataclass(slots=True)
class OrderRow(OrderFacts):
    """An order's columns in the store, read straight from TikTok's dict.

    The import path reads tens of thousands of orders a minute: a validating model costs
    more than writing the row, so the columns are read by hand here, in the one layer that
    knows the wire format. `Order` stays the full, validated model for everything else.
    """

    id: str
    status: str
    order_type: str = ""
    create_time: int = 0
    update_time: int = 0
    paid_time: int | None = None
    user_id: str = ""
    buyer_email: str = ""
    cancel_reason: str = ""
    request_cancel_time: int | None = None
    cancel_order_sla_time: int | None = None
    rts_sla_time: int | None = None
    shipping_due_time: int | None = None
    #: The other clocks of FACTS.md 9.5: deadlines first, then when each step happened.
    tts_sla_time: int | None = None
    collection_due_time: int | None = None
    delivery_due_time: int | None = None
    delivery_sla_time: int | None = None
    rts_time: int | None = None
    collection_time: int | None = None
    delivery_time: int | None = None
    cancel_time: int | None = None
    cancellation_initiator: str = ""
    warehouse_id: str = ""
    delivery_option_id: str = ""
    package_ids: list[str] = field(default_factory=list)
    shipping_provider: str = ""
    tracking_number: str = ""
    fulfillment_type: str = ""
    shipping_type: str = ""
    delivery_type: str = ""
    split_or_combine_tag: str = ""
    is_cod: bool = False
    is_sample_order: bool = False
    is_on_hold_order: bool = False
    is_replacement_order: bool = False
    is_exchange_order: bool = False
    is_buyer_request_cancel: bool = False
    payment_currency: str = ""
    total_amount: str | None = None
    recipient_name: str = ""
    line_items: list[LineItemRow] = field(default_factory=list)

    @staticmethod
    def version_of(raw: Mapping[str, Any]) -> tuple[str, int]:
        """The order's id and `update_time` alone: enough to skip an order already stored."""
        return _text(raw.get("id")), _seconds(raw.get("update_time")) or 0

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> OrderRow:
        """Read the columns; an order without id or status is not an order."""
        get = raw.get
        order_id, status = get("id"), get("status")
        if order_id in (None, "") or not isinstance(status, str) or not status:
            raise ValueError("an order needs an id and a status")
        payment = get("payment") or {}
        address = get("recipient_address") or {}
        # Positional, in field order: keywords cost a third of the whole read here.
        return cls(
            _text(order_id),
            status,
            (v if (v := get("order_type", "")).__class__ is str else _text(v)),
            (v if (v := get("create_time")) is None or v.__class__ is int else _seconds(v)) or 0,
            (v if (v := get("update_time")) is None or v.__class__ is int else _seconds(v)) or 0,
            (v if (v := get("paid_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("user_id", "")).__class__ is str else _text(v)),
            (v if (v := get("buyer_email", "")).__class__ is str else _text(v)),
            (v if (v := get("cancel_reason", "")).__class__ is str else _text(v)),
            (v if (v := get("request_cancel_time")) is None or v.__class__ is int else _seconds(v)),
            (
                v
                if (v := get("cancel_order_sla_time")) is None or v.__class__ is int
                else _seconds(v)
            ),
            (v if (v := get("rts_sla_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("shipping_due_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("tts_sla_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("collection_due_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("delivery_due_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("delivery_sla_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("rts_time")) is None or v.__class__ is int else _seconds(v)),
            _positive(
                v if (v := get("collection_time")) is None or v.__class__ is int else _seconds(v)
            ),
            (v if (v := get("delivery_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("cancel_time")) is None or v.__class__ is int else _seconds(v)),
            (v if (v := get("cancellation_initiator", "")).__class__ is str else _text(v)),
            (v if (v := get("warehouse_id", "")).__class__ is str else _text(v)),
            (v if (v := get("delivery_option_id", "")).__class__ is str else _text(v)),
            [_text(p.get("id")) for p in get("packages") or [] if p.get("id")],
            (v if (v := get("shipping_provider", "")).__class__ is str else _text(v)),
            (v if (v := get("tracking_number", "")).__class__ is str else _text(v)),
            (v if (v := get("fulfillment_type", "")).__class__ is str else _text(v)),
            (v if (v := get("shipping_type", "")).__class__ is str else _text(v)),
            (v if (v := get("delivery_type", "")).__class__ is str else _text(v)),
            (v if (v := get("split_or_combine_tag", "")).__class__ is str else _text(v)),
            (v if (v := get("is_cod", False)).__class__ is bool else _flag(v)),
            (v if (v := get("is_sample_order", False)).__class__ is bool else _flag(v)),
            (v if (v := get("is_on_hold_order", False)).__class__ is bool else _flag(v)),
            (v if (v := get("is_replacement_order", False)).__class__ is bool else _flag(v)),
            (v if (v := get("is_exchange_order", False)).__class__ is bool else _flag(v)),
            (v if (v := get("is_buyer_request_cancel", False)).__class__ is bool else _flag(v)),
            _text(payment.get("currency")),
            _money_text(payment.get("total_amount")),
            _text(address.get("name")),
            [LineItemRow.from_raw(i) for i in get("line_items") or []],
        )

    @property
    def currency(self) -> str:
        """The order's currency, from the payment block or its first line item."""
        if self.payment_currency:
            return self.payment_currency
        return self.line_items[0].currency if self.line_items else ""
