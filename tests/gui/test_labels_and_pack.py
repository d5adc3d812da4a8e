"""The Labels dialog and the Pack tab against a US local sandbox shop (TikTok Shipping orders
have no package until their label is bought): buy from the window, print to a PDF printer,
then pack an order from the keyboard alone, a wrong item refused, every pack recorded."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from app.gui.label_printing import LABELS, prepared_printer, print_pdf, remember
from app.queries.labels import fetch_packs
from app.store.db import open_db
from app.store.sku_profiles import fetch_profiles
from tests.gui.conftest import sandbox_shop
from tests.gui.test_shipping import place, sync, truth

US_LOCAL = {"seller_type": "LOCAL", "orders": 40}


def sandbox_labels(shop, order_id: str) -> list[dict]:
    labels = shop.admin("GET", "/sandbox/labels")["labels"]
    return [lb for lb in labels if order_id in lb["order_ids"] and not lb["void"]]


def test_labels_bought_from_the_window_then_printed(
    data_paths, memory_secrets, open_window, qtbot, tmp_path: Path
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, **US_LOCAL)
    window = open_window(shop.context())
    orders = place(shop, 3, shipping_type="TIKTOK")
    sync(window)
    dialog = window.open_labels(orders)
    assert dialog.table.rowCount() == 3 and dialog.chosen() == orders
    dialog.table.item(2, 0).setCheckState(Qt.CheckState.Unchecked)  # a choice of orders
    with qtbot.waitSignal(dialog.finished_run, timeout=30000):
        dialog.buy_button.click()
    assert dialog.pdf is not None and len(PdfReader(dialog.pdf).pages) == 2
    assert "2 bought" in dialog.status.text()
    assert [dialog.table.item(r, 3).text() for r in range(3)] == ["bought", "bought", "none yet"]
    assert all(len(sandbox_labels(shop, o)) == 1 for o in orders[:2])
    assert sandbox_labels(shop, orders[2]) == []
    assert truth(shop, orders[0])["status"] == "AWAITING_COLLECTION"

    remember(window.prefs, LABELS, page="A6", printer="")
    printer = prepared_printer(window.prefs, LABELS)
    assert printer.pageLayout().pageSize().sizePoints().width() == 288  # 4 in
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(dialog.pdf, printer) == 2
    assert len(PdfReader(printed).pages) == 2
    dialog.close()


def test_pack_an_order_from_the_keyboard(data_paths, memory_secrets, open_window, qtbot) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, **US_LOCAL)
    window = open_window(shop.context())
    (order_id,) = place(shop, 1, shipping_type="TIKTOK")
    sync(window)
    dialog = window.open_labels([order_id])
    with qtbot.waitSignal(dialog.finished_run, timeout=30000):
        dialog.buy_button.click()
    dialog.close()
    window.actions_by_key["tab_pack"].trigger()  # Ctrl+7
    pack = window.pack_tab
    assert window.tabs.currentWidget() is pack
    field = pack.scan_field
    cues: list[str] = []
    pack.scanned.connect(cues.append)
    qtbot.keyClicks(field, order_id)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert cues[-1] == "order" and pack.table.rowCount() == 1
    item = pack.station.order.items[0]
    qtbot.keyClicks(field, "NOT-IN-THIS-ORDER")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert cues[-1] == "wrong" and "WRONG ITEM" in pack.cue_label.text()
    assert "#fca5a5" in pack.cue_label.styleSheet()  # red
    qtbot.keyClicks(field, item.seller_sku)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert cues[-1] == "packed" and pack.table.item(0, 4).text() == "1"
    qtbot.keyClicks(field, item.seller_sku)  # the order is done: a new scan starts afresh
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert cues[-1] == "wrong"

    def recorded() -> list[dict]:
        db = open_db(shop.paths.database, readonly=True)
        try:
            return fetch_packs(db, order_id)
        finally:
            db.close()

    qtbot.waitUntil(lambda: len(recorded()) == 1, timeout=10000)
    (record,) = recorded()
    assert record["items"] == {item.sku_id: 1} and record["station"]
    qtbot.waitUntil(lambda: "Packed 1× before" in pack.history_label.text(), timeout=5000)
    tracking = sandbox_labels(shop, order_id)[0]["tracking_number"]  # the label's barcode
    qtbot.keyClicks(field, tracking)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert cues[-1] == "order" and pack.station.order.order_id == order_id
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert pack.station.order is None
    window.open_tab("orders")
    assert window.orders_tab.show_order(order_id)
    window.orders_tab._show_detail(order_id)
    shown = window.orders_tab.detail.toPlainText()
    assert "Label bought" in shown and "Packed" in shown and "1 unit" in shown


def test_a_skus_shipping_profile_is_set_in_inventory(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, **US_LOCAL)
    window = open_window(shop.context())
    window.open_tab("inventory")
    inventory = window.inventory_tab
    inventory.refresh(force=True)
    qtbot.waitUntil(lambda: inventory.model.rowCount() > 0, timeout=10000)
    row = inventory.model.rows[0]
    assert inventory.show_sku(row.sku_id)
    dialog = inventory.edit_profile()
    assert dialog is not None and "TikTok's product data" in dialog.tiktok.text()
    dialog.weight.setText("heavy")
    dialog.accept_profile()
    assert "not a number" in dialog.problem.text() and dialog.isVisible()
    dialog.weight.setText("12")
    dialog.weight_unit.setCurrentText("OUNCE")
    dialog.dims.setText("9x6x3")
    dialog.length_unit.setCurrentText("INCH")
    dialog.bin.setText("A-07")
    dialog.barcode.setText("0850000123")
    dialog.accept_profile()

    def saved() -> object:
        db = open_db(shop.paths.database, readonly=True)
        try:
            return fetch_profiles(db, [row.sku_id]).get(row.sku_id)
        finally:
            db.close()

    qtbot.waitUntil(lambda: saved() is not None, timeout=10000)
    profile = saved()
    assert profile.weight_unit == "OUNCE" and str(profile.weight) == "12"
    assert profile.bin_location == "A-07" and profile.barcode == "0850000123"
