"""A clear empty state: what is missing, why, and the one button that fixes it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A centred title, a sentence and an optional action button."""

    #: The key of the action offered (see set_message).
    actionClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.title, self.text = QLabel(), QLabel()
        for label, name in ((self.title, "emptyTitle"), (self.text, "emptyText")):
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.key = ""
        self.button.clicked.connect(lambda: self.actionClicked.emit(self.key))
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(8)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def set_message(self, title: str, text: str, action: str = "", key: str = "") -> None:
        """Say what is empty and offer an action, reported by `key` (no button without one)."""
        self.key = key
        self.title.setText(title)
        self.text.setText(text)
        self.button.setText(action)
        self.button.setVisible(bool(action))


class EmptyableView(QStackedWidget):
    """A view that gives way to an EmptyState when it has nothing to show."""

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.empty = EmptyState()
        self.addWidget(view)
        self.addWidget(self.empty)

    def show_view(self) -> None:
        """Show the real view."""
        self.setCurrentWidget(self.view)

    def show_empty(self, title: str, text: str, action: str = "", key: str = "") -> None:
        """Show the empty state instead of the view."""
        self.empty.set_message(title, text, action, key)
        self.setCurrentWidget(self.empty)

    @property
    def is_empty(self) -> bool:
        """True while the empty state shows."""
        return self.currentWidget() is self.empty
