"""Inventory (edits in place, warnings, CSV) and the Sync queue (retry, drop), via the engine."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.gui.orders_model import ID_ROLE
from app.gui.queue_model import STATE_ROLE
from app.gui.stock_model import ON_HAND, PUSH
from app.store.db import open_db
from app.store.inbox import save_received
from app.store.stock_levels import OVERSOLD, StockWarning
from app.sync.catalog import sync_catalog
from app.sync.importer import OrderImporter, default_range
from app.sync.session import open_session
from tests.gui.conftest import GuiShop, sandbox_shop


def with_catalogue(shop: GuiShop) -> GuiShop:
    """Orders imported and the catalogue synced, as the engine will do by itself."""

    async def go() -> None:
        session = open_session(shop.paths, shop.settings, shop.secrets, transport=shop.transport)
        try:
            await OrderImporter(session).run(*default_range(time.time(), 90))
            await sync_catalog(session)
        finally:
            await session.aclose()

    asyncio.run(go())
    return shop


def outbox_states(shop: GuiShop) -> dict[str, str]:
    db = open_db(shop.paths.database, readonly=True)
    try:
        return dict(db.execute("SELECT ref, state FROM outbox").fetchall())
    finally:
        db.close()


def attempts_of(shop: GuiShop, sku: str) -> int:
    db = open_db(shop.paths.database, readonly=True)
    try:
        return int(db.execute("SELECT attempts FROM outbox WHERE ref = ?", [sku]).fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def stock_gui_shop(data_paths, memory_secrets) -> GuiShop:
    return with_catalogue(sandbox_shop(data_paths, memory_secrets, orders=80, products=6))


def test_editing_on_hand_queues_a_push_that_reaches_the_sandbox(
    stock_gui_shop, open_window, qtbot
) -> None:
    window = open_window(stock_gui_shop.context())
    window.open_tab("inventory")
    tab = window.inventory_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    row = next(n for n, r in enumerate(tab.model.rows) if r.product_status == "ACTIVATE")
    sku = tab.model.rows[row].sku_id
    target = tab.model.rows[row].committed + 7
    index = tab.proxy.mapFromSource(tab.model.index(row, ON_HAND))

    assert tab.proxy.setData(index, str(target))
    assert tab.model.index(row, PUSH).data() == "queued"  # shown at once, written by the engine
    qtbot.waitUntil(lambda: sku in outbox_states(stock_gui_shop), timeout=5000)
    qtbot.waitUntil(lambda: tab.model.rows[tab.model.row_of(sku)].on_hand == target)
    assert not tab.model.rows[tab.model.row_of(sku)].estimate

    tab.push_now()  # Ctrl+P; the engine would also push by itself a second after the edit
    committed = tab.model.rows[tab.model.row_of(sku)].committed

    def listed() -> int:
        skus = stock_gui_shop.admin("GET", "/sandbox/inventory")["skus"]
        return sum(s["quantity"] for s in skus if s["sku_id"] == sku)

    qtbot.waitUntil(lambda: listed() == max(0, target - committed), timeout=15000)
    qtbot.waitUntil(lambda: outbox_states(stock_gui_shop).get(sku) == "done", timeout=5000)
    tab.refresh(force=True)
    qtbot.waitUntil(lambda: tab.model.rows[tab.model.row_of(sku)].push_state == "")


def test_a_stock_warning_from_the_engine_opens_inventory_at_its_row(
    stock_gui_shop, open_window, qtbot
) -> None:
    window = open_window(stock_gui_shop.context())
    inventory = window.inventory_tab
    window.open_tab("inventory")
    qtbot.waitUntil(lambda: inventory.model.rowCount() > 1)
    row = inventory.model.rows[-1]
    warning = StockWarning(OVERSOLD, row.sku_id, row.seller_sku, f"{row.seller_sku}: 3 short")
    engine = window.host.engine

    async def report() -> None:
        engine.callbacks.on_stock_warnings([warning])

    engine.submit(report).result(5)
    qtbot.waitUntil(window.banner.isVisible)
    assert window.banner.notice.title == "1 SKU oversold"
    window.open_tab("orders")
    window.banner.open()
    assert window.current_tab() == "inventory"
    assert inventory.table.currentIndex().data(ID_ROLE) == row.sku_id


def test_inventory_filters_and_opens_a_sku(stock_gui_shop, open_window, qtbot) -> None:
    window = open_window(stock_gui_shop.context())
    tab = window.inventory_tab
    window.open_tab("inventory")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    first = tab.model.rows[0]
    qtbot.keyClicks(tab.search, first.seller_sku)
    assert 0 < tab.proxy.rowCount() < tab.model.rowCount()
    last = tab.model.rows[-1]
    assert tab.show_sku(last.sku_id)
    assert tab.search.text() == "" and tab.table.currentIndex().data(ID_ROLE) == last.sku_id


def test_csv_export_and_import(stock_gui_shop, open_window, qtbot, tmp_path) -> None:
    window = open_window(stock_gui_shop.context())
    tab = window.inventory_tab
    window.open_tab("inventory")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    out = tmp_path / "stock.csv"
    tab.export_csv(str(out))
    qtbot.waitUntil(out.exists, timeout=5000)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("seller_sku,sku_id") and len(lines) == tab.model.rowCount() + 1

    sku = tab.model.rows[0].seller_sku
    counts = tmp_path / "counts.csv"
    counts.write_text(f"seller_sku,on_hand\n{sku},42\n", encoding="utf-8")
    tab.import_csv(str(counts))
    qtbot.waitUntil(
        lambda: any(r.seller_sku == sku and r.on_hand == 42 for r in tab.model.rows), timeout=5000
    )


def test_queue_tab_retries_and_drops_through_the_engine(stock_gui_shop, open_window, qtbot) -> None:
    shop = stock_gui_shop
    db = open_db(shop.paths.database)
    save_received(
        db,
        b'{"type":1,"data":{}}',
        notification_id="n-1",
        type_=1,
        shop_id="s",
        event_time=1,
        now=2,
    )
    db.execute("UPDATE inbox SET state = 'failed', last_error = 'detail call failed'")
    db.close()
    window = open_window(shop.context())
    tab = window.queue_tab
    window.open_tab("queue")
    qtbot.waitUntil(lambda: tab.inbox.rowCount() == 1)
    assert tab.outbox_area.is_empty

    tab.inbox_table.selectRow(0)
    assert tab.retry_button.isEnabled() and tab.drop_button.isEnabled()
    tab.retry()
    qtbot.waitUntil(lambda: tab.inbox.rows[0].state in ("pending", "done", "ignored"))

    # A product TikTok takes no stock for: its push fails and waits in the queue.
    window.open_tab("inventory")
    inventory = window.inventory_tab
    qtbot.waitUntil(lambda: inventory.model.rowCount() > 0)
    row = next(r for r in inventory.model.rows if r.product_status == "SELLER_DEACTIVATED")
    sku = row.sku_id
    inventory.model.setData(inventory.model.index(inventory.model.row_of(sku), ON_HAND), "5")
    qtbot.waitUntil(lambda: outbox_states(shop).get(sku) == "failed", timeout=10000)
    window.open_tab("queue")
    tab.refresh()
    assert tab.outbox.rowCount() == 1 and not tab.outbox_area.is_empty
    tab.outbox_table.selectRow(0)
    assert tab.outbox_table.currentIndex().data(STATE_ROLE) == "failed"
    assert "SELLER_DEACTIVATED" in tab.outbox.rows[0]["last_error"]
    assert tab.drop_button.isEnabled() and tab.retry_button.isEnabled()
    attempts = tab.outbox.rows[0]["attempts"]
    window.retry_selected()  # Ctrl+R: pushed again at once, refused again
    qtbot.waitUntil(lambda: attempts_of(shop, sku) > attempts, timeout=10000)
    tab.refresh()
    tab.outbox_table.selectRow(0)
    window.dismiss_selected()  # Del
    qtbot.waitUntil(lambda: outbox_states(shop).get(sku) == "dropped", timeout=5000)
    qtbot.waitUntil(lambda: tab.outbox.rows[0]["state"] == "dropped")
    assert not tab.drop_button.isEnabled()


def test_an_edited_row_stays_put_shows_sent_and_every_warning_keeps_its_colour(
    stock_gui_shop, open_window, qtbot
) -> None:
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtGui import QColor

    from app.gui.stock_model import WARNING
    from app.gui.theme import colors

    window = open_window(stock_gui_shop.context())
    window.open_tab("inventory")
    tab = window.inventory_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() > 3)
    table, proxy = tab.table, tab.proxy
    # the healthiest SKU sorts last; give it nothing on hand so it would sort first (oversold)
    last = proxy.rowCount() - 1
    edited = proxy.index(last, 0).data(ID_ROLE)
    order_before = [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]
    assert proxy.setData(proxy.index(last, ON_HAND), "0")
    sku_row = tab.model.row_of(edited)
    qtbot.waitUntil(lambda: tab.model.rows[tab.model.row_of(edited)].on_hand == 0, timeout=5000)
    # The engine saves the edit (its push is queued), then a read shows what it means.
    qtbot.waitUntil(lambda: edited in outbox_states(stock_gui_shop), timeout=5000)

    def read_after_the_save() -> bool:
        if not tab._reading:
            tab.refresh(force=True)
        return proxy.index(last, WARNING).data() in ("Oversold", "Sold out")

    qtbot.waitUntil(read_after_the_save, timeout=5000)
    order_after = [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]
    assert order_after == order_before  # it did not jump away from under the mouse
    assert proxy.index(last, WARNING).data() in ("Oversold", "Sold out")

    tab.push_now()
    qtbot.waitUntil(lambda: outbox_states(stock_gui_shop).get(edited) == "done", timeout=15000)
    tab.refresh(force=True)
    qtbot.waitUntil(
        lambda: str(tab.model.index(sku_row, PUSH).data()).startswith("sent "), timeout=5000
    )

    c = colors()
    painted = {
        tab.model.index(r, WARNING).data(): tab.model.index(r, 0).data(
            Qt.ItemDataRole.BackgroundRole
        )
        for r in range(tab.model.rowCount())
    }
    for label, colour in (("Sold out", c.out_back), ("Low stock", c.low_back)):
        if label in painted:
            assert painted[label] == colour, label
    assert {"Sold out", "Low stock", "Oversold"} & set(painted)

    row = proxy.mapFromSource(tab.model.index(sku_row, 0)).row()
    table.selectionModel().setCurrentIndex(
        proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    back = tab.model.index(sku_row, 0).data(Qt.ItemDataRole.BackgroundRole)
    image = table.viewport().grab().toImage()
    rect = table.visualRect(proxy.index(row, 1))
    pixel = QColor(image.pixel(rect.right() - 4, rect.center().y()))
    highlight = table.palette().color(table.palette().ColorRole.Highlight)
    # neither the plain highlight nor white: the warning colour shows through the selection
    assert pixel != highlight and abs(pixel.red() - back.red()) < 80


def test_re_reading_many_skus_fits_the_columns_to_the_rows_on_screen_only(
    stock_gui_shop, open_window, qtbot, monkeypatch
) -> None:
    """Each re-read of the Inventory tab (during an import: every few seconds) measured every
    cell of every SKU for the columns' widths; now only the rows on screen are measured."""
    from dataclasses import replace

    import app.gui.stock_model as stock_model

    window = open_window(stock_gui_shop.context())
    window.open_tab("inventory")
    tab = window.inventory_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    rows = tab.model.rows
    many = [replace(r, sku_id=f"{r.sku_id}-{n}") for n in range(600 // len(rows) + 1) for r in rows]
    shown: set[str] = set()
    real = stock_model._display

    def counting(row, column):  # type: ignore[no-untyped-def]
        shown.add(row.sku_id)
        return real(row, column)

    monkeypatch.setattr(stock_model, "_display", counting)
    tab.model.set_rows(many)
    assert tab.model.rowCount() == len(many) > 600
    tab.table.horizontalHeader().resizeSections()  # what its delayed resize runs after a reset
    tab.table.viewport().repaint()
    on_screen = tab.table.viewport().height() // tab.table.rowHeight(0) + 2
    assert shown, "the table showed its cells"
    assert len(shown) <= on_screen + 5, f"{len(shown)} SKUs' texts read for {on_screen} on screen"
