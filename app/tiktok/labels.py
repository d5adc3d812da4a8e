"""TikTok Shipping labels for US local sellers (FACTS.md 9.3): the eligible service, buying the
label (Create Packages), its documents, and tracking validation.

Create Packages is a write with no idempotency key: after a lost answer TikTok may or may not
have bought the label, and a second call either buys nothing (21008042) or, if the first never
landed, buys it. So the client never retries it; it raises `LabelOutcomeUnknown`, and
`check_labels` tells the caller what TikTok holds before any new attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from app.tiktok.api import ORDERS_DETAIL
from app.tiktok.client import TikTokClient
from app.tiktok.errors import (
    DocumentExpired,
    InternalError,
    LabelOutcomeUnknown,
    LabelTryLater,
    NetworkError,
    RetriesExhausted,
    TikTokError,
    UnexpectedResponse,
    label_error,
)
from app.tiktok.fulfillment import FulfillmentApi
from app.tiktok.models.fulfillment import Package
from app.tiktok.models.labels import (
    DOCUMENT_LIFETIME,
    CreatedPackage,
    Dimension,
    DocumentType,
    EligibleServices,
    ShippingDocument,
    TrackingValidation,
    Weight,
)

ELIGIBLE_SERVICES = "/fulfillment/202309/orders/{order_id}/shipping_services/query"
CREATE_PACKAGES = "/fulfillment/202309/packages"
SHIPPING_DOCUMENT = "/fulfillment/202309/packages/{package_id}/shipping_documents"
TRACKING_VALIDATION = "/fulfillment/202508/tts_tracking_validation"
#: Where a file's first bytes say what it is (a proxy's error page is neither).
MAGIC = {DocumentType.SHIPPING_LABEL_PICTURE: b"\x89PNG"}
PDF_MAGIC = b"%PDF"
GONE = frozenset({403, 404, 410})


@dataclass(frozen=True)
class LabelCheck:
    """What TikTok holds for some of an order's items: the labelled packages they are in, and
    the items still without a label."""

    order_id: str
    packages: list[Package]
    unlabelled: list[str]

    @property
    def bought(self) -> bool:
        """Every item asked about is in a TikTok Shipping package: do not buy again."""
        return not self.unlabelled


def _parcel(weight: Weight | None, dimension: Dimension | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if weight is not None:
        body["weight"] = weight.to_api()
    if dimension is not None:
        body["dimension"] = dimension.to_api()
    return body


def _lost(error: Exception) -> bool:
    """Did a write perhaps reach TikTok before failing?"""
    if isinstance(error, RetriesExhausted):
        return _lost(error.last)
    if isinstance(error, NetworkError):
        return error.outcome_unknown
    if isinstance(error, LabelTryLater):
        return error.outcome_unknown
    return isinstance(error, InternalError | UnexpectedResponse)


class LabelsApi:
    """The label endpoints over one client; refusals come back as typed `LabelRefused`."""

    def __init__(self, client: TikTokClient) -> None:
        self.client = client
        self.fulfillment = FulfillmentApi(client)  # Get Package Detail, Get Tracking

    async def _call(self, method: str, api: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            return await self.client.call(method, path, api=api, **kw)
        except TikTokError as exc:
            raise label_error(exc) from None

    async def eligible_services(
        self,
        order_id: str,
        *,
        line_item_ids: Sequence[str] = (),
        weight: Weight | None = None,
        dimension: Dimension | None = None,
    ) -> EligibleServices:
        """The services a label could use for this parcel (one under label allocation); TikTok
        takes the products' own weight and size for what is left out."""
        body = _parcel(weight, dimension)
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        path = ELIGIBLE_SERVICES.format(order_id=order_id)
        return EligibleServices.from_api(
            await self._call("POST", ELIGIBLE_SERVICES, path, body=body)
        )

    async def create_package(
        self,
        order_id: str,
        *,
        line_item_ids: Sequence[str] = (),
        weight: Weight | None = None,
        dimension: Dimension | None = None,
        shipping_service_id: str = "",
    ) -> CreatedPackage:
        """Buy the label: the items (all unshipped ones when none are named) ship in a new
        package. Raises `LabelOutcomeUnknown` when it may have landed: call `check_labels`."""
        body: dict[str, Any] = {"order_id": order_id}
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        body.update(_parcel(weight, dimension))
        if shipping_service_id:
            body["shipping_service_id"] = shipping_service_id
        try:
            data = await self.client.call(
                "POST", CREATE_PACKAGES, api=CREATE_PACKAGES, body=body, idempotent=False
            )
        except (TikTokError, NetworkError, UnexpectedResponse, RetriesExhausted) as exc:
            error = label_error(exc) if isinstance(exc, TikTokError) else exc
            if _lost(error):
                raise LabelOutcomeUnknown(order_id, tuple(line_item_ids), error) from None
            raise error from None
        return CreatedPackage.from_api(data)

    async def check_labels(self, order_id: str, line_item_ids: Sequence[str] = ()) -> LabelCheck:
        """Which of these items (every live item when none are named) TikTok already holds in
        a TikTok Shipping package: the check before repeating a lost Create Packages."""
        data = await self._call("GET", ORDERS_DETAIL, ORDERS_DETAIL, query={"ids": [order_id]})
        orders = [o for o in data.get("orders") or [] if str(o.get("id")) == order_id]
        if not orders:
            raise TikTokError(21008111, f"order {order_id} is not in this shop", api=ORDERS_DETAIL)
        wanted = set(line_item_ids)
        items = [
            i
            for i in orders[0].get("line_items") or []
            if i.get("display_status") != "CANCELLED" and (not wanted or str(i["id"]) in wanted)
        ]
        found: dict[str, Package] = {}
        for package_id in dict.fromkeys(str(i["package_id"]) for i in items if i.get("package_id")):
            package = await self.fulfillment.package(package_id)
            if package.shipping_type == "TIKTOK" and package.tracking_number:
                found[package_id] = package
        unlabelled = [str(i["id"]) for i in items if str(i.get("package_id") or "") not in found]
        return LabelCheck(order_id, list(found.values()), unlabelled)

    async def shipping_document(
        self,
        package_id: str,
        *,
        document_type: DocumentType = DocumentType.SHIPPING_LABEL,
        size: str = "A6",
    ) -> ShippingDocument:
        """A link to the package's label (A6 = 4x6 in, or A5; a PNG for the picture) that
        works for 24 hours: download it at once."""
        query: dict[str, str] = {"document_type": document_type.value}
        if document_type is not DocumentType.SHIPPING_LABEL_PICTURE:
            query["document_size"] = size
        path = SHIPPING_DOCUMENT.format(package_id=package_id)
        data = await self._call("GET", SHIPPING_DOCUMENT, path, query=query)
        return ShippingDocument.from_api(
            {
                **data,
                "package_id": package_id,
                "document_type": document_type.value,
                "expires_at": int(self.client.now()) + DOCUMENT_LIFETIME,
            }
        )

    async def download(self, document: ShippingDocument) -> bytes:
        """The document's file. `DocumentExpired` once the link stopped working: make a new
        `shipping_document` call (the link itself cannot be renewed)."""
        if not document.doc_url:
            raise UnexpectedResponse("TikTok Shop answered without a document link")
        response = await self.client.fetch(document.doc_url)
        if response.status_code in GONE:
            raise DocumentExpired(httpx.URL(document.doc_url).host, response.status_code)
        magic = MAGIC.get(document.document_type, PDF_MAGIC)
        if response.status_code != httpx.codes.OK or not response.content.startswith(magic):
            raise UnexpectedResponse(
                f"the document link answered HTTP {response.status_code} without the "
                f"{'PNG' if magic != PDF_MAGIC else 'PDF'} file"
            )
        return response.content

    async def validate_tracking(self, tracking_number: str) -> TrackingValidation:
        """Whether a tracking number is a TikTok Shipping one (US only; version 202508)."""
        data = await self._call(
            "GET",
            TRACKING_VALIDATION,
            TRACKING_VALIDATION,
            query={"tracking_number": tracking_number},
        )
        return TrackingValidation.from_api(data)
