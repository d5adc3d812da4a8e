"""The order list before the engine has started, and its queue counts while an import runs."""

from __future__ import annotations

from app.gui import orders_model
from app.gui.engine_host import EngineHost
from app.gui.main_window import MainWindow
from app.store.db import open_db
from app.store.order_queries import fetch_queue_counts


def test_a_known_good_file_lists_its_orders_before_the_engine_has_started(
    gui_shop, open_window, qtbot
) -> None:
    first = open_window(gui_shop.context())  # the engine's first poll stores the orders
    stored = first.orders_tab.model.rowCount()
    assert stored > 0
    first.close()
    qtbot.waitUntil(lambda: first.host.engine is None, timeout=15000)
    open_db(gui_shop.paths.database).close()  # closed whole: checked, unchanged since

    window = MainWindow(gui_shop.context(), use_tray=False)
    qtbot.addWidget(window)
    assert window.host.engine is None  # still to start
    assert window.orders_tab.model.rowCount() == stored
    assert window.orders_tab.queues.counts["all"] == stored
    with qtbot.waitSignal(window.host.ready, timeout=15000):
        window.show()
    window.close()


def test_a_file_changed_since_its_check_waits_for_the_engine(gui_shop, qtbot) -> None:
    db = open_db(gui_shop.paths.database)
    db.close()
    gui_shop.paths.database.touch()  # changed after its check: not trusted
    window = MainWindow(gui_shop.context(), use_tray=False)
    qtbot.addWidget(window)
    assert window.reader.db is None
    with qtbot.waitSignal(window.host.ready, timeout=15000):
        window.show()
    assert window.reader.db is not None
    window.close()


def test_during_an_import_a_large_shops_counts_arrive_from_a_worker(
    gui_shop, open_window, qtbot, monkeypatch
) -> None:
    window = open_window(gui_shop.context())
    tab = window.orders_tab
    assert window.reader.db is not None
    truth = fetch_queue_counts(window.reader.db)
    monkeypatch.setattr(orders_model, "OFF_THREAD_FROM", 1)  # this shop counts as large
    tab.queues.counts = {**truth, "to_ship": truth["to_ship"] + 7}  # what an old read said
    tab.importing = True
    tab.refresh()
    assert tab.queues.counts["to_ship"] == truth["to_ship"] + 7  # not read on this thread
    qtbot.waitUntil(lambda: tab.queues.counts == truth, timeout=5000)


def test_a_file_from_a_newer_version_is_left_to_the_engine_to_refuse(
    gui_shop, qtbot, monkeypatch
) -> None:
    db = open_db(gui_shop.paths.database)
    db["_sqlite_migrations"].insert(
        {"migration_set": "shopdesk", "name": "9999_future", "applied_at": "x"}
    )
    db.close()  # closed whole: checked and unchanged, but too new for this version
    monkeypatch.setattr(EngineHost, "start", lambda self: None)  # only the window's own start
    window = MainWindow(gui_shop.context(), use_tray=False)
    qtbot.addWidget(window)
    assert window.reader.db is None  # built without reading it; the engine says why
    assert window.orders_tab.model.rowCount() == 0
