"""Shipping from the window against the sandbox: one order, a refusal, many at once, a CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.gui.ship_model import CARRIER, PROBLEM, READY, REFUSED, SHIPPED
from app.sandbox.logistics import SELLER_CARRIERS
from app.store.db import open_db
from tests.gui.conftest import GuiShop, sandbox_shop

SHIPPED_STATES = ("AWAITING_COLLECTION", "IN_TRANSIT")


def place(shop: GuiShop, count: int, shipping_type: str = "SELLER") -> list[str]:
    """Paid orders awaiting shipment, placed on the sandbox (Shopdesk has not seen them yet)."""
    placed: list[str] = []
    for row in shop.admin("GET", "/sandbox/inventory")["skus"]:
        if row["quantity"] < 2:
            continue
        answer = shop.admin(
            "POST",
            "/sandbox/orders",
            {
                "line_items": [{"sku_id": row["sku_id"], "quantity": 1}],
                "paid": True,
                "is_on_hold_order": False,
                "shipping_type": shipping_type,
            },
        )
        placed.append(answer["order"]["id"])
        if len(placed) == count:
            break
    shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})  # a search skips this second
    return placed


def place_two_skus(shop: GuiShop) -> tuple[dict, list[dict]]:
    """One paid seller-shipped order of two different SKUs, and those SKUs' inventory rows."""
    rows = shop.admin("GET", "/sandbox/inventory")["skus"]
    stocked = list({r["sku_id"]: r for r in rows if r["quantity"] >= 2}.values())[:2]
    placed = shop.admin(
        "POST",
        "/sandbox/orders",
        {
            "line_items": [{"sku_id": r["sku_id"], "quantity": 1} for r in stocked],
            "paid": True,
            "is_on_hold_order": False,
            "shipping_type": "SELLER",
        },
    )["order"]
    shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    return placed, stocked


def sync(window) -> None:
    """Poll now and let the list catch up, as F5 does."""
    window.host.engine.sync_now().result(15)
    window.reader.catch_up_now()
    window.orders_tab.refresh()


def truth(shop: GuiShop, order_id: str) -> dict:
    return next(o for o in shop.admin("GET", "/sandbox/orders")["orders"] if o["id"] == order_id)


def ship_writes(shop: GuiShop) -> list[tuple[str, str]]:
    db = open_db(shop.paths.database, readonly=True)
    try:
        return db.execute("SELECT ref, state FROM outbox WHERE kind = 'ship'").fetchall()
    finally:
        db.close()


def test_ship_one_order_then_a_refusal_shows_on_the_order(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    first, second = place(gui_shop, 2)
    sync(window)
    orders = window.orders_tab
    assert orders.show_order(first)
    window.actions_by_key["ship"].trigger()  # Ctrl+Shift+S
    dialog = window.order_actions.ship_dialog
    assert dialog.model.rowCount() == 1 and dialog.windowTitle() == "Ship 1 order"
    qtbot.waitUntil(lambda: not dialog.model.loading and dialog.ship_button.isEnabled())
    combo = dialog.editor(0, CARRIER)
    assert isinstance(combo, QComboBox) and combo.count() > 2  # "Choose…" and TikTok's carriers

    dialog.ship_button.click()  # nothing typed yet: both problems show, nothing is queued
    state, message = dialog.results()[first]
    assert state == PROBLEM and message == "Enter the tracking number; Choose a carrier"
    assert ship_writes(gui_shop) == []

    usps = combo.findText("USPS")  # 26 digits fit USPS (and 27, corrected below)
    combo.setCurrentIndex(usps)
    combo.activated.emit(usps)
    carrier = combo.currentText()
    qtbot.keyClicks(dialog.editor(0), "94001000000000001234567890")
    assert dialog.model.rows[0].tracking == "94001000000000001234567890"
    dialog.ship_button.click()
    qtbot.waitUntil(lambda: dialog.results()[first][0] == SHIPPED, timeout=15000)
    assert dialog.results()[first][1].startswith("Shipped · 94001000000000001234567890 · package ")
    assert dialog.status.text() == "1 order shipped."
    sandbox_order = truth(gui_shop, first)
    assert sandbox_order["status"] in SHIPPED_STATES
    assert {i["tracking_number"] for i in sandbox_order["line_items"]} == {
        "94001000000000001234567890"
    }
    qtbot.waitUntil(lambda: "Shipped · 94001000000000001234567890" in orders.detail.toPlainText())
    assert window.prefs.value("ship/carrier") == carrier
    dialog.close()

    # The same tracking number on another order: TikTok refuses, in plain words.
    assert orders.show_order(second)
    orders.ship_button.click()
    dialog = window.order_actions.ship_dialog
    qtbot.waitUntil(lambda: dialog.ship_button.isEnabled())
    assert dialog.editor(0, CARRIER).currentText() == carrier  # remembered
    dialog.set_tracking(0, "94001000000000001234567890")
    dialog.ship_button.click()
    qtbot.waitUntil(lambda: dialog.results()[second][0] == REFUSED, timeout=15000)
    refusal = "Not shipped: this tracking number was already used (code 21011025)"
    assert dialog.results()[second][1] == refusal
    assert dialog.ship_button.text() == "Ship 1 again"
    qtbot.waitUntil(lambda: refusal in orders.detail.toPlainText())
    assert truth(gui_shop, second)["status"] == "AWAITING_SHIPMENT"
    window.errors_tab.refresh()
    errors = window.errors_tab.model
    [row] = [n for n, r in enumerate(errors.rows) if r["ref"] == second]
    assert errors.index(row, 1).data() == f"Shipping order {second}"
    assert errors.index(row, 2).data() == (
        "TikTok Shop refused: this tracking number was already used (code 21011025)"
    )
    window.open_tab("queue")
    queue = window.queue_tab.outbox
    assert f"Ship order {second}" in [queue.index(r, 0).data() for r in range(queue.rowCount())]

    # Fixed in the dialog and sent again: it ships.
    edit = dialog.editor(0)
    assert edit.text() == "94001000000000001234567890"  # what was refused stays, to be corrected
    assert not edit.hasSelectedText()
    qtbot.keyClicks(edit, "2")
    dialog.ship_button.click()
    qtbot.waitUntil(lambda: dialog.results()[second][0] == SHIPPED, timeout=15000)
    assert truth(gui_shop, second)["status"] in SHIPPED_STATES


def test_ship_two_orders_from_a_multi_selection(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    ids = place(gui_shop, 2)
    sync(window)
    orders = window.orders_tab
    orders.select_queue("to_ship")
    assert orders.show_order(ids[0])
    orders._reselect([ids[1]])
    assert set(orders.selected_order_ids()) == set(ids)
    assert orders.ship_button.text() == "Ship 2…"
    orders.refresh()  # new orders arriving re-read the list: the selection stays
    assert set(orders.selected_order_ids()) == set(ids)

    window.ship_selected()
    dialog = window.order_actions.ship_dialog
    assert {r.order_id for r in dialog.model.rows} == set(ids)
    assert dialog.items is None and dialog.all_carriers.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.all_carriers.count() > 1)
    dialog.all_carriers.setCurrentIndex(1)
    dialog.all_carriers.activated.emit(1)
    assert len({dialog.model.provider_name(r) for r in dialog.model.rows}) == 1

    dialog.set_tracking(0, "9400300000000000000001")
    dialog.ship_button.click()
    rows = list(dialog.model.rows)
    assert [r.state for r in rows] == [READY, PROBLEM]
    assert rows[1].message == "Enter the tracking number"
    assert dialog.status.text() == "1 order of 2 needs fixing (see its row): nothing was sent."
    assert ship_writes(gui_shop) == []

    assert dialog.paste_tracking("9400300000000000000001\n9400300000000000000001\n") == 2
    dialog.ship_button.click()  # the same number twice is caught before anything is sent
    assert "The same tracking number is on order" in dialog.model.rows[1].message
    dialog.paste_tracking("9400300000000000000001\tignored\n9400300000000000000002\n")
    dialog.ship_button.click()
    qtbot.waitUntil(lambda: dialog.shipped_ok(), timeout=15000)
    assert dialog.status.text() == "2 orders shipped."
    assert {truth(gui_shop, i)["status"] in SHIPPED_STATES for i in ids} == {True}


def test_a_csv_with_mistakes_is_refused_line_by_line_and_a_good_one_ships(
    gui_shop, open_window, qtbot, tmp_path: Path
) -> None:
    window = open_window(gui_shop.context())
    good, other, gone = place(gui_shop, 3)
    gui_shop.admin("POST", f"/sandbox/orders/{gone}/status", {"status": "CANCELLED"})
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)
    carrier = SELLER_CARRIERS[0][0]
    bad = tmp_path / "monday.csv"
    bad.write_text(
        "order_id,tracking_number,provider\n"
        f"{good},9400200000000000000001,{carrier}\n"
        "999999999999999999,9400200000000000000002,USPS\n"
        f"{gone},9400200000000000000003,{carrier}\n"
        f"{good},9400200000000000000004,{carrier}\n"
        f"{other},9400200000000000000005,Pigeon Post\n",
        encoding="utf-8",
    )
    window.ship_from_csv(str(bad))
    qtbot.waitUntil(lambda: window.order_actions.problems_dialog is not None, timeout=15000)
    problems = window.order_actions.problems_dialog
    lines = problems.lines()
    assert [line.split(":")[0] for line in lines] == ["Line 3", "Line 4", "Line 5", "Line 6"]
    assert "not in Shopdesk" in lines[0] and "CANCELLED" in lines[1]
    assert "already on line 2" in lines[2]
    assert "not one of TikTok's carriers for this order: 'Pigeon Post'" in lines[3]
    assert problems.windowTitle() == "Nothing was queued: monday.csv has 4 problems"
    assert "shopdesk ship" not in " ".join(lines)  # the command line's hints stay there
    assert ship_writes(gui_shop) == []
    problems.close()

    fine = tmp_path / "tuesday.csv"
    fine.write_text(
        f"Order_ID,Tracking_Number,Provider\n{good},9400200000000000000001,{carrier}\n"
        f"{other},9400200000000000000005,{carrier.lower()}\n",
        encoding="utf-8-sig",
    )
    window.ship_from_csv(str(fine))
    dialog = window.order_actions.ship_dialog
    assert dialog.windowTitle() == "Ship 2 orders from tuesday.csv"
    assert [r.state for r in dialog.model.rows] == [READY, READY]
    assert not dialog.editor(0)  # the file is the record: nothing to edit here
    dialog.ship_button.click()
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)
    assert truth(gui_shop, good)["status"] in SHIPPED_STATES
    assert truth(gui_shop, other)["status"] in SHIPPED_STATES


def test_a_tiktok_shipped_order_is_handed_over(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1, shipping_type="TIKTOK")
    sync(window)
    dialog = window.ship_orders([order])
    row = dialog.model.rows[0]
    assert not row.seller_ships and row.handover == "DROP_OFF"
    assert dialog.model.index(0, 2).data() == "TikTok's label"
    combo = dialog.editor(0, CARRIER)
    assert [combo.itemData(i) for i in range(combo.count())] == ["DROP_OFF", "PICKUP"]
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert dialog.model.rows[0].handover == "PICKUP"
    dialog.ship_button.click()
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)
    assert dialog.results()[order][1].startswith("Shipped · carrier picks it up · package ")
    assert truth(gui_shop, order)["status"] in SHIPPED_STATES


def test_one_order_ships_only_the_chosen_items(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    placed, _stocked = place_two_skus(gui_shop)
    sync(window)
    dialog = window.ship_orders([placed["id"]])
    assert dialog.items is not None and dialog.items.count() == 2
    qtbot.waitUntil(lambda: dialog.ship_button.isEnabled())
    provider = dialog.model.providers[dialog.model.rows[0].group][0][0]
    dialog.model.setData(dialog.model.index(0, CARRIER), provider)
    dialog.set_tracking(0, "9400400000000000000001")
    for n in range(2):
        dialog.items.item(n).setCheckState(Qt.CheckState.Unchecked)
    dialog.ship_button.click()
    assert dialog.results()[placed["id"]] == (PROBLEM, "Choose at least one item to ship")

    dialog.items.item(0).setCheckState(Qt.CheckState.Checked)
    chosen = dialog.items.item(0).data(Qt.ItemDataRole.UserRole)
    assert dialog.model.rows[0].line_item_ids == chosen
    dialog.ship_button.click()
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)
    items = {i["id"]: i for i in truth(gui_shop, placed["id"])["line_items"]}
    assert {items[i].get("tracking_number") for i in chosen} == {"9400400000000000000001"}
    assert all(not i.get("tracking_number") for k, i in items.items() if k not in chosen)


def test_orders_that_cannot_ship_say_so_at_once_and_can_be_left_out(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    keep, also, gone = place(gui_shop, 3)
    gui_shop.admin("POST", f"/sandbox/orders/{gone}/status", {"status": "CANCELLED"})
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)
    dialog = window.ship_orders([keep, also, gone, "123"])
    states = {o: s for o, (s, _m) in dialog.results().items()}
    assert states == {keep: "editing", also: "editing", gone: PROBLEM, "123": PROBLEM}
    assert "is CANCELLED, not awaiting shipment" in dialog.results()[gone][1]
    assert "not in Shopdesk" in dialog.results()["123"][1]
    assert dialog.leave_out_button.isVisibleTo(dialog)
    assert dialog.leave_out_button.text() == "Leave out 2 with problems"
    dialog.leave_out_button.click()
    assert [r.order_id for r in dialog.model.rows] == [keep, also]
    assert dialog.editor(1) is not None  # the rows kept their input boxes
    assert dialog.ship_button.text() == "Ship 2 orders"
    assert window.ship_orders([]) is None
    assert window.status_bar.currentMessage() == "Select the orders to ship first."


def test_the_paste_button_fills_tracking_numbers_from_the_clipboard(
    gui_shop, open_window, qtbot
) -> None:
    from PySide6.QtGui import QGuiApplication

    window = open_window(gui_shop.context())
    ids = place(gui_shop, 2)
    sync(window)
    dialog = window.ship_orders(ids)
    QGuiApplication.clipboard().setText("PASTE00001\t2 pcs\nPASTE00002\n")
    dialog.paste_button.click()  # clicked(bool) must not be taken for the text
    assert [r.tracking for r in dialog.model.rows] == ["PASTE00001", "PASTE00002"]
    assert dialog.status.text() == "Pasted 2 tracking numbers."


def test_the_handover_box_fits_and_no_text_shows_around_it(gui_shop, open_window, qtbot) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1, shipping_type="TIKTOK")
    sync(window)
    dialog = window.ship_orders([order])
    dialog.show()
    combo = dialog.editor(0, CARRIER)
    qtbot.waitUntil(lambda: combo.isVisible())
    assert dialog.table.columnWidth(CARRIER) >= combo.sizeHint().width()
    assert combo.height() >= combo.minimumSizeHint().height()

    index = dialog.model.index(0, CARRIER)
    rect = dialog.table.visualRect(index)
    image = QImage(rect.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    option.widget = dialog.table
    option.palette = dialog.table.palette()
    painter = QPainter(image)
    dialog.delegate.paint(painter, option, index)
    painter.end()
    colours = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    assert len(colours) <= 2, "the cell under the handover box painted its text"


def test_the_items_column_follows_the_ticked_items(gui_shop, open_window, qtbot) -> None:
    from app.gui.ship_model import ITEMS

    window = open_window(gui_shop.context())
    placed, stocked = place_two_skus(gui_shop)
    sync(window)
    dialog = window.ship_orders([placed["id"]])
    first, second = (r["seller_sku"] for r in stocked)
    assert dialog.model.index(0, ITEMS).data() == f"{first}, {second}"
    dialog.items.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.model.index(0, ITEMS).data() == second
    dialog.items.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.model.index(0, ITEMS).data() == "No items ticked"


def test_nothing_that_can_ship_leaves_ship_disabled_and_a_request_offers_an_answer(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    # Outside the US a buyer's pending request blocks shipping (in the US shipping rejects it).
    gui_shop = sandbox_shop(data_paths, memory_secrets, region="GB")
    window = open_window(gui_shop.context())
    gone, asked = place(gui_shop, 2)
    gui_shop.admin("POST", f"/sandbox/orders/{gone}/status", {"status": "CANCELLED"})
    gui_shop.admin("POST", f"/sandbox/orders/{asked}/buyer_cancel_request")
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)
    requests = window.cancellations_tab
    qtbot.waitUntil(
        lambda: (requests.refresh(), any(r.order_id == asked for r in requests.model.rows))[1],
        timeout=15000,
    )

    dialog = window.ship_orders([gone])
    assert not dialog.ship_button.isEnabled()
    assert dialog.status.text() == "Nothing here can ship now: see the reason on each row."
    assert not dialog.answer_button.isVisibleTo(dialog)
    dialog.close()

    dialog = window.ship_orders([asked])
    assert not dialog.ship_button.isEnabled()
    assert "asked to cancel" in dialog.results()[asked][1]
    assert dialog.answer_button.isVisibleTo(dialog)
    dialog.answer_button.click()
    assert window.current_tab() == "cancellations"
    assert window.cancellations_tab.selected().order_id == asked
