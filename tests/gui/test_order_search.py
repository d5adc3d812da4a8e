"""Searching a big order list through the slim copy's trigrams finds exactly what reading every
row finds, before and after orders change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from app.sandbox import Sandbox, SandboxConfig
from app.store.db import open_db
from app.store.order_queries import (
    INDEX,
    ORDERS,
    OrderFilter,
    OrderListIndex,
    OrderSort,
    fetch_first_page,
    fetch_matching_count,
    fetch_order_rows,
)
from app.store.orders import save_orders

ORDERS_IN_SHOP = 1500


@pytest.fixture(scope="module")
def raw_orders() -> list[dict[str, Any]]:
    sandbox = Sandbox(SandboxConfig(seed=11, orders=ORDERS_IN_SHOP, products=30))
    return [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]


@pytest.fixture
def db(tmp_path: Path, raw_orders: list[dict[str, Any]]) -> sqlite_utils.Database:
    database = open_db(tmp_path / "shop.db")
    save_orders(database, "shop", raw_orders, now=1)
    return database


def caught_up(db: sqlite_utils.Database) -> OrderListIndex:
    index = OrderListIndex(db)
    while not index.catch_up(limit=250).done:
        pass
    return index


def ids(db: sqlite_utils.Database, text: str, source: Any = INDEX) -> list[str]:
    rows = fetch_order_rows(
        db, OrderFilter(search=text), OrderSort(), source, offset=0, limit=10**6
    )
    return [r.id for r in rows]


def scanned(db: sqlite_utils.Database, text: str) -> set[str]:
    """What a search finds by reading every order and line item (no index, no SQL LIKE)."""
    needle = text.strip().lower()
    found = {
        r["id"]
        for r in db.query("SELECT id, buyer_name, buyer_email, sku_summary FROM orders")
        if needle
        in " ".join((r["id"], r["buyer_name"], r["buyer_email"], r["sku_summary"])).lower()
    }
    items = list(
        db.query("SELECT order_id, sku_id, product_name, sku_name, seller_sku FROM line_items")
    )
    named: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i["order_id"]):  # one item per SKU names it
        named.setdefault(
            item["sku_id"],
            " ".join((item["product_name"], item["sku_name"], item["seller_sku"])).lower(),
        )
    skus = {sku for sku, words in named.items() if needle in words}
    return found | {i["order_id"] for i in items if i["sku_id"] in skus}


def words_of(raw_orders: list[dict[str, Any]]) -> list[str]:
    """Searches a creator types: a product word, a seller SKU, an order id and part of one,
    a buyer's name and e-mail, text nothing has, and characters GLOB or LIKE treat specially."""
    order = next(o for o in raw_orders if o.get("recipient_address", {}).get("name"))
    item = order["line_items"][0]
    email = next(o["buyer_email"] for o in raw_orders if o.get("buyer_email"))
    return [
        item["product_name"].split()[0].upper(),
        item["seller_sku"],
        order["id"],
        order["id"][5:12],
        order["recipient_address"]["name"].split()[0],
        email[:6],
        "zzqx no such order",
        "a*b",
        "[x",
        "50%",
        "_",
        "e",
    ]


def test_a_search_over_a_big_list_finds_what_reading_every_row_finds(db, raw_orders) -> None:
    caught_up(db)
    for text in words_of(raw_orders):
        expected = scanned(db, text)
        found = ids(db, text)
        assert set(found) == expected, text
        assert (
            len(found) == len(expected) == fetch_matching_count(db, OrderFilter(search=text), INDEX)
        )
        assert found == ids(db, text, ORDERS), text  # the same rows in the same order
    assert len(scanned(db, words_of(raw_orders)[0])) > 50  # a common word: many rows


def test_the_first_page_of_a_search_and_its_count(db, raw_orders) -> None:
    caught_up(db)
    text = words_of(raw_orders)[0]
    for sort in (OrderSort(), OrderSort("total_value"), OrderSort("buyer_name", descending=False)):
        total, rows = fetch_first_page(db, OrderFilter(search=text), sort, INDEX, limit=40)
        every = fetch_order_rows(db, OrderFilter(search=text), sort, ORDERS, offset=0, limit=10**6)
        assert total == len(every) == len(scanned(db, text))
        assert rows == every[:40]


def test_changed_and_deleted_orders_are_searched_by_their_new_words(db, raw_orders) -> None:
    index = caught_up(db)
    before = [o for o in raw_orders if o.get("recipient_address", {}).get("name")][7]
    old_name = before["recipient_address"]["name"]
    renamed = dict(before, update_time=before["update_time"] + 60)
    renamed["recipient_address"] = dict(before["recipient_address"], name="Quillon Zebedee")
    save_orders(db, "shop", [renamed], now=2)  # replaced: a new row, the old one deleted
    assert index.catch_up().copied == 1
    assert ids(db, "quillon zeb") == [renamed["id"]]
    assert set(ids(db, old_name)) == scanned(db, old_name)
    # The newest copy row goes; the next order copied takes its rowid, not its words.
    gone = db.execute("SELECT id FROM temp.order_index ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    for table, key in (("line_items", "order_id"), ("order_raw", "order_id"), ("orders", "id")):
        db.execute(f"DELETE FROM {table} WHERE {key} = ?", [gone])
    index.copy_ids([gone], up_to=index.mark)
    assert ids(db, gone) == []
    fresh = dict(before, id="7" * 19, update_time=before["update_time"] + 120)
    save_orders(db, "shop", [fresh], now=3)  # takes the gone order's rowid in `orders` too
    index.copy_ids([fresh["id"]], up_to=index.mark)
    assert ids(db, gone) == [] and ids(db, "7" * 19) == [fresh["id"]]
    assert set(ids(db, gone[2:12])) == scanned(db, gone[2:12])
