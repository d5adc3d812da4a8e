"""Packages, shipping options and cancellations (FACTS.md 6)."""

from __future__ import annotations

from pydantic import Field

from app.tiktok.models.base import Id, Money, RawModel, TikTokModel
from app.tiktok.models.labels import ParcelFields


class DeliveryOption(TikTokModel):
    """A warehouse's delivery option; SEND_BY_SELLER means the seller's own carrier."""

    id: Id
    name: str = ""
    type: str = ""
    description: str = ""


class ShippingProvider(TikTokModel):
    """A carrier the seller can name when marking a package shipped."""

    id: Id
    name: str = ""


class PackageOrder(TikTokModel):
    """An order inside a package."""

    id: Id


class Package(ParcelFields, RawModel):
    """A package's shipping state (PROCESSING, FULFILLING, COMPLETED, CANCELLED...), and the
    weight and size its label was bought with."""

    package_id: Id
    package_status: str = ""
    shipping_type: str = ""
    tracking_number: str = ""
    shipping_provider_id: Id = ""
    shipping_provider_name: str = ""
    handover_method: str = ""
    delivery_option_id: Id = ""
    split_and_combine_tag: str = ""  # DEFAULT | SPLIT | COMBINE
    order_line_item_ids: list[Id] = Field(default_factory=list)
    orders: list[PackageOrder] = Field(default_factory=list)
    create_time: int = 0
    update_time: int = 0

    @property
    def order_ids(self) -> list[str]:
        """Every order in the package (several once TikTok combined them)."""
        return [o.id for o in self.orders]


class ShippedPackage(TikTokModel):
    """What Mark Package As Shipped answers."""

    order_id: Id = ""
    order_line_item_ids: list[Id] = Field(default_factory=list)
    package_id: Id = ""
    warning: dict[str, str] = Field(default_factory=dict)


class NextAction(TikTokModel):
    """What the seller must do about a cancellation request, and by when."""

    action: str = ""
    deadline: int = 0


class RefundAmount(TikTokModel):
    """How much the buyer gets back."""

    currency: str = ""
    refund_total: Money = None


class CancelLineItem(TikTokModel):
    """One line item a cancellation covers."""

    order_line_item_id: Id = ""
    sku_id: Id = ""
    seller_sku: str = ""
    product_name: str = ""
    sku_name: str = ""


class Cancellation(RawModel):
    """A cancellation: the buyer's request awaiting the seller, or one already decided."""

    cancel_id: Id
    order_id: Id = ""
    cancel_type: str = ""
    cancel_status: str = ""
    role: str = ""
    cancel_reason: str = ""
    cancel_reason_text: str = ""
    create_time: int = 0
    update_time: int = 0
    seller_next_action_response: list[NextAction] = Field(default_factory=list)
    refund_amount: RefundAmount | None = None
    cancel_line_items: list[CancelLineItem] = Field(default_factory=list)

    @property
    def deadline(self) -> int | None:
        """When the seller must have answered (None once nothing is asked of them)."""
        deadlines = [a.deadline for a in self.seller_next_action_response if a.deadline]
        return min(deadlines) if deadlines else None

    @property
    def awaiting_seller(self) -> bool:
        """A buyer's request the seller still has to approve or reject."""
        return self.cancel_status == "CANCELLATION_REQUEST_PENDING" and self.deadline is not None


class TrackingEvent(TikTokModel):
    """One step of a parcel's journey (times in milliseconds, the API's one exception)."""

    description: str = ""
    update_time_millis: int = 0
