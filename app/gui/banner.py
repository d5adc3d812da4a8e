"""The in-window notices above the tabs: one row per kind, warnings kept until dealt with.

New orders share one row whose count adds up; a warning (oversold SKUs, a sync problem, an
authorization ending) has its own row that stays until it is opened or dismissed, and each
row opens its own place. Without a system tray every notice shows here; with one, the
warnings still do, so they are not lost when the tray bubble fades.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.gui.notice import Notice
from app.gui.theme import colors

#: At most this many rows; the oldest routine row goes first when another comes.
MAX_ROWS = 4
#: Categories that keep a single row however many refs they name.
ONE_ROW = ("orders", "stock", "cancellations")


def notice_key(notice: Notice) -> str:
    """Which row a notice belongs to: one per kind of thing it is about."""
    if notice.category in ONE_ROW:
        return notice.category
    return f"{notice.category}:{notice.ref}"


def is_warning(notice: Notice) -> bool:
    """Warnings and errors stay until the creator opens or dismisses them."""
    return notice.level in ("warning", "error")


class BannerRow(QFrame):
    """One notice: its words, Open and dismiss."""

    opened = Signal(object)
    dismissed = Signal(object)

    def __init__(self, notice: Notice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Open")
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFixedWidth(32)
        self.open_button.clicked.connect(lambda: self.opened.emit(self))
        self.close_button.clicked.connect(lambda: self.dismissed.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.notice = notice
        self.set_notice(notice)

    def set_notice(self, notice: Notice) -> None:
        """Show this notice in the row (a newer one of the same kind replaces the older)."""
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
        self.text.setText(f"<b>{escape(notice.title)}</b> — {escape(notice.text)}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click anywhere on the row opens it."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.opened.emit(self)
        super().mouseReleaseEvent(event)


class Banner(QWidget):
    """The rows of notices; warnings above routine ones, the newest of each on top."""

    #: The notice the creator opened.
    activated = Signal(object)
    #: A row's key left (opened or dismissed): the notifier starts counting it afresh.
    closed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bannerStack")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(3)
        self.rows: dict[str, BannerRow] = {}
        self.hide()

    # --- what tests and the window read -----------------------------------------------------

    @property
    def top(self) -> BannerRow | None:
        """The first row shown."""
        item = self.layout_.itemAt(0)
        widget = item.widget() if item is not None else None
        return widget if isinstance(widget, BannerRow) else None

    @property
    def notice(self) -> Notice | None:
        """The top row's notice."""
        top = self.top
        return top.notice if top is not None else None

    @property
    def text(self) -> QLabel:
        """The top row's words (an empty label when nothing shows)."""
        top = self.top
        return top.text if top is not None else QLabel()

    @property
    def open_button(self) -> QPushButton:
        """The top row's Open button."""
        top = self.top
        return top.open_button if top is not None else QPushButton()

    def notices(self) -> list[Notice]:
        """Every row's notice, top to bottom."""
        items = (self.layout_.itemAt(n) for n in range(self.layout_.count()))
        rows = (item.widget() for item in items if item is not None)
        return [r.notice for r in rows if isinstance(r, BannerRow)]

    # --- changes -------------------------------------------------------------------------------

    def show_notice(self, notice: Notice) -> None:
        """Add a row, or update the row of the same kind, and move it to the top of its group."""
        key = notice_key(notice)
        row = self.rows.get(key)
        if row is None:
            row = BannerRow(notice, self)
            row.opened.connect(self._open_row)
            row.dismissed.connect(self._dismiss_row)
            self.rows[key] = row
        else:
            row.set_notice(notice)
            self.layout_.removeWidget(row)
            self.rows[key] = self.rows.pop(key)  # it counts as the newest of its group now
        warnings = sum(1 for n in self.notices() if is_warning(n))
        self.layout_.insertWidget(0 if is_warning(notice) else warnings, row)
        self._trim()
        self.show()

    def restyle(self) -> None:
        """The theme changed: every row takes its colours again."""
        for row in self.rows.values():
            row.set_notice(row.notice)

    def open(self) -> None:
        """Open the top row."""
        top = self.top
        if top is not None:
            self._open_row(top)

    def dismiss(self, key: str | None = None) -> None:
        """Hide one kind of notice, or all of them."""
        for name in [key] if key is not None else list(self.rows):
            row = self.rows.get(name)
            if row is not None:
                self._remove(name, row)

    def _open_row(self, row: BannerRow) -> None:
        notice = row.notice
        self._remove(notice_key(notice), row)
        self.activated.emit(notice)

    def _dismiss_row(self, row: BannerRow) -> None:
        self._remove(notice_key(row.notice), row)

    def _remove(self, key: str, row: BannerRow) -> None:
        self.rows.pop(key, None)
        self.layout_.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.setVisible(bool(self.rows))
        self.closed.emit(key)

    def _trim(self) -> None:
        while len(self.rows) > MAX_ROWS:
            routine = [k for k, r in self.rows.items() if not is_warning(r.notice)]
            oldest = routine[0] if routine else next(iter(self.rows))
            self._remove(oldest, self.rows[oldest])
