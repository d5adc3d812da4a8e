"""The in-window notification banner, for desktops without a system tray."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.gui.notice import Notice
from app.gui.theme import colors


class Banner(QFrame):
    """Shows the latest notice above the tabs; clicking it opens what it is about."""

    #: The notice the creator clicked.
    activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.notice: Notice | None = None
        self.waiting = 0
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Open")
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFixedWidth(32)
        self.open_button.clicked.connect(self.open)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_notice(self, notice: Notice) -> None:
        """Show a notice (replacing the one shown; the count says how many came)."""
        self.waiting = self.waiting + 1 if self.isVisible() else 0
        self.notice = notice
        c = colors()
        back, text = {
            "error": (c.danger_back, c.danger_text),
            "warning": (c.warning_back, c.warning_text),
        }.get(notice.level, (None, None))
        if back is not None and text is not None:
            self.setStyleSheet(
                f"#banner {{ background: {back.name()}; border-radius: 4px; }}"
                f" #banner QLabel {{ color: {text.name()}; }}"
            )
        else:
            self.setStyleSheet("#banner { border-radius: 4px; }")
        more = f"  <i>(+{self.waiting} more)</i>" if self.waiting else ""
        self.text.setText(f"<b>{escape(notice.title)}</b> — {escape(notice.text)}{more}")
        self.show()

    def open(self) -> None:
        """Open what the notice is about, and hide."""
        notice = self.notice
        self.dismiss()
        if notice is not None:
            self.activated.emit(notice)

    def dismiss(self) -> None:
        """Hide without opening."""
        self.hide()
        self.notice = None
        self.waiting = 0

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click anywhere on the banner opens it."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.open()
        super().mouseReleaseEvent(event)
