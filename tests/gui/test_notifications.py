"""Notifications raised by the engine (on its own thread) open the right tab at the right row."""

from __future__ import annotations

import time

from app.gui.errors_model import KIND_ROLE
from app.gui.orders_model import ID_ROLE
from app.store.activity import save_error


def on_engine_thread(engine, function) -> None:
    """Call an engine callback from the engine's own thread, as the engine does."""

    async def call() -> None:
        function()

    engine.submit(call).result(5)


def test_a_sync_failure_opens_the_errors_tab_at_its_row(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    engine = window.host.engine
    now = int(time.time())
    engine.run_write(
        lambda db: save_error(db, "import", "Import stopped", ref="9", action="Again", now=now)
    ).result(5)
    engine.run_write(
        lambda db: save_error(db, "poll", "Order sync failed: boom", action="Wait", now=now - 5)
    ).result(5)
    on_engine_thread(engine, lambda: engine.callbacks.on_error("poll", "Order sync failed: boom"))
    qtbot.waitUntil(window.banner.isVisible)
    assert window.notifier.sent[-1].tab == "errors"
    assert "boom" in window.banner.text.text()

    window.open_tab("orders")
    window.banner.open_button.click()
    assert window.current_tab() == "errors"
    assert window.errors_tab.table.currentIndex().data(KIND_ROLE) == "poll"
    assert not window.banner.isVisible()

    # the same failure again within minutes is not announced twice
    on_engine_thread(engine, lambda: engine.callbacks.on_error("poll", "Order sync failed: boom"))
    qtbot.wait(100)
    assert not window.banner.isVisible()


def test_new_orders_are_batched_and_open_at_their_row(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    window.notifier._batch.setInterval(300)
    sku = gui_shop.admin("GET", "/sandbox/inventory")["skus"][0]["sku_id"]
    placed = [
        gui_shop.admin("POST", "/sandbox/orders", {"line_items": [{"sku_id": sku, "quantity": 1}]})
        for _ in range(2)
    ]
    window.sync_now()
    qtbot.waitUntil(
        lambda: window.banner.isVisible() and window.banner.notice.category == "orders",
        timeout=10000,
    )
    notice = window.banner.notice
    assert notice.title == "2 new orders"
    assert notice.ref in {p["order"]["id"] for p in placed}

    window.open_tab("health")
    window.banner.open()
    assert window.current_tab() == "orders"
    assert window.orders_tab.table.currentIndex().data(ID_ROLE) == notice.ref
    assert f"Order {notice.ref}" in window.orders_tab.detail.toPlainText()


def test_authorization_lost_opens_health(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    engine = window.host.engine
    on_engine_thread(engine, lambda: engine.callbacks.on_auth_lost("the refresh token expired"))
    qtbot.waitUntil(window.banner.isVisible)
    assert "refresh token expired" in window.banner.text.text()
    window.banner.open()
    assert window.current_tab() == "health"


def test_switched_off_notifications_stay_quiet(gui_shop, open_window, qtbot) -> None:
    gui_shop.settings.notify_sync_failures = False
    window = open_window(gui_shop.context())
    engine = window.host.engine
    on_engine_thread(engine, lambda: engine.callbacks.on_error("poll", "nobody hears this"))
    qtbot.wait(200)
    assert not window.banner.isVisible() and window.notifier.sent == []


def test_every_category_has_its_own_switch(gui_shop, open_window) -> None:
    from app.gui.notice import CATEGORY_SETTINGS

    window = open_window(gui_shop.context())
    for category, setting in CATEGORY_SETTINGS.items():
        setattr(window.notifier.settings, setting, False)
        assert not window.notifier.enabled(category), category
        setattr(window.notifier.settings, setting, True)
        assert window.notifier.enabled(category), category
    assert "cancellations" in CATEGORY_SETTINGS


def test_warnings_stay_while_new_orders_add_up_and_each_row_opens_its_place(
    gui_shop, open_window, qtbot
) -> None:
    """The issue's demo: "2 SKUs oversold" must not be replaced by each "1 new order"."""
    from app.gui.inventory_tab import warnings_notice
    from app.store.stock_levels import OVERSOLD, StockWarning

    window = open_window(gui_shop.context())
    banner, notifier = window.banner, window.notifier
    notifier._batch.setInterval(50)
    skus = [r.sku_id for r in window.inventory_tab.model.rows[:2]] or ["s1", "s2"]
    warnings = [
        StockWarning(sku_id=s, seller_sku=f"SKU-{n}", kind=OVERSOLD, reason=f"SKU-{n}: -2 left")
        for n, s in enumerate(skus)
    ]
    notifier.notify(warnings_notice(warnings))
    orders = [(r[0], r[1]) for r in window.reader.db.execute("SELECT id, create_time FROM orders")]
    for order in orders[:4]:  # four new orders, one every few seconds in the demo
        notifier.new_orders([order])
        qtbot.wait(120)
    qtbot.waitUntil(lambda: len(banner.notices()) == 2)
    stock, new = banner.notices()
    assert stock.title == "2 SKUs oversold" and stock.level == "error"
    assert new.title == "4 new orders"
    assert all("(+1 more) (+1 more)" not in n.text for n in banner.notices())
    assert banner.notice == stock  # the warning is on top

    rows = banner.rows
    rows["orders"].open_button.click()
    assert window.current_tab() == "orders"
    assert banner.notices() == [stock]  # the warning is still there
    notifier.new_orders([orders[4]])
    qtbot.waitUntil(lambda: len(banner.notices()) == 2)
    assert banner.notices()[1].title == "1 new order"  # counting starts afresh once opened
    banner.rows["stock"].open_button.click()
    assert window.current_tab() == "inventory"
    assert [n.category for n in banner.notices()] == ["orders"]
