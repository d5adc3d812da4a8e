"""Buyers' cancellation requests in the window: the queue, Approve, Reject, seller cancels."""

from __future__ import annotations

import json
import time

from PySide6.QtWidgets import QMenu

from app.gui.cancellations_model import ANSWER, RESPOND
from app.gui.theme import colors
from app.tiktok.reasons import out_of_stock_reason, reject_reasons, seller_cancel_reasons
from tests.gui.conftest import sandbox_shop
from tests.gui.test_shipping import place, sync, truth


def request_cancel(shop, order_id: str) -> str:
    return shop.admin("POST", f"/sandbox/orders/{order_id}/buyer_cancel_request")["cancel_id"]


def requests_shown(tab) -> dict[str, int]:
    tab.refresh()
    return {r.order_id: n for n, r in enumerate(tab.model.rows)}


def test_approve_and_reject_from_the_queue_reach_the_sandbox(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    # A UK shop: the US rejects by shipping instead (test_real_shop.py).
    gui_shop = sandbox_shop(data_paths, memory_secrets, region="GB")
    window = open_window(gui_shop.context())
    approve_me, reject_me = place(gui_shop, 2)
    sync(window)
    cancel_ids = {o: request_cancel(gui_shop, o) for o in (approve_me, reject_me)}
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)  # orders changed: the engine reads the requests right after
    tab = window.cancellations_tab
    qtbot.waitUntil(lambda: {approve_me, reject_me} <= set(requests_shown(tab)), timeout=10000)
    index = window.tabs.indexOf(tab)
    waiting = len(tab.model.to_answer())  # the seeded shop has requests of its own
    assert waiting >= 2 and window.tabs.tabText(index) == f"Cancellations ({waiting})"
    deadlines = [r.deadline for r in tab.model.rows]
    assert deadlines == sorted(deadlines)  # soonest first
    row = requests_shown(tab)[approve_me]
    assert tab.model.index(row, RESPOND).data() in (
        "answer within 2 days 0 h",
        "answer within 1 day 23 h",
    )
    assert tab.model.index(row, 1).data() == approve_me

    window.open_tab("cancellations")
    assert tab.show_request(cancel_ids[approve_me])
    assert tab.approve_button.isEnabled() and tab.reject_button.isEnabled()
    tab.approve()
    yes = next(b for b in tab.confirm_box.buttons() if b.text() == "Approve")
    yes.click()
    qtbot.waitUntil(lambda: truth(gui_shop, approve_me)["status"] == "CANCELLED", timeout=10000)

    def answer_of(order_id: str) -> str:
        shown = requests_shown(tab)
        return tab.model.index(shown[order_id], ANSWER).data() if order_id in shown else ""

    qtbot.waitUntil(
        lambda: answer_of(approve_me) == "Cancellation approved: the order is cancelled",
        timeout=10000,
    )
    assert tab.model.index(requests_shown(tab)[approve_me], RESPOND).data() == "answered"

    assert tab.show_request(cancel_ids[reject_me])
    dialog = tab.reject()
    assert not dialog.reject_button.isEnabled()  # a documented reason first
    reason = "seller_reject_apply_product_has_been_packed"
    assert set(dialog.buttons) == set(reject_reasons("GB"))  # the UK's own names
    dialog.choose(reason, "It is packed and leaves today")
    dialog.reject_button.click()
    qtbot.waitUntil(
        lambda: not truth(gui_shop, reject_me)["is_buyer_request_cancel"], timeout=10000
    )
    assert truth(gui_shop, reject_me)["status"] == "AWAITING_SHIPMENT"
    qtbot.waitUntil(
        lambda: answer_of(reject_me) == f"Cancellation rejected: {reject_reasons('GB')[reason]}",
        timeout=10000,
    )
    assert window.tabs.tabText(index) == f"Cancellations ({waiting - 2})".replace(" (0)", "")
    assert not tab.approve_button.isEnabled()

    # The order's detail shows the answer too.
    tab.open_order()
    assert window.current_tab() == "orders"
    qtbot.waitUntil(lambda: "Cancellation rejected" in window.orders_tab.detail.toPlainText())


def test_the_seller_cancels_out_of_stock_with_the_reasons_for_its_status(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1)
    sync(window)
    orders = window.orders_tab
    assert orders.show_order(order)
    menu = QMenu()
    orders.fill_cancel_menu(menu)
    labels = [a.text() for a in menu.actions()]
    allowed = seller_cancel_reasons("AWAITING_SHIPMENT")
    assert labels == [f"Cancel: {label.lower()}…" for label in allowed.values()]
    out_of_stock = next(a for a in menu.actions() if a.text() == "Cancel: out of stock…")
    out_of_stock.trigger()  # asks first
    box = window.order_actions.confirm_box
    assert "cannot be undone" in box.text()
    assert "counts against your shop" in box.text()  # TikTok's seller-fault cancellation rate
    next(b for b in box.buttons() if b.text() == "Cancel the order").click()
    qtbot.waitUntil(lambda: truth(gui_shop, order)["status"] == "CANCELLED", timeout=10000)
    qtbot.waitUntil(lambda: "Cancelled by you: Out of stock" in orders.detail.toPlainText())
    assert out_of_stock_reason("AWAITING_SHIPMENT") in allowed

    # A cancelled order offers no reason at all.
    window.reader.catch_up_now()
    orders.refresh()
    orders.fill_cancel_menu(menu)
    assert [a.text() for a in menu.actions()] == ["Select one order"]  # it left "To ship"
    assert orders.show_order(order)
    orders.fill_cancel_menu(menu)
    assert [a.text() for a in menu.actions()] == [
        "TikTok lets you cancel only unpaid, on-hold or to-ship orders"
    ]


def test_a_request_close_to_its_deadline_notifies_and_opens_at_its_row(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    order_id = window.orders_tab.model.index(0, 0).data()
    now = int(time.time())

    def add_request(db) -> None:
        db.execute(
            "INSERT INTO cancellations (cancel_id, order_id, cancel_type, status, role, reason,"
            " reason_text, deadline, refund_total, currency, create_time, update_time, raw,"
            " synced_at) VALUES ('c-soon', ?, 'BUYER_CANCEL', 'CANCELLATION_REQUEST_PENDING',"
            " 'BUYER', 'no_longer_needed', 'No longer needed', ?, '19.99', 'USD', ?, ?, ?, ?)",
            [order_id, now + 50 * 60, now - 3600, now - 3600, json.dumps({}), now],
        )

    window.host.engine.run_write(add_request).result(5)
    assert window.alerts.check_cancellations() == ["c-soon"]
    assert window.alerts.check_cancellations() == []  # told once
    notice = window.banner.notice
    assert notice.title == "1 cancellation request to answer soon"
    assert notice.text.startswith(f"Order {order_id}: answer within ")
    tab = window.cancellations_tab
    tab.refresh()
    index = window.tabs.indexOf(tab)
    assert window.tabs.tabBar().tabTextColor(index) == colors().danger_text  # under 2 h: red

    window.banner.open()
    assert window.current_tab() == "cancellations"
    assert tab.selected().cancel_id == "c-soon"
    assert tab.model.index(0, RESPOND).data() in ("answer within 49 min", "answer within 50 min")


def test_a_request_that_closes_without_an_answer_leaves_a_trace(
    gui_shop, open_window, qtbot
) -> None:
    """The order moved on before an answer (TikTok cancelled it): the row says so, not vanishes."""
    from app.store.cancellation_traces import closed_words

    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1)
    request_cancel(gui_shop, order)
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)
    tab = window.cancellations_tab
    qtbot.waitUntil(lambda: order in requests_shown(tab), timeout=15000)
    assert tab.model.rows[requests_shown(tab)[order]].answerable

    gui_shop.admin("POST", f"/sandbox/orders/{order}/status", {"status": "CANCELLED"})
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)

    def closed() -> str:
        shown = requests_shown(tab)
        return tab.model.rows[shown[order]].closed if order in shown else ""

    qtbot.waitUntil(lambda: closed() != "", timeout=20000)
    row = requests_shown(tab)[order]
    assert tab.model.index(row, RESPOND).data() == "closed"
    assert tab.model.index(row, ANSWER).data() == (
        "Closed by TikTok Shop: the order was cancelled before an answer"
    )
    assert not tab.model.rows[row].answerable and order not in [
        r.order_id for r in tab.model.to_answer()
    ]

    assert closed_words("CANCELLATION_REQUEST_CANCELLED", "AWAITING_SHIPMENT") == (
        "Withdrawn by the buyer"
    )
    assert closed_words("CANCELLATION_REQUEST_SUCCESS", "CANCELLED") == (
        "Accepted by TikTok Shop: the order was cancelled and refunded"
    )
    assert closed_words("CANCELLATION_REQUEST_PENDING", "IN_TRANSIT") == (
        "Closed: the order moved on (in transit) before an answer"
    )
