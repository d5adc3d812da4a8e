"""The Orders tab on a sandbox shop: queues, search, filters, detail, and the import dialog."""

from __future__ import annotations

from PySide6.QtCore import QDate

from app.gui.orders_model import ID_ROLE
from app.store.db import open_db
from app.store.order_queries import QUEUE_OF_STATUS
from tests.gui.conftest import sandbox_shop


def stored_orders(paths) -> dict[str, dict]:
    db = open_db(paths.database, readonly=True)
    try:
        return {r["id"]: r for r in db.query("SELECT id, status, sku_summary, flags FROM orders")}
    finally:
        db.close()


def test_queues_search_filters_and_detail(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    tab = window.orders_tab
    qtbot.waitUntil(lambda: window.reader.source.table == "temp.order_index", timeout=10000)
    stored = stored_orders(gui_shop.paths)
    assert tab.queues.counts["all"] == len(stored) == tab.model.rowCount()

    tab.select_queue("to_ship")
    to_ship = [o for o in stored.values() if QUEUE_OF_STATUS[o["status"]] == "to_ship"]
    assert tab.model.rowCount() == len(to_ship) == tab.queues.counts["to_ship"]
    assert tab.count_label.text() == f"{len(to_ship)} orders"

    tab.select_queue("all")
    sku = next(o for o in stored.values() if o["sku_summary"])["sku_summary"].split(",")[0]
    sku = sku.split(" x")[0]
    qtbot.keyClicks(tab.search, sku.lower())
    qtbot.waitUntil(lambda: tab.model.rowCount() < len(stored))
    expected = {i for i, o in stored.items() if sku in o["sku_summary"]}
    shown = {tab.model.index(r, 0).data(ID_ROLE) for r in range(tab.model.rowCount())}
    assert expected <= shown  # product names may match more orders than the SKU text

    tab.clear_filters()
    assert tab.model.rowCount() == len(stored)
    flagged = {
        flag: [i for i, o in stored.items() if flag in o["flags"].split(";")]
        for flag in ("cod", "sample_order", "replacement_order", "buyer_request_cancel")
    }
    flag = max(flagged, key=lambda f: len(flagged[f]))
    assert flagged[flag]
    tab.flag_actions[flag].setChecked(True)
    assert tab.model.rowCount() == len(flagged[flag])
    assert tab.flags_button.text() == "Flags (1)"
    tab.clear_filters()

    tab.table.selectRow(3)
    chosen = tab.model.index(3, 0).data(ID_ROLE)
    html = tab.detail.toHtml()
    assert f"Order {chosen}" in tab.detail.toPlainText()
    assert "Payment" in html and "History" in html and "Ship to" in html

    qtbot.keyClicks(tab.search, "nothing matches this")
    tab.apply_filter()
    assert tab.model.rowCount() == 0 and tab.table_area.is_empty
    assert tab.table_area.empty.title.text() == "No orders match"
    tab.table_area.empty.button.click()
    assert tab.model.rowCount() == len(stored) and not tab.table_area.is_empty


def test_import_dialog_runs_against_the_sandbox_and_shows_the_orders(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    truth = gui_shop.admin("GET", "/sandbox/orders")["orders"]
    assert window.orders_tab.model.rowCount() < len(truth)  # the first poll reads 30 days

    dialog = window.open_import_dialog()
    dialog.first.setDate(QDate.currentDate().addDays(-90))
    with qtbot.waitSignal(dialog.finished_ok, timeout=30000) as done:
        dialog.start_button.click()
        assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    result = done.args[0]
    assert result.fetched == len(truth)
    assert dialog.status.text().startswith("Done:")
    assert dialog.bar.value() == dialog.bar.maximum()
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() == len(truth), timeout=10000)
    assert window.orders_tab.queues.counts["all"] == len(truth)


def test_an_import_stopped_midway_keeps_what_was_read(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, orders=1200, qps=8)  # 12 slow pages
    window = open_window(shop.context())
    dialog = window.open_import_dialog()
    dialog.first.setDate(QDate.currentDate().addDays(-90))
    with qtbot.waitSignal(window.bridge.progress, timeout=30000):
        dialog.start_button.click()
    with qtbot.waitSignal(dialog.stopped, timeout=30000) as stopped:
        dialog.cancel_button.click()
    assert "Everything read so far is saved" in stopped.args[0]
    assert dialog.start_button.isEnabled()


def test_the_import_dialog_finishes_an_interrupted_import_first_and_says_so(
    gui_shop, open_window, qtbot
) -> None:
    import asyncio
    import time

    import pytest

    from app.sync.importer import OrderImporter, default_range, range_label
    from app.sync.session import open_session
    from app.tiktok.errors import ShopdeskError
    from app.tiktok.retry import RetryPolicy

    async def failing_import() -> tuple[int, int]:
        session = open_session(
            gui_shop.paths, gui_shop.settings, gui_shop.secrets, transport=gui_shop.transport
        )
        config = session.client.config
        session.client.config = type(config)(
            **{**config.__dict__, "retry": RetryPolicy(max_attempts=1)}
        )
        span = default_range(time.time(), 2)
        try:
            with pytest.raises(ShopdeskError):
                await OrderImporter(session).run(*span)
        finally:
            await session.aclose()
        return span

    gui_shop.admin("PUT", "/sandbox/faults", {"api_error_rate": 1.0})
    span = asyncio.run(failing_import())
    gui_shop.admin("PUT", "/sandbox/faults", {"api_error_rate": 0.0})
    window = open_window(gui_shop.context())
    truth = gui_shop.admin("GET", "/sandbox/orders")["orders"]

    dialog = window.open_import_dialog()
    seen: list[str] = []
    window.bridge.progress.connect(lambda _step: seen.append(dialog.status.text()))
    dialog.first.setDate(QDate.currentDate().addDays(-90))
    with qtbot.waitSignal(dialog.finished_ok, timeout=30000) as done:
        dialog.start_button.click()
    result = done.args[0]
    notice = f"Finishing the interrupted import of {range_label(*span)} first."
    assert seen and seen[0].startswith(notice)
    assert result.resumed_range == span
    assert dialog.status.text().startswith(
        f"Finished the interrupted import of {range_label(*span)} first, then the days you"
        " asked for. Done:"
    )
    assert dialog.bar.value() == dialog.bar.maximum()
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() == len(truth), timeout=10000)


def test_the_import_dialog_opened_during_the_demos_import_ends_with_a_full_bar(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    import time

    from app.sync.importer import default_range

    shop = sandbox_shop(data_paths, memory_secrets, orders=600, qps=10)  # 6 slow pages
    window = open_window(shop.context())
    engine = window.host.engine
    future = engine.import_orders(*default_range(time.time(), 90))  # not the dialog's own
    qtbot.waitUntil(lambda: engine.status.importing, timeout=10000)
    dialog = window.open_import_dialog()
    assert dialog.running
    qtbot.waitUntil(future.done, timeout=30000)
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert dialog.bar.value() == dialog.bar.maximum() > 0
    assert dialog.status.text().startswith("Done:")
    assert dialog.start_button.isEnabled()


def test_file_export_orders_writes_every_order_from_a_dialog_in_documents(
    gui_shop, open_window, qtbot, tmp_path, monkeypatch
) -> None:
    import csv

    from PySide6.QtWidgets import QFileDialog

    from app.gui import files

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(files, "documents_dir", lambda: documents)
    asked: list[str] = []

    def save_dialog(_parent, _title, start, _filter):
        asked.append(start)
        return str(documents / "orders.csv"), "CSV"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    window = open_window(gui_shop.context())
    messages: list[str] = []
    window.order_actions.message.connect(messages.append)
    window.actions_by_key["export_orders"].trigger()
    assert asked and asked[0].startswith(str(documents))  # not the working directory
    qtbot.waitUntil(lambda: any(m.startswith("Wrote") for m in messages), timeout=10000)
    with (documents / "orders.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == window.orders_tab.queues.counts["all"]
    assert all(r["id"].startswith("'") and len(r["id"]) > 15 for r in rows)

    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda _p, _t, start, _f: (asked.append(start), ("", ""))[1]
    )
    window.ship_from_csv()
    window.inventory_tab.import_csv()
    assert all(start.startswith(str(documents)) for start in asked[1:]) and len(asked) == 3


def test_the_buyer_column_explains_itself_and_the_chosen_queue_shows(
    gui_shop, open_window, qtbot
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    from app.gui.orders_model import BUYER, BUYER_HIDDEN_TIP

    window = open_window(gui_shop.context())
    tab = window.orders_tab
    tab.select_queue("on_hold")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    cell = tab.model.index(0, BUYER)
    assert cell.data() == "not shown yet"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == BUYER_HIDDEN_TIP

    tab.select_queue("to_ship")
    tab.table.setFocus()  # the sidebar is not focused: its choice must still show
    lists = tab.queue_list
    image = lists.viewport().grab().toImage()
    chosen = lists.visualRect(tab.queues.index(tab.queues.row_of("to_ship")))
    other = lists.visualRect(tab.queues.index(tab.queues.row_of("delivered")))
    marked = QColor(image.pixel(chosen.left() + 3, chosen.center().y()))
    plain = QColor(image.pixel(other.left() + 3, other.center().y()))
    assert abs(marked.lightness() - plain.lightness()) > 10
