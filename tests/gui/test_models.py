"""Every table model of the window passes Qt's model tester, without any widget."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.config import Paths
from app.gui.errors_model import ErrorsTableModel
from app.gui.orders_model import (
    ID_ROLE,
    PAGE_ROWS,
    SORT_ROLE,
    STATUS,
    TOTAL,
    OrdersTableModel,
    QueueListModel,
)
from app.gui.queue_model import InboxTableModel, OutboxTableModel
from app.gui.reader import Reader
from app.gui.stock_model import AVAILABLE, ON_HAND, PUSH, StockTableModel
from app.gui.theme import colors
from app.sandbox import Sandbox, SandboxConfig
from app.store.activity import save_error
from app.store.db import open_db
from app.store.inbox import fetch_inbox, save_received
from app.store.order_queries import INDEX, ORDERS, OrderFilter
from app.store.orders import save_orders
from app.store.stock_levels import AT_RISK, OVERSOLD, StockRow, StockWarning

pytestmark = pytest.mark.qt_log_level_fail("WARNING")  # the C++ tester reports by warning


@pytest.fixture
def reader(tmp_path: Path, qtbot: Any) -> Reader:
    """A reader on a database with 700 sandbox orders and two open errors."""
    paths = Paths(tmp_path).ensure()
    sandbox = Sandbox(SandboxConfig(seed=5, orders=700, products=10))
    db = open_db(paths.database)
    orders = [o for s in sandbox.state.shops.values() for o in s.orders.values()]
    save_orders(db, "shop", orders, now=1)
    save_error(db, "poll", "Order sync failed: timeout", action="Wait", now=100)
    save_error(db, "import", "Import stopped", ref="3", action="Run it again", now=200)
    db.close()
    reader = Reader(paths)
    assert reader.open()
    return reader


def test_orders_model_passes_the_model_tester_and_reads_lazily(reader, qtmodeltester) -> None:
    model = OrdersTableModel(reader)
    assert reader.source is ORDERS  # the slim copy builds between events; not yet
    qtmodeltester.check(model)
    assert model.rowCount() == 700
    assert len(model._pages) <= 1  # the tester read the first rows only
    model.index(650, 0).data()
    assert sorted(model._pages) == [0, 650 // PAGE_ROWS]
    model.set_filter(OrderFilter(queue="completed"))
    assert (
        model.rowCount()
        == reader.db.execute("SELECT count(*) FROM orders WHERE status = 'COMPLETED'").fetchone()[0]
    )


def test_orders_model_sorts_in_sql_money_as_numbers(reader, qtmodeltester) -> None:
    while not reader.index.catch_up().done:
        pass
    assert reader.source is INDEX
    model = OrdersTableModel(reader)
    qtmodeltester.check(model)
    model.sort(TOTAL, Qt.SortOrder.DescendingOrder)
    totals = [model.index(r, TOTAL).data(SORT_ROLE) for r in range(model.rowCount())]
    assert all(isinstance(t, Decimal) for t in totals)
    assert totals == sorted(totals, reverse=True)
    assert model.index(0, TOTAL).data().startswith("$")
    model.sort(STATUS, Qt.SortOrder.AscendingOrder)
    first = model.index(0, 0).data(ID_ROLE)
    assert model.row_of(first) == 0


def test_queue_model_counts_each_queue(reader, qtmodeltester) -> None:
    model = QueueListModel(reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 9
    assert model.index(0).data() == "All orders"
    assert model.counts["all"] == 700
    assert model.key_at(1) == "to_ship" and model.row_of("unpaid") == 8


def test_errors_model(reader, qtmodeltester) -> None:
    model = ErrorsTableModel(reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 1).data() == "Order import"
    assert model.row_of_kind("poll") == 1
    assert model.index(1, 0).data(SORT_ROLE) == 100


def stock_row(sku: str, on_hand: int, committed: int, tiktok: int, **extra: Any) -> StockRow:
    return StockRow(
        sku_id=sku,
        seller_sku=f"SKU-{sku}",
        product_id="p1",
        product_title="Candle",
        sku_name=sku,
        product_status="ACTIVATE",
        on_hand=on_hand,
        committed=committed,
        buffer=1,
        low_stock=2,
        buffer_is_default=True,
        low_stock_is_default=False,
        tiktok_quantity=tiktok,
        estimate=False,
        removed=False,
        push_state="",
        push_error="",
        **extra,
    )


def test_stock_model_colours_warnings_and_edits_in_place(qtbot, qtmodeltester) -> None:
    oversold = stock_row("1", 2, 5, 0)
    oversold = StockRow(
        **{**oversold.__dict__, "warnings": (StockWarning(OVERSOLD, "1", "SKU-1", "3 short"),)}
    )
    risky = stock_row("2", 10, 0, 20)
    risky = StockRow(
        **{**risky.__dict__, "warnings": (StockWarning(AT_RISK, "2", "SKU-2", "lists 20"),)}
    )
    fine = stock_row("3", 50, 3, 46)
    model = StockTableModel()
    qtmodeltester.check(model)
    model.set_rows([oversold, risky, fine])
    assert model.index(0, AVAILABLE).data(SORT_ROLE) == -3
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == colors().danger_back
    assert model.index(1, 3).data(Qt.ItemDataRole.BackgroundRole) == colors().warning_back
    assert model.index(2, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(1, 3).data(Qt.ItemDataRole.ToolTipRole) == "lists 20"
    assert "default in Settings" in model.index(1, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert model.flags(model.index(2, ON_HAND)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(2, AVAILABLE)) & Qt.ItemFlag.ItemIsEditable

    assert not model.setData(model.index(2, ON_HAND), "-4")
    assert not model.setData(model.index(2, ON_HAND), "lots")
    with qtbot.waitSignal(model.editRequested) as edit:
        assert model.setData(model.index(2, ON_HAND), " 60 ")
    assert edit.args == ["3", "on_hand", 60]
    assert model.index(2, ON_HAND).data() == "60"
    assert model.index(2, PUSH).data() == "queued"


def test_queue_models(tmp_path: Path, qtmodeltester) -> None:
    outbox = OutboxTableModel()
    qtmodeltester.check(outbox)
    outbox.set_rows(
        [
            {
                "id": 1,
                "kind": "stock",
                "ref": "sku1",
                "sku_id": "sku1",
                "seller_sku": "RED-M",
                "product_id": "p",
                "state": "failed",
                "reason": "manual",
                "attempts": 3,
                "next_retry_at": None,
                "last_code": 12052700,
                "last_error": "warehouse not found",
                "quantity": 7,
                "created_at": 1,
                "updated_at": 2,
                "done_at": None,
            }
        ]
    )
    assert outbox.index(0, outbox.WHAT).data() == "RED-M"
    assert outbox.index(0, outbox.STATE).data() == "Failed"
    assert outbox.index(0, outbox.ATTEMPTS).data(SORT_ROLE) == 3
    assert outbox.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) == colors().danger_text

    db = open_db(tmp_path / "q.db")
    save_received(
        db, b'{"type":1}', notification_id="n1", type_=1, shop_id="s", event_time=5, now=6
    )
    inbox = InboxTableModel()
    qtmodeltester.check(inbox)
    inbox.set_rows(fetch_inbox(db))
    assert inbox.index(0, inbox.EVENT).data() == "Order status change"
    assert inbox.index(0, inbox.STATE).data() == "Pending"
    assert inbox.rowCount(QModelIndex()) == 1
