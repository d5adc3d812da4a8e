"""What the Cancellations and Returns tabs share: buyers' requests to answer before a deadline.

Each tab is a countdown table, a line of details, Open order / Reject… / Approve (plus its own
buttons), a confirmation before an approval and a reject dialog; the tab says what differs
(which rows, their words, how an answer goes out).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.orders_model import ID_ROLE
from app.gui.reader import Reader
from app.gui.reject_dialog import RejectDialog
from app.gui.table_base import Index, RowsTableModel
from app.gui.table_view import make_table, select_row
from app.gui.tasks import TaskManager

#: Under this much time left a request is urgent: red, and worth a notification.
URGENT_SECONDS = 2 * 3600
OVERDUE, URGENT = "overdue", "urgent"
#: The countdown is the first column of both tables; the countdowns move on this often.
RESPOND = 0
TICK_MS = 15_000

Row = TypeVar("Row")


def short_span(seconds: float) -> str:
    """`1 day 4 h`, `1 h 12 min`, `12 min`, `under a minute`: time left, as a person says it."""
    left = int(seconds)
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return "under a minute"


def answer_within(deadline: int | None, now: float) -> tuple[str, str]:
    """The countdown's words and urgency: ("answer within 1 h 12 min", "urgent")."""
    if not deadline:
        return "no deadline", ""
    left = deadline - now
    if left <= 0:
        return "overdue", OVERDUE
    return f"answer within {short_span(left)}", URGENT if left < URGENT_SECONDS else ""


class AnswerQueueModel(RowsTableModel, Generic[Row]):
    """Requests with a live countdown in column 0; `tick()` moves it on without re-reading."""

    #: The column of the refund (right-aligned).
    REFUND: int = -1

    def __init__(self, parent: Any = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.clock = clock

    def key(self, row: Row) -> str:
        """The request's id."""
        raise NotImplementedError

    def deadline(self, row: Row) -> int | None:
        """When TikTok Shop decides the request by itself."""
        raise NotImplementedError

    def answerable(self, row: Row) -> bool:
        """The creator can still answer (Approve and Reject are enabled)."""
        raise NotImplementedError

    def set_rows(self, rows: list[Row]) -> None:
        """New rows (a small table: a reset each time)."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def tick(self) -> None:
        """Time passed: redraw the countdowns."""
        if self.rows:
            self.dataChanged.emit(self.index(0, RESPOND), self.index(len(self.rows) - 1, RESPOND))

    def row_of(self, key: str) -> int | None:
        """The row of a request."""
        return next((n for n, r in enumerate(self.rows) if self.key(r) == key), None)

    def to_answer(self) -> list[Row]:
        """Requests still waiting for the creator."""
        return [r for r in self.rows if self.answerable(r)]

    def urgency(self, row: Row) -> str:
        """overdue, urgent or "" (only for requests the creator still has to answer)."""
        return answer_within(self.deadline(row), self.clock())[1] if self.answerable(row) else ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ID_ROLE:
            return self.key(row)
        if role == Qt.ItemDataRole.FontRole:
            if column != RESPOND or not self.urgency(row):
                return None
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column != self.REFUND:
                return None
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return self._role(row, column, role)

    def _text(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def _role(self, row: Row, column: int, role: int) -> Any:
        """The tab's other roles (tooltips, colours...)."""
        return None


class AnswerQueueTab(QWidget, Generic[Row]):
    """A queue of buyers' requests; the tab subclass reads the rows and sends the answers."""

    #: Requests still to answer (the tab's badge).
    countChanged = Signal(int)
    #: A line for the status bar.
    message = Signal(str)
    #: Open this order in the Orders tab.
    orderRequested = Signal(str)

    #: The hint above the table, and the object names of the table and the details line.
    HINT = ""
    NAMES: tuple[str, str] = ("", "")
    #: The empty state's title and text.
    EMPTY: tuple[str, str] = ("", "")

    def __init__(
        self, reader: Reader, host: EngineHost, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.model = self._make_model()
        self.confirm_box: QMessageBox | None = None
        self.reject_dialog: RejectDialog | None = None
        self._count = -1

        hint = QLabel(self.HINT)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.table = make_table(self.model, self.NAMES[0])
        self.table.setSortingEnabled(False)  # soonest deadline first is the point
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.open_order())
        self.area = EmptyableView(self.table)

        self.details = QLabel()
        self.details.setObjectName(self.NAMES[1])
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("Open order")
        self.reject_button = QPushButton("Reject…")
        self.approve_button = QPushButton("Approve")
        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        for button, slot in (
            (self.open_button, self.open_order),
            *self._build(),
            (self.reject_button, lambda: self.reject()),
            (self.approve_button, lambda: self.approve()),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.area, 1)
        layout.addLayout(buttons)
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.refresh()

    def _make_model(self) -> AnswerQueueModel[Row]:
        """The tab's table model (a child of the tab)."""
        raise NotImplementedError

    def _build(self) -> Sequence[tuple[QPushButton, Callable[[], object]]]:
        """Size the columns, word the buttons; the tab's own buttons (after Open order)."""
        return ()

    # --- reading ----------------------------------------------------------------------------

    def read(self) -> list[Row]:
        """The rows to show now."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Re-read the requests (a small table), keeping the selected one selected."""
        rows = self.read()
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            self.show_row(self.model.key(selected), focus=False)
        self._update()

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh rows whenever the tab is opened."""
        super().showEvent(event)
        self.refresh()

    def tick(self) -> None:
        """The countdowns move on."""
        self.model.tick()

    def _update(self) -> None:
        waiting = self.model.to_answer()
        if len(waiting) != self._count:
            self._count = len(waiting)
            self.countChanged.emit(self._count)
        self._waiting(waiting)
        if self.model.rowCount():
            self.area.show_view()
        else:
            self.area.show_empty(*self.EMPTY)
        self._buttons()

    def _waiting(self, waiting: Sequence[Row]) -> None:
        """The requests still to answer changed (after the badge's count)."""

    # --- selection ----------------------------------------------------------------------------

    def selected(self) -> Row | None:
        """The request on the current row."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def show_row(self, key: str, *, focus: bool = True) -> bool:
        """Select a request's row (a notification opens it)."""
        row = self.model.row_of(key)
        if row is None:
            return False
        select_row(self.table, row, focus=focus)
        return True

    def _selected(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._buttons()

    def _buttons(self) -> None:
        row = self.selected()
        self._enable(row)
        self.open_button.setEnabled(row is not None)
        self.details.setText("" if row is None else " · ".join(self._details(row)))

    def _enable(self, row: Row | None) -> None:
        """Enable the buttons that answer or act on `row`."""
        raise NotImplementedError

    def _details(self, row: Row) -> list[str]:
        """The details line's parts (rich text, escaped)."""
        raise NotImplementedError

    def open_order(self) -> None:
        """Show the selected request's order."""
        row = self.selected()
        if row is not None:
            self.orderRequested.emit(self.order_id(row))

    def order_id(self, row: Row) -> str:
        """The order a request is about."""
        raise NotImplementedError

    # --- answering ------------------------------------------------------------------------------

    def approve(self, *, confirm: bool = True) -> None:
        """Approve the selected request (asks first: it cannot be undone)."""
        row = self.selected()
        if row is None or not self.model.answerable(row):
            return
        if not confirm:
            self._answer(row, approve=True)
            return
        title, text = self._approve_question(row)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text + "\n\nThis cannot be undone.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        yes = box.addButton("Approve", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._answer(row, approve=True) if button is yes else None
        )
        box.open()
        self.confirm_box = box

    def _approve_question(self, row: Row) -> tuple[str, str]:
        """The confirmation's title and what an approval does."""
        raise NotImplementedError

    def reject(self, reason: str = "", comment: str = "") -> RejectDialog | None:
        """Reject the selected request: with `reason` at once, else the dialog asks for one."""
        row = self.selected()
        if row is None or not self.model.answerable(row) or not self._rejects_here(row):
            return None
        if reason:
            self._answer(row, approve=False, reason=reason, comment=comment)
            return None
        dialog = self._reject_dialog(row)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._answer(
                row, approve=False, reason=dialog.reason, comment=dialog.comment.text().strip()
            )
        )
        dialog.open()
        self.reject_dialog = dialog
        return dialog

    def _rejects_here(self, row: Row) -> bool:
        """Whether `row` is rejected with a reason from this tab (else the tab says how)."""
        return True

    def _reject_dialog(self, row: Row) -> RejectDialog:
        """The dialog that offers the reasons for rejecting `row`."""
        raise NotImplementedError

    def _answer(self, row: Row, *, approve: bool, reason: str = "", comment: str = "") -> None:
        raise NotImplementedError
