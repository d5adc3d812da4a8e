"""The main window: eight tabs, menus and shortcuts, and memory; it wires the pieces together."""

from __future__ import annotations

import logging
import time
from functools import cached_property
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import ANY, ANY_ROW, Changes, Kind
from app.gui import formatting as fmt
from app.gui import notice as tabs
from app.gui.assets import app_icon
from app.gui.banner import Banner
from app.gui.bridge import EngineBridge
from app.gui.context import GuiContext
from app.gui.engine_host import EngineHost
from app.gui.heap import hand_back, set_aside_startup
from app.gui.notice import Notice
from app.gui.notifications import Notifier
from app.gui.orders_tab import OrdersTab
from app.gui.reader import Reader
from app.gui.refresh import Refresher
from app.gui.status_bar import SyncStatusBar
from app.gui.tab_builders import tab_builders
from app.gui.tab_holder import LazyTab, LazyTabs
from app.gui.tasks import TaskManager
from app.gui.theme import SYSTEM, apply_theme
from app.gui.window_menus import TAB_ORDER, TAB_TITLES, build_menus
from app.gui.window_settings import SettingsFlow, TabBadges
from app.gui.window_size import restore_or_fit
from app.queries.db import DatabaseTooNew, DatabaseUnreadable
from app.queries.order_list import has_imported

if TYPE_CHECKING:  # each loads when first used: the first paint needs only the Orders tab
    from app.gui.alerts import Alerts
    from app.gui.backup_actions import BackupActions
    from app.gui.cancellations_tab import CancellationsTab
    from app.gui.connect_wizard import ConnectWizard
    from app.gui.errors_tab import ErrorsTab
    from app.gui.health_tab import HealthTab
    from app.gui.import_dialog import ImportDialog
    from app.gui.inventory_tab import InventoryTab
    from app.gui.labels_dialog import LabelsDialog
    from app.gui.money_tab import MoneyTab
    from app.gui.order_actions import OrderActions
    from app.gui.pack_tab import PackTab
    from app.gui.queue_tab import QueueTab
    from app.gui.return_alerts import ReturnAlerts
    from app.gui.returns_tab import ReturnsTab
    from app.gui.settings_tab import SettingsTab
    from app.gui.ship_dialog import ShipDialog
    from app.ops.engine import EngineStatus

log = logging.getLogger(__name__)

#: A shown window starts the engine once its list has painted, or after this long at most.
FIRST_PAINT_WAIT_MS = 3000
#: Tabs with a count in their title (or a state the status bar shows): built, and read, as
#: soon as the engine has opened the data, whether shown or not.
BADGE_TABS = (
    tabs.CANCELLATIONS,
    tabs.RETURNS,
    tabs.INVENTORY,
    tabs.QUEUE,
    tabs.ERRORS,
    tabs.HEALTH,
)


def _stock_moved(changes: Changes) -> bool:
    """Stock itself moved (an edit, a push, a warning, settings), not only orders that name
    SKUs: a hidden inventory re-reads at once then, and at its own pace for orders."""
    return changes.settings or changes.everything or bool(changes.skus and not changes.orders)


class MainWindow(QMainWindow):
    """Wires the engine (through the bridge), the reader and the tabs together.

    Only the Orders tab is built before the first paint; the other tabs are built when
    shown or used (`window.money_tab`...), the badge tabs once the engine has read the data.
    The engine, the alerts and the views' refresh routes start right after the first paint.
    """

    def __init__(
        self,
        context: GuiContext,
        *,
        use_tray: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Shopdesk — demo shop" if context.demo else "Shopdesk")
        self.setWindowIcon(app_icon())
        self.prefs = QSettings(
            str(context.paths.ensure().root / "window.ini"), QSettings.Format.IniFormat
        )
        self.theme = str(self.prefs.value("theme", SYSTEM))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)

        self.tasks = TaskManager(self)
        self.bridge = EngineBridge(self)
        self.host = EngineHost(context, self.bridge, self.tasks, self)
        #: The local server that brings this window up when Shopdesk is started again.
        self.first_instance: QObject | None = None
        self.reader = Reader(context.paths, self)
        self._status: EngineStatus | None = None
        self.auto_import_done = False
        self._cancellations_stale = False
        self._closing = False
        self._started = False

        self._build_tabs()
        self._build_status_bar()
        self.notifier = Notifier(
            self.banner, app_icon(), context.settings, use_tray=use_tray, parent=self
        )
        self.badges = TabBadges(self.tabs, self.lazy.page)
        self.settings_flow = SettingsFlow(self)
        self.actions_by_key: dict[str, QAction] = {}
        build_menus(self)
        self._connect_signals()
        self._restore()
        if self.reader.open_before_engine():  # a known-good file: the list paints at once
            self.orders_tab.refresh()
        self.orders_tab.table.viewport().installEventFilter(self)  # its first paint starts
        QTimer.singleShot(0, self._start_after_paint)

    # --- building -----------------------------------------------------------------------------

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.lazy = LazyTabs(self.tabs, TAB_TITLES, TAB_ORDER, tab_builders(self))
        self.orders_tab = cast(OrdersTab, self.lazy.get(tabs.ORDERS))
        self.banner = Banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    # The tabs other than Orders, built on first use.
    cancellations_tab: LazyTab[CancellationsTab] = LazyTab(tabs.CANCELLATIONS)
    returns_tab: LazyTab[ReturnsTab] = LazyTab(tabs.RETURNS)
    inventory_tab: LazyTab[InventoryTab] = LazyTab(tabs.INVENTORY)
    money_tab: LazyTab[MoneyTab] = LazyTab(tabs.MONEY)
    queue_tab: LazyTab[QueueTab] = LazyTab(tabs.QUEUE)
    errors_tab: LazyTab[ErrorsTab] = LazyTab(tabs.ERRORS)
    health_tab: LazyTab[HealthTab] = LazyTab(tabs.HEALTH)
    pack_tab: LazyTab[PackTab] = LazyTab(tabs.PACK)
    settings_tab: LazyTab[SettingsTab] = LazyTab(tabs.SETTINGS)

    @property
    def tab_widgets(self) -> dict[str, QWidget]:
        """Every tab by key (building the ones not built yet)."""
        return {key: self.lazy.get(key) for key in TAB_ORDER}

    @property
    def status_known(self) -> bool:
        """The engine has reported its status at least once."""
        return self._status is not None

    @property
    def status(self) -> EngineStatus:
        """The engine's last snapshot (an empty one until it reports)."""
        if self._status is None:
            from app.ops.engine import EngineStatus

            self._status = EngineStatus()
        return self._status

    @status.setter
    def status(self, status: EngineStatus) -> None:
        self._status = status

    # Helpers that the first paint does not need, built on first use.
    @cached_property
    def order_actions(self) -> OrderActions:
        from app.gui.order_actions import OrderActions

        actions = OrderActions(self.reader, self.host, self.tasks, self.prefs, self)
        actions.message.connect(self.say)
        actions.changed.connect(self.writes_changed)
        actions.answerRequested.connect(self.answer_request)
        return actions

    @cached_property
    def backups(self) -> BackupActions:
        from app.gui.backup_actions import BackupActions

        return BackupActions(
            self.context,
            self.host,
            self.reader,
            self.tasks,
            lambda text: self.status_bar.showMessage(text, 10000),
            self,
        )

    @cached_property
    def alerts(self) -> Alerts:
        from app.gui.alerts import Alerts

        return Alerts(self.bridge, self.reader, self.notifier, self)

    @cached_property
    def return_alerts(self) -> ReturnAlerts:
        from app.gui.return_alerts import ReturnAlerts

        return ReturnAlerts(self.reader, self.notifier, self)

    @cached_property
    def refresher(self) -> Refresher:
        """Each tab's kinds of change, and how it re-reads."""
        from app.gui.cancellations_tab import CancellationsTab
        from app.gui.errors_tab import ErrorsTab
        from app.gui.health_tab import HealthTab
        from app.gui.inventory_tab import InventoryTab
        from app.gui.money_tab import MoneyTab
        from app.gui.queue_tab import QueueTab
        from app.gui.returns_tab import ReturnsTab

        r, orders, built = Refresher(), self.orders_tab, self.lazy.built
        r.add("orders", orders.REFRESH_ON, lambda _c: orders.refresh())
        r.add("order detail", orders.DETAIL_ON, lambda _c: orders.refresh_detail())
        r.add("cancellations", CancellationsTab.REFRESH_ON, lambda _c: self._cancellations())
        r.add(
            "inventory",
            InventoryTab.REFRESH_ON,
            lambda c: self.inventory_tab.refresh(force=_stock_moved(c)),
        )
        r.add("returns", ReturnsTab.REFRESH_ON, lambda _c: self.returns_tab.refresh())
        r.add("queue", QueueTab.REFRESH_ON, lambda _c: self.queue_tab.refresh())
        r.add("errors", ErrorsTab.REFRESH_ON, lambda _c: self.errors_tab.refresh())
        r.add("health", HealthTab.REFRESH_ON, lambda _c: self.health_tab.refresh())
        # Money has no badge: a tab not built yet reads when it is built.
        r.add(
            "money",
            MoneyTab.REFRESH_ON,
            lambda _c: self.money_tab.refresh() if built(tabs.MONEY) else None,
        )
        r.add("status bar", {Kind.SHOP, Kind.CONNECTION}, lambda _c: self._show_sync_state())
        r.add("settings", {Kind.SHOP}, lambda _c: self.show_shop_in_settings())
        return r

    def _build_status_bar(self) -> None:
        self.status_bar = SyncStatusBar(demo=self.context.demo)
        self.setStatusBar(self.status_bar)

    def say(self, text: str) -> None:
        """A line for the status bar."""
        self.status_bar.showMessage(text, 8000)

    def _connect_signals(self) -> None:
        self.host.ready.connect(self._engine_ready)
        self.host.failed.connect(self._engine_failed)
        self.bridge.changed.connect(self.reader.apply)
        self.bridge.statusChanged.connect(self._status_changed)
        self.bridge.progress.connect(self.status_bar.show_progress)
        self.reader.listReady.connect(self.orders_tab.refresh)
        self.tasks.failed.connect(self.say)

        self.orders_tab.importRequested.connect(self.open_import_dialog)
        self.orders_tab.shipRequested.connect(self.ship_orders)
        self.orders_tab.labelsRequested.connect(self.open_labels)
        self.orders_tab.cancelRequested.connect(
            lambda order_id, reason: self.order_actions.seller_cancel(order_id, reason)
        )
        self.orders_tab.settingsRequested.connect(lambda: self.open_tab(tabs.SETTINGS))
        self.notifier.activated.connect(self.open_notice)
        self.notifier.trayClicked.connect(self.bring_to_front)

    # --- after the first paint ----------------------------------------------------------------

    def _start_after_paint(self) -> None:
        """Start at once, unless the window shows its list: then right after it painted."""
        if (
            not self.isVisible()
            or self.reader.connection is None
            or self.current_tab() != tabs.ORDERS
        ):
            self._start()
        elif not self._started:
            QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._start)  # never painted: start anyway

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The Orders list painted: the engine and the rest start in the next slice."""
        if event.type() == QEvent.Type.Paint and not self._started:
            QTimer.singleShot(0, self._start)
        return super().eventFilter(watched, event)

    def _start(self) -> None:
        """What the first paint does not need: alerts, the views' refresh routes, the engine."""
        if self._started or self._closing:
            return
        self._started = True
        self.orders_tab.table.viewport().removeEventFilter(self)
        # The engine's modules load on its worker meanwhile; it reports nothing before this
        # slice ends, so the listeners below hear its first report.
        self.host.start()
        _ = self.alerts, self.return_alerts  # built now: they hear the engine's first report
        self.reader.changed.connect(self.refresher.apply)

    # --- engine and reader ----------------------------------------------------------------------

    def _engine_ready(self) -> None:
        try:
            opened = self.reader.open()
        except (DatabaseTooNew, DatabaseUnreadable) as exc:
            QMessageBox.critical(self, "Shopdesk cannot open its data", str(exc))
            return
        if opened:
            self._refresh_all()
        self._status_changed(self.host.engine.status if self.host.engine else self.status)
        self.alerts.check_authorization()
        self._maybe_auto_import()
        set_aside_startup()  # the window and engine are built: later full collections are short

    def _engine_failed(self, message: str) -> None:
        self.orders_tab.set_connected(False)
        self.inventory_tab.starting = False
        self.status_bar.connection.setText("Sync engine stopped")
        self.notifier.notify(
            Notice("Shopdesk cannot sync", message, "sync", tabs.HEALTH, "engine", "error")
        )

    def _maybe_auto_import(self) -> None:
        """The demo imports its history by itself, once: when no import has run yet."""
        engine, days = self.host.engine, self.context.auto_import_days
        if self.auto_import_done or engine is None or not days or not engine.status.connected:
            return
        self.auto_import_done = True
        # Asked of the import jobs, not of the list: the first poll or a webhook may have
        # brought the last hours' orders before this runs, and the history is still missing.
        connection = self.reader.connection
        if connection is not None and has_imported(connection):
            return
        from app.ops.imports import default_range

        start, end = default_range(time.time(), days)
        self.tasks.watch(
            engine.import_orders(start, end),
            lambda result: self.status_bar.showMessage(
                f"Imported {fmt.count(result.fetched, 'order')}.", 8000
            ),
            lambda error: self.status_bar.showMessage(f"Import stopped: {error}", 8000),
            owner=self,
        )

    def _refresh_all(self) -> None:
        """The data is open: every view with a badge or a state to show reads (a tab built
        now reads as it is built)."""
        self.orders_tab.refresh()
        for key in BADGE_TABS:
            self.lazy.read(key)
        self.show_shop_in_settings()

    def _cancellations(self) -> None:
        """While an import runs, a hidden Cancellations tab re-reads once it ends (or when
        opened): every page of orders would otherwise re-read it on the GUI thread."""
        tab = self.cancellations_tab
        self._cancellations_stale = self.status.importing and not tab.isVisible()
        if not self._cancellations_stale:
            tab.refresh()

    def show_shop_in_settings(self, tab: SettingsTab | None = None) -> None:
        """The Settings tab names the connected shop (once it is built)."""
        if tab is None and not self.lazy.built(tabs.SETTINGS):
            return
        from app.queries.shop import fetch_current_shop

        db = self.reader.db
        (tab or self.settings_tab).set_shop(None if db is None else fetch_current_shop(db))

    def writes_changed(self, _order_ids: object = None) -> None:
        """A shipment or an answer was queued: the views that show queued writes re-read."""
        self.refresher.apply(Changes.of(outbox=[ANY_ROW], cancellations=[ANY]))

    def _status_changed(self, status: EngineStatus) -> None:
        self.status = status
        self.reader.set_busy(status.importing)
        self.refresher.spread = status.importing  # one view per slice while importing
        self.health_tab.set_status(status)
        # Until the engine has opened the shop (or said why it cannot), the lists are opening,
        # not empty: a snapshot from before that must not flash "No shop connected yet".
        if self._cancellations_stale and not status.importing:
            self._cancellations()
        if status.running or status.connected or status.reconnect_reason:
            self.orders_tab.set_connected(status.connected, importing=status.importing)
            self.inventory_tab.starting = False
        self._show_sync_state()
        if status.connected:
            self._maybe_auto_import()

    def _show_sync_state(self) -> None:
        from app.queries.shop import fetch_current_shop

        db = self.reader.db
        shop = None if db is None else fetch_current_shop(db)
        self.status_bar.show_state(
            self.status,
            shop,
            closing=self._closing,
            services=list(self.health_tab.services.values()),
        )

    def open_notice(self, notice: Notice) -> None:
        """A notification was clicked: its tab, and its row when it names one."""
        from app.gui.deadline_alerts import QUEUE_REF

        self.bring_to_front()
        self.open_tab(notice.tab)
        if notice.tab == tabs.ORDERS and notice.ref.startswith(QUEUE_REF):
            self.orders_tab.select_queue(notice.ref.removeprefix(QUEUE_REF))
        elif notice.tab == tabs.ORDERS and notice.ref:
            self.orders_tab.show_order(notice.ref)
        elif notice.tab == tabs.ERRORS and notice.ref:
            self.errors_tab.show_kind(notice.ref)
        elif notice.tab == tabs.INVENTORY and notice.ref:
            self.inventory_tab.show_sku(notice.ref)
        elif notice.tab == tabs.CANCELLATIONS and notice.ref:
            self.cancellations_tab.refresh()
            self.cancellations_tab.show_request(notice.ref)
        elif notice.tab == tabs.RETURNS and notice.ref:
            self.returns_tab.refresh()
            self.returns_tab.show_return(notice.ref)

    # --- commands -------------------------------------------------------------------------------

    def open_tab(self, key: str) -> None:
        """Show one tab (built first, if it is the first time)."""
        self.tabs.setCurrentWidget(self.lazy.get(key))

    def current_tab(self) -> str:
        """The key of the tab shown."""
        return self.lazy.key_of(self.tabs.currentWidget())

    def find_orders(self) -> None:
        """Ctrl+F: the Orders search box."""
        self.open_tab(tabs.ORDERS)
        self.orders_tab.focus_search()

    def show_order(self, order_id: str) -> None:
        """Open an order in the Orders tab."""
        self.open_tab(tabs.ORDERS)
        if not self.orders_tab.show_order(order_id):
            self.status_bar.showMessage(f"Order {order_id} is not stored yet.", 6000)

    def ship_selected(self) -> None:
        """Ctrl+Shift+S: the ship dialog for the orders selected in the Orders tab."""
        if self.current_tab() != tabs.ORDERS:
            self.open_tab(tabs.ORDERS)
        self.orders_tab.ship_selected()

    def open_labels(self, order_ids: list[str]) -> LabelsDialog:
        """Labels and pick list for these orders (none chosen: every TikTok order to ship)."""
        from app.gui.labels_dialog import LabelsDialog

        dialog = LabelsDialog(
            self.reader,
            self.host,
            self.tasks,
            self.prefs,
            self.context.paths,
            list(order_ids),
            default_parcel=self.context.settings.default_parcel,
            parent=self,
        )
        dialog.message.connect(lambda text: self.status_bar.showMessage(text, 8000))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def ship_orders(self, order_ids: list[str]) -> ShipDialog | None:
        """The ship dialog for these orders (one or many)."""
        return self.order_actions.ship(order_ids)

    def answer_request(self, order_id: str) -> None:
        """The ship dialog found a buyer's cancellation request: open it to be answered."""
        self.open_tab(tabs.CANCELLATIONS)
        self.cancellations_tab.refresh()
        if not self.cancellations_tab.show_order_request(order_id):
            self.status_bar.showMessage(f"No open request for order {order_id}.", 6000)

    def ship_from_csv(self, path: str | None = None) -> None:
        """File > Ship from CSV: check the whole file, then ship it."""
        self.order_actions.ship_csv(path)

    def sync_now(self) -> None:
        """F5: poll now."""
        engine = self.host.engine
        if engine is None:
            self.status_bar.showMessage("The sync engine is starting…", 4000)
            return
        self.status_bar.showMessage("Syncing…", 3000)
        self.tasks.watch(
            engine.sync_now(),
            lambda _result: None,  # what it brought in arrives as changes
            lambda error: self.status_bar.showMessage(f"Sync failed: {error}", 8000),
            owner=self,
        )

    def retry_selected(self) -> None:
        """Ctrl+R on the Errors or Sync queue tab."""
        if self.current_tab() == tabs.ERRORS:
            self.errors_tab.retry()
        elif self.current_tab() == tabs.QUEUE:
            self.queue_tab.retry()

    def dismiss_selected(self) -> None:
        """Del on the Errors or Sync queue tab."""
        if self.current_tab() == tabs.ERRORS:
            self.errors_tab.dismiss()
        elif self.current_tab() == tabs.QUEUE:
            self.queue_tab.drop()

    def open_import_dialog(self) -> ImportDialog:
        """Ctrl+I: the import dialog (modeless: the window stays usable)."""
        from app.gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.host, self.bridge, self.tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.import_dialog = dialog
        return dialog

    def open_connect_wizard(self) -> ConnectWizard:
        """Connect, reconnect or switch the shop."""
        from app.gui.connect_wizard import ConnectWizard

        self.open_tab(tabs.SETTINGS)
        wizard = ConnectWizard(self.context, self.tasks, self, host=self.host)
        wizard.connected.connect(lambda _result: self.settings_flow.connected(wizard.settings))
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.show()
        self.connect_wizard = wizard
        return wizard

    def set_theme(self, choice: str) -> None:
        """Light, dark or the system's; remembered for next time."""
        self.theme = choice
        self.prefs.setValue("theme", choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)
        if self.lazy.built(tabs.HEALTH):
            self.health_tab.calls_chart.restyle()
            self.health_tab.orders_chart.restyle()
            self.health_tab.refresh()
        self.banner.restyle()
        self.orders_tab.refresh()
        if self.lazy.built(tabs.CANCELLATIONS):
            self.badges.urgent(self.cancellations_tab.urgent)

    def show_shortcuts(self) -> None:
        """F1."""
        from app.gui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def bring_to_front(self) -> None:
        """Show and raise the window (from the tray)."""
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()

    # --- memory ---------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.prefs.value("window/geometry")
        restore_or_fit(self, geometry if isinstance(geometry, QByteArray) else None)
        tab = str(self.prefs.value("window/tab", tabs.ORDERS))
        if tab in TAB_TITLES:
            self.open_tab(tab)
        splitter = self.prefs.value("orders/splitter")
        if isinstance(splitter, QByteArray):
            self.orders_tab.splitter.restoreState(splitter)
        else:
            self.orders_tab.splitter.setSizes([470, 230])
        header = self.prefs.value("orders/header")
        if isinstance(header, QByteArray):
            self.orders_tab.restore_header(header)

    def save_prefs(self) -> None:
        """Window size, tab and splitter, in the data folder (not the user's global config)."""
        self.prefs.setValue("window/geometry", self.saveGeometry())
        self.prefs.setValue("window/tab", self.current_tab())
        self.prefs.setValue("orders/splitter", self.orders_tab.splitter.saveState())
        self.prefs.setValue("orders/header", self.orders_tab.table.horizontalHeader().saveState())
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the window, then stop the engine (it lets the page being read commit)."""
        if not self._closing:
            self._closing = True
            self.save_prefs()
            self.hide()
            if self.notifier.tray is not None:
                self.notifier.tray.hide()
            self.host.stop()
            self.tasks.shutdown()
            self.reader.close()
            hand_back()
        event.accept()
