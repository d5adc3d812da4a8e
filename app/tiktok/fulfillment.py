"""Fulfilment and cancellation endpoints, and plain words for TikTok's refusals (FACTS.md 6)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.tiktok.client import TikTokClient
from app.tiktok.errors import TikTokError
from app.tiktok.models.fulfillment import (
    Cancellation,
    DeliveryOption,
    Package,
    ShippedPackage,
    ShippingProvider,
    TrackingEvent,
)

DELIVERY_OPTIONS = "/logistics/202309/warehouses/{warehouse_id}/delivery_options"
SHIPPING_PROVIDERS = "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers"
MARK_SHIPPED = "/fulfillment/202309/orders/{order_id}/packages"
SHIP_PACKAGE = "/fulfillment/202309/packages/{package_id}/ship"
ORDER_SHIPPING_INFO = "/fulfillment/202309/orders/{order_id}/shipping_info/update"
PACKAGE_SHIPPING_INFO = "/fulfillment/202309/packages/{package_id}/shipping_info/update"
PACKAGE_DETAIL = "/fulfillment/202309/packages/{package_id}"
TRACKING = "/fulfillment/202309/orders/{order_id}/tracking"
CANCELLATIONS_SEARCH = "/return_refund/202309/cancellations/search"
CANCEL_APPROVE = "/return_refund/202309/cancellations/{cancel_id}/approve"
CANCEL_REJECT = "/return_refund/202309/cancellations/{cancel_id}/reject"
SELLER_CANCEL = "/return_refund/202309/cancellations"
MAX_CANCELLATION_PAGE = 50

#: TikTok's refusals a creator can act on, in plain words (codes from FACTS.md 6 and the specs).
REFUSALS: dict[int, str] = {
    21011040: "already shipped",
    21008099: "already shipped",
    11006021: "already shipped",
    21011006: "already shipped",
    21011020: "already shipped",
    21042056: "already shipped",
    21011041: "the order was cancelled meanwhile",
    21011044: (
        "the order is on hold (the buyer's first hour to cancel): ship it once it is "
        "awaiting shipment"
    ),
    21008044: "the buyer has an after-sale request pending: handle it first",
    21011007: "the buyer has an after-sale request pending: handle it first",
    21011022: "invalid tracking number or shipping provider",
    21004012: "the tracking number has characters the carrier does not accept",
    21004015: "the tracking number does not match the shipping provider",
    11028006: "this tracking number cannot be matched to any carrier",
    21011025: "this tracking number was already used",
    21034012: "this tracking number was already used",
    21011028: "the package is not in this shop",
    21011004: "TikTok ships this order: use its shipping label and a handover method instead",
    21008025: "TikTok fulfils this order: the seller cannot ship it",
    21011048: "the order has several packages: choose the line items to ship",
    21011050: "the tracking number can only be changed within 72 hours of shipping",
    21011051: "the tracking number can only be changed once",
    25001021: "that reason is not allowed for the order's current status",
    21008111: "the order does not belong to this shop",
}


class FulfillmentRefused(TikTokError):
    """TikTok refused a shipping or cancellation action for a reason the creator must see."""

    @property
    def reason(self) -> str:
        """The refusal in plain words."""
        return REFUSALS.get(self.code, self.message)

    def describe(self) -> str:
        """One line for the order's row and the errors tab."""
        return f"TikTok Shop refused: {self.reason} (code {self.code})"


def refusal(error: TikTokError) -> TikTokError:
    """Turn a documented refusal into FulfillmentRefused; leave other errors as they are."""
    if error.code in REFUSALS and not error.retryable:
        return FulfillmentRefused(
            error.code,
            error.message,
            error.request_id,
            http_status=error.http_status,
            api=error.api,
        )
    return error


@dataclass
class CancellationPage:
    """One page of cancellation search."""

    cancellations: list[Cancellation]
    next_page_token: str
    total_count: int


class FulfillmentApi:
    """Shipping and cancellation calls over one client; writes say how to check they landed."""

    def __init__(self, client: TikTokClient) -> None:
        self.client = client

    async def _call(self, method: str, api: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            return await self.client.call(method, path, api=api, **kw)
        except TikTokError as exc:
            raise refusal(exc) from None

    async def delivery_options(self, warehouse_id: str) -> list[DeliveryOption]:
        """The warehouse's delivery options (SEND_BY_SELLER = the seller's own carrier)."""
        data = await self._call(
            "GET", DELIVERY_OPTIONS, DELIVERY_OPTIONS.format(warehouse_id=warehouse_id)
        )
        return [DeliveryOption.from_api(o) for o in data.get("delivery_options") or []]

    async def shipping_providers(self, delivery_option_id: str) -> list[ShippingProvider]:
        """Carriers for a delivery option."""
        path = SHIPPING_PROVIDERS.format(delivery_option_id=delivery_option_id)
        data = await self._call("GET", SHIPPING_PROVIDERS, path)
        return [ShippingProvider.from_api(p) for p in data.get("shipping_providers") or []]

    async def mark_shipped(
        self,
        order_id: str,
        tracking_number: str,
        shipping_provider_id: str,
        *,
        line_item_ids: Sequence[str] = (),
        verify_done: Callable[[], Awaitable[bool]] | None = None,
    ) -> ShippedPackage:
        """The seller's own carrier took it: tell TikTok the tracking number.

        Not idempotent: an unknown outcome is retried only after `verify_done` says no.
        """
        body: dict[str, Any] = {
            "tracking_number": tracking_number,
            "shipping_provider_id": shipping_provider_id,
        }
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        data = await self._call(
            "POST",
            MARK_SHIPPED,
            MARK_SHIPPED.format(order_id=order_id),
            body=body,
            idempotent=False,
            verify_done=verify_done,
        )
        return ShippedPackage.from_api(data)

    async def ship_package(
        self,
        package_id: str,
        *,
        handover_method: str = "DROP_OFF",
        pickup_slot: tuple[int, int] | None = None,
        tracking_number: str = "",
        shipping_provider_id: str = "",
        verify_done: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Hand a package over (TikTok shipping, or seller shipping with self_shipment)."""
        body: dict[str, Any] = {"handover_method": handover_method}
        if pickup_slot is not None:
            body["pickup_slot"] = {"start_time": pickup_slot[0], "end_time": pickup_slot[1]}
        if tracking_number:
            body["self_shipment"] = {
                "tracking_number": tracking_number,
                "shipping_provider_id": shipping_provider_id,
            }
        await self._call(
            "POST",
            SHIP_PACKAGE,
            SHIP_PACKAGE.format(package_id=package_id),
            body=body,
            idempotent=False,
            verify_done=verify_done,
        )

    async def update_shipping_info(
        self, order_id: str, tracking_number: str, shipping_provider_id: str
    ) -> None:
        """Fix a tracking number (within 72 h of shipping); sets absolute values, so safe."""
        await self._call(
            "POST",
            ORDER_SHIPPING_INFO,
            ORDER_SHIPPING_INFO.format(order_id=order_id),
            body={"tracking_number": tracking_number, "shipping_provider_id": shipping_provider_id},
        )

    async def package(self, package_id: str) -> Package:
        """A package's current state (how a retry learns whether it already shipped)."""
        data = await self._call("GET", PACKAGE_DETAIL, PACKAGE_DETAIL.format(package_id=package_id))
        return Package.from_api(data)

    async def tracking(self, order_id: str) -> list[TrackingEvent]:
        """The parcel's journey, newest first as TikTok lists it."""
        data = await self._call("GET", TRACKING, TRACKING.format(order_id=order_id))
        return [TrackingEvent.from_api(t) for t in data.get("tracking") or []]

    async def search_cancellations(
        self,
        *,
        page_token: str = "",
        page_size: int = MAX_CANCELLATION_PAGE,
        cancel_status: Sequence[str] = (),
        order_ids: Sequence[str] = (),
        update_time_ge: int | None = None,
    ) -> CancellationPage:
        """One page of cancellations matching the filters."""
        body: dict[str, Any] = {}
        if cancel_status:
            body["cancel_status"] = list(cancel_status)
        if order_ids:
            body["order_ids"] = list(order_ids)
        if update_time_ge is not None:
            body["update_time_ge"] = update_time_ge
        data = await self._call(
            "POST",
            CANCELLATIONS_SEARCH,
            CANCELLATIONS_SEARCH,
            query={
                "page_size": page_size,
                "page_token": page_token or None,
                "sort_field": "update_time",
                "sort_order": "ASC",
            },
            body=body,
        )
        return CancellationPage(
            cancellations=[Cancellation.from_api(c) for c in data.get("cancellations") or []],
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    async def iter_cancellations(self, **filters: Any) -> AsyncGenerator[Cancellation, None]:
        """Every cancellation matching the filters, page after page."""
        token = ""
        while True:
            page = await self.search_cancellations(page_token=token, **filters)
            for cancellation in page.cancellations:
                yield cancellation
            if not page.next_page_token or not page.cancellations:
                return
            token = page.next_page_token

    async def approve_cancellation(self, cancel_id: str, idempotency_key: str) -> None:
        """Accept the buyer's request; the key makes a retried approval act once."""
        await self._call(
            "POST",
            CANCEL_APPROVE,
            CANCEL_APPROVE.format(cancel_id=cancel_id),
            query={"idempotency_key": idempotency_key},
            body={},
        )

    async def reject_cancellation(
        self, cancel_id: str, reason: str, idempotency_key: str, comment: str = ""
    ) -> None:
        """Refuse the buyer's request with one of the documented reasons."""
        body: dict[str, Any] = {"reject_reason": reason}
        if comment:
            body["comment"] = comment
        await self._call(
            "POST",
            CANCEL_REJECT,
            CANCEL_REJECT.format(cancel_id=cancel_id),
            query={"idempotency_key": idempotency_key},
            body=body,
        )

    async def cancel_order(
        self,
        order_id: str,
        reason: str,
        *,
        line_item_ids: Sequence[str] = (),
        verify_done: Callable[[], Awaitable[bool]] | None = None,
    ) -> Cancellation:
        """The seller cancels (e.g. out of stock) with a reason valid for the order's status."""
        body: dict[str, Any] = {"order_id": order_id, "cancel_reason": reason}
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        data = await self._call(
            "POST",
            SELLER_CANCEL,
            SELLER_CANCEL,
            body=body,
            idempotent=False,
            verify_done=verify_done,
        )
        return Cancellation.from_api({"order_id": order_id, **data})
