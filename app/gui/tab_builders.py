"""How each tab of the window is built and wired, the first time it is shown or used (the
window paints its Orders tab without building, or importing, the others)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.gui import notice as tabs
from app.gui.orders_tab import OrdersTab

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


def tab_builders(w: MainWindow) -> dict[str, Callable[[], QWidget]]:
    """One builder per tab key; each imports its tab's module when it runs."""
    return {
        tabs.ORDERS: lambda: OrdersTab(w.reader),
        tabs.CANCELLATIONS: lambda: _cancellations(w),
        tabs.RETURNS: lambda: _returns(w),
        tabs.INVENTORY: lambda: _inventory(w),
        tabs.MONEY: lambda: _money(w),
        tabs.QUEUE: lambda: _queue(w),
        tabs.ERRORS: lambda: _errors(w),
        tabs.HEALTH: lambda: _health(w),
        tabs.PACK: lambda: _pack(w),
        tabs.SETTINGS: lambda: _settings(w),
    }


def _cancellations(w: MainWindow) -> QWidget:
    from app.gui.cancellations_tab import CancellationsTab

    tab = CancellationsTab(w.reader, w.host, w.tasks)
    tab.countChanged.connect(lambda n: w.badges.count(tabs.CANCELLATIONS, n))
    tab.urgentChanged.connect(w.badges.urgent)
    tab.message.connect(w.say)
    tab.orderRequested.connect(w.show_order)
    tab.answered.connect(w.writes_changed)
    tab.shipRequested.connect(w.ship_orders)
    _told_before_connect(w, tabs.CANCELLATIONS, len(tab.model.to_answer()))
    if tab.urgent:
        w.badges.urgent(True)
    return tab


def _returns(w: MainWindow) -> QWidget:
    from app.gui.returns_tab import ReturnsTab

    tab = ReturnsTab(w.reader, w.host, w.tasks)
    tab.countChanged.connect(lambda n: w.badges.count(tabs.RETURNS, n))
    tab.message.connect(w.say)
    tab.orderRequested.connect(w.show_order)
    _told_before_connect(w, tabs.RETURNS, len(tab.model.to_answer()))
    return tab


def _inventory(w: MainWindow) -> QWidget:
    from app.gui.inventory_tab import InventoryTab

    tab = InventoryTab(w.reader, w.host, w.tasks, w.context.settings)
    tab.countChanged.connect(lambda n: w.badges.count(tabs.INVENTORY, n))
    tab.message.connect(w.say)
    return tab


def _money(w: MainWindow) -> QWidget:
    from app.gui.money_tab import MoneyTab

    return MoneyTab(w.reader)


def _queue(w: MainWindow) -> QWidget:
    from app.gui.queue_tab import QueueTab

    tab = QueueTab(w.reader, w.host, w.tasks)
    tab.countChanged.connect(lambda n: w.badges.count(tabs.QUEUE, n))
    tab.message.connect(w.say)
    tab.refresh()  # its first count was told before anyone listened
    return tab


def _errors(w: MainWindow) -> QWidget:
    from app.gui.errors_tab import ErrorsTab

    tab = ErrorsTab(w.reader, w.host, w.tasks)
    tab.countChanged.connect(lambda n: w.badges.count(tabs.ERRORS, n))
    tab.message.connect(w.say)
    _told_before_connect(w, tabs.ERRORS, tab.model.rowCount())
    return tab


def _health(w: MainWindow) -> QWidget:
    from app.gui.health_tab import HealthTab

    tab = HealthTab(w.reader, w.context.settings)
    tab.reconnectRequested.connect(w.open_connect_wizard)
    tab.syncRequested.connect(w.sync_now)
    if w.status_known:
        tab.set_status(w.status)
    return tab


def _pack(w: MainWindow) -> QWidget:
    from app.gui.pack_tab import PackTab

    tab = PackTab(w.reader, w.host, w.tasks, w.prefs)
    tab.message.connect(w.say)
    return tab


def _settings(w: MainWindow) -> QWidget:
    from app.gui.settings_tab import SettingsTab

    tab = SettingsTab(w.context.settings, w.theme)
    tab.connectRequested.connect(w.open_connect_wizard)
    tab.saveRequested.connect(w.settings_flow.save)
    tab.themeChosen.connect(w.set_theme)
    w.show_shop_in_settings(tab)
    return tab


def _told_before_connect(w: MainWindow, key: str, count: int) -> None:
    """A tab counts in its constructor, before the badge listens: show that count."""
    if count > 0:
        w.badges.count(key, count)
