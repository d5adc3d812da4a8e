"""The Orders tab's SQL: filters, sorting, search, positions, and the slim copy agreeing with it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from app.sandbox import Sandbox, SandboxConfig
from app.store.db import open_db
from app.store.order_queries import (
    INDEX,
    ORDERS,
    QUEUES,
    OrderFilter,
    OrderListIndex,
    OrderSort,
    fetch_first_page,
    fetch_matching_count,
    fetch_order_position,
    fetch_order_rows,
    fetch_orders_per_day,
    fetch_queue_counts,
    like_pattern,
)
from app.store.orders import save_orders
from app.store.stored_orders import fetch_order_detail


@pytest.fixture(scope="module")
def raw_orders() -> list[dict[str, Any]]:
    sandbox = Sandbox(SandboxConfig(seed=3, orders=400, products=12))
    return [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]


@pytest.fixture
def db(tmp_path: Path, raw_orders: list[dict[str, Any]]) -> sqlite_utils.Database:
    database = open_db(tmp_path / "shop.db")
    save_orders(database, "shop", raw_orders, now=1)
    index = OrderListIndex(database)
    while not index.catch_up(limit=97).done:
        pass
    return database


def every_row(db: sqlite_utils.Database, f: OrderFilter, sort: OrderSort, source: Any) -> list[str]:
    return [r.id for r in fetch_order_rows(db, f, sort, source, offset=0, limit=10_000)]


def test_queue_counts_add_up_to_every_order(db, raw_orders) -> None:
    counts = fetch_queue_counts(db)
    assert counts["all"] == len(raw_orders)
    assert sum(v for k, v in counts.items() if k != "all") == len(raw_orders)
    shipping = sum(o["status"] in ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING") for o in raw_orders)
    assert counts["to_ship"] == shipping


def filter_id(f: OrderFilter) -> str:
    """The same name in every test process (a frozenset's order changes with the hash seed)."""
    flags = "+".join(sorted(f.flags))
    return f"{f.queue}|{f.search}|{f.order_type}|{flags}"


@pytest.mark.parametrize(
    "f",
    [
        OrderFilter(),
        OrderFilter(queue="to_ship"),
        OrderFilter(queue="completed", flags=frozenset({"cod"})),
        OrderFilter(order_type="PRE_ORDER"),
        OrderFilter(order_type="NORMAL"),
        OrderFilter(flags=frozenset({"pre_order", "sample_order"})),
        OrderFilter(search="candle"),
        OrderFilter(queue="cancelled", search="a"),
    ],
    ids=filter_id,
)
@pytest.mark.parametrize("key", ["create_time", "update_time", "total_value", "status"])
def test_the_slim_copy_answers_exactly_like_the_orders_table(db, f, key) -> None:
    sort = OrderSort(key, descending=key != "status")
    assert fetch_matching_count(db, f, INDEX) == fetch_matching_count(db, f, ORDERS)
    assert every_row(db, f, sort, INDEX) == every_row(db, f, sort, ORDERS)


@pytest.mark.parametrize(
    "f",
    [OrderFilter(search="candle"), OrderFilter(flags=frozenset({"cod"})), OrderFilter(search="no")],
    ids=filter_id,
)
def test_the_first_page_comes_with_its_count_in_one_pass(db, f) -> None:
    assert f.narrow
    sort = OrderSort("total_value")
    for source in (INDEX, ORDERS):
        total, rows = fetch_first_page(db, f, sort, source, limit=25)
        assert total == fetch_matching_count(db, f, source)
        assert [r.id for r in rows] == every_row(db, f, sort, source)[:25]
    assert fetch_first_page(db, OrderFilter(search="nothing like it"), sort, INDEX, limit=5) == (
        0,
        [],
    )


def test_windows_page_through_the_whole_list_without_gaps(db, raw_orders) -> None:
    f, sort = OrderFilter(), OrderSort("create_time", descending=True)
    pages = [
        r.id
        for offset in range(0, len(raw_orders), 64)
        for r in fetch_order_rows(db, f, sort, INDEX, offset=offset, limit=64)
    ]
    assert pages == every_row(db, f, sort, INDEX)
    assert len(set(pages)) == len(raw_orders)
    times = [o["create_time"] for o in sorted(raw_orders, key=lambda o: -o["create_time"])]
    assert [r.create_time for r in fetch_order_rows(db, f, sort, INDEX, offset=0, limit=5)] == (
        times[:5]
    )


def test_money_sorts_as_a_number_not_as_text(db) -> None:
    sort = OrderSort("total_value")
    rows = fetch_order_rows(db, OrderFilter(), sort, INDEX, offset=0, limit=10**4)
    totals = [Decimal(r.total_amount) for r in rows if r.total_amount]
    assert totals == sorted(totals, reverse=True)
    assert any(len(str(t).split(".")[0]) != len(str(totals[0]).split(".")[0]) for t in totals)


def test_search_finds_an_order_by_id_buyer_sku_and_product(db, raw_orders) -> None:
    order = next(o for o in raw_orders if o.get("recipient_address", {}).get("name"))
    item = order["line_items"][0]
    for text in (
        order["id"],
        order["id"][-7:],
        order["recipient_address"]["name"],
        item["seller_sku"].lower(),
        item["product_name"].upper(),
    ):
        for source in (INDEX, ORDERS):
            ids = every_row(db, OrderFilter(search=text), OrderSort(), source)
            assert order["id"] in ids, (text, source.table)
    assert every_row(db, OrderFilter(search="no such thing at all"), OrderSort(), INDEX) == []


def test_search_text_is_literal(db, raw_orders) -> None:
    assert like_pattern(" 50%_off\\ ") == "%50\\%\\_off\\\\%"
    for source in (INDEX, ORDERS):
        assert fetch_matching_count(db, OrderFilter(search="%"), source) == 0
        # "_" is a wildcard to LIKE: taken literally it finds only the e-mails that have one
        assert 0 < fetch_matching_count(db, OrderFilter(search="_"), source) < len(raw_orders)


def test_position_of_an_order_is_its_row_under_the_filter(db, raw_orders) -> None:
    f, sort = OrderFilter(queue="completed"), OrderSort("total_value", descending=True)
    ids = every_row(db, f, sort, INDEX)
    for row in (0, 7, len(ids) - 1):
        assert fetch_order_position(db, f, sort, INDEX, ids[row]) == row
        assert fetch_order_position(db, f, sort, ORDERS, ids[row]) == row
    elsewhere = next(o["id"] for o in raw_orders if o["status"] != "COMPLETED")
    assert fetch_order_position(db, f, sort, INDEX, elsewhere) is None


def test_the_copy_catches_up_with_changes_and_names_new_orders(db, raw_orders) -> None:
    index = OrderListIndex(db)  # a fresh copy on the same connection's TEMP table
    while not index.catch_up().done:
        pass
    changed = dict(raw_orders[0], update_time=raw_orders[0]["update_time"] + 60, status="CANCELLED")
    fresh = dict(raw_orders[1], id="9" * 19, create_time=2_000_000_000)
    save_orders(db, "shop", [changed, fresh], now=2)
    step = index.catch_up()
    assert step.done and step.copied == 2
    assert step.new == [("9" * 19, 2_000_000_000)]
    f = OrderFilter(queue="cancelled")
    assert changed["id"] in every_row(db, f, OrderSort(), INDEX)
    assert fetch_matching_count(db, f, INDEX) == fetch_matching_count(db, f, ORDERS)
    assert index.catch_up().copied == 0


def test_an_update_in_place_is_copied_by_id(db, raw_orders) -> None:
    index = OrderListIndex(db)
    while not index.catch_up().done:
        pass
    order_id = raw_orders[3]["id"]
    db.execute("UPDATE orders SET status = 'CANCELLED' WHERE id = ?", [order_id])  # rowid kept
    assert index.catch_up().copied == 0
    index.copy_ids([order_id, "gone"], up_to=index.mark)
    assert order_id in every_row(db, OrderFilter(queue="cancelled"), OrderSort(), INDEX)
    db.execute("DELETE FROM orders WHERE id = ?", [order_id])
    index.copy_ids([order_id], up_to=index.mark)
    assert fetch_matching_count(db, OrderFilter(), INDEX) == len(raw_orders) - 1


def test_detail_and_orders_per_day(db, raw_orders) -> None:
    order = raw_orders[5]
    detail = fetch_order_detail(db, order["id"])
    assert detail is not None and detail.id == order["id"]
    assert len(detail.line_items) == len(order["line_items"])
    assert fetch_order_detail(db, "nope") is None
    days = fetch_orders_per_day(db, since=0, utc_offset=3600)
    assert sum(n for _day, n in days) == len(raw_orders)
    assert all((day + 3600) % 86400 == 0 for day, _n in days)


def test_filters_refuse_unknown_queues_flags_and_sort_keys() -> None:
    with pytest.raises(ValueError, match="queue"):
        OrderFilter(queue="later")
    with pytest.raises(ValueError, match="flags"):
        OrderFilter(flags=frozenset({"vip"}))
    with pytest.raises(ValueError, match="sort"):
        OrderSort("raw")
    assert len({q.key for q in QUEUES}) == len(QUEUES) == 9
