"""Every keyboard shortcut in one table: the menus, the help dialog and the README use it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

#: (action key, keys, what it does); keys in Qt's portable text (Ctrl is Cmd on macOS).
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("tab_orders", "Ctrl+1", "Orders"),
    ("tab_cancellations", "Ctrl+2", "Cancellations"),
    ("tab_returns", "Ctrl+8", "Returns"),
    ("return_approve", "Ctrl+Return", "Returns: approve the selected request"),
    ("return_reject", "Ctrl+J", "Returns: reject the selected request…"),
    ("return_restock", "Ctrl+K", "Returns: the returned item goes back on the shelf"),
    ("return_write_off", "Ctrl+Shift+K", "Returns: write the returned item off"),
    ("tab_inventory", "Ctrl+3", "Inventory"),
    ("tab_queue", "Ctrl+4", "Sync queue"),
    ("tab_errors", "Ctrl+5", "Errors"),
    ("tab_health", "Ctrl+6", "Health"),
    ("tab_pack", "Ctrl+7", "Pack station"),
    ("tab_money", "Ctrl+9", "Money"),
    ("tab_settings", "Ctrl+,", "Settings"),
    ("find", "Ctrl+F", "Search orders"),
    ("escape", "Esc", "Clear the search (in the search box)"),
    ("ship", "Ctrl+Shift+S", "Ship the selected orders…"),
    ("labels", "Ctrl+L", "Labels and pick list for the selected orders (or all to ship)…"),
    ("import", "Ctrl+I", "Import orders…"),
    ("sync", "F5", "Sync now"),
    ("push", "Ctrl+P", "Push stock now"),
    ("export_stock", "Ctrl+E", "Export stock as CSV…"),
    ("import_stock", "Ctrl+Shift+I", "Import stock counts from CSV…"),
    ("retry", "Ctrl+R", "Retry the selected error or queue item"),
    ("dismiss", "Del", "Dismiss the selected error, drop the selected queue item"),
    ("save", "Ctrl+S", "Save settings"),
    ("help", "F1", "Keyboard shortcuts"),
    ("quit", "Ctrl+Q", "Quit"),
)
KEYS = {key: keys for key, keys, _ in SHORTCUTS}
#: Keys that work only inside one tab or box (bound there, not in the window's menus).
LOCAL_KEYS = frozenset(
    {"escape", "return_approve", "return_reject", "return_restock", "return_write_off"}
)


def shortcuts_html() -> str:
    """The table as HTML for the help dialog."""
    rows = "".join(
        f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{what}</td></tr>"
        for _key, keys, what in SHORTCUTS
    )
    return f"<table cellpadding='3'>{rows}</table>"


class ShortcutsDialog(QDialog):
    """F1: the keyboard shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        label = QLabel(shortcuts_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
