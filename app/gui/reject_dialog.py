"""Rejecting a buyer's cancellation request: one of TikTok's documented reasons, and a note."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.tiktok.reasons import REJECT_REASONS

#: TikTok keeps the comment short.
COMMENT_LIMIT = 500


class RejectDialog(QDialog):
    """Asks which documented reason applies (any other is refused) and an optional comment."""

    def __init__(
        self,
        order_id: str,
        parent: QWidget | None = None,
        *,
        reasons: dict[str, str] | None = None,
        title: str = "",
        intro_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rejectDialog")
        self.setWindowTitle(title or f"Reject the cancellation of order {order_id}")
        self.setMinimumWidth(460)
        intro = QLabel(
            intro_text
            or f"The buyer asked to cancel order {order_id}. If you reject the request the order "
            "stays open and you ship it as usual. Tell TikTok Shop why:"
        )
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for name, label in (REJECT_REASONS if reasons is None else reasons).items():
            button = QRadioButton(label)
            self.group.addButton(button)
            self.buttons[name] = button
            layout.addWidget(button)
        self.comment = QLineEdit(placeholderText="A note for the buyer (optional)")
        self.comment.setMaxLength(COMMENT_LIMIT)
        layout.addSpacing(6)
        layout.addWidget(self.comment)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.reject_button = self.box.addButton(
            "Reject the request", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.reject_button.setEnabled(False)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        self.group.buttonToggled.connect(lambda _b, _on: self.reject_button.setEnabled(True))
        layout.addWidget(self.box)

    def choose(self, reason: str, comment: str = "") -> None:
        """Pick a reason and a comment (tests, and a default)."""
        self.buttons[reason].setChecked(True)
        self.comment.setText(comment)

    @property
    def reason(self) -> str:
        """The chosen reason's name, or "" when none is chosen."""
        return next((n for n, b in self.buttons.items() if b.isChecked()), "")
