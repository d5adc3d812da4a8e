"""The Errors tab (retry and dismiss through the engine) and the Health tab's figures."""

from __future__ import annotations

import time
from html import escape

from app.gui.errors_model import KIND_ROLE
from app.store.activity import fetch_open_errors, save_error
from app.store.db import open_db


def open_errors(paths) -> list[dict]:
    db = open_db(paths.database, readonly=True)
    try:
        return fetch_open_errors(db)
    finally:
        db.close()


def test_errors_tab_retries_and_dismisses_through_the_engine(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    tab = window.errors_tab
    assert tab.area.is_empty and tab.area.empty.title.text() == "No sync errors"
    engine = window.host.engine
    now = int(time.time())
    engine.run_write(
        lambda db: save_error(db, "poll", "Order sync failed: timeout", action="Wait", now=now)
    ).result(5)
    window.open_tab("errors")
    window.reader.reread()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Errors (1)"
    assert tab.select(lambda index: index.data(KIND_ROLE) == "poll")
    assert "timeout" in tab.details.text()

    # Retry polls at once; a poll that works resolves the open poll error by itself.
    tab.retry()
    qtbot.waitUntil(lambda: open_errors(gui_shop.paths) == [], timeout=10000)
    window.reader.reread()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)

    engine.run_write(
        lambda db: save_error(db, "import", "Import stopped", ref="4", action="Again", now=now)
    ).result(5)
    tab.refresh()
    assert tab.select(lambda index: index.data(KIND_ROLE) == "import")
    window.dismiss_selected()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)
    assert open_errors(gui_shop.paths) == []
    assert tab.area.is_empty and window.tabs.tabText(window.tabs.indexOf(tab)) == "Errors"


def test_health_tab_shows_the_shop_countdown_polling_and_charts(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    window.open_tab("health")
    health = window.health_tab
    qtbot.waitUntil(lambda: health.status.last_poll_ok is True)
    shop = gui_shop.admin("GET", "/sandbox/info")
    assert "Connected" in health.connection.text()
    assert health.auth_left.text().endswith(" h") and "days" in health.auth_left.text()
    assert health.shop is not None and escape(health.shop.name) in health.shop_name.text()
    polling = health.boxes["polling"]
    assert "Working" in polling.state.text() and polling.values["Last poll"].text().endswith("ago")
    assert health.webhook_mode.text() == "Polling only"
    assert "Off" in health.boxes["webhooks"].state.text()
    assert "Polling only" in health.boxes["webhooks"].state.text()
    assert shop  # the sandbox answers its info page

    health.refresh(charts=True)
    bars = health.orders_chart.bars
    db = open_db(gui_shop.paths.database, readonly=True)
    since = int(time.time()) - 29 * 86400 - 86400
    recent = db.execute("SELECT count(*) FROM orders WHERE create_time >= ?", [since]).fetchone()[0]
    db.close()
    shown = sum(bars.at(n) for n in range(bars.count()))
    assert bars.count() == 30 and 0 < shown <= recent
    assert health.calls_chart.calls.count() == 60
    assert max(p.y() for p in health.calls_chart.calls.points()) > 0

    with qtbot.waitSignal(health.reconnectRequested):
        health.reconnect_button.click()


def test_with_every_call_failing_each_service_says_so_and_the_status_bar_the_worst(
    gui_shop, open_window, qtbot
) -> None:
    """The issue's scene: faults at 100 %: no "all is well" anywhere while sync fails."""
    window = open_window(gui_shop.context())
    health, bar = window.health_tab, window.status_bar
    qtbot.waitUntil(
        lambda: (window.reader.reread(), health.services["polling"].level == "ok")[1],
        timeout=10000,
    )
    assert bar.connection.text().startswith("● Connected to")

    inventory = window.inventory_tab
    qtbot.waitUntil(lambda: (inventory.refresh(force=True), inventory.model.rowCount() > 0)[1])
    gui_shop.admin("PUT", "/sandbox/faults", {"api_error_rate": 1.0})
    sku = inventory.model.rows[0]
    engine = window.host.engine
    from app.store.stock import save_manual_stock

    engine.run_write(
        lambda db: save_manual_stock(db, sku.sku_id, on_hand=sku.on_hand + 3, now=int(time.time()))
    ).result(5)
    window.sync_now()
    qtbot.waitUntil(lambda: engine.status.last_poll_ok is False, timeout=60000)
    qtbot.waitUntil(
        lambda: (window.reader.reread(), health.services["pushes"].level == "error")[1],
        timeout=60000,
    )
    assert health.services["polling"].level == "error"
    assert "Failing" in health.boxes["polling"].state.text()
    assert health.boxes["polling"].values["Last error"].text()
    assert "Failing" in health.boxes["pushes"].state.text()
    assert bar.connection.text().startswith("▲ ")
    assert "Failing" in bar.connection.toolTip() or "failing" in bar.connection.text()

    gui_shop.admin("PUT", "/sandbox/faults", {"api_error_rate": 0.0})
    window.sync_now()
    qtbot.waitUntil(lambda: engine.status.last_poll_ok is True, timeout=30000)
    window.inventory_tab.push_now()
    qtbot.waitUntil(
        lambda: (window.reader.reread(), health.services["pushes"].level == "ok")[1],
        timeout=60000,
    )
    qtbot.waitUntil(lambda: bar.connection.text().startswith("● Connected"), timeout=10000)


def test_last_sync_says_when_webhooks_are_live_and_health_names_the_address(qtbot) -> None:
    from app.gui.status_bar import SyncStatusBar
    from app.relay.tunnel import TunnelStatus
    from app.store.shops import ShopRecord
    from app.sync.engine import EngineStatus
    from app.sync.health import webhooks
    from app.sync.webhooks import WebhookHealth

    bar = SyncStatusBar(demo=False)
    qtbot.addWidget(bar)
    now = time.time()
    hooks = WebhookHealth(
        enabled=True,
        tunnel=TunnelStatus("url", "up", "https://hooks.example.com"),
        subscribed_url="https://hooks.example.com",
        probe_ok=True,
        last_delivery_at=now - 5,
        per_minute=1,
    )
    status = EngineStatus(running=True, connected=True, last_poll_at=now, last_poll_ok=True)
    live = webhooks(EngineStatus(webhooks=hooks), {}, now)
    assert live.level == "ok" and live.state == "Live"
    assert dict(live.rows)["Last push"] == "5 s ago · 1 push in the last minute"
    shop = ShopRecord("1", "Golden Hour Goods", "US", "c", "k", "s", None, None, "ok", "", ())
    bar.show_state(status, shop, closing=False, services=[live])
    assert bar.last_sync.text().endswith("· webhooks live")
    assert bar.connection.text() == "● Connected to Golden Hour Goods"
    bar.show_state(status, shop, closing=False, services=[])
    assert "webhooks live" not in bar.last_sync.text()


def test_a_loopback_public_address_is_said_as_this_computer() -> None:
    from app.config import Settings
    from app.gui.health_tab import tunnel_label

    local = Settings(tunnel_mode="url", public_url="http://127.0.0.1:48143")
    assert tunnel_label(local) == "Straight to this computer (the sandbox runs here)"
    own = Settings(tunnel_mode="url", public_url="https://hooks.example.com")
    assert tunnel_label(own) == "Your own public address"
