"""Return, refund and replacement requests and their reads (FACTS.md 9.7; search-returns,
get-return-records, get-reject-reasons, get-aftersale-eligibility, calculate-refund specs)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, field_validator

from app.tiktok.models.base import Id, Money, RawModel, TikTokModel
from app.tiktok.models.fulfillment import NextAction

#: Statuses that wait for nobody any more.
FINAL_STATUSES = frozenset(
    {
        "REFUND_OR_RETURN_REQUEST_REJECT",
        "REJECT_RECEIVE_PACKAGE",
        "RETURN_OR_REFUND_REQUEST_CANCEL",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
        "REPLACEMENT_REQUEST_REJECT",
        "REPLACEMENT_REQUEST_REFUND_SUCCESS",
        "REPLACEMENT_REQUEST_CANCEL",
        "REPLACEMENT_REQUEST_COMPLETE",
    }
)


def _as_list(value: Any) -> Any:
    """The spec sends amount details as a list of objects, the changelog as one object."""
    if isinstance(value, dict):
        return [value]
    return [] if value is None else value


def _loose_bool(value: Any) -> Any:
    """The spec's own sample sends `"true "`: a string with a space."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value


class ReturnRefundAmount(TikTokModel):
    """What the buyer gets back (`refund_total = refund_subtotal + refund_shipping_fee +
    refund_tax`, changelog on return amounts); also Calculate Refund's answer."""

    currency: str = ""
    refund_total: Money = None
    refund_subtotal: Money = None
    refund_shipping_fee: Money = None
    refund_tax: Money = None
    retail_delivery_fee: Money = None
    buyer_service_fee: Money = None


class Picture(TikTokModel):
    """A product image, or a photo a buyer or seller added to a record; size in pixels."""

    url: str = ""
    width: int = 0
    height: int = 0


class ReturnLineItem(TikTokModel):
    """One unit the request covers (one order line item per unit)."""

    return_line_item_id: Id = ""
    order_line_item_id: Id = ""
    sku_id: Id = ""
    sku_name: str = ""
    product_name: str = ""
    seller_sku: str = ""
    product_image: Picture | None = None
    refund_amount: ReturnRefundAmount | None = None


class DiscountRefund(TikTokModel):
    """The discounts that go back with the items."""

    currency: str = ""
    product_seller_discount: Money = None
    product_platform_discount: Money = None
    shipping_fee_seller_discount: Money = None
    shipping_fee_platform_discount: Money = None


class ReturnShippingFee(TikTokModel):
    """Who pays the label back (the changelog names the fields with an `_amount` suffix)."""

    currency: str = ""
    seller_paid_return_shipping_fee: Money = Field(
        default=None,
        validation_alias=AliasChoices(
            "seller_paid_return_shipping_fee", "seller_paid_return_shipping_fee_amount"
        ),
    )
    platform_paid_return_shipping_fee: Money = Field(
        default=None,
        validation_alias=AliasChoices(
            "platform_paid_return_shipping_fee", "platform_paid_return_shipping_fee_amount"
        ),
    )
    buyer_paid_return_shipping_fee: Money = Field(
        default=None,
        validation_alias=AliasChoices(
            "buyer_paid_return_shipping_fee", "buyer_paid_return_shipping_fee_amount"
        ),
    )


class PartialRefund(TikTokModel):
    """The seller's partial refund offer."""

    currency: str = ""
    amount: Money = None


class Return(RawModel):
    """A buyer's (or the platform's) return, refund or replacement request."""

    return_id: Id
    order_id: Id = ""
    return_type: str = ""  # REFUND | RETURN_AND_REFUND | REPLACEMENT
    return_status: str = ""
    arbitration_status: str = ""
    role: str = ""
    return_reason: str = ""
    return_reason_text: str = ""
    shipment_type: str = ""
    handover_method: str = ""
    return_method: str = ""
    return_tracking_number: str = ""
    return_provider_name: str = ""
    return_provider_id: Id = ""
    can_buyer_keep_item: bool = False
    create_time: int = 0
    update_time: int = 0
    seller_next_action_response: list[NextAction] = Field(default_factory=list)
    return_line_items: list[ReturnLineItem] = Field(default_factory=list)
    refund_amount: ReturnRefundAmount | None = None
    discount_amount: list[DiscountRefund] = Field(default_factory=list)
    shipping_fee_amount: list[ReturnShippingFee] = Field(
        default_factory=list,
        validation_alias=AliasChoices("shipping_fee_amount", "return_shipping_fee_amount"),
    )
    is_combined_return: bool = False
    combined_return_id: Id = ""
    seller_proposed_return_type: str = ""
    partial_refund: PartialRefund | None = None
    buyer_rejected_partial_refund: bool | None = None

    _lists = field_validator("discount_amount", "shipping_fee_amount", mode="before")(_as_list)
    _bools = field_validator("is_combined_return", "buyer_rejected_partial_refund", mode="before")(
        _loose_bool
    )

    @property
    def next_action(self) -> NextAction | None:
        """What the seller must do now and by when (the soonest, if TikTok lists several)."""
        actions = [a for a in self.seller_next_action_response if a.action]
        return min(actions, key=lambda a: a.deadline or 2**63) if actions else None

    @property
    def deadline(self) -> int | None:
        """When TikTok decides by itself if the seller has not answered (None: nothing asked)."""
        action = self.next_action
        return action.deadline if action is not None and action.deadline else None

    @property
    def awaiting_seller(self) -> bool:
        """The seller has to approve or reject something (whatever the status is called)."""
        return self.next_action is not None and self.return_status not in FINAL_STATUSES

    @property
    def is_final(self) -> bool:
        """Nothing more will happen to the request."""
        return self.return_status in FINAL_STATUSES


class ReturnVideo(TikTokModel):
    """A buyer's video (only buyers can upload them)."""

    url: str = ""
    cover: str = ""
    width: int = 0
    height: int = 0
    duration_millis: int = 0


class ReturnRecord(TikTokModel):
    """One step of a request's history: who did what, and the evidence they gave."""

    event: str = ""
    role: str = ""  # BUYER | SELLER | OPERATOR | SYSTEM (the sample writes "Buyer")
    description: str = ""
    reason_text: str = ""
    note: str = ""
    images: list[Picture] = Field(default_factory=list)
    videos: list[ReturnVideo] = Field(default_factory=list)
    create_time: int = 0

    @property
    def by(self) -> str:
        """The role in capitals, whatever case TikTok used."""
        return self.role.upper()


class RejectReason(TikTokModel):
    """A reason the seller may reject with: `name` goes on the wire, `text` is shown."""

    name: str
    text: str = ""


class LineItemEligibility(TikTokModel):
    """Whether these line items allow a request of this type, and why not."""

    request_type: str = ""
    order_line_items_ids: list[Id] = Field(default_factory=list)
    eligible: bool = False
    ineligible_code: int | None = None
    ineligible_reason: str = ""


class SkuEligibility(TikTokModel):
    """The after-sales options of one SKU of the order."""

    sku_id: Id = ""
    line_item_eligibility: list[LineItemEligibility] = Field(default_factory=list)


class ReturnStatusChange(TikTokModel):
    """Data of webhook type 12 (RETURN_STATUS_CHANGE)."""

    order_id: Id
    return_id: Id = ""
    return_role: str = ""
    return_type: str = ""
    return_status: str = ""
    create_time: int = 0
    update_time: int = 0
