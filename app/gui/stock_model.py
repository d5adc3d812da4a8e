"""The Inventory tab's model: one row per SKU, three columns edited in place.

A few hundred SKUs at most, so rows are read whole (`fetch_stock_rows`) and sorted by a
sort proxy on Python ints. An edit is not written here: `editRequested` asks the tab, which
asks the engine (the only writer); the row shows the new value and a pending push at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.gui import formatting as fmt
from app.gui.orders_model import ID_ROLE, SORT_ROLE
from app.gui.table_base import RowsTableModel
from app.gui.theme import colors
from app.queries.stock import AT_RISK, MAX_ON_HAND, OVERSOLD, SEVERITY, StockRow

Index = QModelIndex | QPersistentModelIndex

SKU, PRODUCT, ON_HAND, COMMITTED, AVAILABLE, BUFFER, LOW_STOCK, TIKTOK, PUSH, WARNING = range(10)
HEADERS = (
    "SKU",
    "Product",
    "On hand",
    "Committed",
    "Available",
    "Buffer",
    "Low at",
    "TikTok",
    "Push",
    "Warning",
)
EDITABLE = {ON_HAND: "on_hand", BUFFER: "buffer", LOW_STOCK: "low_stock"}
_NUMBERS = {ON_HAND, COMMITTED, AVAILABLE, BUFFER, LOW_STOCK, TIKTOK}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PUSH_LABELS = {"pending": "queued", "in_flight": "pushing…", "failed": "failed, retrying"}
WARNING_LABELS = {OVERSOLD: "Oversold", AT_RISK: "At risk", "low_stock": "Low stock"}
SOLD_OUT = "sold_out"


def row_kind(row: StockRow) -> str:
    """What colours a row: its worst warning, with low stock at nothing left called sold out."""
    warning = row.warning
    if warning is None:
        return ""
    if warning.kind == "low_stock" and row.available <= 0:
        return SOLD_OUT
    return warning.kind


def row_colours(row: StockRow) -> tuple[QColor, QColor] | None:
    """(background, text) of a row that needs a look, in the theme in use."""
    c = colors()
    return {
        OVERSOLD: (c.danger_back, c.danger_text),
        AT_RISK: (c.warning_back, c.warning_text),
        "low_stock": (c.low_back, c.low_text),
        SOLD_OUT: (c.out_back, c.out_text),
    }.get(row_kind(row))


def _number(row: StockRow, column: int) -> int:
    return {
        ON_HAND: row.on_hand,
        COMMITTED: row.committed,
        AVAILABLE: row.available,
        BUFFER: row.buffer,
        LOW_STOCK: row.low_stock,
        TIKTOK: row.tiktok_quantity,
    }[column]


class StockTableModel(RowsTableModel):
    """SKUs with on hand, committed, available, buffer, low-stock mark and TikTok's count."""

    HEADERS = HEADERS

    #: (sku_id, field, value): the creator edited a cell; the tab writes it via the engine.
    editRequested = Signal(str, str, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[StockRow] = []

    def set_rows(self, rows: list[StockRow]) -> None:
        """New rows; a reset only when the SKUs themselves changed, else changed cells."""
        if [r.sku_id for r in rows] != [r.sku_id for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        old, self.rows = self.rows, rows
        for n, (before, after) in enumerate(zip(old, rows, strict=True)):
            if before != after:
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(HEADERS) - 1))

    def row_of(self, sku_id: str) -> int | None:
        """The row of a SKU."""
        return next((n for n, r in enumerate(self.rows) if r.sku_id == sku_id), None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMBERS:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in EDITABLE and not self.rows[index.row()].removed:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        warning = row.warning
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return _number(row, column) if column in _NUMBERS else _display(row, column)
        if role == SORT_ROLE:
            if column in _NUMBERS:
                return _number(row, column)
            if column == WARNING:
                return SEVERITY.get(warning.kind, len(SEVERITY)) if warning else len(SEVERITY)
            return _display(row, column)
        if role == ID_ROLE:
            return row.sku_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            pair = row_colours(row)
            if pair is not None:
                return pair[0] if role == Qt.ItemDataRole.BackgroundRole else pair[1]
            if role == Qt.ItemDataRole.ForegroundRole and row.removed:
                return colors().muted_text
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Check the number, show it with a pending push, and ask for the write."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        field = EDITABLE.get(index.column())
        if field is None:
            return False
        try:
            number = int(str(value).strip())
        except ValueError:
            return False
        if not 0 <= number <= MAX_ON_HAND:
            return False
        row = self.rows[index.row()]
        if number == getattr(row, field) and not (field == "on_hand" and row.estimate):
            return False
        changes: dict[str, Any] = {field: number}
        if field == "on_hand":
            changes["estimate"] = False
        if field in ("on_hand", "buffer"):
            changes["push_state"] = "pending"
        self.rows[index.row()] = replace(row, **changes)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.editRequested.emit(row.sku_id, field, number)
        return True


_HEADER_TIPS = {
    ON_HAND: "Units you have (double-click to set the real count)",
    COMMITTED: "Units in open orders not yet handed to a carrier",
    AVAILABLE: "On hand minus committed",
    BUFFER: "Units kept back from TikTok (double-click to change)",
    LOW_STOCK: "Warn when available falls to this (double-click to change)",
    TIKTOK: "What TikTok Shop lists for sale now",
    PUSH: "A change waiting to reach TikTok Shop",
}


def _display(row: StockRow, column: int) -> str:
    if column == SKU:
        return row.seller_sku or row.sku_id
    if column == PRODUCT:
        name = " · ".join(x for x in (row.product_title, row.sku_name) if x)
        return f"{name} (removed)" if row.removed else name
    if column == ON_HAND:
        return f"~{row.on_hand}" if row.estimate else str(row.on_hand)
    if column in _NUMBERS:
        return str(_number(row, column))
    if column == PUSH:
        if not row.push_state and row.pushed_at:
            return f"sent {fmt.when(row.pushed_at)}"
        return PUSH_LABELS.get(row.push_state, row.push_state)
    if row_kind(row) == SOLD_OUT:
        return "Sold out"
    warning = row.warning
    return WARNING_LABELS.get(warning.kind, warning.kind) if warning else ""


def _tooltip(row: StockRow, column: int) -> str | None:
    lines = [w.reason for w in row.warnings]
    if column == ON_HAND and row.estimate:
        lines.append("Estimated from TikTok's count: set the real number you have.")
    if column == PUSH and row.push_error:
        lines.append(f"Last push failed: {row.push_error}")
    if column == PUSH and not row.push_state and row.pushed_at:
        lines.append(f"TikTok Shop took the last change at {fmt.when_utc(row.pushed_at)}.")
    if column in (BUFFER, LOW_STOCK):
        default = row.buffer_is_default if column == BUFFER else row.low_stock_is_default
        if default:
            lines.append("From the default in Settings.")
    return "\n".join(lines) or None
