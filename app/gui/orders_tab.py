"""The Orders tab: queues with counts, search, type and flag filters, the list and the detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.gui import formatting as fmt
from app.gui.empty_state import EmptyableView
from app.gui.order_detail import OrderDetailView
from app.gui.orders_delegate import OrderCellDelegate
from app.gui.orders_model import (
    BUYER,
    COLUMN_OF_SORT_KEY,
    CREATED,
    FLAGS,
    HEADERS,
    ID,
    ID_ROLE,
    ITEMS,
    SHIP_BY,
    SKUS,
    STATUS,
    TOTAL,
    UPDATED,
    OrdersTableModel,
    QueueListModel,
)
from app.gui.queue_delegate import QueueDelegate
from app.gui.reader import Reader
from app.gui.shortcuts import KEYS
from app.gui.table_view import make_table
from app.gui.theme import list_style
from app.queries.order_list import ALL, FLAG_FILTERS, QUEUE_BY_KEY, QUEUE_OF_STATUS, OrderFilter

if TYPE_CHECKING:
    import sqlite_utils

    from app.queries.returns import AfterSale
    from app.tiktok.models import Order

#: Search as you type, once typing pauses this long.
SEARCH_DELAY_MS = 200

#: Each column fits this text in the table's font (19-digit ids must fit whole).
_COLUMN_SAMPLES = {
    ID: "9999999999999999999",
    STATUS: "Awaiting collection",
    CREATED: "Nov 29 08:46",
    BUYER: "not shown yet ",
    ITEMS: "Items",
    SKUS: "GHG-YOGA19-NAV-M",
    TOTAL: "$9,999.99",
    FLAGS: "Replacement",
    UPDATED: "Nov 29 08:46",
    SHIP_BY: "Nov 29 08:46 · 23 h 59 min left",
}
#: A multi-selection up to this size survives the list re-reading (each row is one query).
KEEP_SELECTED = 200
#: Shown from the header's right-click menu.
_HIDDEN_AT_FIRST = (UPDATED,)
_TYPES = ("", "NORMAL", "PRE_ORDER", "MADE_TO_ORDER", "BACK_ORDER", "ZERO_LOTTERY")


class OrdersTab(QWidget):
    """Everything about orders; reads only through the GUI's read-only connection."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.ORDERS, Kind.DEADLINES})
    #: What the order detail shows besides the order: what was sent about it, its request.
    DETAIL_ON = frozenset(
        {Kind.OUTBOX, Kind.CANCELLATIONS, Kind.LABELS, Kind.RETURNS, Kind.STATEMENTS}
    )

    importRequested = Signal()
    settingsRequested = Signal()
    #: list[str]: ship these orders (the ship dialog opens).
    shipRequested = Signal(object)
    #: Labels and pick list for these order ids.
    labelsRequested = Signal(object)
    #: (order id, reason): the seller cancels an order with one of the documented reasons.
    cancelRequested = Signal(str, str)
    #: The number of orders shown changed (for the window's tab title and self-test).
    countChanged = Signal(int)

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.connected = False
        #: Until the sync engine has started, the list is opening, not empty.
        self.starting = True
        self.importing = False
        self.queues = QueueListModel(reader, self)
        self.model = OrdersTableModel(reader, self)
        self._selected_id: str | None = None
        #: The order the detail pane shows (it stays when the order leaves the list).
        self._shown_id: str | None = None
        self._selected_ids: list[str] = []
        self._detail_key: tuple[object, ...] | None = None
        self._build()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.refresh()

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        """The queues on the left; the filter bar, the list and the detail on the right."""
        self._build_queue_list()
        bar = self._build_filter_bar()
        self._build_table()
        self._build_detail()
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.splitter, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.queue_list)
        layout.addLayout(right, 1)

    def _build_queue_list(self) -> None:
        self.queue_list = QListView()
        self.queue_list.setObjectName("queueList")
        self.queue_list.setModel(self.queues)
        self.queue_list.setItemDelegate(QueueDelegate(self.queue_list))
        metrics = self.queue_list.fontMetrics()
        widest = metrics.horizontalAdvance("Awaiting collection 999,999")
        self.queue_list.setFixedWidth(widest + 36)
        self.queue_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_list.setCurrentIndex(self.queues.index(0))
        self.queue_list.selectionModel().currentRowChanged.connect(self._queue_changed)

    def _build_filter_bar(self) -> QHBoxLayout:
        """Search, order type, flags, the count, and the Ship and Import buttons."""
        self.search = QLineEdit(placeholderText="Search id, buyer, SKU or product")
        self.search.setToolTip("Search orders by id, buyer, seller SKU or product name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filter)
        clear = QShortcut(QKeySequence(KEYS["escape"]), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)  # a cell editor keeps its own Esc
        clear.activated.connect(self.search.clear)

        self.type_box = QComboBox()
        self.type_box.addItem("All types", "")
        for kind in _TYPES[1:]:
            self.type_box.addItem(fmt.ORDER_TYPE_LABELS[kind], kind)
        self.type_box.currentIndexChanged.connect(self.apply_filter)

        self._build_flags()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.import_button = QPushButton("Import orders…")
        self.import_button.setToolTip("Import the orders of a date range (Ctrl+I)")
        self.import_button.clicked.connect(self.importRequested)
        self.ship_button = QPushButton("Ship…")
        self.ship_button.setObjectName("shipOrdersButton")
        self.ship_button.setToolTip(
            "Mark the selected orders shipped: tracking number and carrier, or TikTok's "
            f"handover ({KEYS['ship']})"
        )
        self.ship_button.clicked.connect(self.ship_selected)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.type_box)
        bar.addWidget(self.flags_button)
        bar.addWidget(self.count_label)
        bar.addStretch(0)
        bar.addWidget(self.ship_button)
        bar.addWidget(self.import_button)
        return bar

    def _build_flags(self) -> None:
        self.flags_button = QToolButton()
        self.flags_button.setText("Flags")
        self.flags_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.flags_button)
        self.flag_actions: dict[str, QAction] = {}
        for flag in FLAG_FILTERS:
            action = menu.addAction(fmt.FLAG_LABELS[flag])
            action.setCheckable(True)
            action.toggled.connect(self.apply_filter)
            self.flag_actions[flag] = action
        menu.addSeparator()
        menu.addAction("Clear flags", self._clear_flags)
        self.flags_button.setMenu(menu)

    def _build_table(self) -> None:
        self.table = make_table(self.model, "ordersTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegate(OrderCellDelegate(self.model))
        self.table.setStyle(list_style())  # its cells never enter a Python style to paint
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        metrics = self.table.fontMetrics()
        for column, sample in _COLUMN_SAMPLES.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 26)
        header.setSectionResizeMode(SKUS, QHeaderView.ResizeMode.Stretch)
        for column in _HIDDEN_AT_FIRST:
            self.table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        first_sort = COLUMN_OF_SORT_KEY[self.model.order.key]  # enabling sorting sorts at once
        header.setSortIndicator(first_sort, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._after_reset)

    def _build_detail(self) -> None:
        self.table_area = EmptyableView(self.table)
        self.table_area.empty.actionClicked.connect(self._empty_action)
        self.detail = OrderDetailView()
        self.detail.setObjectName("orderDetail")

        # The detail sits under the list, so the list keeps the window's whole width.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table_area)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

    def restore_header(self, state: QByteArray) -> None:
        """Column widths, hidden columns and sort from last time."""
        header = self.table.horizontalHeader()
        if header.restoreState(state):
            self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _header_menu(self, point: QPoint) -> None:
        """Right-click on the header: show or hide columns."""
        menu = QMenu(self)
        for column, title in enumerate(HEADERS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.setEnabled(column != ID)
            action.toggled.connect(lambda on, c=column: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(point))

    # --- filters --------------------------------------------------------------------------

    def current_filter(self) -> OrderFilter:
        """The filter the controls describe."""
        flags = frozenset(f for f, action in self.flag_actions.items() if action.isChecked())
        return OrderFilter(
            queue=self.queues.key_at(self.queue_list.currentIndex().row()),
            search=self.search.text().strip(),
            order_type=str(self.type_box.currentData() or ""),
            flags=flags,
        )

    def apply_filter(self) -> None:
        """Show what the controls ask for (one count and one page of SQL)."""
        self._search_timer.stop()
        flags = sum(a.isChecked() for a in self.flag_actions.values())
        self.flags_button.setText(f"Flags ({flags})" if flags else "Flags")
        self.model.set_filter(self.current_filter())
        self._update_empty_state()

    def clear_filters(self) -> None:
        """Back to every order: no search, any type, no flag."""
        for widget in (self.search, self.type_box, *self.flag_actions.values()):
            widget.blockSignals(True)
        self.search.clear()
        self.type_box.setCurrentIndex(0)
        for action in self.flag_actions.values():
            action.setChecked(False)
        for widget in (self.search, self.type_box, *self.flag_actions.values()):
            widget.blockSignals(False)
        self.apply_filter()

    def _clear_flags(self) -> None:
        for action in self.flag_actions.values():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self.apply_filter()

    def _queue_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.queues.key_at(current.row()) == "to_ship":  # the work, soonest deadline first
            self.table.sortByColumn(SHIP_BY, Qt.SortOrder.AscendingOrder)
        self.apply_filter()

    def select_queue(self, key: str) -> None:
        """Show one queue."""
        self.queue_list.setCurrentIndex(self.queues.index(self.queues.row_of(key)))

    def focus_search(self) -> None:
        """Ctrl+F: type to search."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Orders changed: recount queues, re-read the list, keep the selected order.

        During an import a large shop's counts are read on a worker (see list_counts).
        """
        if self.importing:
            self.queues.refresh_off_thread()
        else:
            self.queues.refresh()
        scroll = self.table.verticalScrollBar().value()
        self.model.reload()
        self.table.verticalScrollBar().setValue(scroll)
        self._update_empty_state()

    def _after_reset(self) -> None:
        """A reset clears the selection: select the same orders again, wherever they moved."""
        self.countChanged.emit(self.model.rowCount())
        self.count_label.setText(fmt.count(self.model.rowCount(), "order"))
        others = [i for i in self._selected_ids if i != self._selected_id]
        if self._selected_id is None:
            self._buttons()
            return
        row = self.model.row_of(self._selected_id)
        if row is None:
            # The order left this queue (shipped, cancelled): its detail stays in view, so the
            # creator sees what happened to it, but nothing acts on it by selection any more.
            self._selected_id = None
            self._selected_ids = []
            self._buttons()
            self.refresh_detail()
            return
        self._select_row(row, scroll=False)
        if others:
            self._reselect(others)
        self._buttons()

    def _reselect(self, order_ids: list[str]) -> None:
        """Add orders to the selection (after a reset), keeping the current row."""
        selection = QItemSelection()
        for order_id in order_ids:
            row = self.model.row_of(order_id)
            if row is not None:
                last = self.model.columnCount() - 1
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)

    def _select_row(self, row: int, *, scroll: bool) -> None:
        index = self.model.index(row, ID)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        if not scroll:
            self.table.setAutoScroll(False)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.setAutoScroll(True)
        if scroll:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected_id = current.data(ID_ROLE) if current.isValid() else None
        self._show_detail(self._selected_id)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self.selected_count() <= KEEP_SELECTED:
            self._selected_ids = self.selected_order_ids()
        else:
            self._selected_ids = [self._selected_id] if self._selected_id else []
        self._buttons()

    def selected_count(self) -> int:
        """How many orders are selected (without reading them)."""
        selection = self.table.selectionModel().selection()
        return sum(selection.at(n).height() for n in range(selection.count()))

    def selected_order_ids(self) -> list[str]:
        """The selected orders' ids, top to bottom (the current one when nothing is selected)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        ids = [str(self.model.index(r, ID).data(ID_ROLE)) for r in rows]
        if not ids and self._selected_id:
            ids = [self._selected_id]
        return [i for i in ids if i and i != "None"]

    def _buttons(self) -> None:
        count = self.selected_count() or (1 if self._selected_id else 0)
        self.ship_button.setEnabled(count > 0)
        self.ship_button.setText(f"Ship {count:,}…" if count > 1 else "Ship…")

    def _show_detail(self, order_id: str | None) -> None:
        from app.gui.order_labels import labels_html  # the detail's readers load on first use

        db = self.reader.db
        self._shown_id = order_id if db is not None else None
        if order_id is None or db is None:
            self._detail_key = None
            self.detail.show_order(None)
            return
        order = _order_detail(db, order_id)
        writes, after, money = _detail_reads(db, order_id)
        self._detail_key = (*_detail_key(order_id, order, writes, money), tuple(after))
        self.detail.show_order(
            order,
            missing=f"Order {order_id} is no longer stored.",
            writes=writes,
            shipping=labels_html(db, order_id),
            after=after,
            money=money,
        )

    def refresh_detail(self) -> None:
        """Show the order in view again if it or what was sent about it changed."""
        db, order_id = self.reader.db, self._shown_id
        if db is None or order_id is None:
            return
        order = _order_detail(db, order_id)
        writes, after, money = _detail_reads(db, order_id)
        key = (*_detail_key(order_id, order, writes, money), tuple(after))
        if key != self._detail_key:
            self._show_detail(order_id)

    # --- shipping and cancelling --------------------------------------------------------------

    def ship_selected(self) -> None:
        """Ctrl+Shift+S: ship the selected orders (the window opens the dialog)."""
        self.shipRequested.emit(self.selected_order_ids())

    def cancel_reasons(self) -> dict[str, str]:
        """The reasons the seller may give to cancel the current order (none for many)."""
        db = self.reader.db
        if db is None or self._selected_id is None or self.selected_count() > 1:
            return {}
        from app.queries.shop import shop_region
        from app.tiktok.reasons import seller_cancel_reasons

        order = _order_detail(db, self._selected_id)
        return {} if order is None else seller_cancel_reasons(order.status, shop_region(db))

    def fill_cancel_menu(self, menu: QMenu) -> None:
        """The "Cancel order" submenu: only the documented reasons for the order's status."""
        menu.clear()
        reasons = self.cancel_reasons()
        order_id = self._selected_id
        if not reasons or order_id is None:
            why = (
                "Select one order"
                if self.selected_count() > 1 or order_id is None
                else "TikTok lets you cancel only unpaid, on-hold or to-ship orders"
            )
            menu.addAction(why).setEnabled(False)
            return
        for name, label in reasons.items():
            menu.addAction(f"Cancel: {label.lower()}…", self._cancel_with(order_id, name))

    def _cancel_with(self, order_id: str, reason: str) -> Callable[[], None]:
        """The menu action that asks to cancel this order for this reason."""
        return lambda: self.cancelRequested.emit(order_id, reason)

    def _row_menu(self, point: QPoint) -> None:
        """Right-click on orders: ship, cancel with a documented reason, copy the ids."""
        index = self.table.indexAt(point)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row()):
            self._select_row(index.row(), scroll=False)
        menu = QMenu(self)
        count = self.selected_count()
        ship = menu.addAction(
            f"Ship {count:,} orders…" if count > 1 else "Ship…", self.ship_selected
        )
        ship.setShortcut(QKeySequence(KEYS["ship"]))
        ship.setEnabled(count > 0)
        labels = menu.addAction(
            "Labels and pick list…", lambda: self.labelsRequested.emit(self.selected_order_ids())
        )
        labels.setShortcut(QKeySequence(KEYS["labels"]))
        cancel = menu.addMenu("Cancel order")
        self.fill_cancel_menu(cancel)
        menu.addSeparator()
        menu.addAction(
            "Copy order ids" if count > 1 else "Copy order id",
            lambda: QGuiApplication.clipboard().setText("\n".join(self.selected_order_ids())),
        )
        menu.exec(self.table.viewport().mapToGlobal(point))

    def show_order(self, order_id: str) -> bool:
        """Open an order (from a notification): its queue, no filters, its row selected."""
        db = self.reader.db
        order = None if db is None else _order_detail(db, order_id)
        if order is None:
            return False
        self.reader.tell_now()  # the pages on screen match the copy row_of reads
        self.clear_filters()
        self.select_queue(QUEUE_OF_STATUS.get(order.status, ALL))
        row = self.model.row_of(order_id)
        if row is None:
            return False
        self._selected_id = order_id
        self._select_row(row, scroll=True)
        self.table.setFocus()
        return True

    # --- empty states -----------------------------------------------------------------------

    def _update_empty_state(self) -> None:
        total = self.queues.counts.get(ALL, 0)
        if self.model.rowCount() > 0:
            self.table_area.show_view()
        elif self.starting:
            self.table_area.show_empty(
                "Opening your shop…",
                "Shopdesk is starting its sync with TikTok Shop: your orders show in a moment.",
            )
        elif self.reader.connection is None or (not self.connected and total == 0):
            self.table_area.show_empty(
                "No shop connected yet",
                "Connect your TikTok Shop in Settings: your orders then appear here, "
                "and new ones arrive by themselves.",
                "Open Settings",
                "settings",
            )
        elif total == 0 and self.importing:
            self.table_area.show_empty(
                "Importing your orders…",
                "The first ones show here as soon as they are read; the bar below shows how "
                "far it got.",
            )
        elif total == 0:
            self.table_area.show_empty(
                "No orders yet",
                "Import your order history, or wait: new orders appear here within "
                "seconds of being placed.",
                "Import orders…",
                "import",
            )
        elif self.current_filter() != OrderFilter(queue=self.current_filter().queue):
            self.table_area.show_empty(
                "No orders match",
                "Nothing in this queue matches the search and filters.",
                "Clear filters",
                "clear",
            )
        else:
            queue = QUEUE_BY_KEY[self.current_filter().queue].label
            self.table_area.show_empty(
                f"{queue}: nothing here",
                "No order is in this queue right now.",
                "Show all orders",
                "all",
            )

    def _empty_action(self, key: str) -> None:
        if key == "settings":
            self.settingsRequested.emit()
        elif key == "import":
            self.importRequested.emit()
        elif key == "clear":
            self.clear_filters()
        else:
            self.select_queue(ALL)

    def set_connected(self, connected: bool, *, importing: bool = False) -> None:
        """The engine reported: the empty state may say something else now."""
        if (connected, importing, False) != (self.connected, self.importing, self.starting):
            self.connected, self.importing, self.starting = connected, importing, False
            self._update_empty_state()


def _order_detail(db: sqlite_utils.Database, order_id: str) -> Order | None:
    """The order the detail shows (the parser loads with the first selection, not the list)."""
    from app.queries.orders import fetch_order_detail

    return fetch_order_detail(db, order_id)


def _detail_reads(
    db: sqlite_utils.Database, order_id: str
) -> tuple[list[dict[str, Any]], list[AfterSale], str]:
    """What was sent about an order, its after-sales and its money (loaded on first use:
    the list paints without them)."""
    from app.gui.money_detail import money_html
    from app.queries.money import fetch_order_money
    from app.queries.returns import fetch_after_sales
    from app.queries.writes import fetch_order_writes

    return (
        fetch_order_writes(db, order_id),
        fetch_after_sales(db, order_id),
        money_html(fetch_order_money(db, order_id)),
    )


def _detail_key(
    order_id: str, order: object, writes: list[dict[str, object]], money: str = ""
) -> tuple[object, ...]:
    """What the detail pane shows, in brief: re-render only when it changed."""
    stamp = getattr(order, "update_time", None)
    sent = tuple((w["id"], w["state"], w["updated_at"]) for w in writes)
    return (order_id, stamp, sent, money)
