"""Table models of the Orders tab: the lazy order list and the queues with their counts.

Vorta's shape: column constants, a headers tuple, a sort role with Python values (money as
Decimal, counts as int). Rows are read a page at a time with LIMIT/OFFSET, and filtering and
sorting happen in SQL, so the model never holds more than a few pages of 100,000 orders.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.gui import formatting as fmt
from app.gui.list_counts import OFF_THREAD_FROM, Counted, CountsReader
from app.gui.reader import Reader
from app.gui.ship_by import SHIP_BY_TIP, ship_by_color, ship_by_text, shipping_clock
from app.queries.deadlines import ClockCounts, fetch_due_counts
from app.queries.order_list import (
    ALL,
    QUEUES,
    OrderFilter,
    OrderListRow,
    OrderSort,
    fetch_first_page,
    fetch_matching_count,
    fetch_order_position,
    fetch_order_rows,
    fetch_queue_counts,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
COUNT_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex

ID, STATUS, CREATED, BUYER, ITEMS, SKUS, TOTAL, FLAGS, UPDATED, SHIP_BY = range(10)
HEADERS = (
    "Order",
    "Status",
    "Created",
    "Buyer",
    "Items",
    "SKUs",
    "Total",
    "Flags",
    "Updated",
    "Ship by",
)
SORT_KEYS = {
    ID: "id",
    STATUS: "status",
    CREATED: "create_time",
    BUYER: "buyer_name",
    ITEMS: "line_item_count",
    SKUS: "sku_summary",
    TOTAL: "total_value",
    FLAGS: "flags",
    UPDATED: "update_time",
    SHIP_BY: "rts_sla_time",
}
COLUMN_OF_SORT_KEY = {key: column for column, key in SORT_KEYS.items()}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
#: Numbers line up on the right.
NUMBER_COLUMNS = frozenset({ITEMS, TOTAL})


def alignment(column: int) -> Qt.AlignmentFlag:
    """How a column's text aligns."""
    return _RIGHT if column in NUMBER_COLUMNS else _LEFT


#: Rows per SQL window (a screenful or three), and how many windows stay cached.
PAGE_ROWS = 100
CACHED_PAGES = 40


class OrdersTableModel(QAbstractTableModel):
    """The filtered, sorted order list, read lazily from the GUI's read-only connection."""

    def __init__(self, reader: Reader, parent: Any = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.filter = OrderFilter()
        self.order = OrderSort()
        self._count = 0
        self._pages: OrderedDict[int, list[OrderListRow]] = OrderedDict()
        self._recount()

    # --- what to show -----------------------------------------------------------------------

    def set_filter(self, f: OrderFilter) -> None:
        """Show another queue, search or flag set (one count and one page of SQL)."""
        if f != self.filter:
            self.filter = f
            self.reload()

    def reload(self) -> None:
        """Re-read everything: the count now, pages when the view asks for them."""
        self.beginResetModel()
        self._recount()
        self.endResetModel()

    def _recount(self) -> None:
        self._pages.clear()
        db, source = self.reader.connection, self.reader.source
        if db is None:
            self._count = 0
        elif self.filter.narrow:  # a search or a flag: count and first page in one scan
            self._count, self._pages[0] = fetch_first_page(
                db, self.filter, self.order, source, limit=PAGE_ROWS
            )
        else:
            self._count = fetch_matching_count(db, self.filter, source)

    def row_of(self, order_id: str) -> int | None:
        """The row of an order under the current filter and sort, or None when hidden."""
        db = self.reader.connection
        if db is None:
            return None
        return fetch_order_position(db, self.filter, self.order, self.reader.source, order_id)

    def order_at(self, row: int) -> OrderListRow | None:
        """The order on a row (reads its page when not cached)."""
        if not 0 <= row < self._count or self.reader.connection is None:
            return None
        page = row // PAGE_ROWS
        rows = self._pages.get(page)
        if rows is None:
            rows = fetch_order_rows(
                self.reader.connection,
                self.filter,
                self.order,
                self.reader.source,
                offset=page * PAGE_ROWS,
                limit=PAGE_ROWS,
            )
            self._pages[page] = rows
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE_ROWS
        return rows[offset] if offset < len(rows) else None

    # --- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in (ITEMS, TOTAL):
                return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL (the header was clicked)."""
        key = SORT_KEYS.get(column)
        if key is None:
            return
        wanted = OrderSort(key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            self.reload()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(HEADERS):
            return None
        order = self.order_at(index.row())
        if order is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return display(order, column)
        if role == SORT_ROLE:
            return _sort_value(order, column)
        if role == ID_ROLE:
            return order.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ITEMS, TOTAL):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(order, column)
        if column == SHIP_BY and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            return ship_by_color(order, role == Qt.ItemDataRole.BackgroundRole)
        return None


#: What each column shows, in column order.
_DISPLAY: tuple[Callable[[OrderListRow], str], ...] = (
    lambda o: o.id,
    lambda o: fmt.status_label(o.status),
    lambda o: fmt.when(o.create_time),
    lambda o: o.buyer_name or buyer_hidden(o.status),
    lambda o: str(o.line_item_count),
    lambda o: o.sku_summary,
    lambda o: fmt.money(o.total_amount, o.currency),
    lambda o: fmt.flag_labels(o.flags, o.order_type),
    lambda o: fmt.when(o.update_time),
    lambda o: ship_by_text(o),
)


#: What the Buyer cell says while TikTok keeps the name and address back (FACTS.md 4.4).
BUYER_HIDDEN = {"UNPAID": "not shown yet", "ON_HOLD": "not shown yet"}
BUYER_HIDDEN_TIP = (
    "TikTok Shop shows the buyer's name and address once the order can ship: an on-hold "
    "order is still in the buyer's window to change their mind, an unpaid one is not paid."
)


def buyer_hidden(status: str) -> str:
    """The Buyer cell of an order TikTok shows no recipient for yet."""
    return BUYER_HIDDEN.get(status, "")


def display(order: OrderListRow, column: int) -> str:
    """The text of one cell."""
    return _DISPLAY[column](order)


def _sort_value(order: OrderListRow, column: int) -> Any:
    """Python values a proxy or a test compares: money as Decimal, counts and times as int."""
    if column == CREATED:
        return order.create_time
    if column == ITEMS:
        return order.line_item_count
    if column == TOTAL:
        return fmt.decimal_or_none(order.total_amount)
    if column == UPDATED:
        return order.update_time
    if column == SHIP_BY:
        return order.rts_sla_time
    return display(order, column)


def _tooltip(order: OrderListRow, column: int) -> str | None:
    if column == CREATED:
        return fmt.when_utc(order.create_time)
    if column == UPDATED:
        return fmt.when_utc(order.update_time)
    if column == SHIP_BY and shipping_clock(order):
        return f"{fmt.when_utc(order.rts_sla_time)}: {SHIP_BY_TIP}"
    if column == BUYER and not order.buyer_name and buyer_hidden(order.status):
        return BUYER_HIDDEN_TIP
    if column in (SKUS, FLAGS, BUYER):
        return display(order, column) or None
    if column == STATUS:
        return order.status
    return None


class QueueListModel(QAbstractListModel):
    """The status queues with their counts, for the Orders tab's sidebar."""

    def __init__(self, reader: Reader, parent: Any = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.counts: dict[str, int] = {}
        self.clocks: tuple[int, int, int] = (0, 0, 0)
        self._counter: CountsReader | None = None
        self.refresh()

    def refresh(self) -> None:
        """Re-count (one GROUP BY on the status index); only changed counts are redrawn."""
        db = self.reader.connection
        counts = {} if db is None else fetch_queue_counts(db)
        clocks = (0, 0, 0) if db is None else _clocks(fetch_due_counts(db, int(time.time())))
        self._show(counts, clocks)

    def refresh_off_thread(self) -> None:
        """Re-count on a worker when the shop is large (an import runs); else at once."""
        if self.reader.connection is None or self.counts.get(ALL, 0) < OFF_THREAD_FROM:
            self.refresh()
            return
        if self._counter is None:
            self._counter = CountsReader(self.reader.paths.database, self)
            # Queued even when a quick worker's result is handed over on this thread.
            self._counter.counted.connect(self._counted, Qt.ConnectionType.QueuedConnection)
        self._counter.request()

    def _counted(self, result: Counted | None) -> None:
        if result is not None and self.reader.connection is not None:
            self._show(result[0], _clocks(result[1]))
        if self._counter is not None and self._counter.finished():
            self._counter.request()

    def _show(self, counts: dict[str, int], clocks: tuple[int, int, int]) -> None:
        if counts == self.counts and clocks == self.clocks:
            return
        self.counts, self.clocks = counts, clocks
        if QUEUES:
            self.dataChanged.emit(self.index(0), self.index(len(QUEUES) - 1))

    def _clock_words(self) -> str:
        late, due_4h, _ = self.clocks
        words = [w for n, w in ((late, f"{late} late"), (due_4h, f"{due_4h} due 4 h")) if n]
        return f" · {', '.join(words)}" if words else ""

    def key_at(self, row: int) -> str:
        """The queue key on a row."""
        return QUEUES[row].key if 0 <= row < len(QUEUES) else ALL

    def row_of(self, key: str) -> int:
        """The row of a queue key."""
        return next((n for n, q in enumerate(QUEUES) if q.key == key), 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(QUEUES)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(QUEUES):
            return None
        queue = QUEUES[index.row()]
        n = self.counts.get(queue.key, 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return queue.label + (self._clock_words() if queue.key == "to_ship" else "")
        if role in (COUNT_ROLE, SORT_ROLE):
            return n
        if role == ID_ROLE:
            return queue.key
        if role == Qt.ItemDataRole.ToolTipRole and queue.key == "to_ship":
            late, due_4h, due_24h = self.clocks
            return (
                f"{queue.label}: {fmt.count(n, 'order')}; {late} late, {due_4h} due within "
                f"4 h, {due_24h} within 24 h"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{queue.label}: {fmt.count(n, 'order')}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{queue.label}, {n}"
        return None


def _clocks(counts: ClockCounts) -> tuple[int, int, int]:
    return counts.late, counts.due_4h, counts.due_24h
