"""Start-up: the Orders list paints before the other tabs are built or the engine starts, a
hidden tab is built (with its content) when opened, and the first paint loads no dialogs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from app.gui import notice as tabs
from app.gui.main_window import BADGE_TABS, MainWindow
from app.gui.shortcuts import KEYS
from app.gui.window_menus import TAB_ORDER
from app.queries.shop import fetch_current_shop
from app.store.db import open_db

ROOT = Path(__file__).resolve().parents[2]


def run_child(code: str, *args: str, **env: str) -> dict[str, Any]:
    """`code` in a fresh offscreen interpreter (the project importable): its last line, JSON."""
    child = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    seen: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return seen


class FirstPaint(QObject):
    """What the window had at the Orders list's first paint."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.seen: dict[str, object] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            w = self.window
            self.seen = {
                "rows": w.orders_tab.model.rowCount(),
                "built": [k for k in TAB_ORDER if w.lazy.built(k)],
                "engine": w.host.engine,
            }
        return False


def _stored_shop(gui_shop, open_window, qtbot) -> int:
    """The shop's orders stored by a first window, closed whole (a known-good file)."""
    first = open_window(gui_shop.context())
    stored = first.orders_tab.model.rowCount()
    assert stored > 0
    first.close()
    qtbot.waitUntil(lambda: first.host.engine is None, timeout=15000)
    open_db(gui_shop.paths.database).close()
    return stored


def test_the_orders_list_paints_first_and_a_hidden_tab_is_built_when_opened(
    gui_shop, open_window, qtbot
) -> None:
    stored = _stored_shop(gui_shop, open_window, qtbot)
    window = MainWindow(gui_shop.context(), use_tray=False)
    qtbot.addWidget(window)
    watch = FirstPaint(window)
    window.orders_tab.table.viewport().installEventFilter(watch)
    window.show()
    qtbot.waitUntil(lambda: bool(watch.seen), timeout=15000)
    assert watch.seen == {"rows": stored, "built": [tabs.ORDERS], "engine": None}

    # Once the engine has opened the data, the tabs with a count in their title are read.
    qtbot.waitUntil(lambda: all(window.lazy.built(k) for k in BADGE_TABS), timeout=15000)
    assert not window.lazy.built(tabs.SETTINGS) and not window.lazy.built(tabs.MONEY)

    bar = window.tabs.tabBar()
    index = TAB_ORDER.index(tabs.SETTINGS)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.current_tab() == tabs.SETTINGS
    settings = window.settings_tab
    assert window.tabs.currentWidget() is settings and settings.isVisible()
    assert window.tabs.tabText(index) == "Settings"
    assert window.reader.db is not None
    shop = fetch_current_shop(window.reader.db)
    assert shop is not None and f"<b>{escape(shop.name)}</b>" in settings.shop_label.text()

    QTest.keySequence(window, QKeySequence(KEYS["tab_money"]))
    assert window.current_tab() == tabs.MONEY and window.money_tab.isVisible()
    window.close()


def test_a_hidden_badge_tab_counts_before_it_is_opened(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    shown = window.current_tab()
    assert shown == tabs.ORDERS
    waiting = len(window.cancellations_tab.model.to_answer())
    index = TAB_ORDER.index(tabs.CANCELLATIONS)
    title = window.tabs.tabText(index)
    assert title == (f"Cancellations ({waiting})" if waiting else "Cancellations")
    assert window.current_tab() == tabs.ORDERS  # counted without being opened


CHILD = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QEvent, QObject
from app.config import Paths, load_settings
from app.gui.app import application
from app.gui.context import GuiContext
from app.gui.main_window import MainWindow
from app.gui.self_test import wait_until
from app.secrets import SecretStore

paths = Paths(Path(sys.argv[1]))
application()
window = MainWindow(GuiContext(paths, SecretStore.in_memory(), load_settings(paths)))
seen = {}

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen["rows"] = window.orders_tab.model.rowCount()
            seen["modules"] = sorted(sys.modules)
        return False

watch = Watch()
window.orders_tab.table.viewport().installEventFilter(watch)
window.show()
wait_until(lambda: bool(seen), 30)
print(json.dumps(seen))
sys.stdout.flush()
os._exit(0)
"""

#: What the first paint must not wait for: dialogs, PDF and label printing, charts, the
#: sync engine and its HTTP client.
NOT_AT_FIRST_PAINT = (
    "app.gui.ship_dialog",
    "app.gui.labels_dialog",
    "app.gui.label_printing",
    "app.gui.import_dialog",
    "app.gui.connect_wizard",
    "app.gui.reject_dialog",
    "app.gui.charts",
    "app.gui.money_tab",
    "reportlab",
    "pypdf",
    "app.sync.engine",
    "app.sync.fulfillment",
    "httpx",
)


def test_the_first_paint_loads_no_dialog_pdf_or_engine_module(gui_shop, open_window, qtbot) -> None:
    stored = _stored_shop(gui_shop, open_window, qtbot)
    seen = run_child(CHILD, str(gui_shop.paths.root))
    assert seen["rows"] == stored  # the list itself was painted
    loaded = set(seen["modules"])
    assert [m for m in NOT_AT_FIRST_PAINT if m in loaded] == []
