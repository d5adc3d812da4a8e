"""The Cancellations tab: buyers' requests to answer before their deadline; Approve or Reject."""

from __future__ import annotations

import time
from html import escape

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.gui import formatting as fmt
from app.gui.cancellations_model import (
    ANSWER,
    ASKED,
    ORDER,
    REASON,
    REFUND,
    RESPOND,
    SKUS,
    CancellationsTableModel,
    RequestRow,
    request_rows,
)
from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.order_actions import queue_and_send
from app.gui.reader import Reader
from app.gui.reject_dialog import RejectDialog
from app.gui.table_view import make_table, select_row
from app.gui.tasks import TaskManager
from app.gui.write_text import REASON_LABELS
from app.ops.cancellations import answer_request
from app.queries.shop import rejects_by_shipping, shop_region
from app.queries.writes import (
    fetch_answered_requests,
    fetch_closed_requests,
    fetch_open_requests,
    fetch_request_answers,
)
from app.tiktok.reasons import reject_reasons

#: The countdowns move on this often.
TICK_MS = 15_000
#: Answered requests stay listed (as "answered") this long.
KEEP_ANSWERED_SECONDS = 6 * 3600


def read_requests(db: sqlite_utils.Database, now: float) -> list[RequestRow]:
    """Open requests, then the ones answered or closed lately, each with our answer if any."""
    since = int(now) - KEEP_ANSWERED_SECONDS
    open_rows = fetch_open_requests(db)
    answered = fetch_answered_requests(db, since=since)
    closed = fetch_closed_requests(db, since=since)
    ids = [str(r["cancel_id"]) for r in [*open_rows, *answered]]
    return request_rows(open_rows, answered, fetch_request_answers(db, ids), closed)


class CancellationsTab(QWidget):
    """The queue of buyers' cancellation requests; answers go out through the engine."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.CANCELLATIONS, Kind.ORDERS, Kind.OUTBOX, Kind.SHOP})

    #: Requests still to answer (the tab's badge).
    countChanged = Signal(int)
    #: Whether one of them has under two hours left (the badge turns red).
    urgentChanged = Signal(bool)
    #: A line for the status bar.
    message = Signal(str)
    #: Open this order in the Orders tab.
    orderRequested = Signal(str)
    #: The answer to this order's request changed (its detail re-reads).
    answered = Signal(object)
    #: Ship these orders (in the US, shipping is how a request is rejected).
    shipRequested = Signal(list)

    def __init__(
        self, reader: Reader, host: EngineHost, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.model = CancellationsTableModel(self)
        self.confirm_box: QMessageBox | None = None
        self.reject_dialog: RejectDialog | None = None
        self._count, self.urgent = -1, False

        hint = QLabel(
            "Buyers asking to cancel an order that waits to ship. Answer before the time runs "
            "out, or TikTok Shop accepts the request for you. Approving cancels the order and "
            "refunds the buyer; rejecting keeps it, and you ship it as usual."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.table = make_table(self.model, "cancellationsTable")
        self.table.setSortingEnabled(False)  # soonest deadline first is the point
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)  # an urgent countdown is bold, and must still fit
        self.table.setColumnWidth(
            RESPOND, QFontMetrics(bold).horizontalAdvance("answer within 23 h 59 min") + 30
        )
        for column, sample in (
            (ORDER, "9999999999999999999"),
            (REFUND, "$9,999.99"),
            (REASON, "No longer needed the item"),
            (ASKED, "Nov 29 08:46"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 26)
        header.setSectionResizeMode(SKUS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ANSWER, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.open_order())
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.area = EmptyableView(self.table)

        self.details = QLabel()
        self.details.setObjectName("requestDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("Open order")
        self.open_button.setToolTip("Show the order in the Orders tab (double-click)")
        self.reject_button = QPushButton("Reject…")
        self.reject_button.setToolTip("Keep the order: tell TikTok Shop why, and ship it")
        self.approve_button = QPushButton("Approve")
        self.approve_button.setToolTip("Cancel the order and refund the buyer")
        self.open_button.clicked.connect(self.open_order)
        self.reject_button.clicked.connect(lambda: self.reject())
        self.approve_button.clicked.connect(lambda: self.approve())
        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)

        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.area, 1)
        layout.addLayout(buttons)

        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.refresh()

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the requests (a small table), keeping the selected one selected."""
        db = self.reader.db
        if db is None or "cancellations" not in db.table_names():
            rows: list[RequestRow] = []
        else:
            rows = read_requests(db, time.time())
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            self.show_request(selected.cancel_id, focus=False)
        self._update()

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh rows whenever the tab is opened."""
        super().showEvent(event)
        self.refresh()

    def tick(self) -> None:
        """The countdowns move on; the badge may turn red."""
        self.model.tick()
        self._update()

    def _update(self) -> None:
        waiting = self.model.to_answer()
        urgent = any(self.model.urgency(r) for r in waiting)
        if len(waiting) != self._count:
            self._count = len(waiting)
            self.countChanged.emit(self._count)
        if urgent != self.urgent:
            self.urgent = urgent
            self.urgentChanged.emit(urgent)
        if self.model.rowCount():
            self.area.show_view()
        else:
            self.area.show_empty(
                "No cancellation requests",
                "When a buyer asks to cancel an order that waits to ship, the request shows "
                "here with the time left to answer it.",
            )
        self._buttons()

    # --- selection ----------------------------------------------------------------------------

    def selected(self) -> RequestRow | None:
        """The request on the current row."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def show_request(self, cancel_id: str, *, focus: bool = True) -> bool:
        """Select a request's row (a notification opens it)."""
        row = self.model.row_of(cancel_id)
        if row is None:
            return False
        select_row(self.table, row, focus=focus)
        return True

    def show_order_request(self, order_id: str) -> bool:
        """Select the request about an order (the ship dialog sends the creator here)."""
        found = next((r for r in self.model.rows if r.order_id == order_id), None)
        return found is not None and self.show_request(found.cancel_id)

    def _selected(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._buttons()

    def region(self) -> str:
        """The shop's market: US requests are rejected by shipping (FACTS.md 9.4)."""
        db = self.reader.db
        return "US" if db is None else shop_region(db)

    def _buttons(self) -> None:
        row = self.selected()
        can = row is not None and row.answerable
        if rejects_by_shipping(self.region()):
            self.reject_button.setText("Ship to reject…")
            self.reject_button.setToolTip(
                "In the US, shipping the order rejects the buyer's request: TikTok Shop keeps "
                "the order and tells the buyer"
            )
        else:
            self.reject_button.setText("Reject…")
            can = can and bool(reject_reasons(self.region()))
        self.approve_button.setEnabled(can)
        self.reject_button.setEnabled(can)
        self.open_button.setEnabled(row is not None)
        if row is None:
            self.details.setText("")
            return
        refund = fmt.money(row.refund_total, row.currency)
        parts = [f"<b>Order {escape(row.order_id)}</b>", escape(row.reason)]
        if refund:
            parts.append(f"refund {escape(refund)}")
        if row.answer_text:
            parts.append(escape(row.answer_text))
        self.details.setText(" · ".join(parts))

    def open_order(self) -> None:
        """Show the selected request's order."""
        row = self.selected()
        if row is not None:
            self.orderRequested.emit(row.order_id)

    # --- answering ------------------------------------------------------------------------------

    def approve(self, *, confirm: bool = True) -> None:
        """Approve the selected request: TikTok Shop cancels the order and refunds the buyer."""
        row = self.selected()
        if row is None or not row.answerable:
            return
        if not confirm:
            self._answer(row, approve=True)
            return
        refund = fmt.money(row.refund_total, row.currency)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Approve the cancellation of order {row.order_id}?",
            f"TikTok Shop cancels order {row.order_id}"
            + (f" and refunds the buyer {refund}." if refund else " and refunds the buyer.")
            + "\n\nThis cannot be undone.",
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

    def reject(self, reason: str = "", comment: str = "") -> RejectDialog | None:
        """Reject the selected request: with `reason` at once, else the dialog asks for one."""
        row = self.selected()
        if row is None or not row.answerable:
            return None
        region = self.region()
        if rejects_by_shipping(region):
            self.message.emit(
                f"Order {row.order_id}: ship it to reject the request (US: TikTok Shop rejects "
                "it when the order ships)"
            )
            self.shipRequested.emit([row.order_id])
            return None
        if reason:
            self._answer(row, approve=False, reason=reason, comment=comment)
            return None
        dialog = RejectDialog(row.order_id, self, reasons=reject_reasons(region))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._answer(
                row, approve=False, reason=dialog.reason, comment=dialog.comment.text().strip()
            )
        )
        dialog.open()
        self.reject_dialog = dialog
        return dialog

    def _answer(
        self, row: RequestRow, *, approve: bool, reason: str = "", comment: str = ""
    ) -> None:
        now = int(time.time())
        verb = "Approving" if approve else "Rejecting"
        label = "" if approve else f" ({REASON_LABELS.get(reason, reason)})"
        self.message.emit(f"{verb} the cancellation of order {row.order_id}{label}…")
        queue_and_send(
            self.host,
            self.tasks,
            lambda db: answer_request(
                db,
                cancel_id=row.cancel_id,
                order_id=row.order_id,
                approve=approve,
                reason=reason,
                comment=comment,
                now=now,
            ),
            owner=self,
            done=lambda error: self._answered(row, error),
        )
        self.refresh()

    def _answered(self, row: RequestRow, error: str | None) -> None:
        self.refresh()
        shown = self.model.row_of(row.cancel_id)
        text = self.model.rows[shown].answer_text if shown is not None else "answer sent"
        if error and not text:
            text = f"not sent: {error}"
        self.message.emit(f"Order {row.order_id}: {text or 'answer sent'}")
        self.answered.emit([row.order_id])
