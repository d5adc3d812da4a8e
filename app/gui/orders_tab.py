"""The Orders tab: queues with counts, search, type and flag filters, the list and the detail."""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
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
from app.store.order_queries import (
    ALL,
    FLAG_FILTERS,
    QUEUE_BY_KEY,
    QUEUE_OF_STATUS,
    OrderFilter,
    fetch_order_detail,
)

#: Search as you type, once typing pauses this long.
SEARCH_DELAY_MS = 200

#: Each column fits this text in the table's font (19-digit ids must fit whole).
_COLUMN_SAMPLES = {
    ID: "9999999999999999999",
    STATUS: "Awaiting collection",
    CREATED: "Nov 29 08:46",
    BUYER: "M***n L***z",
    ITEMS: "Items",
    SKUS: "GHG-YOGA19-NAV-M",
    TOTAL: "$9,999.99",
    FLAGS: "Replacement",
    UPDATED: "Nov 29 08:46",
}
#: Shown from the header's right-click menu.
_HIDDEN_AT_FIRST = (UPDATED,)
_TYPES = ("", "NORMAL", "PRE_ORDER", "MADE_TO_ORDER", "BACK_ORDER", "ZERO_LOTTERY")


class OrdersTab(QWidget):
    """Everything about orders; reads only through the GUI's read-only connection."""

    importRequested = Signal()
    settingsRequested = Signal()
    #: The number of orders shown changed (for the window's tab title and self-test).
    countChanged = Signal(int)

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.connected = False
        self.queues = QueueListModel(reader, self)
        self.model = OrdersTableModel(reader, self)
        self._selected_id: str | None = None
        self._build()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.refresh()

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
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

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.import_button = QPushButton("Import orders…")
        self.import_button.setToolTip("Import the orders of a date range (Ctrl+I)")
        self.import_button.clicked.connect(self.importRequested)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.type_box)
        bar.addWidget(self.flags_button)
        bar.addWidget(self.count_label)
        bar.addStretch(0)
        bar.addWidget(self.import_button)

        self.table = make_table(self.model, "ordersTable")
        self.table.setItemDelegate(OrderCellDelegate(self.model))
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
        self.model.modelReset.connect(self._after_reset)

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

        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.splitter, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.queue_list)
        layout.addLayout(right, 1)

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

    def _queue_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
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
        """Orders changed: recount queues, re-read the list, keep the selected order."""
        self.queues.refresh()
        scroll = self.table.verticalScrollBar().value()
        self.model.reload()
        self.table.verticalScrollBar().setValue(scroll)
        self._update_empty_state()

    def _after_reset(self) -> None:
        """A reset clears the selection: select the same order again, wherever it moved."""
        self.countChanged.emit(self.model.rowCount())
        self.count_label.setText(fmt.count(self.model.rowCount(), "order"))
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        if row is None:
            self._selected_id = None
            self.detail.show_order(None)
            return
        self._select_row(row, scroll=False)

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

    def _show_detail(self, order_id: str | None) -> None:
        db = self.reader.db
        if order_id is None or db is None:
            self.detail.show_order(None)
            return
        order = fetch_order_detail(db, order_id)
        self.detail.show_order(order, missing=f"Order {order_id} is no longer stored.")

    def show_order(self, order_id: str) -> bool:
        """Open an order (from a notification): its queue, no filters, its row selected."""
        db = self.reader.db
        order = None if db is None else fetch_order_detail(db, order_id)
        if order is None:
            return False
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
        elif self.reader.db is None or (not self.connected and total == 0):
            self.table_area.show_empty(
                "No shop connected yet",
                "Connect your TikTok Shop in Settings: your orders then appear here, "
                "and new ones arrive by themselves.",
                "Open Settings",
                "settings",
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

    def set_connected(self, connected: bool) -> None:
        """The shop's connection changed: the empty state may say something else now."""
        if connected != self.connected:
            self.connected = connected
            self._update_empty_state()
