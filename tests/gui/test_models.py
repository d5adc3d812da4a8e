"""Every table model of the window passes Qt's model tester, without any widget."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.config import Paths
from app.gui.cancellations_model import (
    ANSWER,
    REFUND,
    RESPOND,
    CancellationsTableModel,
    RequestRow,
    answer_within,
)
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
from app.gui.ship_model import (
    CARRIER,
    CHOICES_ROLE,
    REFUSED,
    RESULT,
    SHIPPED,
    TRACKING,
    ShipRow,
    ShipRowsModel,
)
from app.gui.stock_model import AVAILABLE, ON_HAND, PUSH, StockTableModel
from app.gui.theme import colors
from app.ops.shipping import plain_problem
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
    answer = {**outbox.rows[0], "id": 2, "kind": "cancel_reject", "ref": "c9", "order_id": "o7"}
    shipment = {**outbox.rows[0], "id": 3, "kind": "ship", "ref": "o8", "seller_sku": ""}
    outbox.set_rows([*outbox.rows, answer, shipment])
    assert outbox.index(1, outbox.WHAT).data() == "Reject cancellation of order o7"
    assert outbox.index(2, outbox.WHAT).data() == "Ship order o8"

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


def request_row(cancel_id: str, deadline: int | None, **extra: Any) -> RequestRow:
    values: dict[str, Any] = {
        "cancel_id": cancel_id,
        "order_id": f"order-{cancel_id}",
        "skus": "CAN-SAG x2",
        "refund_total": "23.98",
        "currency": "USD",
        "reason": "No longer needed",
        "deadline": deadline,
        "asked": 1_000,
        "waiting": True,
    }
    return RequestRow(**{**values, **extra})


def test_cancellation_countdowns_read_well_and_turn_red(qtmodeltester) -> None:
    now = 1_800_000_000
    assert answer_within(now + 3 * 86400 + 7200, now) == ("answer within 3 days 2 h", "")
    assert answer_within(now + 4 * 3600 + 12 * 60, now) == ("answer within 4 h 12 min", "")
    assert answer_within(now + 3600 + 12 * 60, now) == ("answer within 1 h 12 min", "urgent")
    assert answer_within(now + 90, now) == ("answer within 1 min", "urgent")
    assert answer_within(now + 30, now) == ("answer within under a minute", "urgent")
    assert answer_within(now - 1, now) == ("overdue", "overdue")
    assert answer_within(None, now) == ("no deadline", "")

    sent = {"kind": "cancel_approve", "state": "done", "payload": "{}", "result": "{}"}
    refused = {
        "kind": "cancel_reject",
        "state": "failed",
        "next_retry_at": None,
        "last_code": 25001021,
        "last_error": "TikTok Shop refused: ... (code 25001021)",
        "payload": "{}",
    }
    clock = [float(now)]
    model = CancellationsTableModel(clock=lambda: clock[0])
    qtmodeltester.check(model)
    model.set_rows(
        [
            request_row("late", now - 60),
            request_row("soon", now + 3600 + 720),
            request_row("later", now + 5 * 3600),
            request_row("sending", now + 600, answer={**sent, "state": "pending"}),
            request_row("refused", now + 7 * 3600, answer=refused),
            request_row("done", now + 86400, waiting=False, answer=sent),
        ]
    )
    qtmodeltester.check(model)
    text = [model.index(r, RESPOND).data() for r in range(model.rowCount())]
    assert text == [
        "overdue",
        "answer within 1 h 12 min",
        "answer within 5 h 0 min",
        "sending",
        "answer within 7 h 0 min",
        "answered",
    ]
    red, muted = colors().danger_text, colors().muted_text
    foreground = [
        model.index(r, RESPOND).data(Qt.ItemDataRole.ForegroundRole)
        for r in range(model.rowCount())
    ]
    assert foreground == [red, red, None, muted, None, muted]
    assert model.index(1, RESPOND).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(2, RESPOND).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(1, REFUND).data() == "$23.98"
    assert model.index(1, REFUND).data(SORT_ROLE) == Decimal("23.98")
    assert model.index(4, ANSWER).data() == (
        "Not rejected: that reason is not allowed for the order's current status (code 25001021)"
    )
    assert model.index(4, ANSWER).data(Qt.ItemDataRole.ForegroundRole) == red
    assert model.index(5, ANSWER).data() == "Cancellation approved: the order is cancelled"
    assert [r.cancel_id for r in model.to_answer()] == ["late", "soon", "later", "refused"]

    clock[0] = now + 3 * 3600 + 1  # time passes: the 5 h request is now under 2 h
    model.tick()
    assert model.index(2, RESPOND).data() == "answer within 1 h 59 min"
    assert model.index(2, RESPOND).data(Qt.ItemDataRole.ForegroundRole) == red


def test_ship_rows_model_checks_input_and_offers_carriers(qtmodeltester) -> None:
    model = ShipRowsModel()
    qtmodeltester.check(model)
    model.set_rows(
        [
            ShipRow("o1", "CAN-SAG ×2", seller_ships=True, group="opt"),
            ShipRow("o2", "MUG", seller_ships=False, group="opt", handover="DROP_OFF"),
        ]
    )
    qtmodeltester.check(model)
    model.set_loading("opt")
    assert model.index(0, CARRIER).data() == "Loading carriers…"
    assert not model.flags(model.index(0, CARRIER)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, TRACKING)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(1, TRACKING)) & Qt.ItemFlag.ItemIsEditable
    assert model.index(1, CARRIER).data() == "Drop off at the carrier"
    model.set_failed("opt", "Could not load the carriers: timeout")
    assert model.index(0, CARRIER).data() == "Carriers not loaded"
    assert model.index(0, CARRIER).data(Qt.ItemDataRole.ToolTipRole).endswith("timeout")
    model.set_providers("opt", [("p1", "USPS"), ("p2", "UPS")], prefer="ups")
    assert model.rows[0].provider == "p2" and model.index(0, CARRIER).data() == "UPS"
    assert model.index(0, CARRIER).data(CHOICES_ROLE) == [("p1", "USPS"), ("p2", "UPS")]
    assert model.setData(model.index(0, TRACKING), "1Z999")
    assert model.setData(model.index(1, CARRIER), "PICKUP")
    assert not model.setData(model.index(1, CARRIER), "TELEPORT")
    assert model.rows[1].handover == "PICKUP"
    model.update(0, state=REFUSED, message="Not shipped: already shipped (code 21011020)")
    assert model.index(0, RESULT).data(Qt.ItemDataRole.ForegroundRole) == colors().danger_text
    model.update(0, state=SHIPPED, message="Shipped · 1Z999 · package 7")
    assert not model.flags(model.index(0, TRACKING)) & Qt.ItemFlag.ItemIsEditable
    assert model.set_provider_everywhere("USPS") == 0  # a shipped row keeps its carrier
    qtmodeltester.check(model)
    assert plain_problem("no carrier given (an id or name from `x`)") == "Choose a carrier"
    assert plain_problem("no tracking number given") == "Enter the tracking number"
