"""The Cancellations tab's model: buyers' requests, soonest deadline first, with a live countdown.

An unanswered request is accepted by TikTok Shop at its deadline, so the time left is the
first column, red in the last two hours and "overdue" after.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.gui import formatting as fmt
from app.gui.orders_model import ID_ROLE, SORT_ROLE
from app.gui.table_base import RowsTableModel
from app.gui.theme import colors
from app.gui.write_text import ERROR, OK, describe_write
from app.queries.writes import closed_words

Index = QModelIndex | QPersistentModelIndex

#: Under this much time left a request is urgent: red, and worth a notification.
URGENT_SECONDS = 2 * 3600
OVERDUE, URGENT = "overdue", "urgent"

RESPOND, ORDER, SKUS, REFUND, REASON, ASKED, ANSWER = range(7)
HEADERS = ("Time to answer", "Order", "SKUs", "Refund", "Buyer's reason", "Asked", "Your answer")
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 40
#: True when the creator can still answer the row (Approve and Reject are enabled).
ANSWERABLE_ROLE = Qt.ItemDataRole.UserRole + 41
URGENCY_ROLE = Qt.ItemDataRole.UserRole + 42


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


@dataclass(frozen=True)
class RequestRow:
    """A buyer's request and, once the creator answered, that answer (a write row)."""

    cancel_id: str
    order_id: str
    skus: str
    refund_total: str | None
    currency: str
    reason: str
    deadline: int | None
    asked: int
    waiting: bool  # TikTok still waits for the seller
    answer: dict[str, Any] | None = None
    #: How a request that closed without our answer ended ("Withdrawn by the buyer").
    closed: str = ""

    @property
    def answerable(self) -> bool:
        """Still waiting, and no answer of ours on its way or through."""
        if not self.waiting:
            return False
        if self.answer is None:
            return True
        state = self.answer["state"]
        return state == "dropped" or (state == "failed" and self.answer["next_retry_at"] is None)

    @property
    def answer_text(self) -> str:
        """What became of our answer, or nothing yet."""
        if self.closed:
            return self.closed
        if self.answer is None:
            return "" if self.waiting else "Answered elsewhere"
        return describe_write(self.answer).text


def request_rows(
    open_rows: Sequence[dict[str, Any]],
    answered_rows: Sequence[dict[str, Any]],
    answers: dict[str, dict[str, Any]],
    closed_rows: Sequence[dict[str, Any]] = (),
) -> list[RequestRow]:
    """Open requests (soonest deadline first), then those answered or closed lately."""
    rows = []
    for waiting, source in ((True, open_rows), (False, answered_rows), (False, closed_rows)):
        for r in source:
            reason = str(r["reason_text"] or fmt.status_label(str(r["reason"] or "")))
            rows.append(
                RequestRow(
                    cancel_id=str(r["cancel_id"]),
                    order_id=str(r["order_id"]),
                    skus=str(r["sku_summary"] or ""),
                    refund_total=None if r["refund_total"] is None else str(r["refund_total"]),
                    currency=str(r["currency"] or ""),
                    reason=reason,
                    deadline=None if r["deadline"] is None else int(r["deadline"]),
                    asked=int(r["create_time"] or 0),
                    waiting=waiting,
                    answer=answers.get(str(r["cancel_id"])),
                    closed=closed_words(str(r["status"]), r["order_status"])
                    if source is closed_rows
                    else "",
                )
            )
    return rows


class CancellationsTableModel(RowsTableModel):
    """The requests to answer; `tick()` moves the countdown on without re-reading."""

    HEADERS = HEADERS

    def __init__(self, parent: Any = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.rows: list[RequestRow] = []
        self.clock = clock

    def set_rows(self, rows: list[RequestRow]) -> None:
        """New rows: a reset when the requests changed, else only changed cells."""
        if [r.cancel_id for r in rows] != [r.cancel_id for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        elif rows != self.rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEADERS) - 1))

    def tick(self) -> None:
        """Time passed: redraw the countdowns."""
        if self.rows:
            self.dataChanged.emit(self.index(0, RESPOND), self.index(len(self.rows) - 1, RESPOND))

    def row_of(self, cancel_id: str) -> int | None:
        """The row of a request."""
        return next((n for n, r in enumerate(self.rows) if r.cancel_id == cancel_id), None)

    def to_answer(self) -> list[RequestRow]:
        """Requests still waiting for the creator."""
        return [r for r in self.rows if r.answerable]

    def urgency(self, row: RequestRow) -> str:
        """overdue, urgent or "" (only for requests the creator still has to answer)."""
        if not row.answerable:
            return ""
        return answer_within(row.deadline, self.clock())[1]

    # --- Qt model interface ---------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == REFUND:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ID_ROLE:
            return row.cancel_id
        if role == ORDER_ID_ROLE:
            return row.order_id
        if role == ANSWERABLE_ROLE:
            return row.answerable
        if role == URGENCY_ROLE:
            return self.urgency(row)
        if role == SORT_ROLE:
            return self._sort(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RESPOND and row.deadline:
                return (
                    "TikTok Shop accepts the request by itself at "
                    f"{fmt.when(row.deadline)} ({fmt.when_utc(row.deadline)})"
                )
            if column == ASKED:
                return fmt.when_utc(row.asked) or None
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        if role == Qt.ItemDataRole.FontRole and column == RESPOND and self.urgency(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == REFUND:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _text(self, row: RequestRow, column: int) -> str:
        if column == RESPOND:
            if row.closed:
                return "closed"
            if not row.waiting:
                return "answered"
            if not row.answerable:
                return "answer sent" if row.answer and row.answer["state"] == "done" else "sending"
            return answer_within(row.deadline, self.clock())[0]
        refund = fmt.money(row.refund_total, row.currency)
        values = (row.order_id, row.skus, refund, row.reason, fmt.when(row.asked))
        if ORDER <= column <= ASKED:
            return values[column - ORDER]
        return row.answer_text

    def _sort(self, row: RequestRow, column: int) -> Any:
        if column == RESPOND:
            return row.deadline or 0
        if column == REFUND:
            return fmt.decimal_or_none(row.refund_total)
        if column == ASKED:
            return row.asked
        return self._text(row, column)

    def _colour(self, row: RequestRow, column: int) -> Any:
        c = colors()
        if column == RESPOND:
            return (
                c.danger_text if self.urgency(row) else (None if row.answerable else c.muted_text)
            )
        if column == ANSWER and row.answer is not None:
            level = describe_write(row.answer).level
            return {OK: c.ok_text, ERROR: c.danger_text}.get(level, c.muted_text)
        if not row.waiting:
            return c.muted_text
        return None
