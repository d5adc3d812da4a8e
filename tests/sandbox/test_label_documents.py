"""Shipping documents: a `doc_url` that serves a real PDF or PNG with a readable barcode, and
stops working after 24 hours; the carrier's first scan; tracking events."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from app.sandbox import Sandbox
from tests.sandbox.barcodes import barcode_in_pdf, barcode_in_png
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.conftest import PACKAGES_FIRST, make_config
from tests.sandbox.label_support import (
    advance,
    bought,
    code,
    document,
    order_detail,
    package_detail,
    shop_client,
    tiktok_order,
)
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import mark, new_order, ship

HOUR = 3600
POINTS_PER_INCH = 72
A5_POINTS = (419.5, 595.3)  # 148 x 210 mm


async def labelled(client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox) -> dict[str, Any]:
    """A TikTok Shipping order of two SKUs with its label bought; the Create Packages answer."""
    order = await tiktok_order(http, sandbox, (1, 1), buyer_message="Gift wrap please")
    return await bought(client, order["id"])


async def fetch(http: httpx.AsyncClient, url: str) -> httpx.Response:
    assert url.startswith("http://sandbox.test/"), url  # served by the sandbox host
    return await http.get(url)


async def test_a6_label_is_a_4x6_inch_pdf_with_the_order_package_carrier_and_barcode(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    answer = await document(client, label["package_id"])
    assert code(answer) == 0
    info = await package_detail(client, label["package_id"])
    assert answer["data"]["tracking_number"] == info["tracking_number"]
    response = await fetch(http, answer["data"]["doc_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    (page,) = pdf.pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (
        4 * POINTS_PER_INCH,
        6 * POINTS_PER_INCH,
    )
    text = page.extract_text()
    for shown in (
        label["order_id"],
        label["package_id"],
        info["tracking_number"],
        info["shipping_provider_name"],
        label["shipping_service_info"]["name"],
    ):
        assert shown in text, shown
    assert barcode_in_pdf(response.content) == info["tracking_number"]


async def test_a5_label_packing_slip_and_both(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    order = await order_detail(client, label["order_id"])
    a5 = await document(client, label["package_id"], document_size="A5")
    pdf = PdfReader(io.BytesIO((await fetch(http, a5["data"]["doc_url"])).content))
    size = (float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height))
    assert size == pytest.approx(A5_POINTS, abs=0.5)
    both = await document(
        client, label["package_id"], document_type="SHIPPING_LABEL_AND_PACKING_SLIP"
    )
    content = (await fetch(http, both["data"]["doc_url"])).content
    label_page, slip_page = PdfReader(io.BytesIO(content)).pages
    assert barcode_in_pdf(content, 0) == a5["data"]["tracking_number"]
    slip = slip_page.extract_text()
    assert "Packing slip" in slip and "Gift wrap please" in slip
    assert all(item["seller_sku"] in slip for item in order["line_items"])
    assert "Packing slip" not in label_page.extract_text()
    alone = await document(client, label["package_id"], document_type="PACKING_SLIP")
    (page,) = PdfReader(io.BytesIO((await fetch(http, alone["data"]["doc_url"])).content)).pages
    assert "Packing slip" in page.extract_text()


async def test_label_picture_is_a_png_at_thermal_resolution(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    answer = await document(
        client, label["package_id"], document_type="SHIPPING_LABEL_PICTURE", document_size="A5"
    )  # the size does not apply to the picture
    response = await fetch(http, answer["data"]["doc_url"])
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (812, 1218)  # 4 x 6 in at 203 dpi
    assert barcode_in_png(response.content) == answer["data"]["tracking_number"]


async def test_the_link_expires_after_24_hours_and_a_new_call_gives_a_new_one(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    first = (await document(client, label["package_id"]))["data"]["doc_url"]
    await advance(http, 24 * HOUR - 60)
    assert (await fetch(http, first)).status_code == 200
    await advance(http, 60)
    expired = await fetch(http, first)
    assert expired.status_code == 403 and "expired" in expired.text
    second = (await document(client, label["package_id"]))["data"]["doc_url"]
    assert second != first
    assert (await fetch(http, second)).headers["content-type"] == "application/pdf"
    assert (await http.get("/sandbox/documents/nothing-here")).status_code == 404


@pytest.fixture
def short_links() -> Sandbox:
    return Sandbox(make_config(document_ttl=120))


async def test_a_short_expiry_for_tests(short_links: Sandbox) -> None:
    async with shop_client(short_links) as (http, client):
        label = await labelled(client, http, short_links)
        url = (await document(client, label["package_id"]))["data"]["doc_url"]
        await advance(http, 90)  # the shop clock also runs on by itself: leave it room
        assert (await fetch(http, url)).status_code == 200
        await advance(http, 30)
        assert (await fetch(http, url)).status_code == 403


async def test_documents_only_between_the_label_and_the_pickup(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    package_id = label["package_id"]
    for params in (
        {"document_type": "SHIPPING_LABEL_ZPL"},
        {"document_size": "A4"},
        {"document_format": "ZPL"},
        {"document_type": "HAZMAT_LABEL"},
        {"document_type": "INVOICE_LABEL"},
    ):
        assert code(await document(client, package_id, **params)) == 21001001, params
    assert code(await document(client, "1234567890123456789")) == 21011028
    seller = await new_order(http, sandbox, (1,))
    shipped = await mark(client, seller["id"], tracking_number="9400111122223333444455")
    assert code(await document(client, shipped["data"]["package_id"])) == 11034002
    assert (await http.post(f"/sandbox/packages/{package_id}/collect")).status_code == 200
    picked_up = await document(client, package_id)
    assert code(picked_up) == 21042102 and "pickup" in picked_up["message"]


async def test_a_package_not_shipped_yet_has_no_document() -> None:
    sandbox = Sandbox(make_config(**PACKAGES_FIRST))
    async with shop_client(sandbox) as (http, client):
        order = await tiktok_order(http, sandbox)
        (waiting,) = order["packages"]
        assert code(await document(client, waiting["id"])) == 21023035
        assert code(await ship(client, waiting["id"], handover_method="DROP_OFF")) == 0
        answer = await document(client, waiting["id"])
        assert code(answer) == 0 and answer["data"]["tracking_number"]


async def test_the_carriers_first_scan_moves_the_order_in_transit(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    label = await labelled(client, http, sandbox)
    order_id = label["order_id"]
    await advance(http, 36 * HOUR - 60)
    assert (await order_detail(client, order_id))["status"] == "AWAITING_COLLECTION"
    await advance(http, 60)
    seen = await order_detail(client, order_id)
    assert seen["status"] == "IN_TRANSIT"
    assert {i["package_status"] for i in seen["line_items"]} == {"FULFILLING"}
    assert (await package_detail(client, label["package_id"]))["package_status"] == "FULFILLING"
    payload = (await client.call("GET", f"/fulfillment/202309/orders/{order_id}/tracking")).json()
    assert_conforms(payload, "fulfillment/get-tracking.spec.json")
    events = payload["data"]["tracking"]
    assert [e["description"].split(" ")[0] for e in events] == ["Package", "Shipping"]
    assert "picked up" in events[0]["description"]
    assert events[0]["update_time_millis"] > events[1]["update_time_millis"]
    assert events[0]["update_time_millis"] == seen["collection_time"] * 1000


async def test_without_an_automatic_scan_only_the_admin_call_collects() -> None:
    sandbox = Sandbox(make_config(carrier_scan_delay=0))
    async with shop_client(sandbox) as (http, client):
        label = await labelled(client, http, sandbox)
        # Well past the default 36 h, and before collection_due_time (5 days: TikTok would
        # cancel it then, auto_cancel).
        await advance(http, 4 * 86400)
        assert (await order_detail(client, label["order_id"]))["status"] == "AWAITING_COLLECTION"
        await http.post(f"/sandbox/packages/{label['package_id']}/collect")
        assert (await order_detail(client, label["order_id"]))["status"] == "IN_TRANSIT"
