"""The Errors tab's model: open sync errors with when, what, why and what to do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.gui import formatting as fmt
from app.gui.orders_model import ID_ROLE, SORT_ROLE
from app.gui.reader import Reader
from app.gui.table_base import RowsTableModel
from app.queries.activity import fetch_open_errors

Index = QModelIndex | QPersistentModelIndex

WHEN, WHAT, REASON, ACTION, ATTEMPTS = range(5)
HEADERS = ("When", "What", "Reason", "What to do", "Tries")
KIND_ROLE = Qt.ItemDataRole.UserRole + 10

#: What each kind of error is about, in the creator's words.
KIND_LABELS = {
    "poll": "Order sync",
    "import": "Order import",
    "engine": "Connection",
    "catalog": "Catalogue sync",
    "stock_push": "Stock push",
    "webhooks": "Webhooks",
    "webhook_subscription": "Webhook subscription",
    "authorization_expiring": "Authorization",
    "ship": "Shipping order",
    "shipping_info": "Fixing the tracking number of order",
    "cancel_approve": "Approving cancellation request",
    "cancel_reject": "Rejecting cancellation request",
    "seller_cancel": "Cancelling order",
    "writes": "Sending to TikTok Shop",
    "cancellations": "Cancellation requests",
}


class ErrorsTableModel(RowsTableModel):
    """Open errors, newest first; a few dozen rows at most, so read whole."""

    HEADERS = HEADERS

    def __init__(self, reader: Reader, parent: Any = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.rows: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        """Re-read; a reset only when the set of errors changed, else changed cells."""
        db = self.reader.db
        rows = [] if db is None else fetch_open_errors(db)
        if [r["id"] for r in rows] != [r["id"] for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        elif rows != self.rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEADERS) - 1))

    def row_of_kind(self, kind: str) -> int | None:
        """The newest open error of a kind (a notification opens it)."""
        return next((n for n, r in enumerate(self.rows) if r["kind"] == kind), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == SORT_ROLE:
            if column == WHEN:
                return int(row["last_at"])
            if column == ATTEMPTS:
                return int(row["attempts"])
            return _display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHEN:
                first, last = row["first_at"], row["last_at"]
                return (
                    f"First {fmt.when(first)} ({fmt.when_utc(first)})\n"
                    f"Last {fmt.when(last)} ({fmt.when_utc(last)})"
                )
            return _display(row, column) or None
        if role == ID_ROLE:
            return int(row["id"])
        if role == KIND_ROLE:
            return str(row["kind"])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ATTEMPTS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def _display(row: dict[str, Any], column: int) -> str:
    if column == WHEN:
        return fmt.when(row["last_at"])
    if column == WHAT:
        label = KIND_LABELS.get(row["kind"], str(row["kind"]).replace("_", " ").capitalize())
        return f"{label} {row['ref']}".strip() if row["ref"] and row["kind"] != "import" else label
    if column == REASON:  # the What column already names it: "Shipping order 57…: ..."
        return str(row["message"]).removeprefix(f"{_display(row, WHAT)}: ")
    if column == ACTION:
        return str(row["action"])
    return str(row["attempts"])
