"""The Returns tab: buyers' return and refund requests to answer before TikTok decides alone.

Approve or Reject (with one of the reasons TikTok offers for this request in the shop's
market, and a note); answers go out once through the engine. A returned item that arrived is
put back on the shelf or written off here too (the Pack tab's scan does the same).
"""

from __future__ import annotations

import time
from html import escape

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
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
from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.reader import Reader
from app.gui.reject_dialog import RejectDialog
from app.gui.returns_model import (
    EVIDENCE,
    ITEMS,
    KIND,
    ORDER,
    REASON,
    REFUND,
    RESPOND,
    STATUS,
    ReturnsTableModel,
)
from app.gui.shortcuts import KEYS
from app.gui.table_view import make_table, select_row
from app.gui.tasks import TaskManager
from app.ops.returns import answer_return, restock_return
from app.queries.returns import StoredReturn, fetch_returns

#: The countdowns move on this often.
TICK_MS = 15_000
#: Keys that act on the selected request, while the tab has the focus.
APPROVE_KEY, REJECT_KEY, RESTOCK_KEY, WRITE_OFF_KEY = (
    KEYS["return_approve"],
    KEYS["return_reject"],
    KEYS["return_restock"],
    KEYS["return_write_off"],
)


class ReturnsTab(QWidget):
    """The queue of return and refund requests; every write runs on the engine."""

    REFRESH_ON = frozenset({Kind.RETURNS, Kind.OUTBOX, Kind.SHOP})

    #: Requests still to answer (the tab's badge).
    countChanged = Signal(int)
    #: A line for the status bar.
    message = Signal(str)
    #: Open this order in the Orders tab.
    orderRequested = Signal(str)

    def __init__(
        self, reader: Reader, host: EngineHost, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.model = ReturnsTableModel(self)
        self.confirm_box: QMessageBox | None = None
        self.reject_dialog: RejectDialog | None = None
        self._count = -1

        hint = QLabel(
            "Buyers asking for a refund or to send an item back. Answer before the time runs "
            "out, or TikTok Shop approves the request for you. When a returned item arrives, "
            "put it back on the shelf (stock goes up on TikTok Shop too) or write it off."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.table = make_table(self.model, "returnsTable")
        self.table.setSortingEnabled(False)  # soonest deadline first is the point
        metrics = self.table.fontMetrics()
        for column, sample in (
            (RESPOND, "answer within 23 h 59 min"),
            (KIND, "Replacement"),
            (ORDER, "9999999999999999999"),
            (REFUND, "$9,999.99"),
            (REASON, "Damaged item or pack"),
            (EVIDENCE, "The box arrived crushed and"),
            (STATUS, "waiting for your answer"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ITEMS, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.open_order())
        self.area = EmptyableView(self.table)

        self.details = QLabel()
        self.details.setObjectName("returnDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("Open order")
        self.write_off_button = QPushButton("Write off")
        self.write_off_button.setToolTip(
            f"The returned item cannot be sold again ({WRITE_OFF_KEY})"
        )
        self.restock_button = QPushButton("Back on shelf")
        self.restock_button.setToolTip(f"The returned item arrived and can be sold ({RESTOCK_KEY})")
        self.reject_button = QPushButton("Reject…")
        self.reject_button.setToolTip(f"Tell TikTok Shop why, with a note ({REJECT_KEY})")
        self.approve_button = QPushButton("Approve")
        self.approve_button.setToolTip(f"Approve the buyer's request ({APPROVE_KEY})")
        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        for button, slot in (
            (self.open_button, self.open_order),
            (self.write_off_button, lambda: self.restock(write_off=True)),
            (self.restock_button, lambda: self.restock()),
            (self.reject_button, lambda: self.reject()),
            (self.approve_button, lambda: self.approve()),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        for keys, slot in (
            (APPROVE_KEY, lambda: self.approve()),
            (REJECT_KEY, lambda: self.reject()),
            (RESTOCK_KEY, lambda: self.restock()),
            (WRITE_OFF_KEY, lambda: self.restock(write_off=True)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

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
        """Re-read the requests, keeping the selected one selected."""
        db = self.reader.db
        rows = [] if db is None or "returns" not in db.table_names() else fetch_returns(db)
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            self.show_return(selected.return_id, focus=False)
        self._update()

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh rows whenever the tab is opened."""
        super().showEvent(event)
        self.refresh()

    def tick(self) -> None:
        """The countdowns move on."""
        self.model.tick()

    def _update(self) -> None:
        waiting = len(self.model.to_answer())
        if waiting != self._count:
            self._count = waiting
            self.countChanged.emit(waiting)
        if self.model.rowCount():
            self.area.show_view()
        else:
            self.area.show_empty(
                "No return or refund requests",
                "When a buyer asks for a refund or to send an item back, the request shows "
                "here with the time left to answer it.",
            )
        self._buttons()

    # --- selection ----------------------------------------------------------------------------

    def selected(self) -> StoredReturn | None:
        """The request on the current row."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def show_return(self, return_id: str, *, focus: bool = True) -> bool:
        """Select a request's row (a notification opens it)."""
        row = self.model.row_of(return_id)
        if row is None:
            return False
        select_row(self.table, row, focus=focus)
        return True

    def _selected(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._buttons()

    def _buttons(self) -> None:
        r = self.selected()
        can = r is not None and self.model.answerable(r)
        self.approve_button.setEnabled(can)
        self.reject_button.setEnabled(can and r is not None and bool(r.reject_reasons))
        arrived = r is not None and r.item_travels and any(not i.outcome for i in r.items)
        self.restock_button.setEnabled(arrived)
        self.write_off_button.setEnabled(arrived)
        self.open_button.setEnabled(r is not None)
        if r is None:
            self.details.setText("")
            return
        parts = [f"<b>Return {escape(r.return_id)}</b>", f"order {escape(r.order_id)}"]
        refund = fmt.money(r.refund_total, r.currency)
        if refund:
            parts.append(f"refund {escape(refund)}")
        if r.evidence:
            parts.append(f"“{escape(r.evidence)}”")
        self.details.setText(" · ".join(parts))

    def open_order(self) -> None:
        """Show the selected request's order."""
        r = self.selected()
        if r is not None:
            self.orderRequested.emit(r.order_id)

    # --- answering ------------------------------------------------------------------------------

    def approve(self, *, confirm: bool = True) -> None:
        """Approve the selected request (asks first: it cannot be undone)."""
        r = self.selected()
        if r is None or not self.model.answerable(r):
            return
        if not confirm:
            self._answer(r, approve=True)
            return
        refund = fmt.money(r.refund_total, r.currency) or "the refund"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Approve return request {r.return_id}?",
            f"TikTok Shop goes ahead with the buyer's request on order {r.order_id} ({refund})."
            "\n\nThis cannot be undone.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        yes = box.addButton("Approve", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self._answer(r, approve=True) if b is yes else None)
        box.open()
        self.confirm_box = box

    def reject(self, reason: str = "", comment: str = "") -> RejectDialog | None:
        """Reject with `reason` at once, else a dialog offers this request's reasons only."""
        r = self.selected()
        if r is None or not self.model.answerable(r) or not r.reject_reasons:
            return None
        if reason:
            self._answer(r, approve=False, reason=reason, comment=comment)
            return None
        dialog = RejectDialog(
            r.order_id,
            self,
            reasons=dict(r.reject_reasons),
            title=f"Reject return request {r.return_id}",
            intro_text=f"The buyer of order {r.order_id} asked: {r.reason_text}. "
            "Choose the reason TikTok Shop and the buyer will see:",
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._answer(
                r, approve=False, reason=dialog.reason, comment=dialog.comment.text().strip()
            )
        )
        dialog.open()
        self.reject_dialog = dialog
        return dialog

    def _answer(
        self, r: StoredReturn, *, approve: bool, reason: str = "", comment: str = ""
    ) -> None:
        now = int(time.time())
        verb = "Approving" if approve else "Rejecting"
        self.message.emit(f"{verb} return request {r.return_id}…")
        self._write(
            lambda db: answer_return(
                db, return_id=r.return_id, approve=approve, reason=reason, comment=comment, now=now
            ),
            f"Return {r.return_id}: answer queued; Shopdesk sends it once",
        )
        self.model.sending.add(r.return_id)
        self.refresh()

    def restock(self, *, write_off: bool = False) -> None:
        """The selected request's returned items arrived: back on the shelf, or written off."""
        r = self.selected()
        if r is None or not r.item_travels:
            return
        now = int(time.time())
        done = "written off" if write_off else "back on the shelf; stock push queued"
        self._write(
            lambda db: restock_return(db, return_id=r.return_id, write_off=write_off, now=now),
            f"Return {r.return_id}: items {done}",
        )

    def _write(self, write: object, success: str) -> None:
        engine = self.host.engine
        if engine is None:
            self.message.emit("The sync engine is not running: nothing was recorded")
            return
        self.tasks.watch(
            engine.run_write(write),  # type: ignore[arg-type]
            lambda _r: self.message.emit(success),
            lambda error: self.message.emit(f"Not recorded: {error}"),
            owner=self,
        )
