"""Return and refund requests in the window: the queue is the sandbox's, approve and reject
reach it once, the market's reasons only, a notice before the deadline, the order's history."""

from __future__ import annotations

import time

from app.gui.returns_model import EVIDENCE, RESPOND, STATUS
from tests.gui.test_shipping import sync

WITHDRAWN_US = "reverse_reject_request_reason_1"


def sandbox_returns(shop) -> dict[str, dict]:
    return {r["return_id"]: r for r in shop.admin("GET", "/sandbox/returns")["returns"]}


def waiting(shop) -> set[str]:
    return {i for i, r in sandbox_returns(shop).items() if r.get("seller_next_action_response")}


def test_the_returns_tab_answers_the_sandboxs_queue(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    tab = window.returns_tab
    expected = waiting(gui_shop)
    assert len(expected) >= 2

    def shown() -> set[str]:
        tab.refresh()
        return {r.return_id for r in tab.model.to_answer()}

    qtbot.waitUntil(lambda: shown() == expected, timeout=15000)
    index = window.tabs.indexOf(tab)
    assert window.tabs.tabText(index) == f"Returns ({len(expected)})"
    deadlines = [r.deadline for r in tab.model.rows if r.pending]
    assert deadlines == sorted(deadlines)  # soonest first
    assert tab.model.index(0, RESPOND).data().startswith(("answer within", "overdue"))
    assert tab.model.index(0, EVIDENCE).data()  # the buyer's words

    window.open_tab("returns")
    refund = next(r for r in tab.model.rows if r.pending and r.return_type == "REFUND")
    assert tab.show_return(refund.return_id)
    tab.approve()
    next(b for b in tab.confirm_box.buttons() if b.text() == "Approve").click()
    qtbot.waitUntil(lambda: refund.return_id not in waiting(gui_shop), timeout=10000)

    ret = next(
        r
        for r in tab.model.rows
        if r.next_action == "SELLER_RESPOND_RETURN"  # asked, not yet sent back
    )
    assert tab.show_return(ret.return_id)
    dialog = tab.reject()
    assert dialog is not None and not dialog.reject_button.isEnabled()
    assert set(dialog.buttons) == {name for name, _ in ret.reject_reasons}
    assert WITHDRAWN_US not in dialog.buttons  # never offered in the US
    reason = sorted(dialog.buttons)[0]
    dialog.choose(reason, "Sent as ordered")
    dialog.reject_button.click()
    qtbot.waitUntil(
        lambda: (
            sandbox_returns(gui_shop)[ret.return_id]["return_status"]
            == "REFUND_OR_RETURN_REQUEST_REJECT"
        ),
        timeout=10000,
    )

    def status_of(return_id: str) -> str:
        tab.refresh()
        row = tab.model.row_of(return_id)
        return "" if row is None else tab.model.index(row, STATUS).data()

    qtbot.waitUntil(lambda: status_of(ret.return_id) == "rejected · decided by you", timeout=10000)
    assert shown() == waiting(gui_shop)
    assert window.tabs.tabText(index) == f"Returns ({len(waiting(gui_shop))})"

    # The order's detail shows its after-sales history, with the amount.
    sync(window)
    tab.show_return(refund.return_id)
    tab.open_order()
    assert window.current_tab() == "orders"
    qtbot.waitUntil(lambda: "After-sales" in window.orders_tab.detail.toPlainText())
    text = window.orders_tab.detail.toPlainText()
    assert "Refund: approved" in text and refund.refund_total in text


def test_a_return_close_to_its_deadline_notifies_and_opens_at_its_row(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    tab = window.returns_tab
    qtbot.waitUntil(lambda: bool(tab.model.rows) or (tab.refresh() or False), timeout=15000)
    first = next(r for r in tab.model.rows if r.pending)
    now = time.time()
    assert first.deadline is not None
    soon = first.deadline - 3 * 3600  # three hours before the deadline
    told = window.return_alerts.check(now=soon)
    assert first.return_id in told
    assert window.return_alerts.check(now=soon) == []  # told once
    notice = window.banner.notice
    assert notice.title.endswith("to answer soon") and "return request" in notice.title
    assert "TikTok Shop approves it for you" in notice.text
    window.open_notice(notice)
    assert window.current_tab() == "returns"
    assert tab.selected() is not None and tab.selected().return_id == notice.ref
    assert now < first.deadline


def test_a_returned_item_goes_back_on_the_shelf_from_the_tab(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    tab = window.returns_tab

    def travelling():
        tab.refresh()
        return next((r for r in tab.model.rows if r.item_travels and not r.items[0].outcome), None)

    qtbot.waitUntil(lambda: travelling() is not None, timeout=15000)
    ret = travelling()
    sku = ret.items[0].sku_id
    inventory = window.inventory_tab
    qtbot.waitUntil(
        lambda: (inventory.refresh(force=True), inventory.model.row_of(sku) is not None)[1],
        timeout=15000,
    )
    before = inventory.model.rows[inventory.model.row_of(sku)].on_hand
    assert tab.show_return(ret.return_id)
    assert tab.restock_button.isEnabled() and tab.write_off_button.isEnabled()
    tab.restock_button.click()

    def on_hand() -> int:
        inventory.refresh(force=True)
        return inventory.model.rows[inventory.model.row_of(sku)].on_hand

    qtbot.waitUntil(lambda: on_hand() == before + len(ret.items), timeout=10000)
    db = window.reader.db
    moved = db.execute(
        "SELECT reason, ref FROM stock_movements WHERE sku_id = ? ORDER BY id DESC LIMIT 1", [sku]
    ).fetchone()
    assert moved[0] == "returned" and moved[1].startswith(ret.return_id)
    pushed = db.execute(
        "SELECT count(*) FROM outbox WHERE kind = 'stock' AND ref = ? AND reason = 'returned'",
        [sku],
    ).fetchone()[0]
    assert pushed == 1  # queued (the engine sends it)
    tab.refresh()
    assert not tab.restock_button.isEnabled()  # each unit is recorded once
