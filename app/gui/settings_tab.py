"""The Settings tab: the shop (connect wizard), webhooks, polling, notifications, stock defaults."""

from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.gui.theme import DARK, LIGHT, SYSTEM
from app.queries.shop import ShopRecord

TUNNEL_CHOICES = (
    ("none", "Polling only (no webhooks)"),
    ("command", "Run a tunnel program (cloudflared, ngrok…)"),
    ("url", "I have a public address that forwards to Shopdesk"),
)
NOTIFY_CHOICES = (
    ("notify_new_orders", "New orders (grouped)"),
    ("notify_stock", "Oversold and at-risk SKUs"),
    ("notify_sync_failures", "Sync failures"),
    ("notify_authorization", "Authorization expiring or lost"),
    ("notify_cancellations", "Cancellation requests near their deadline"),
    ("notify_returns", "Return and refund requests near their deadline"),
)
THEMES = ((SYSTEM, "Same as the system"), (LIGHT, "Light"), (DARK, "Dark"))


def _reachable_address(url: str) -> bool:
    """TikTok pushes only to https; plain http is fine for a receiver on this machine."""
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.netloc:
        return True
    return parsed.scheme == "http" and (parsed.hostname or "") in ("127.0.0.1", "localhost")


class SettingsTab(QWidget):
    """Edits a copy of the settings; Save validates and hands it to the window."""

    #: A validated Settings to save.
    saveRequested = Signal(object)
    connectRequested = Signal()
    #: The theme chosen (system, light or dark); a window preference, not a setting.
    themeChosen = Signal(str)

    def __init__(self, settings: Settings, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

        self.shop_label = QLabel("No shop connected yet.")
        self.shop_label.setTextFormat(Qt.TextFormat.RichText)
        self.shop_label.setWordWrap(True)
        self.connect_button = QPushButton("Connect a shop…")
        self.connect_button.clicked.connect(self.connectRequested)
        shop_box = QGroupBox("Shop")
        shop_layout = QHBoxLayout(shop_box)
        shop_layout.addWidget(self.shop_label, 1)
        shop_layout.addWidget(self.connect_button)

        self.tunnel_group = QButtonGroup(self)
        self.tunnel_buttons: dict[str, QRadioButton] = {}
        webhook_box = QGroupBox("Webhooks (changes pushed within a second)")
        webhook_form = QFormLayout(webhook_box)
        for key, label in TUNNEL_CHOICES:
            button = QRadioButton(label)
            self.tunnel_group.addButton(button)
            self.tunnel_buttons[key] = button
            webhook_form.addRow(button)
        self.tunnel_command = QLineEdit()
        self.public_url = QLineEdit(placeholderText="https://…")
        self.listen_port = QSpinBox(minimum=0, maximum=65535)
        self.listen_port.setSpecialValueText("any free port")
        webhook_form.addRow("Tunnel command", self.tunnel_command)
        webhook_form.addRow("Public address", self.public_url)
        webhook_form.addRow("Listen on port", self.listen_port)
        self.tunnel_group.buttonToggled.connect(lambda _b, _on: self._tunnel_fields())

        self.poll = QDoubleSpinBox(minimum=1, maximum=3600, decimals=0, suffix=" s")
        self.slow_poll = QDoubleSpinBox(minimum=1, maximum=3600, decimals=0, suffix=" s")
        poll_box = QGroupBox("Polling (the safety net that never stops)")
        poll_form = QFormLayout(poll_box)
        self.deep_poll = QDoubleSpinBox(minimum=1, maximum=1440, decimals=0, suffix=" min")
        self.deep_poll.setToolTip("Re-read the last two hours of changes, for any the poll missed")
        self.max_per_hour = QSpinBox(minimum=0, maximum=1_000_000, singleStep=100)
        self.max_per_hour.setSpecialValueText("no limit")
        self.max_per_hour.setToolTip(
            "TikTok's development (test) shops allow 1,000 requests an hour: set 1000 for one. "
            "Shopdesk then never sends more, and plans its polling inside it."
        )
        poll_form.addRow("Poll every", self.poll)
        poll_form.addRow("While webhooks work, every", self.slow_poll)
        poll_form.addRow("Deep pass every", self.deep_poll)
        poll_form.addRow("Requests per hour", self.max_per_hour)

        self.notify: dict[str, QCheckBox] = {}
        notify_box = QGroupBox("Notifications")
        notify_layout = QVBoxLayout(notify_box)
        for key, label in NOTIFY_CHOICES:
            self.notify[key] = QCheckBox(label)
            notify_layout.addWidget(self.notify[key])

        self.buffer = QSpinBox(minimum=0, maximum=99999)
        self.low_stock = QSpinBox(minimum=0, maximum=99999)
        self.auto_push = QCheckBox("Push the safe quantity to TikTok when a SKU is at risk")
        stock_box = QGroupBox("Stock defaults (each SKU may override them)")
        stock_form = QFormLayout(stock_box)
        stock_form.addRow("Safety buffer (units kept back)", self.buffer)
        stock_form.addRow("Low-stock warning at", self.low_stock)
        stock_form.addRow(self.auto_push)

        self.theme = QComboBox()
        for key, label in THEMES:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, [k for k, _ in THEMES].index(theme)))
        self.theme.currentIndexChanged.connect(
            lambda _i: self.themeChosen.emit(str(self.theme.currentData()))
        )
        look_box = QGroupBox("Appearance")
        look_form = QFormLayout(look_box)
        look_form.addRow("Theme", self.theme)

        backup_box = self._backup_box()

        self.problem = QLabel()
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.save_button = QPushButton("Save settings")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.revert_button = QPushButton("Revert")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.load(self.settings))

        grid = QGridLayout()
        grid.addWidget(shop_box, 0, 0, 1, 2)
        grid.addWidget(webhook_box, 1, 0, 2, 1)
        grid.addWidget(poll_box, 1, 1)
        grid.addWidget(notify_box, 2, 1)
        grid.addWidget(stock_box, 3, 0)
        grid.addWidget(look_box, 3, 1)
        grid.addWidget(backup_box, 4, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.load(settings)

    def _backup_box(self) -> QGroupBox:
        """Where backups go: the data folder always, and a second folder (another disk)."""
        self.backup_copy_dir = QLineEdit(placeholderText="none: backups stay in the data folder")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_backup_folder)
        self.backup_keep = QSpinBox(minimum=1, maximum=1000)
        row = QHBoxLayout()
        row.addWidget(self.backup_copy_dir, 1)
        row.addWidget(choose)
        box = QGroupBox("Backups (daily, before each upgrade, and File > Back up now)")
        form = QFormLayout(box)
        form.addRow("Also copy each backup to", row)
        form.addRow("Keep the last", self.backup_keep)
        return box

    def _choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "A second folder for backups (another disk)", self.backup_copy_dir.text()
        )
        if folder:
            self.backup_copy_dir.setText(folder)

    def load(self, settings: Settings) -> None:
        """Show these settings in the fields."""
        self.settings = settings
        self.backup_copy_dir.setText(settings.backup_copy_dir)
        self.backup_keep.setValue(settings.backup_keep)
        self.tunnel_buttons.get(settings.tunnel_mode, self.tunnel_buttons["none"]).setChecked(True)
        self.tunnel_command.setText(settings.tunnel_command)
        self.public_url.setText(settings.public_url)
        self.listen_port.setValue(settings.listen_port)
        self.poll.setValue(settings.poll_interval_seconds)
        self.slow_poll.setValue(settings.slow_poll_interval_seconds)
        self.deep_poll.setValue(settings.deep_poll_interval_seconds / 60)
        self.max_per_hour.setValue(settings.max_requests_per_hour or 0)
        for key, box in self.notify.items():
            box.setChecked(bool(getattr(settings, key)))
        self.buffer.setValue(settings.default_buffer)
        self.low_stock.setValue(settings.default_low_stock)
        self.auto_push.setChecked(settings.auto_push_at_risk)
        self.problem.setText("")
        self._tunnel_fields()

    def set_shop(self, shop: ShopRecord | None) -> None:
        """Say which shop is connected."""
        if shop is None:
            self.shop_label.setText("No shop connected yet. Connect one to start syncing.")
            self.connect_button.setText("Connect a shop…")
        else:
            state = "reconnect needed" if shop.needs_reconnect else "connected"
            self.shop_label.setText(
                f"<b>{escape(shop.name)}</b> ({escape(shop.region)}, id {escape(shop.id)})"
                f" — {state}. App key {escape(shop.app_key)}."
            )
            self.connect_button.setText("Reconnect or switch shop…")

    def _tunnel_mode(self) -> str:
        return next((k for k, b in self.tunnel_buttons.items() if b.isChecked()), "none")

    def _tunnel_fields(self) -> None:
        mode = self._tunnel_mode()
        self.tunnel_command.setEnabled(mode == "command")
        self.public_url.setEnabled(mode == "url")
        self.listen_port.setEnabled(mode != "none")

    def edited(self) -> Settings:
        """The settings the fields describe; raises ValidationError on a bad value."""
        values = self.settings.model_dump()
        values.update(
            tunnel_mode=self._tunnel_mode(),
            tunnel_command=self.tunnel_command.text().strip(),
            public_url=self.public_url.text().strip(),
            listen_port=self.listen_port.value(),
            poll_interval_seconds=self.poll.value(),
            slow_poll_interval_seconds=self.slow_poll.value(),
            deep_poll_interval_seconds=self.deep_poll.value() * 60,
            max_requests_per_hour=self.max_per_hour.value() or None,
            default_buffer=self.buffer.value(),
            default_low_stock=self.low_stock.value(),
            auto_push_at_risk=self.auto_push.isChecked(),
            backup_copy_dir=self.backup_copy_dir.text().strip(),
            backup_keep=self.backup_keep.value(),
            **{key: box.isChecked() for key, box in self.notify.items()},
        )
        return Settings.model_validate(values)

    def save(self) -> None:
        """Validate, then ask the window to save (it writes off the GUI thread)."""
        try:
            settings = self.edited()
        except ValidationError as exc:
            self.problem.setText(
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            )
            return
        if settings.tunnel_mode == "url" and not _reachable_address(settings.public_url):
            self.problem.setText("The public address must start with https://")
            return
        if settings.tunnel_mode == "command" and not settings.tunnel_command:
            self.problem.setText("Enter the tunnel command, or choose polling only.")
            return
        self.problem.setText("Saving…")
        self.saveRequested.emit(settings)

    def saved(self, settings: Settings) -> None:
        """The window saved them."""
        self.settings = settings
        self.problem.setText("Saved.")
