"""Label calls: the exact requests, every documented refusal typed and in plain words, and a
label purchase whose answer was lost never sent twice by the client."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from app.tiktok.errors import (
    LABEL_ERRORS,
    DocumentExpired,
    LabelAlreadyBought,
    LabelOutcomeUnknown,
    LabelRefused,
    LabelTryLater,
    OrderOnHold,
    TikTokError,
    UnexpectedResponse,
)
from app.tiktok.labels import LabelsApi
from app.tiktok.models import Product
from app.tiktok.models.fulfillment import Package
from app.tiktok.models.labels import (
    CreatedPackage,
    Dimension,
    DocumentType,
    EligibleServices,
    LengthUnit,
    ShippingDocument,
    TrackingValidation,
    Weight,
    WeightUnit,
)
from app.tiktok.reasons import LABEL_REFUSALS
from tests.spec_files import spec
from tests.unit.tiktok_fakes import API, NOW, FakeTime, envelope, make_client

CREATE = f"{API}/fulfillment/202309/packages"
ELIGIBLE = f"{API}/fulfillment/202309/orders/576/shipping_services/query"
WEIGHT = Weight(value=Decimal("1.50"), unit=WeightUnit.POUND)
BOX = Dimension(length=Decimal(20), width=Decimal("15.0"), height=Decimal(8), unit=LengthUnit.CM)
SERVICE = {
    "id": "7208502187360257836",
    "name": "USPS Ground Advantage",
    "price": "6.20",
    "currency": "USD",
    "earliest_delivery_days": 2,
    "latest_delivery_days": 5,
    "shipping_provider_id": "6617675021119438849",
    "shipping_provider_name": "USPS",
}
CREATED = {
    "order_id": "576",
    "order_line_item_ids": ["11", "12"],
    "package_id": "990",
    "shipping_service_info": SERVICE,
    "weight": {"value": "1.5", "unit": "POUND"},
    "dimension": {"length": "20", "width": "15", "height": "8", "unit": "CM"},
    "create_time": 1764000000,
}


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def api(time_: FakeTime):
    async with httpx.AsyncClient() as http:
        yield LabelsApi(make_client(http, time_))


def documented(name: str) -> set[str]:
    """Top-level body fields a spec-json documents for the request."""
    return {
        p["name"] for p in spec("fulfillment", name)["request_body_param"] if "^" not in p["name"]
    }


@respx.mock
async def test_eligible_and_create_send_only_documented_fields(api) -> None:
    eligible = respx.post(ELIGIBLE).respond(
        json=envelope(
            {
                "order_id": "576",
                "order_line_id": ["11", "12"],
                "weight": {"value": "1.5", "unit": "POUND"},
                "shipping_services": [{**SERVICE, "is_default": True}],
            }
        )
    )
    create = respx.post(CREATE).respond(json=envelope(CREATED))
    services = await api.eligible_services(
        "576", line_item_ids=["11", "12"], weight=WEIGHT, dimension=BOX
    )
    assert services.chosen is not None and services.chosen.id == SERVICE["id"]
    assert services.chosen.price == Decimal("6.20")
    sent = json.loads(eligible.calls.last.request.content)
    assert sent == {
        "order_line_item_ids": ["11", "12"],
        "weight": {"value": "1.5", "unit": "POUND"},
        "dimension": {"length": "20", "width": "15", "height": "8", "unit": "CM"},
    }
    assert set(sent) <= documented("get-eligible-shipping-service")
    package = await api.create_package(
        "576", weight=WEIGHT, dimension=BOX, shipping_service_id=SERVICE["id"]
    )
    assert package.package_id == "990" and package.weight == WEIGHT
    assert package.shipping_service_info is not None
    assert package.shipping_service_info.shipping_provider_name == "USPS"
    body = json.loads(create.calls.last.request.content)
    assert body == {
        "order_id": "576",
        "weight": {"value": "1.5", "unit": "POUND"},
        "dimension": {"length": "20", "width": "15", "height": "8", "unit": "CM"},
        "shipping_service_id": SERVICE["id"],
    }
    assert set(body) <= documented("create-packages")


def test_every_label_code_of_the_specs_is_typed_and_worded() -> None:
    listed = {
        int(e["code"])
        for name in (
            "create-packages",
            "get-eligible-shipping-service",
            "get-package-shipping-document",
            "get-package-detail",
        )
        for e in spec("fulfillment", name)["error_code_list"]
    }
    listed -= {36009003}  # internal error: InternalError, retried where it is safe
    assert listed <= set(LABEL_ERRORS), sorted(listed - set(LABEL_ERRORS))
    assert set(LABEL_ERRORS) <= set(LABEL_REFUSALS)
    assert 21011044 in LABEL_ERRORS  # ON_HOLD (on-hold changelog)


@respx.mock
@pytest.mark.parametrize("code", sorted(LABEL_ERRORS))
async def test_each_refusal_comes_back_typed_in_plain_words(api, code: int) -> None:
    respx.post(ELIGIBLE).respond(json=envelope(code=code, message="raw text"))
    with pytest.raises(LabelRefused) as info:
        await api.eligible_services("576")
    assert type(info.value) is LABEL_ERRORS[code]
    assert info.value.reason == LABEL_REFUSALS[code] != "raw text"
    assert f"code {code}" in str(info.value)


@respx.mock
async def test_on_hold_and_a_second_label(api) -> None:
    respx.post(CREATE).mock(
        side_effect=[
            httpx.Response(200, json=envelope(code=21011044, message="on hold")),
            httpx.Response(200, json=envelope(code=21008042, message="printed")),
        ]
    )
    with pytest.raises(OrderOnHold, match="on hold"):
        await api.create_package("576")
    with pytest.raises(LabelAlreadyBought, match="already bought"):
        await api.create_package("576")


@respx.mock
@pytest.mark.parametrize(
    "answer",
    [
        httpx.ReadTimeout("lost"),
        httpx.RemoteProtocolError("cut"),
        httpx.Response(200, json=envelope(code=36009003, message="internal")),
        httpx.Response(200, json=envelope(code=11001027, message="System timeout")),
        httpx.Response(200, json=envelope(code=21030005, message="Processing")),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.Response(200, text='{"code":0,"mess'),
    ],
)
async def test_a_label_whose_outcome_is_unknown_is_never_sent_twice(api, answer) -> None:
    route = respx.post(CREATE).mock(side_effect=[answer])
    with pytest.raises(LabelOutcomeUnknown) as info:
        await api.create_package("576", line_item_ids=["11"])
    assert route.call_count == 1
    assert info.value.order_id == "576" and info.value.line_item_ids == ("11",)
    assert "check the order's packages" in str(info.value)


@respx.mock
async def test_known_outcomes_are_retried_or_refused(api, time_: FakeTime) -> None:
    route = respx.post(CREATE).mock(
        side_effect=[
            httpx.ConnectError("refused"),  # never sent: safe to send
            httpx.Response(429, json=envelope(code=36009002, message="Too many requests")),
            httpx.Response(200, json=envelope(CREATED)),
        ]
    )
    assert (await api.create_package("576")).package_id == "990"
    assert route.call_count == 3 and len(time_.sleeps) == 2
    respx.post(CREATE).respond(json=envelope(code=21022026, message="try again later"))
    with pytest.raises(LabelTryLater) as info:
        await api.create_package("576")
    assert info.value.retryable and not info.value.outcome_unknown


@respx.mock
async def test_check_labels_reads_the_order_and_its_packages(api) -> None:
    respx.get(f"{API}/order/202309/orders").respond(
        json=envelope(
            {
                "orders": [
                    {
                        "id": "576",
                        "line_items": [
                            {
                                "id": "11",
                                "display_status": "AWAITING_COLLECTION",
                                "package_id": "990",
                            },
                            {"id": "12", "display_status": "AWAITING_SHIPMENT"},
                            {"id": "13", "display_status": "CANCELLED"},
                        ],
                    }
                ]
            }
        )
    )
    respx.get(f"{API}/fulfillment/202309/packages/990").respond(
        json=envelope(
            {
                "package_id": "990",
                "shipping_type": "TIKTOK",
                "package_status": "PROCESSING",
                "tracking_number": "9400111",
                "orders": [{"id": "576"}],
                "weight": {"value": "1.5", "unit": "POUND"},
            }
        )
    )
    some = await api.check_labels("576", ["11"])
    assert some.bought and [p.tracking_number for p in some.packages] == ["9400111"]
    assert some.packages[0].weight == WEIGHT and some.packages[0].order_ids == ["576"]
    every = await api.check_labels("576")
    assert not every.bought and every.unlabelled == ["12"]
    with pytest.raises(TikTokError):
        await api.check_labels("577")


@respx.mock
async def test_documents_expire_and_must_be_real_files(api) -> None:
    respx.get(f"{API}/fulfillment/202309/packages/990/shipping_documents").respond(
        json=envelope({"doc_url": "https://docs.test/wsos/1", "tracking_number": "9400111"})
    )
    document = await api.shipping_document("990", size="A5")
    query = respx.calls.last.request.url.params
    assert dict(query)["document_type"] == "SHIPPING_LABEL" and query["document_size"] == "A5"
    assert document.package_id == "990" and document.expires_at == int(NOW) + 24 * 3600
    respx.get("https://docs.test/wsos/1").mock(
        side_effect=[
            httpx.Response(200, content=b"%PDF-1.4 ..."),
            httpx.Response(200, content=b"<html>login</html>"),
            httpx.Response(403, text="AccessDenied"),
        ]
    )
    assert (await api.download(document)).startswith(b"%PDF")
    with pytest.raises(UnexpectedResponse):
        await api.download(document)
    with pytest.raises(DocumentExpired, match=r"docs\.test .*HTTP 403"):
        await api.download(document)
    picture = ShippingDocument(
        doc_url="https://docs.test/p", document_type=DocumentType.SHIPPING_LABEL_PICTURE
    )
    respx.get("https://docs.test/p").respond(200, content=b"%PDF not a png")
    with pytest.raises(UnexpectedResponse, match="PNG"):
        await api.download(picture)


@respx.mock
async def test_the_picture_takes_no_size_and_tracking_validation(api) -> None:
    docs = respx.get(f"{API}/fulfillment/202309/packages/990/shipping_documents").respond(
        json=envelope({"doc_url": "https://docs.test/p", "tracking_number": "9400111"})
    )
    await api.shipping_document("990", document_type=DocumentType.SHIPPING_LABEL_PICTURE)
    assert "document_size" not in docs.calls.last.request.url.params
    validation = respx.get(f"{API}/fulfillment/202508/tts_tracking_validation").respond(
        json=envelope({"is_tiktok_shipping": True, "is_tiktok_collection": False})
    )
    result = await api.validate_tracking("9400111")
    assert result.is_tiktok_shipping and not result.is_tiktok_collection
    assert validation.calls.last.request.url.params["tracking_number"] == "9400111"


def test_product_package_data_in_label_units() -> None:
    sample = json.loads(spec("products", "get-product")["response_body"])["data"]
    product = Product.from_api(sample)  # 1.32 KILOGRAM, 10 x 10 x 10 CENTIMETER
    assert product.package_weight is not None and product.package_dimensions is not None
    assert product.package_weight.to_label() == Weight(value=Decimal(1320), unit=WeightUnit.GRAM)
    box = product.package_dimensions.to_label()
    assert box == Dimension(
        length=Decimal(10), width=Decimal(10), height=Decimal(10), unit=LengthUnit.CM
    )
    pounds = Product.from_api({"id": "2", "package_weight": {"value": "0.55", "unit": "POUND"}})
    assert pounds.package_weight is not None
    weight = pounds.package_weight.to_label()
    assert weight == Weight(value=Decimal("0.55"), unit=WeightUnit.POUND)
    assert weight.grams == Decimal("0.55") * Decimal("453.59237")
    empty = Product.from_api({"id": "3", "package_weight": {"value": "", "unit": "KILOGRAM"}})
    assert empty.package_weight is not None and empty.package_weight.to_label() is None
    assert Product.from_api({"id": "4"}).package_weight is None


def test_the_specs_own_samples_parse() -> None:
    def sample(name: str) -> dict[str, Any]:
        return json.loads(spec("fulfillment", name)["response_body"])["data"]  # type: ignore[no-any-return]

    offer = EligibleServices.from_api(sample("get-eligible-shipping-service"))
    assert offer.chosen is not None and offer.chosen.shipping_provider_name == "UPS"
    assert offer.weight == Weight(value=Decimal("1.2"), unit=WeightUnit.GRAM)
    assert offer.dimension is not None and offer.dimension.unit is LengthUnit.INCH
    created = CreatedPackage.from_api(sample("create-packages"))
    assert created.package_id == "2882335594258860015" and created.create_time == 1623812664
    assert created.shipping_service_info is not None
    assert created.shipping_service_info.price == Decimal(10)
    assert created.dimension is not None and created.dimension.centimetres[0] == Decimal("1.2")
    document = ShippingDocument.from_api(sample("get-package-shipping-document"))
    assert document.doc_url.startswith("https://") and document.tracking_number == "752455325694"
    package = Package.from_api(sample("get-package-detail"))
    assert package.split_and_combine_tag == "SPLIT" and package.order_ids == ["54335448533296"]
    assert package.weight == Weight(value=Decimal("1.2"), unit=WeightUnit.GRAM)
    validation = TrackingValidation.from_api(sample("tts-tracking-validation"))
    assert validation.is_tiktok_shipping is False
