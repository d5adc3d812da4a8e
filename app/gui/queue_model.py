"""The Sync queue tab's models: stock pushes (outbox) and received webhooks (inbox)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.gui import formatting as fmt
from app.gui.orders_model import ID_ROLE, SORT_ROLE
from app.gui.table_base import RowsTableModel
from app.gui.theme import colors
from app.gui.write_text import what_of
from app.queries.inbox import InboxItem
from app.queries.writes import WRITE_KINDS
from app.tiktok.models import EventType

Index = QModelIndex | QPersistentModelIndex
STATE_ROLE = Qt.ItemDataRole.UserRole + 20
LIVE_STATES = ("pending", "in_flight", "failed")


def _retry_text(at: int | None) -> str:
    if not at:
        return ""
    left = at - time.time()
    return "now" if left <= 0 else f"in {fmt.countdown(left)}"


class _RowsModel(RowsTableModel):
    """Shared shape: headers, rows read whole, a value per cell and its sort value."""

    NUMBERS: frozenset[int] = frozenset()
    TIME_COLUMNS: frozenset[int] = frozenset()

    def set_rows(self, rows: list[Any]) -> None:
        """New rows: reset when the set of ids changed, else changed cells only."""
        if [self.row_id(r) for r in rows] != [self.row_id(r) for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        elif rows != self.rows:
            self.rows = rows
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, len(self.HEADERS) - 1)
            )

    def row_id(self, row: Any) -> int:
        raise NotImplementedError

    def state(self, row: Any) -> str:
        raise NotImplementedError

    def value(self, row: Any, column: int) -> Any:
        """The cell's Python value (int, str or None)."""
        raise NotImplementedError

    def text(self, row: Any, column: int) -> str:
        value = self.value(row, column)
        if column in self.TIME_COLUMNS:
            return fmt.when(value)
        return "" if value is None else str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == SORT_ROLE:
            return self.value(row, column)
        if role == ID_ROLE:
            return self.row_id(row)
        if role == STATE_ROLE:
            return self.state(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in self.TIME_COLUMNS:
                return fmt.when_utc(self.value(row, column)) or None
            return self.text(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMBERS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            state = self.state(row)
            if state == "failed":
                return colors().danger_text
            if state not in LIVE_STATES:
                return colors().muted_text
        return None


class OutboxTableModel(_RowsModel):
    """Stock pushes, shipments and answers: live ones first, then the latest finished.

    Rows are `fetch_outbox` rows; a shipping or cancellation write names its order (an
    `order_id` key the tab adds, since a request's answer is filed under the request's id).
    """

    WHAT, STATE, QUANTITY, ATTEMPTS, NEXT, ERROR, UPDATED = range(7)
    HEADERS = ("What", "State", "Quantity", "Tries", "Next try", "Last error", "Changed")
    NUMBERS = frozenset({QUANTITY, ATTEMPTS})
    TIME_COLUMNS = frozenset({UPDATED})

    def row_id(self, row: dict[str, Any]) -> int:
        return int(row["id"])

    def state(self, row: dict[str, Any]) -> str:
        return str(row["state"])

    def value(self, row: dict[str, Any], column: int) -> Any:
        getters: tuple[Callable[[dict[str, Any]], Any], ...] = (
            _what,
            lambda r: r["state"],
            lambda r: r["quantity"],
            lambda r: int(r["attempts"] or 0),
            lambda r: r["next_retry_at"],
            lambda r: r["last_error"] or "",
            lambda r: r["updated_at"],
        )
        return getters[column](row)

    def text(self, row: dict[str, Any], column: int) -> str:
        if column == self.STATE:
            return fmt.status_label(str(row["state"]))
        if column == self.NEXT:
            return _retry_text(row["next_retry_at"]) if row["state"] == "failed" else ""
        return super().text(row, column)


class InboxTableModel(_RowsModel):
    """Webhook pushes received, newest first (`fetch_inbox` rows)."""

    EVENT, STATE, ATTEMPTS, NEXT, ERROR, RECEIVED, NOTIFICATION = range(7)
    HEADERS = ("Event", "State", "Tries", "Next try", "Last error", "Received", "Notification id")
    NUMBERS = frozenset({ATTEMPTS})
    TIME_COLUMNS = frozenset({RECEIVED})

    def row_id(self, row: InboxItem) -> int:
        return row.id

    def state(self, row: InboxItem) -> str:
        return row.state

    def value(self, row: InboxItem, column: int) -> Any:
        getters: tuple[Callable[[InboxItem], Any], ...] = (
            _event_name,
            lambda r: r.state,
            lambda r: r.attempts,
            lambda r: r.next_retry_at,
            lambda r: r.last_error,
            lambda r: r.received_at,
            lambda r: r.notification_id or "",
        )
        return getters[column](row)

    def text(self, row: InboxItem, column: int) -> str:
        if column == self.STATE:
            return fmt.status_label(row.state)
        if column == self.NEXT:
            return _retry_text(row.next_retry_at) if row.state == "failed" else ""
        return super().text(row, column)


def _what(row: dict[str, Any]) -> str:
    """A stock push names its SKU; a shipment or an answer names what it does to which order."""
    if row.get("kind") in WRITE_KINDS:
        return what_of(str(row["kind"]), str(row.get("order_id") or row["ref"]))
    return str(row["seller_sku"] or row["ref"])


def _event_name(item: InboxItem) -> str:
    try:
        return fmt.status_label(EventType(item.type).name)
    except ValueError:
        return f"Event type {item.type}"
