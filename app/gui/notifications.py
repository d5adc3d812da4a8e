"""Desktop notifications: tray messages (or the in-window banner), batched and de-duplicated."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.config import Settings
from app.gui import formatting as fmt
from app.gui.banner import Banner, is_warning
from app.gui.notice import CATEGORY_SETTINGS, ORDERS, Notice

#: New orders arriving within this window become one notification.
BATCH_MS = 4000
#: The same problem (category and ref) is not announced again within this time.
REPEAT_SECONDS = 600.0
MESSAGE_MS = 8000
#: The last notices kept (the self-test and tests read them).
KEEP_SENT = 50


class Notifier(QObject):
    """Sends notices to the tray, or to the banner when the desktop has no tray."""

    #: The notice the creator clicked: the window opens its tab and row.
    activated = Signal(object)
    #: The tray icon itself was clicked: bring the window forward.
    trayClicked = Signal()

    def __init__(
        self,
        banner: Banner,
        icon: QIcon,
        settings: Settings,
        *,
        describe_order: Callable[[str], str] = lambda _id: "",
        use_tray: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.banner = banner
        self.settings = settings
        self.describe_order = describe_order
        self.sent: list[Notice] = []
        self._last: Notice | None = None
        self._recent: dict[tuple[str, str], float] = {}
        self._new_orders: list[tuple[str, int]] = []
        #: New orders the banner's row counts until it is opened or dismissed.
        self.unseen_orders: list[tuple[str, int]] = []
        self._batch = QTimer(self, singleShot=True, interval=BATCH_MS)
        self._batch.timeout.connect(self._flush_orders)
        tray = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        self.tray: QSystemTrayIcon | None = None
        if tray:
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Shopdesk")
            self.tray.messageClicked.connect(self._message_clicked)
            self.tray.activated.connect(lambda _reason: self.trayClicked.emit())
            self.tray.show()
        banner.activated.connect(self.activated)
        banner.closed.connect(self._banner_closed)

    def set_menu(self, menu: QMenu) -> None:
        """The tray icon's menu (Show, Sync now, Quit)."""
        if self.tray is not None:
            self.tray.setContextMenu(menu)

    def enabled(self, category: str) -> bool:
        """Whether the creator wants this kind of notification."""
        return bool(getattr(self.settings, CATEGORY_SETTINGS.get(category, ""), True))

    def notify(self, notice: Notice, *, once_per: float = 0.0) -> bool:
        """Show a notice; with `once_per`, the same category and ref stay quiet that long."""
        if not self.enabled(notice.category):
            return False
        key, now = (notice.category, notice.ref), time.monotonic()
        if once_per and now - self._recent.get(key, -once_per) < once_per:
            return False
        self._recent[key] = now
        self.sent = [*self.sent[-(KEEP_SENT - 1) :], notice]
        self._last = notice
        if self.tray is not None:
            icon = {
                "error": QSystemTrayIcon.MessageIcon.Critical,
                "warning": QSystemTrayIcon.MessageIcon.Warning,
            }.get(notice.level, QSystemTrayIcon.MessageIcon.Information)
            self.tray.showMessage(notice.title, notice.text, icon, MESSAGE_MS)
        if self.tray is None or is_warning(notice):  # a warning outlives the tray bubble
            self.banner.show_notice(notice)
        return True

    def forget(self, category: str, ref: str = "") -> None:
        """The problem is gone: announce it again if it comes back."""
        self._recent.pop((category, ref), None)

    def _banner_closed(self, key: str) -> None:
        if key == "orders":
            self.unseen_orders = []

    def _message_clicked(self) -> None:
        if self._last is not None:
            self.activated.emit(self._last)

    # --- new orders, batched ----------------------------------------------------------------

    def new_orders(self, orders: list[tuple[str, int]]) -> None:
        """Orders seen for the first time: (id, create_time); one notice per batch window."""
        if not orders or not self.enabled("orders"):
            return
        self._new_orders.extend(orders)
        if not self._batch.isActive():
            self._batch.start()

    def _flush_orders(self) -> None:
        batch, self._new_orders = self._new_orders, []
        if not batch:
            return
        # The banner's row adds up until it is opened; a tray bubble tells each batch.
        orders = [*self.unseen_orders, *batch] if self.tray is None else batch
        self.unseen_orders = orders if self.tray is None else []
        newest = max(orders, key=lambda o: (o[1], o[0]))[0]
        summary = self.describe_order(newest)
        text = f"Newest: {summary}" if summary else "Open Shopdesk to see them."
        self.notify(
            Notice(
                title=fmt.count(len(orders), "new order"),
                text=text,
                category="orders",
                tab=ORDERS,
                ref=newest,
            )
        )
