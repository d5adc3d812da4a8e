"""Webhook pushes: every type of FACTS.md 7.4, unknown types kept rather than rejected."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from pydantic import Field, field_validator

from app.tiktok.models.base import Id, RawModel, TikTokModel


class EventType(IntEnum):
    """Numeric `type` of a push (FACTS.md 7.4)."""

    ORDER_STATUS_CHANGE = 1
    REVERSE_STATUS_UPDATE = 2
    RECIPIENT_ADDRESS_UPDATE = 3
    PACKAGE_UPDATE = 4
    PRODUCT_STATUS_CHANGE = 5
    SELLER_DEAUTHORIZATION = 6
    UPCOMING_AUTHORIZATION_EXPIRATION = 7
    CANCELLATION_STATUS_CHANGE = 11
    RETURN_STATUS_CHANGE = 12
    NEW_CONVERSATION = 13
    NEW_MESSAGE = 14
    PRODUCT_INFORMATION_CHANGE = 15
    PRODUCT_CREATION = 16
    SHOPPABLE_CONTENT_POSTING = 17
    PRODUCT_CATEGORY_CHANGE = 18
    SIZE_CHART_CHANGE = 19
    CREATOR_DEAUTHORIZATION = 20
    FBT_INBOUND_ORDER_STATUS_CHANGE = 21
    FBT_MERCHANT_ONBOARDING = 22
    FBT_GOODS_MATCH = 23
    FBT_INVENTORY_UPDATE = 24
    OPPORTUNITY_MATCHING_STATUS_CHANGE = 25
    INVENTORY_STATUS_CHANGE = 27
    NEW_MESSAGE_LISTENER = 33
    TOKOPEDIA_MIRROR_STATUS_CHANGE = 35
    INVOICE_STATUS_CHANGE = 36
    PRODUCT_AUDIT_STATUS_CHANGE = 37
    STRIKETHROUGH_PRICE_EXPIRED = 38
    PROMOTION_ACTIVITY_STATUS_CHANGE = 39
    COMBINED_LISTING_CHANGE = 42
    IMAGE_TRANSLATION_COMPLETED = 46
    GLOBAL_REPLICATION_STATUS_CHANGE = 51
    GLOBAL_LISTING_METHOD_CHANGE = 52
    VIDEO_PRECHECK_RESULT = 55


#: Event-API `event_type` names accepted by PUT/DELETE /event/202309/webhooks (FACTS.md 7.5).
SUBSCRIBABLE = (
    "ORDER_STATUS_CHANGE",
    "RECIPIENT_ADDRESS_UPDATE",
    "PACKAGE_UPDATE",
    "PRODUCT_STATUS_CHANGE",
    "SELLER_DEAUTHORIZATION",
    "UPCOMING_AUTHORIZATION_EXPIRATION",
    "CANCELLATION_STATUS_CHANGE",
    "RETURN_STATUS_CHANGE",
    "NEW_CONVERSATION",
    "NEW_MESSAGE",
    "PRODUCT_INFORMATION_CHANGE",
    "PRODUCT_CREATION",
    "PRODUCT_CATEGORY_CHANGE",
    "NEW_MESSAGE_LISTENER",
    "INVOICE_STATUS_CHANGE",
    "PRODUCT_AUDIT_STATUS_CHANGE",
    "REVERSE_STATUS_UPDATE",
)

ORDER_EVENTS = frozenset(
    {
        EventType.ORDER_STATUS_CHANGE,
        EventType.RECIPIENT_ADDRESS_UPDATE,
        EventType.PACKAGE_UPDATE,
        EventType.CANCELLATION_STATUS_CHANGE,
        EventType.RETURN_STATUS_CHANGE,
    }
)
PRODUCT_EVENTS = frozenset(
    {
        EventType.PRODUCT_STATUS_CHANGE,
        EventType.PRODUCT_INFORMATION_CHANGE,
        EventType.PRODUCT_CREATION,
        EventType.INVENTORY_STATUS_CHANGE,
        EventType.PRODUCT_AUDIT_STATUS_CHANGE,
    }
)


class WebhookEvent(RawModel):
    """One push: `type`, `tts_notification_id`, `shop_id`, `timestamp`, `data` (FACTS.md 7.3)."""

    type: int = Field(ge=0, le=2**31 - 1)
    tts_notification_id: Id | None = None
    shop_id: Id = ""
    timestamp: int = Field(default=0, ge=0, le=2**62)  # unix seconds; SQLite keeps 63 bits
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("data", mode="before")
    @classmethod
    def _data_object(cls, value: Any) -> Any:
        """A null `data` is an empty one, not a parse failure."""
        return {} if value is None else value

    @property
    def kind(self) -> EventType | None:
        """The known event type, or None for a type we do not know yet."""
        try:
            return EventType(self.type)
        except ValueError:
            return None

    @property
    def is_order_event(self) -> bool:
        """Events after which the named orders must be fetched again."""
        return self.kind in ORDER_EVENTS

    @property
    def is_product_event(self) -> bool:
        """Events after which the named products must be refreshed."""
        return self.kind in PRODUCT_EVENTS

    def order_ids(self) -> list[str]:
        """Every order this event names (package events name several)."""
        ids: list[str] = []
        if "order_id" in self.data:
            ids.append(str(self.data["order_id"]))
        for key in ("order_ids",):
            ids.extend(str(i) for i in self.data.get(key) or [])
        for package in self.data.get("package_list") or []:
            if isinstance(package, dict):
                ids.extend(str(i) for i in package.get("order_id_list") or [])
        return list(dict.fromkeys(ids))

    def product_ids(self) -> list[str]:
        """The product this event names (some samples send it as a JSON number)."""
        value = self.data.get("product_id")
        return [] if value in (None, "") else [str(value)]

    @property
    def update_time(self) -> int | None:
        """The change time the event carries, when it has one."""
        value = self.data.get("update_time", self.data.get("create_time"))
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def expiration_time(self) -> int | None:
        """For UPCOMING_AUTHORIZATION_EXPIRATION: when authorization runs out (sent as a string)."""
        value = self.data.get("expiration_time")
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None


class OrderStatusChange(TikTokModel):
    """Data of type 1; note the docs spell the cancelled status `CANCEL`."""

    order_id: Id
    order_status: str = ""
    is_on_hold_order: bool = False
    update_time: int = 0


class CancellationStatusChange(TikTokModel):
    """Data of type 11: a buyer, seller or the system asked to cancel."""

    order_id: Id
    cancellations_role: str = ""
    cancel_status: str = ""
    cancel_id: Id = ""
    create_time: int = 0


class WebhookSubscription(TikTokModel):
    """One subscription from GET /event/202309/webhooks."""

    event_type: str
    address: str = ""
    create_time: int = 0
    update_time: int = 0
