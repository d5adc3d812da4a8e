"""The Returns tab's model: buyers' return and refund requests, soonest deadline first.

An unanswered request is approved by TikTok Shop at its deadline, so the time left is the
first column (red in the last hours, "overdue" after); answered and closed requests follow,
with who decided.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.gui import formatting as fmt
from app.gui.cancellations_model import answer_within
from app.gui.orders_model import ID_ROLE
from app.gui.table_base import RowsTableModel
from app.gui.theme import colors
from app.queries.returns import StoredReturn, status_words

Index = QModelIndex | QPersistentModelIndex

RESPOND, KIND, ORDER, ITEMS, REFUND, REASON, EVIDENCE, STATUS = range(8)
HEADERS = (
    "Time to answer",
    "Request",
    "Order",
    "Items",
    "Refund",
    "Buyer's reason",
    "Buyer's words",
    "Status",
)
KIND_WORDS = {"REFUND": "Refund only", "RETURN_AND_REFUND": "Return", "REPLACEMENT": "Replacement"}
DECIDERS = {"SELLER": "you", "SYSTEM": "TikTok Shop (deadline)", "OPERATOR": "TikTok Shop agent"}


ARBITRATION_WORDS = {
    "IN_PROGRESS": "a TikTok Shop agent is reviewing it",
    "SUPPORT_BUYER": "TikTok Shop sided with the buyer",
    "SUPPORT_SELLER": "TikTok Shop sided with you",
}


def decided_words(r: StoredReturn) -> str:
    """`approved; the buyer is being refunded · decided by TikTok Shop (deadline)`."""
    words = ARBITRATION_WORDS.get(r.arbitration_status) or status_words(r.return_status)
    who = DECIDERS.get(r.decided_by, r.decided_by.lower())
    return f"{words} · decided by {who}" if who and not r.pending else words


class ReturnsTableModel(RowsTableModel):
    """The requests; `tick()` moves the countdowns on without re-reading."""

    HEADERS = HEADERS

    def __init__(self, parent: Any = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.rows: list[StoredReturn] = []
        self.clock = clock
        #: Requests whose answer is on its way (queued from this window).
        self.sending: set[str] = set()

    def set_rows(self, rows: list[StoredReturn]) -> None:
        """New rows (a small table: a reset each time)."""
        self.beginResetModel()
        self.rows = rows
        self.sending &= {r.return_id for r in rows if r.pending}
        self.endResetModel()

    def tick(self) -> None:
        """Time passed: redraw the countdowns."""
        if self.rows:
            self.dataChanged.emit(self.index(0, RESPOND), self.index(len(self.rows) - 1, RESPOND))

    def row_of(self, return_id: str) -> int | None:
        """The row of a request."""
        return next((n for n, r in enumerate(self.rows) if r.return_id == return_id), None)

    def answerable(self, r: StoredReturn) -> bool:
        """Waiting for the creator, and no answer of ours on its way."""
        return r.pending and r.return_id not in self.sending

    def to_answer(self) -> list[StoredReturn]:
        """Requests still waiting for the creator."""
        return [r for r in self.rows if self.answerable(r)]

    def urgency(self, r: StoredReturn) -> str:
        """overdue, urgent or "" (only for requests still to answer)."""
        return answer_within(r.deadline, self.clock())[1] if self.answerable(r) else ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column)
        if role == ID_ROLE:
            return r.return_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RESPOND and r.deadline and r.pending:
                return f"TikTok Shop approves the request by itself at {fmt.when_utc(r.deadline)}"
            return self._text(r, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            c = colors()
            if column == RESPOND and self.urgency(r):
                return c.danger_text
            return None if r.pending else c.muted_text
        if role == Qt.ItemDataRole.FontRole and column == RESPOND and self.urgency(r):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == REFUND:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _text(self, r: StoredReturn, column: int) -> str:
        if column == RESPOND:
            if r.return_id in self.sending:
                return "sending"
            if r.pending:
                return answer_within(r.deadline, self.clock())[0]
            return f"updated {fmt.when(r.update_time)}"
        if column == KIND:
            return KIND_WORDS.get(r.return_type, r.return_type)
        if column == ORDER:
            return r.order_id
        if column == ITEMS:
            return ", ".join(
                f"{i.name or i.seller_sku or i.sku_id}"
                + (f" ({i.outcome.replace('_', ' ')})" if i.outcome else "")
                for i in r.items
            )
        if column == REFUND:
            return fmt.money(r.refund_total, r.currency)
        if column == REASON:
            return r.reason_text
        if column == EVIDENCE:
            return r.evidence
        return decided_words(r)
