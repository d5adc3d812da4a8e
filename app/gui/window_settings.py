"""What the window does with settings (save, then restart the engine if it needs them), a
newly connected shop, and the tabs' count badges."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTabWidget, QWidget

from app.config import Settings, save_settings
from app.gui.notice import CANCELLATIONS
from app.gui.theme import colors
from app.gui.window_menus import TAB_TITLES

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

#: Settings only the GUI reads: changing them needs no engine restart.
GUI_ONLY = frozenset(
    {
        "notify_new_orders",
        "notify_stock",
        "notify_sync_failures",
        "notify_authorization",
        "notify_cancellations",
        "notify_returns",
    }
)


class SettingsFlow(QObject):
    """Saving settings off the GUI thread, and taking in a connected shop."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    def save(self, settings: Settings) -> None:
        """Write settings off the GUI thread, then restart the engine when it needs them."""
        w = self.w
        before, paths = w.context.settings, w.context.paths
        w.tasks.watch(
            w.tasks.run_blocking(lambda: save_settings(paths, settings)),
            lambda _none: self._saved(before, settings),
            lambda error: w.status_bar.showMessage(f"Settings not saved: {error}", 8000),
            owner=self,
        )

    def _saved(self, before: Settings, settings: Settings) -> None:
        w = self.w
        w.settings_tab.saved(settings)
        w.health_tab.set_settings(settings)
        w.inventory_tab.set_settings(settings)
        w.notifier.settings = settings
        engine_fields = set(Settings.model_fields) - GUI_ONLY
        if any(getattr(before, f) != getattr(settings, f) for f in engine_fields):
            w.host.restart(settings)
        else:
            w.context.settings = settings

    def connected(self, settings: Settings) -> None:
        """A shop was connected: the engine restarts on it with the wizard's settings."""
        w = self.w
        w.settings_tab.load(settings)
        w.health_tab.set_settings(settings)
        w.notifier.settings = settings
        w.auto_import_done = True  # the empty state offers the import instead
        w.host.restart(settings)
        w.status_bar.showMessage("Shop connected: syncing starts.", 8000)


class TabBadges:
    """A tab's count in its title, and the Cancellations tab turning red when urgent."""

    def __init__(self, tabs: QTabWidget, page: Callable[[str], QWidget]) -> None:
        self.tabs, self.page = tabs, page  # `page(key)`: the tab, or the place it will take

    def count(self, key: str, count: int) -> None:
        """`Errors (3)`, or the bare title at zero."""
        index = self.tabs.indexOf(self.page(key))
        title = TAB_TITLES[key]
        self.tabs.setTabText(index, f"{title} ({count:,})" if count else title)

    def urgent(self, urgent: bool) -> None:
        """The badge turns red while a request has under two hours left."""
        index = self.tabs.indexOf(self.page(CANCELLATIONS))
        self.tabs.tabBar().setTabTextColor(index, colors().danger_text if urgent else QColor())
