"""Get Reject Reasons by market (the Refund reasons page, the US removals), Get Aftersale
Eligibility and Calculate Refund."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import httpx
import pytest

from app.sandbox import Sandbox
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.returns_support import (
    CALCULATE,
    REASONS,
    answer,
    code,
    delivered_order,
    open_return,
    reasons,
)
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import new_order, shop_of
from tests.spec_files import API_DOCS

GUIDES = API_DOCS / "guides"
SPEC_DIR = "return-and-refund"


def page_table(market: str, heading: str) -> list[str]:
    """Reason names of one table of the Refund reasons page, in its order."""
    text = (GUIDES / "return-and-refund/refund-reasons.md").read_text()
    section = text.split(f"# {market} market\n")[1].split("\n# ")[0]
    table = section.split(f"## {heading}")[1].split("\n## ")[0]
    return [
        cells[-2].strip()
        for line in table.splitlines()
        if line.startswith("|")
        and (cells := line.split("|"))
        and re.fullmatch(r"[a-z][\w'&/]*", cells[-2].strip())
    ]


def us_withdrawn() -> set[str]:
    text = (GUIDES / "changelog/us-market-removing-some-reject-reasons-for-returns.md").read_text()
    return set(re.findall(r"\| (reverse_reject_request_reason_\d) \|", text))


def spec_sample(name: str) -> dict[str, object]:
    path = API_DOCS / "spec-json" / SPEC_DIR / f"{name}.spec.json"
    return json.loads(json.loads(path.read_text())["document_api_meta"]["request_body"])  # type: ignore[no-any-return]


async def waiting_request(http: httpx.AsyncClient, sandbox: Sandbox, kind: str) -> str:
    order = await delivered_order(http, sandbox)
    return str((await open_return(http, order["id"], return_type=kind))["return_id"])


async def test_us_reasons_are_the_pages_list_without_the_withdrawn_ones(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    withdrawn = us_withdrawn()
    assert withdrawn == {f"reverse_reject_request_reason_{n}" for n in (1, 2, 3, 5)}
    us_refund = page_table("US", "Seller Reject Refund Request Reason")
    assert len(us_refund) == 10

    refund_id = await waiting_request(http, sandbox, "REFUND")
    payload = (await client.call("GET", REASONS, params={"return_or_cancel_id": refund_id})).json()
    assert_conforms(payload, f"{SPEC_DIR}/get-reject-reasons.spec.json")
    assert [r["name"] for r in payload["data"]["reasons"]] == us_refund
    assert all(r["text"] for r in payload["data"]["reasons"])

    return_id = await waiting_request(http, sandbox, "RETURN_AND_REFUND")
    offered = await reasons(client, return_id)
    assert list(offered) == [r for r in us_refund if r not in withdrawn]
    assert not withdrawn & set(offered)  # a reason the market lacks is never offered
    replacement_id = await waiting_request(http, sandbox, "REPLACEMENT")
    assert list(await reasons(client, replacement_id)) == list(offered)
    for reason in (next(iter(offered)), list(offered)[-1]):
        fresh = await waiting_request(http, sandbox, "RETURN_AND_REFUND")
        done = await answer(client, fresh, "reject", decision="REJECT_RETURN", reject_reason=reason)
        assert code(done) == 0, reason
    for reason in sorted(withdrawn):
        refused = await answer(
            client, return_id, "reject", decision="REJECT_RETURN", reject_reason=reason
        )
        assert code(refused) == 25001020, reason
    # reverse_reject_request_reason_3 stays on the US refund list (a refund is no return).
    kept = await answer(
        client,
        refund_id,
        "reject",
        decision="REJECT_REFUND",
        reject_reason="reverse_reject_request_reason_3",
    )
    assert code(kept) == 0

    sample = spec_sample("reject-return")  # REJECT_RECEIVED_PACKAGE with its reason
    assert sample["decision"] == "REJECT_RECEIVED_PACKAGE"
    await answer(client, return_id, "approve", decision="APPROVE_RETURN")
    await http.post(f"/sandbox/returns/{return_id}/ship")
    await http.post(f"/sandbox/returns/{return_id}/deliver")
    receive = await reasons(client, return_id)
    assert list(receive) == [*offered, sample["reject_reason"]]
    done = await answer(client, return_id, "reject", **sample)  # type: ignore[arg-type]
    assert code(done) == 0
    assert await reasons(client, return_id) == {}  # nothing left to reject


@pytest.mark.parametrize(("region", "market"), [("GB", "UK"), ("TH", "TH"), ("SG", "SG")])
async def test_other_markets_use_their_own_tables(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox, region: str, market: str
) -> None:
    shop_of(sandbox).region = region
    table = page_table(market, "Seller Reject Refund Request Reason")
    return_id = await waiting_request(http, sandbox, "RETURN_AND_REFUND")
    assert list(await reasons(client, return_id)) == table  # nothing withdrawn there
    us_only = "reverse_reject_refund_request_correct_item"
    refused = await answer(
        client, return_id, "reject", decision="REJECT_RETURN", reject_reason=us_only
    )
    assert code(refused) == 25001014
    accepted = await answer(
        client, return_id, "reject", decision="REJECT_RETURN", reject_reason=table[0]
    )
    assert code(accepted) == 0
    if market == "TH":
        assert "reverse_reject_request_reason_2" not in table


async def test_reasons_for_a_cancellation_and_the_refusals(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    pending = next(
        c for c in shop.cancellations.values() if c.status == "CANCELLATION_REQUEST_PENDING"
    )
    cancel = await reasons(client, pending.id)
    assert "seller_reject_apply_product_has_been_packed" in cancel  # cancel-reasons.json, US
    done = next(r for r in shop.returns.requests.values() if r.status.endswith("COMPLETE"))
    assert await reasons(client, done.id) == {}
    for params, expected in (({}, 25001001), ({"return_or_cancel_id": "1"}, 25020005)):
        assert code((await client.call("GET", REASONS, params=params)).json()) == expected


async def test_aftersale_eligibility_follows_the_order_and_its_requests(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    async def eligibility(order_id: str, **params: str) -> dict[tuple[str, str], list[object]]:
        path = f"/return_refund/202309/orders/{order_id}/aftersale_eligibility"
        payload = (await client.call("GET", path, params=params)).json()
        assert payload["code"] == 0, payload
        assert_conforms(payload, f"{SPEC_DIR}/get-aftersale-eligibility.spec.json")
        found: dict[tuple[str, str], list[object]] = {}
        for sku in payload["data"]["sku_eligibility"]:
            for row in sku["line_item_eligibility"]:
                for item_id in row["order_line_items_ids"]:
                    verdict = (row["eligible"], row.get("ineligible_code"))
                    found.setdefault((item_id, row["request_type"]), []).append(verdict)
        return found

    delivered = await delivered_order(http, sandbox, units=2)
    first, second = (i["id"] for i in delivered["line_items"])
    seen = await eligibility(delivered["id"])
    assert seen[(first, "REFUND")] == [(True, None)]
    assert seen[(first, "RETURN_AND_REFUND")] == [(True, None)]
    assert seen[(first, "CANCEL")] == [(False, 25001045)]  # shipped: no cancelling it
    await open_return(http, delivered["id"], line_item_ids=[first])
    seen = await eligibility(delivered["id"], initiate_aftersale_user="BUYER")
    assert seen[(first, "RETURN_AND_REFUND")] == [(False, 25001011)]  # already in a request
    assert seen[(second, "RETURN_AND_REFUND")] == [(True, None)]

    waiting = await new_order(http, sandbox, (1,))
    (item,) = (i["id"] for i in waiting["line_items"])
    seen = await eligibility(waiting["id"])
    assert seen[(item, "CANCEL")] == [(True, None)]
    assert seen[(item, "REFUND")] == [(False, 25001001)]  # "invalid order status"
    await http.post(
        f"/sandbox/orders/{waiting['id']}/status", json={"status": "AWAITING_COLLECTION"}
    )
    assert (await eligibility(waiting["id"]))[(item, "CANCEL")] == [(True, None)]  # US seller
    assert (await eligibility(waiting["id"], initiate_aftersale_user="BUYER"))[
        (item, "CANCEL")
    ] == [(False, 25001045)]
    completed = next(o for o in shop_of(sandbox).orders.values() if o["status"] == "COMPLETED")
    seen = await eligibility(completed["id"])
    assert {v for verdicts in seen.values() for v in verdicts} == {(False, 25001051)}
    path = f"/return_refund/202309/orders/{completed['id']}/aftersale_eligibility"
    bad = await client.call("GET", path, params={"initiate_aftersale_user": "OPERATOR"})
    assert code(bad.json()) == 25001001
    unknown = "/return_refund/202309/orders/1/aftersale_eligibility"
    assert code((await client.call("GET", unknown)).json()) == 25007006


async def test_calculate_refund_by_request_type(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    async def calculate(**body: object) -> dict[str, object]:
        return (await client.call("POST", CALCULATE, body=body)).json()  # type: ignore[no-any-return]

    order = await delivered_order(http, sandbox, units=2)
    first = order["line_items"][0]
    payment = order["payment"]
    reason = "ecom_order_delivered_refund_reason_missing_product_seller"  # the spec's sample
    whole = await calculate(order_id=order["id"], request_type="REFUND", reason_name=reason)
    assert_conforms(whole, f"{SPEC_DIR}/calculate-refund.spec.json")
    amount = whole["data"]["order_refund_amount"]  # type: ignore[index]
    assert Decimal(amount["refund_total"]) == (
        Decimal(payment["total_amount"]) - Decimal(payment["retail_delivery_fee"])
    )
    assert amount["refund_shipping_fee"] == payment["shipping_fee"]
    some = await calculate(
        order_id=order["id"],
        request_type="RETURN_AND_REFUND",
        reason_name="ecom_order_delivered_refund_reason_damaged",
        order_line_item_ids=[first["id"]],
        shipment_type="PLATFORM",
        handover_method="DROP_OFF",
    )
    one_item = some["data"]["order_refund_amount"]  # type: ignore[index]
    tax = sum(Decimal(t["tax_amount"]) for t in first["item_tax"])
    assert (one_item["refund_subtotal"], one_item["refund_shipping_fee"]) == (
        first["sale_price"],
        "0.00",
    )
    assert Decimal(one_item["refund_total"]) == Decimal(first["sale_price"]) + tax
    by_sku = await calculate(
        order_id=order["id"],
        request_type="REFUND",
        reason_name=reason,
        skus=[{"sku_id": first["sku_id"], "quantity": 1}],
    )
    assert by_sku["data"]["order_refund_amount"]["refund_subtotal"] == first["sale_price"]  # type: ignore[index]

    waiting = await new_order(http, sandbox, (1,))
    cancel = await calculate(
        order_id=waiting["id"],
        request_type="CANCEL",
        reason_name="seller_cancel_reason_out_of_stock",
    )
    assert (
        cancel["data"]["order_refund_amount"]["refund_total"] == waiting["payment"]["total_amount"]
    )  # type: ignore[index]
    for body, expected in (
        ({"order_id": order["id"], "request_type": "REFUND"}, 25001001),  # no reason
        ({"order_id": order["id"], "request_type": "EXCHANGE", "reason_name": reason}, 25001001),
        ({"order_id": order["id"], "request_type": "CANCEL", "reason_name": reason}, 25001001),
        ({"order_id": waiting["id"], "request_type": "REFUND", "reason_name": reason}, 25001001),
        (
            {
                "order_id": order["id"],
                "request_type": "REFUND",
                "reason_name": reason,
                "skus": [{"sku_id": first["sku_id"], "quantity": 9}],
            },
            25001001,
        ),
        ({"order_id": "1", "request_type": "REFUND", "reason_name": reason}, 25007006),
    ):
        assert code(await calculate(**body)) == expected, body
