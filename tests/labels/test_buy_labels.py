"""Buying a day's labels against the sandbox as a US local shop: one label per order through
eligible service + create package, never a second one, refusals in plain words, the merged PDF
in pick order, reprints from kept files, and a stale label after an address change."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from app.documents import Paper
from app.ops.labels import buy_labels, reprint_labels, set_sku_profile
from app.store.activity import fetch_open_errors
from app.store.labels import fetch_label_counts, fetch_label_orders
from app.sync.inbox import InboxProcessor
from app.sync.poller import poll_once
from tests.fulfillment.conftest import ShipShop
from tests.relay.test_inbox_processing import receive

US_LOCAL = {"seller_type": "LOCAL"}
ELIGIBLE = "/shipping_services/query"
CREATE = "/fulfillment/202309/packages"
DOCUMENT = "/shipping_documents"


async def calls(ship: ShipShop) -> dict[str, int]:
    by_path = (await ship.shop.admin.get("/sandbox/calls")).json()["by_path"]
    return {
        "eligible": sum(n for p, n in by_path.items() if p.endswith(ELIGIBLE)),
        "create": int(by_path.get(CREATE, 0)),
        "document": sum(n for p, n in by_path.items() if p.endswith(DOCUMENT)),
    }


async def sandbox_labels(ship: ShipShop, order_id: str) -> list[dict[str, Any]]:
    labels = (await ship.shop.admin.get("/sandbox/labels")).json()["labels"]
    return [lb for lb in labels if order_id in lb["order_ids"] and not lb["void"]]


def first_bytes(file: str) -> bytes:
    return Path(file).read_bytes()[:4]


def forget(file: str) -> None:
    Path(file).unlink()


async def place_sku(ship: ShipShop, n: int) -> dict[str, Any]:
    """A paid TikTok Shipping order of the n-th SKU in stock (one unit), already in SQLite."""
    rows = (await ship.shop.admin.get("/sandbox/inventory")).json()["skus"]
    skus = list({r["sku_id"]: r for r in rows if r["quantity"] > 5}.values())
    answer = await ship.shop.admin.post(
        "/sandbox/orders",
        json={
            "line_items": [{"sku_id": skus[n]["sku_id"], "quantity": 1}],
            "paid": True,
            "is_on_hold_order": False,
            "shipping_type": "TIKTOK",
        },
    )
    assert answer.status_code == 200, answer.text
    await ship.shop.later()
    await poll_once(ship.session)
    return answer.json()["order"]  # type: ignore[no-any-return]


async def buy(ship: ShipShop, order_ids: list[str], **kw: Any) -> Any:
    return await buy_labels(
        session=ship.session, folder=ship.shop.paths.labels, order_ids=order_ids, **kw
    )


async def test_an_order_without_a_package_gets_exactly_one_label(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    assert order["packages"] == [] and "package_id" not in order["line_items"][0]
    result = await buy(ship, [order["id"]])
    assert result.bought == [order["id"]] and not result.failed, result.failed
    assert await calls(ship) == {"eligible": 1, "create": 1, "document": 1}
    (label,) = await sandbox_labels(ship, order["id"])
    mine = fetch_label_orders(ship.session.db, [order["id"]])[order["id"]]
    assert [p.package_id for p in mine.packages] == [label["package_id"]]
    assert mine.packages[0].tracking_number == label["tracking_number"]
    assert first_bytes(mine.packages[0].file) == b"%PDF"
    assert result.pdf is not None and len(PdfReader(result.pdf).pages) == 1

    again = await buy(ship, [order["id"]])  # a second run reuses it: no new call at all
    assert again.reused == [order["id"]] and not again.bought
    assert await calls(ship) == {"eligible": 1, "create": 1, "document": 1}
    assert len(await sandbox_labels(ship, order["id"])) == 1


async def test_a_dropped_answer_still_ends_with_one_label(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    ship.transport.lose_after.append(CREATE)  # TikTok buys it; the answer is lost
    result = await buy(ship, [order["id"]])
    assert result.bought == [order["id"]], result.failed
    assert (await calls(ship))["create"] == 1
    assert len(await sandbox_labels(ship, order["id"])) == 1
    await buy(ship, [order["id"]])
    assert (await calls(ship))["create"] == 1


async def test_a_lost_request_is_checked_then_bought_once(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    ship.transport.lose_after.append(CREATE)
    ship.transport.lose_after.extend(["/order/202309/orders"] * 20)  # the check fails too
    first = await buy(ship, [order["id"]])
    ship.transport.lose_after.clear()
    assert not first.bought and first.failed
    assert "asks TikTok whether the label was bought" in first.failed[0].reason
    second = await buy(ship, [order["id"]])  # checks first: bought already, not again
    assert second.failed == [] and (await calls(ship))["create"] == 1
    assert len(await sandbox_labels(ship, order["id"])) == 1


async def test_on_hold_is_refused_with_its_reason_and_no_call(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    held = await ship.place(shipping_type="TIKTOK", is_on_hold_order=True)
    assert ship.stored(held["id"])["status"] == "ON_HOLD"
    before = await calls(ship)
    result = await buy(ship, [held["id"]])
    assert [p.order_id for p in result.failed] == [held["id"]]
    assert "on hold" in result.failed[0].reason and result.pdf is None
    assert await calls(ship) == before
    row = fetch_label_orders(ship.session.db, [held["id"]])[held["id"]]
    assert row.state == "refused" and "on hold" in row.reason
    errors = [e for e in fetch_open_errors(ship.session.db) if e["ref"] == held["id"]]
    assert errors and "on hold" in errors[0]["message"]


async def test_a_pending_buyer_cancel_request_does_not_block_in_the_us(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    asked = await ship.shop.admin.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
    assert asked.status_code == 200, asked.text
    await ship.fulfiller.refresh_orders([order["id"]])
    assert ship.stored(order["id"])["is_buyer_request_cancel"] is True
    result = await buy(ship, [order["id"]])
    assert result.bought == [order["id"]], result.failed


async def test_no_weight_anywhere_is_asked_for_and_a_shop_default_serves(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    for shop in ship.shop.sandbox.state.shops.values():  # the seller never entered a weight
        for product in shop.products.values():
            product.package_weight = ("0", "KILOGRAM")
    refused = await buy(ship, [order["id"]])
    assert "no weight is known" in refused.failed[0].reason
    assert (await calls(ship))["create"] == 0
    done = await buy(ship, [order["id"]], default_parcel="1.5 POUND 8x6x4 INCH")
    assert done.bought == [order["id"]]
    (label,) = await sandbox_labels(ship, order["id"])
    assert label["weight"] == {"value": "681", "unit": "GRAM"}
    assert label["dimension"]["unit"] == "CM" and label["dimension"]["length"] == "20.4"


async def test_the_merged_pdf_has_one_page_per_label_in_pick_order(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    orders = [await place_sku(ship, n) for n in range(3)]
    bins = ["C-9", "A-10", "A-2"]  # pick order, C-9
    for order, where in zip(orders, bins, strict=True):
        sku = order["line_items"][0]["sku_id"]
        set_sku_profile(db=ship.session.db, sku_id=sku, bin_location=where)
    result = await buy(ship, [o["id"] for o in orders])
    assert sorted(result.bought) == sorted(o["id"] for o in orders)
    reader = PdfReader(result.pdf)
    assert len(reader.pages) == 3
    expected = [orders[2]["id"], orders[1]["id"], orders[0]["id"]]
    assert list(result.printed) == expected
    texts = [page.extract_text() for page in reader.pages]
    for text, order_id in zip(texts, expected, strict=True):
        assert order_id in text
    assert all(abs(float(p.mediabox.width) - Paper.A6.width) < 1 for p in reader.pages)


async def test_expiry_does_not_break_a_reprint_and_a_lost_file_is_fetched_again(
    ship_shop: Callable[..., Awaitable[ShipShop]], tmp_path: Path
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    await buy(ship, [order["id"]])
    await ship.shop.admin.post("/sandbox/clock", json={"advance_seconds": 25 * 3600})
    before = await calls(ship)
    again = await reprint_labels(
        session=ship.session,
        folder=ship.shop.paths.labels,
        order_ids=[order["id"]],
        out=tmp_path / "again.pdf",
    )
    assert again.pages == 1 and not again.failed
    assert await calls(ship) == before  # the kept file, not the dead link
    (package,) = fetch_label_orders(ship.session.db, [order["id"]])[order["id"]].packages
    forget(package.file)
    lost = await reprint_labels(
        session=ship.session,
        folder=ship.shop.paths.labels,
        order_ids=[order["id"]],
        out=tmp_path / "lost.pdf",
    )
    assert lost.pages == 1 and not lost.failed
    after = await calls(ship)
    assert after["document"] == before["document"] + 1 and after["create"] == before["create"]


async def test_a_label_printed_before_an_address_change_is_stale(
    ship_shop: Callable[..., Awaitable[ShipShop]], tmp_path: Path
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    first = await buy(ship, [order["id"]])
    assert first.pdf is not None
    moved = await ship.shop.admin.post(
        f"/sandbox/orders/{order['id']}/address", json={"address_line1": "77 New Road"}
    )
    assert moved.status_code == 200, moved.text
    receive(ship.session, 3, {"order_id": order["id"], "update_time": int(time.time())})
    await InboxProcessor(ship.session).drain()
    row = fetch_label_orders(ship.session.db, [order["id"]])[order["id"]]
    assert "changed the address" in row.stale and "reprint" in row.stale
    assert fetch_label_counts(ship.session.db)["stale"] == 1
    fixed = await reprint_labels(
        session=ship.session,
        folder=ship.shop.paths.labels,
        order_ids=[order["id"]],
        out=tmp_path / "fixed.pdf",
    )
    assert fixed.pages == 1
    assert "77 New Road" in PdfReader(fixed.pdf).pages[0].extract_text()
    assert fetch_label_orders(ship.session.db, [order["id"]])[order["id"]].stale == ""
    assert len(await sandbox_labels(ship, order["id"])) == 1
