"""The window's status bar: connection, last sync, import progress, and the demo badge."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from app.gui import formatting as fmt
from app.gui.theme import colors

if TYPE_CHECKING:  # read once the engine reports, after the first paint
    from app.ops.engine import EngineStatus
    from app.ops.imports import ImportProgress
    from app.queries.health import ServiceHealth
    from app.queries.shop import ShopRecord

#: Import progress redraws at most this often (pages arrive every few ms).
PROGRESS_EVERY_SECONDS = 0.2


class SyncStatusBar(QStatusBar):
    """Says at a glance whether Shopdesk is connected and syncing."""

    def __init__(self, *, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection = QLabel("Starting…")
        self.last_sync = QLabel()
        self.import_label = QLabel()
        self.import_bar = QProgressBar()
        self.import_bar.setMaximumWidth(180)
        self.import_bar.setMaximumHeight(14)
        self.import_bar.setTextVisible(False)
        self.addWidget(self.connection)
        self.addWidget(self.last_sync, 1)
        self.addPermanentWidget(self.import_label)
        self.addPermanentWidget(self.import_bar)
        self.hide_progress()
        self._progress_at = 0.0
        if demo:
            badge = QLabel(" Demo shop ")
            badge.setObjectName("demoBadge")
            badge.setToolTip(
                "A local TikTok Shop stand-in (the sandbox): orders arrive by themselves."
            )
            self.addPermanentWidget(badge)

    def show_state(
        self,
        status: EngineStatus,
        shop: ShopRecord | None,
        *,
        closing: bool,
        services: Sequence[ServiceHealth] = (),
    ) -> None:
        """Connection, the worst service's trouble, and last sync (webhooks live or not)."""
        from app.queries.health import worst

        bad = worst(list(services))
        color: QColor | None = None
        tip = ""
        if not status.running:
            text = "Stopping…" if closing else "Starting…"
        elif status.connected and shop is not None and bad is not None:
            text = f"▲ {bad.title}: {bad.state.lower()}"
            color = colors().danger_text if bad.level == "error" else colors().warning_text
            tip = "\n".join(
                f"{s.title}: {s.state} — {s.summary}" for s in services if s.level == bad.level
            )
        elif status.connected and shop is not None:
            text = f"● Connected to {shop.name}"
        elif shop is not None:
            text = "● Reconnect needed"
            color = colors().danger_text
        else:
            text = "○ No shop connected"
        self.connection.setText(text)
        self.connection.setStyleSheet(f"color: {color.name()}" if color else "")
        self.connection.setToolTip(tip + ("\nSee the Health tab." if tip else ""))
        if status.running and status.connected:
            when = fmt.ago(status.last_poll_at, time.time()) if status.last_poll_at else "starting"
            failed = "" if status.last_poll_ok is not False else " (failed, retrying)"
            live = any(s.key == "webhooks" and s.level == "ok" for s in services)
            self.last_sync.setText(
                f"   Last sync {when}{failed}" + (" · webhooks live" if live else "")
            )
        else:
            self.last_sync.setText("")
        if not status.importing:
            self.hide_progress()

    def show_progress(self, step: ImportProgress) -> None:
        """An import's progress, a few times a second at most."""
        if step.done:
            self.hide_progress()
            return
        now = time.monotonic()
        if now - self._progress_at < PROGRESS_EVERY_SECONDS:
            return
        self._progress_at = now
        fraction = step.fraction
        self.import_bar.setRange(0, 0 if fraction is None else 1000)
        if fraction is not None:
            self.import_bar.setValue(int(fraction * 1000))
        total = f"/{step.estimate:,}" if step.estimate else ""
        self.import_label.setText(f"Importing {step.fetched:,}{total}")
        self.import_bar.show()
        self.import_label.show()

    def hide_progress(self) -> None:
        """No import runs."""
        self.import_bar.hide()
        self.import_label.hide()
