"""The label client against the sandbox as a US local shop: a label from the products' own
weight and size, its documents downloaded, refusals typed, and lost answers checked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.sync.session import open_session
from app.tiktok.errors import (
    AddressRejected,
    DocumentExpired,
    LabelAlreadyBought,
    LabelOutcomeUnknown,
    OrderOnHold,
    PackageOversize,
)
from app.tiktok.labels import LabelsApi
from app.tiktok.models.labels import Dimension, DocumentType, LengthUnit, Weight, WeightUnit
from tests.fulfillment.conftest import ShipShop

CREATE = "/fulfillment/202309/packages"
US_LOCAL = {"seller_type": "LOCAL"}


async def parcel_of(ship: ShipShop, order: dict[str, Any]) -> tuple[Weight, Dimension]:
    """The order's parcel from Get Product's package data, in the units the label APIs take."""
    grams, height = Decimal(0), Decimal(0)
    length = width = Decimal(0)
    for item in order["line_items"]:
        product = await ship.session.api.product(item["product_id"])
        assert product.package_weight is not None and product.package_dimensions is not None
        weight, box = product.package_weight.to_label(), product.package_dimensions.to_label()
        assert weight is not None and box is not None and box.unit is LengthUnit.CM
        grams += weight.grams
        length, width, height = max(length, box.length), max(width, box.width), height + box.height
    weight = Weight(value=grams.quantize(Decimal(1)), unit=WeightUnit.GRAM)
    return weight, Dimension(length=length, width=width, height=height, unit=LengthUnit.CM)


async def creates(ship: ShipShop) -> int:
    """Create Packages calls that reached the sandbox."""
    by_path = (await ship.shop.admin.get("/sandbox/calls")).json()["by_path"]
    return int(by_path.get(CREATE, 0))


async def labels_bought(ship: ShipShop) -> list[dict[str, Any]]:
    return (await ship.shop.admin.get("/sandbox/labels")).json()["labels"]  # type: ignore[no-any-return]


async def test_a_label_from_the_products_weight_and_its_documents(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    api = LabelsApi(ship.session.client)
    order = await ship.place(shipping_type="TIKTOK")
    assert order["packages"] == []
    weight, box = await parcel_of(ship, order)
    offer = await api.eligible_services(order["id"], weight=weight, dimension=box)
    assert offer.weight == weight and offer.dimension == box
    assert offer.chosen is not None and len(offer.shipping_services) == 1
    package = await api.create_package(order["id"], weight=weight, dimension=box)
    assert package.shipping_service_info is not None
    assert package.shipping_service_info.id == offer.chosen.id
    assert package.order_line_item_ids == [i["id"] for i in order["line_items"]]

    detail = await api.fulfillment.package(package.package_id)
    assert detail.package_status == "PROCESSING" and detail.weight == weight
    document = await api.shipping_document(package.package_id)
    assert document.tracking_number == detail.tracking_number
    pdf = await api.download(document)
    assert pdf.startswith(b"%PDF")
    picture = await api.shipping_document(
        package.package_id, document_type=DocumentType.SHIPPING_LABEL_PICTURE
    )
    assert (await api.download(picture)).startswith(b"\x89PNG")
    assert (await api.validate_tracking(detail.tracking_number)).is_tiktok_shipping
    events = await api.fulfillment.tracking(order["id"])
    assert events and "label created" in events[0].description


async def test_refusals_are_typed(ship_shop: Callable[..., Awaitable[ShipShop]]) -> None:
    ship = await ship_shop(**US_LOCAL)
    api = LabelsApi(ship.session.client)
    held = await ship.place(shipping_type="TIKTOK", is_on_hold_order=True)
    with pytest.raises(OrderOnHold, match="on hold"):
        await api.create_package(held["id"])
    order = await ship.place(shipping_type="TIKTOK")
    huge = Dimension(length=Decimal(120), width=Decimal(5), height=Decimal(5), unit=LengthUnit.INCH)
    with pytest.raises(PackageOversize, match="too big"):
        await api.create_package(order["id"], dimension=huge)
    check = f"/sandbox/orders/{order['id']}/address_check"
    await ship.shop.admin.post(check, json={"result": "ILLEGAL"})
    with pytest.raises(AddressRejected, match="address"):
        await api.create_package(order["id"])
    await ship.shop.admin.post(check, json={"result": "OK"})
    await api.create_package(order["id"])
    with pytest.raises(LabelAlreadyBought):
        await api.create_package(order["id"])
    assert len(await labels_bought(ship)) == 1


async def test_a_lost_answer_is_checked_and_never_buys_twice(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    api = LabelsApi(ship.session.client)
    order = await ship.place(shipping_type="TIKTOK")
    ids = [i["id"] for i in order["line_items"]]
    ship.transport.lose_after.append(CREATE)  # TikTok buys it; the answer never comes
    with pytest.raises(LabelOutcomeUnknown) as info:
        await api.create_package(order["id"], line_item_ids=ids)
    check = await api.check_labels(info.value.order_id, info.value.line_item_ids)
    assert check.bought and len(check.packages) == 1
    (label,) = await labels_bought(ship)
    assert check.packages[0].package_id == label["package_id"]
    assert check.packages[0].tracking_number == label["tracking_number"]
    assert await creates(ship) == 1  # the check only read the order and its package


class LostBeforeArriving(httpx.AsyncBaseTransport):
    """The request times out before reaching TikTok: the client cannot tell it never landed."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.lose: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path in self.lose:
            self.lose.remove(request.url.path)
            raise httpx.ReadTimeout("no answer", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_lost_request_that_never_landed_is_safe_to_send_again(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    lossy = LostBeforeArriving(ship.transport)
    shop = ship.shop
    session = open_session(shop.paths, shop.settings, shop.secrets, transport=lossy)
    try:
        api = LabelsApi(session.client)
        lossy.lose.append(CREATE)
        with pytest.raises(LabelOutcomeUnknown):
            await api.create_package(order["id"])
        assert await creates(ship) == 0
        check = await api.check_labels(order["id"])
        assert not check.bought and len(check.unlabelled) == len(order["line_items"])
        package = await api.create_package(order["id"])
        assert [lb["package_id"] for lb in await labels_bought(ship)] == [package.package_id]
    finally:
        await session.aclose()


async def test_an_expired_link_needs_a_new_document_call(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    api = LabelsApi(ship.session.client)
    order = await ship.place(shipping_type="TIKTOK")
    package = await api.create_package(order["id"])
    old = await api.shipping_document(package.package_id, size="A5")
    await ship.shop.admin.post("/sandbox/clock", json={"advance_seconds": 24 * 3600})
    with pytest.raises(DocumentExpired, match="no longer works"):
        await api.download(old)
    fresh = await api.shipping_document(package.package_id, size="A5")
    assert fresh.doc_url != old.doc_url and (await api.download(fresh)).startswith(b"%PDF")
