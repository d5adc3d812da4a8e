"""The window's menus and the tray menu: each command once, with its shortcut from `KEYS`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from app.gui import notice as tabs
from app.gui.shortcuts import KEYS

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

TAB_ORDER = (
    tabs.ORDERS,
    tabs.CANCELLATIONS,
    tabs.RETURNS,
    tabs.INVENTORY,
    tabs.MONEY,
    tabs.QUEUE,
    tabs.ERRORS,
    tabs.HEALTH,
    tabs.PACK,
    tabs.SETTINGS,
)
TAB_TITLES = {
    tabs.ORDERS: "Orders",
    tabs.CANCELLATIONS: "Cancellations",
    tabs.RETURNS: "Returns",
    tabs.INVENTORY: "Inventory",
    tabs.MONEY: "Money",
    tabs.QUEUE: "Sync queue",
    tabs.ERRORS: "Errors",
    tabs.HEALTH: "Health",
    tabs.PACK: "Pack",
    tabs.SETTINGS: "Settings",
}


def _action(w: MainWindow, key: str, text: str, slot: object, menu: QMenu) -> QAction:
    action = QAction(text, w)
    if key in KEYS:
        action.setShortcut(QKeySequence(KEYS[key]))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    w.actions_by_key[key] = action
    return action


def build_menus(w: MainWindow) -> None:
    """The menu bar and the tray menu; every action also in `w.actions_by_key`."""
    menus = w.menuBar()
    file_menu = menus.addMenu("&File")
    _action(w, "import", "Import orders…", w.open_import_dialog, file_menu)
    _action(w, "ship_csv", "Ship from CSV…", lambda: w.ship_from_csv(), file_menu)
    _action(
        w, "export_orders", "Export orders…", lambda: w.order_actions.export_orders(), file_menu
    )
    file_menu.addSeparator()
    _action(
        w, "import_stock", "Import stock counts…", lambda: w.inventory_tab.import_csv(), file_menu
    )
    _action(w, "export_stock", "Export stock…", lambda: w.inventory_tab.export_csv(), file_menu)
    file_menu.addSeparator()
    _action(w, "backup", "Back up now", lambda: w.backups.back_up_now(), file_menu)
    _action(w, "restore", "Restore…", lambda: w.backups.restore(), file_menu)
    file_menu.addSeparator()
    _action(w, "quit", "Quit", w.close, file_menu)

    view_menu = menus.addMenu("&View")
    for key in TAB_ORDER:
        _action(
            w,
            f"tab_{key}",
            TAB_TITLES[key],
            lambda _c=False, k=key: w.open_tab(k),
            view_menu,
        )
    view_menu.addSeparator()
    _action(w, "find", "Search orders", w.find_orders, view_menu)

    orders_menu = menus.addMenu("&Orders")
    _action(w, "ship", "Ship selected orders…", w.ship_selected, orders_menu)
    _action(
        w,
        "labels",
        "Labels and pick list…",
        lambda: w.open_labels(w.orders_tab.selected_order_ids()),
        orders_menu,
    )
    cancel_menu = orders_menu.addMenu("Cancel order")
    cancel_menu.aboutToShow.connect(lambda: w.orders_tab.fill_cancel_menu(cancel_menu))
    orders_menu.addSeparator()
    orders_menu.addAction("Answer cancellation requests", lambda: w.open_tab(tabs.CANCELLATIONS))

    sync_menu = menus.addMenu("&Sync")
    _action(w, "sync", "Sync now", w.sync_now, sync_menu)
    _action(w, "push", "Push stock now", lambda: w.inventory_tab.push_now(), sync_menu)
    _action(w, "retry", "Retry selected", w.retry_selected, sync_menu)
    _action(w, "dismiss", "Dismiss or drop selected", w.dismiss_selected, sync_menu)
    _action(w, "save", "Save settings", lambda: w.settings_tab.save(), sync_menu)

    help_menu = menus.addMenu("&Help")
    _action(w, "help", "Keyboard shortcuts", w.show_shortcuts, help_menu)
    help_menu.addAction("About Shopdesk", lambda: show_about(w))

    tray_menu = QMenu(w)
    tray_menu.addAction("Show Shopdesk", w.bring_to_front)
    tray_menu.addAction("Sync now", w.sync_now)
    tray_menu.addSeparator()
    tray_menu.addAction("Quit", w.close)
    w.notifier.set_menu(tray_menu)


def show_about(w: MainWindow) -> None:
    """Help > About: the version and the data folder."""
    from app import __version__

    QMessageBox.about(
        w,
        "About Shopdesk",
        f"<b>Shopdesk {__version__}</b><br>Your TikTok Shop's orders, products and stock, "
        f"in sync on your computer.<br><br>Data folder: {w.context.paths.root}",
    )
