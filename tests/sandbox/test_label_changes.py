"""What makes a printed label stale: TikTok splitting or combining the package (webhook type 4)
or the buyer changing the address (type 3) after the label was bought."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from app.sandbox import SandboxInfo, running_sandbox_async
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.label_support import (
    bought,
    code,
    create,
    document,
    order_detail,
    package_detail,
    tiktok_order,
)
from tests.sandbox.support import Receiver, ShopClient


@dataclass
class LiveShop:
    """A sandbox on a real port pushing PACKAGE_UPDATE and RECIPIENT_ADDRESS_UPDATE."""

    info: SandboxInfo
    http: httpx.AsyncClient
    client: ShopClient
    receiver: Receiver

    async def pushes(self, kind: int, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            found = [p for p in self.receiver.payloads() if p["type"] == kind]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} pushes of type {kind}: {self.receiver.payloads()}")

    async def label_text(self, package_id: str) -> str:
        url = (await document(self.client, package_id))["data"]["doc_url"]
        return await self.text_at(url)

    async def text_at(self, url: str) -> str:
        content = (await self.http.get(url)).content
        return str(PdfReader(io.BytesIO(content)).pages[0].extract_text())


@pytest.fixture
async def live() -> AsyncIterator[LiveShop]:
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=20)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        for event_type in ("PACKAGE_UPDATE", "RECIPIENT_ADDRESS_UPDATE"):
            body = {"address": receiver.url, "event_type": event_type}
            await client.ok("PUT", "/event/202309/webhooks", body=body)
        yield LiveShop(info, http, client, receiver)


async def test_a_split_after_the_label_pushes_package_update_and_a_second_label(
    live: LiveShop,
) -> None:
    order = await tiktok_order(live.http, live.info.sandbox, (1, 1))
    label = await bought(live.client, order["id"])
    old = await package_detail(live.client, label["package_id"])
    moved = order["line_items"][1]["id"]
    response = await live.http.post(
        f"/sandbox/packages/{label['package_id']}/split",
        json={"line_item_ids": [moved], "role_type": "ROLE_OPERATOR"},
    )
    assert response.status_code == 200, response.text
    kept, new = response.json()["package_ids"]
    (push,) = await live.pushes(4, 1)
    assert push["data"]["sc_type"] == "SPLIT" and push["data"]["role_type"] == "ROLE_OPERATOR"
    assert push["data"]["package_list"] == [
        {"package_id": kept, "order_id_list": [order["id"]]},
        {"package_id": new, "order_id_list": [order["id"]]},
    ]
    seen = await order_detail(live.client, order["id"])
    assert seen["packages"] == [{"id": kept}, {"id": new}]
    assert seen["split_or_combine_tag"] == "SPLIT"
    second = await package_detail(live.client, new)
    assert second["order_line_item_ids"] == [moved] and second["package_status"] == "PROCESSING"
    assert second["tracking_number"] not in ("", old["tracking_number"])
    assert second["split_and_combine_tag"] == "SPLIT"
    assert second["tracking_number"] in await live.label_text(new)
    labels = {
        lb["package_id"]: lb for lb in (await live.http.get("/sandbox/labels")).json()["labels"]
    }
    assert labels[kept]["version"] == 2 and labels[new]["version"] == 1
    assert seen["status"] == "AWAITING_COLLECTION"


async def test_combining_labelled_packages_voids_one_label(live: LiveShop) -> None:
    first = await tiktok_order(live.http, live.info.sandbox)
    second = await tiktok_order(live.http, live.info.sandbox, buyer_user_id=first["user_id"])
    a = await bought(live.client, first["id"])
    b = await bought(live.client, second["id"])
    before = (await package_detail(live.client, a["package_id"]))["tracking_number"]
    response = await live.http.post(
        "/sandbox/packages/combine", json={"package_ids": [a["package_id"], b["package_id"]]}
    )
    assert response.status_code == 200, response.text
    (push,) = await live.pushes(4, 1)
    assert push["data"]["sc_type"] == "COMBINE" and push["data"]["role_type"] == "ROLE_SYSTEM"
    assert push["data"]["package_list"] == [
        {"package_id": a["package_id"], "order_id_list": [first["id"], second["id"]]}
    ]
    combined = await package_detail(live.client, a["package_id"])
    assert combined["split_and_combine_tag"] == "COMBINE"
    assert combined["tracking_number"] != before  # a new label for the bigger parcel
    assert len(combined["order_line_item_ids"]) == 2
    assert (await package_detail(live.client, b["package_id"]))["package_status"] == "CANCELLED"
    assert code(await document(live.client, b["package_id"])) == 21023059
    seen = await order_detail(live.client, second["id"])
    assert seen["packages"] == [{"id": a["package_id"]}]
    assert seen["split_or_combine_tag"] == "COMBINED"
    assert {i["tracking_number"] for i in seen["line_items"]} == {combined["tracking_number"]}
    assert code(await create(live.client, second["id"])) == 21011033
    text = await live.label_text(a["package_id"])
    assert first["id"] in text and second["id"] in text


async def test_an_address_change_after_the_label_pushes_type_3_and_reprints_with_it(
    live: LiveShop,
) -> None:
    order = await tiktok_order(live.http, live.info.sandbox)
    label = await bought(live.client, order["id"])
    url = (await document(live.client, label["package_id"]))["data"]["doc_url"]
    before = await live.text_at(url)
    street = (await order_detail(live.client, order["id"]))["recipient_address"]["address_line1"]
    assert street in before
    response = await live.http.post(
        f"/sandbox/orders/{order['id']}/address", json={"address_line1": "77 Harbor Way"}
    )
    assert response.status_code == 200, response.text
    (push,) = await live.pushes(3, 1)
    assert push["data"]["order_id"] == order["id"]
    assert "77 Harbor Way" in await live.label_text(label["package_id"])
    assert await live.text_at(url) == before  # the old link shows what was printed then
    await live.http.post(f"/sandbox/packages/{label['package_id']}/collect")
    late = await live.http.post(
        f"/sandbox/orders/{order['id']}/address", json={"address_line1": "1 Too Late St"}
    )
    assert late.status_code == 409


async def test_split_and_combine_only_what_tiktok_could_change(live: LiveShop) -> None:
    sandbox = live.info.sandbox
    order = await tiktok_order(live.http, sandbox, (1, 1))
    buyers = next(iter(sandbox.state.buyers.values()))
    stranger = next(b.user_id for b in buyers if b.user_id != order["user_id"])
    other = await tiktok_order(live.http, sandbox, buyer_user_id=stranger)
    label = await bought(live.client, order["id"])
    elsewhere = await bought(live.client, other["id"])
    split = f"/sandbox/packages/{label['package_id']}/split"
    every = [i["id"] for i in order["line_items"]]
    assert (await live.http.post(split, json={"line_item_ids": every})).status_code == 409
    assert (await live.http.post(split, json={"line_item_ids": ["1"]})).status_code == 409
    assert (await live.http.post(split, json={"line_item_ids": []})).status_code == 400
    bad_role = {"line_item_ids": every[:1], "role_type": "ROLE_CAT"}
    assert (await live.http.post(split, json=bad_role)).status_code == 400
    unknown = await live.http.post("/sandbox/packages/1/split", json={"line_item_ids": every})
    assert unknown.status_code == 404
    pair = {"package_ids": [label["package_id"], elsewhere["package_id"]]}
    assert (await live.http.post("/sandbox/packages/combine", json=pair)).status_code == 409
    await live.http.post(f"/sandbox/packages/{label['package_id']}/collect")
    assert (await live.http.post(split, json={"line_item_ids": every[:1]})).status_code == 409
    assert live.receiver.payloads() == []  # nothing changed, nothing pushed
