"""The ship dialog: one order or many, checked row by row, queued together, each result shown.

Carriers load off the GUI thread (`shipping_providers`), checks read the GUI's own
connection, and queuing and sending happen on the engine: the window never waits.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes, Kind
from app.gui import formatting as fmt
from app.gui.engine_host import EngineHost
from app.gui.reader import Reader
from app.gui.ship_model import (
    CARRIER,
    CHOICES_ROLE,
    EDITABLE,
    EDITING,
    ITEMS,
    ORDER,
    PROBLEM,
    READY,
    REFUSED,
    RESULT,
    RETRYING,
    SENDING,
    SHIPPED,
    TRACKING,
    ShipRow,
    ShipRowsModel,
    missing_row,
    plain_problem,
    queue_shipments,
    row_for,
    row_problems,
)
from app.gui.table_view import make_table
from app.gui.tasks import TaskManager
from app.gui.theme import colors
from app.gui.write_text import HANDOVER_LABELS, describe_write
from app.store.fulfillment import fetch_providers, fetch_writes_by_id
from app.store.order_queries import fetch_order_detail
from app.sync.engine import WritesResult
from app.sync.fulfillment import PROVIDERS_FRESH
from app.sync.ship_requests import ShipPlan, ShipRequestError, plan_ship_file, save_plan
from app.tiktok.models import LineItem, Order

#: At most this many orders in one dialog (a CSV takes any number).
MAX_ROWS = 500
#: After sending, the dialog shows outcomes as they arrive (as `Changes`) for this long.
FOLLOW_SECONDS = 60.0
#: Problems a row's own input causes (the rest, like a shipped order, need leaving out).
_INPUT_PROBLEMS = (
    "Enter the tracking",
    "Choose a carrier",
    "Choose at least one item",
    "is not a tracking number",
    "carriers",
)
#: A buyer's open cancellation request: the dialog offers to answer it.
_CANCEL_REQUEST = "asked to cancel"


class ShipDelegate(QStyledItemDelegate):
    """A line edit for tracking numbers and a list for carriers, committed as they change."""

    #: Enter in a tracking number: the next row's, please (its row).
    nextRow = Signal(int)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() == CARRIER:
            combo = QComboBox(parent)
            combo.setAccessibleName(f"Carrier for order {index.siblingAtColumn(ORDER).data()}")
            combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
            return combo
        edit = QLineEdit(parent)
        edit.setPlaceholderText("Tracking number")
        edit.setAccessibleName(f"Tracking number for order {index.siblingAtColumn(ORDER).data()}")
        edit.textEdited.connect(lambda _t, e=edit: self.commitData.emit(e))
        row = QPersistentModelIndex(index)
        edit.returnPressed.connect(lambda: self.nextRow.emit(row.row()))
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            choices: list[tuple[str, str]] = index.data(CHOICES_ROLE) or []
            wanted = [("", "Choose a carrier…")] if not value else []
            wanted += choices
            have = [(editor.itemData(i), editor.itemText(i)) for i in range(editor.count())]
            editor.blockSignals(True)
            if have != wanted:
                editor.clear()
                for data, label in wanted:
                    editor.addItem(label, data)
            editor.setCurrentIndex(max(0, editor.findData(value)))
            editor.blockSignals(False)
        elif isinstance(editor, QLineEdit) and editor.text() != value:
            editor.setText(str(value))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "")
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """A cell with a live editor paints only its background: no text peeks out around it."""
        view = option.widget  # type: ignore[attr-defined]
        if isinstance(view, QAbstractItemView) and view.isPersistentEditorOpen(index):
            blank = QStyleOptionViewItem(option)
            self.initStyleOption(blank, index)
            blank.text = ""  # type: ignore[attr-defined]
            style = view.style()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter, view)
            return
        super().paint(painter, option, index)

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """One line high, centred in the row (a row grows when its result takes two lines)."""
        rect = option.rect
        height = min(rect.height(), editor.sizeHint().height())
        editor.setGeometry(rect.x(), rect.y() + (rect.height() - height) // 2, rect.width(), height)


def _unshipped(order: Order) -> list[LineItem]:
    return [i for i in order.line_items if i.display_status == "AWAITING_SHIPMENT"]


class ItemsChooser(QListWidget):
    """For one seller-shipped order: which SKUs go in this package (identical units together)."""

    changed = Signal()

    def __init__(self, order: Order, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shipItems")
        groups: dict[str, list[LineItem]] = {}
        for item in _unshipped(order):
            groups.setdefault(item.sku_id or item.id, []).append(item)
        for group in groups.values():
            first = group[0]
            name = " · ".join(x for x in (first.product_name, first.seller_sku) if x)
            entry = QListWidgetItem(f"{len(group)} × {name}")
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            entry.setData(Qt.ItemDataRole.UserRole, tuple(i.id for i in group))
            sku = first.seller_sku or first.product_name or first.sku_id
            entry.setData(Qt.ItemDataRole.UserRole + 1, sku)
            self.addItem(entry)
        self.itemChanged.connect(lambda _item: self.changed.emit())
        rows = min(self.count(), 4)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 4)

    def summary(self) -> str:
        """`CAN-SAG ×2, MUG-BLU`: the ticked SKUs, as the dialog's Items column says them."""
        parts = []
        for n in range(self.count()):
            entry = self.item(n)
            if entry.checkState() == Qt.CheckState.Checked:
                units = len(entry.data(Qt.ItemDataRole.UserRole))
                sku = str(entry.data(Qt.ItemDataRole.UserRole + 1))
                parts.append(f"{sku} ×{units}" if units > 1 else sku)
        return ", ".join(parts)

    def chosen(self) -> tuple[str, ...] | None:
        """The line items to ship: () for all of them, None for none."""
        ids: list[str] = []
        for n in range(self.count()):
            entry = self.item(n)
            if entry.checkState() == Qt.CheckState.Checked:
                ids.extend(entry.data(Qt.ItemDataRole.UserRole))
        if not ids:
            return None
        every = sum(len(self.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.count()))
        return () if len(ids) == every else tuple(ids)


class ShipDialog(QDialog):
    """Mark orders shipped: fill in, check every row, queue all, send, show each result."""

    #: Order ids whose shipments were queued (the window refreshes what shows them).
    sent = Signal(object)
    #: Order ids whose results are in (shipped, refused, or left to retry by itself).
    done = Signal(object)
    #: The carrier name the creator used (remembered as the next default).
    carrierChosen = Signal(str)
    #: The order whose buyer asked to cancel: answer that request (the Cancellations tab).
    answerRequested = Signal(str)

    def __init__(
        self,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        rows: Sequence[ShipRow],
        *,
        plan_text: str | None = None,
        source: str = "",
        prefer: str = "",
        items_of: Order | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shipDialog")
        self.reader, self.host, self.tasks = reader, host, tasks
        self.plan_text = plan_text
        self.prefer = prefer
        self.busy = False
        self._follow_until = 0.0
        self._note = ""
        self.model = ShipRowsModel(rows, self)
        self.model.locked = plan_text is not None
        n = len(rows)
        what = fmt.count(n, "order")
        self.setWindowTitle(f"Ship {what} from {source}" if source else f"Ship {what}")
        self.setMinimumSize(820, 300)

        if plan_text is not None:
            intro = (
                f"Every line of {source or 'the file'} was checked. Shopdesk marks these "
                "orders shipped on TikTok Shop and shows each one's result here."
            )
        else:
            intro = (
                "Enter each order's tracking number and carrier (Enter moves to the next "
                "order). Shopdesk checks every row first: nothing is sent until all of them "
                "are right. TikTok-shipped orders use TikTok's label: choose how the parcel "
                "reaches the carrier."
            )
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)

        self.all_carriers = QComboBox()
        self.all_carriers.setObjectName("allCarriers")
        self.all_carriers.setMinimumWidth(180)
        self.all_carriers.activated.connect(self._carrier_for_all)
        self.all_label = QLabel("Carrier for every order:")
        self.paste_button = QPushButton("Paste tracking numbers")
        self.paste_button.setToolTip(
            "Fill the tracking numbers from the clipboard, one per line, top to bottom"
        )
        self.paste_button.clicked.connect(lambda: self.paste_tracking())
        tools = QHBoxLayout()
        tools.addWidget(self.all_label)
        tools.addWidget(self.all_carriers)
        tools.addStretch(1)
        tools.addWidget(self.paste_button)
        sellers = sum(1 for r in rows if r.seller_ships)
        many = plan_text is None and sellers > 1
        for widget in (self.all_label, self.all_carriers, self.paste_button):
            widget.setVisible(many)

        self.table = make_table(self.model, "shipTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        rows_header = self.table.verticalHeader()
        rows_header.setMinimumSectionSize(self.table.fontMetrics().height() + 16)
        rows_header.setDefaultSectionSize(self.table.fontMetrics().height() + 16)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.delegate = ShipDelegate(self.table)
        self.delegate.nextRow.connect(self._next_row)
        self.table.setItemDelegate(self.delegate)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        widest_choice = max((*HANDOVER_LABELS.values(), "Choose a carrier…"), key=len)
        for column, sample, room in (
            (ORDER, "9999999999999999999", 30),
            (ITEMS, "GHG-YOGA19-NAV-M ×2", 30),
            (TRACKING, "9400111899223197428490", 30),  # USPS numbers are 22 digits
            (CARRIER, widest_choice, 60),  # the combo's frame and arrow
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + room)
        header.setSectionResizeMode(RESULT, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)  # a refusal is the one thing to read whole

        self.items: ItemsChooser | None = None
        self.items_label = QLabel("Items in this package (all of them unless you untick some):")
        if items_of is not None and plan_text is None and len(_groups(items_of)) > 1:
            self.items = ItemsChooser(items_of)
            self.items.changed.connect(self._items_changed)
        self.items_label.setVisible(self.items is not None)

        self.spinner = QProgressBar()
        self.spinner.setRange(0, 0)
        self.spinner.setTextVisible(False)
        self.spinner.setFixedWidth(90)
        self.spinner.setMaximumHeight(12)
        self.spinner.hide()
        self.status = QLabel(" ")
        self.status.setObjectName("shipStatus")
        self.status.setWordWrap(True)
        self.retry_carriers = QPushButton("Try again")
        self.retry_carriers.setToolTip("Ask TikTok Shop for the carriers again")
        self.retry_carriers.clicked.connect(self.load_carriers)
        self.retry_carriers.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.spinner)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.retry_carriers)

        self.answer_button = QPushButton("Answer the cancellation request…")
        self.answer_button.setToolTip(
            "The buyer asked to cancel: approve or reject that first (Cancellations tab)"
        )
        self.answer_button.clicked.connect(self._answer_request)
        self.answer_button.hide()
        self.leave_out_button = QPushButton()
        self.leave_out_button.setToolTip("Take the orders that cannot ship out of this list")
        self.leave_out_button.clicked.connect(self.leave_out_problems)
        self.leave_out_button.hide()
        self.ship_button = QPushButton()
        self.ship_button.setObjectName("shipButton")
        self.ship_button.clicked.connect(self.ship)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (
            self.answer_button,
            self.leave_out_button,
            self.ship_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.leave_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ship_button)
        buttons.addWidget(self.close_button)
        send = QShortcut(QKeySequence("Ctrl+Return"), self)
        send.activated.connect(self.ship)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.items_label)
        if self.items is not None:
            layout.addWidget(self.items)
        layout.addLayout(status_row)
        layout.addLayout(buttons)

        self.model.dataChanged.connect(lambda top, bottom, _r: self._sync_editors(top, bottom))
        self.model.modelReset.connect(lambda: self._sync_editors())
        # Outcomes arrive as changes (no polling); the timer only ends the wait.
        self.follow_deadline = QTimer(self, singleShot=True, interval=int(FOLLOW_SECONDS * 1000))
        self.follow_deadline.timeout.connect(self._stop_following)
        self.reader.changed.connect(self._changes_arrived)
        rows_height = self.table.verticalHeader().defaultSectionSize() * min(max(n, 3), 12)
        self.resize(max(1180, self.width()), rows_height + 260)

        if plan_text is None:
            self._first_look()
            self.load_carriers()
        else:
            self._carriers_from_cache()
        self._sync_editors()
        self._buttons()

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def for_orders(
        cls,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        order_ids: Sequence[str],
        *,
        prefer: str = "",
        parent: QWidget | None = None,
    ) -> ShipDialog:
        """The dialog for orders chosen in the Orders tab (one or many)."""
        db = reader.db
        rows: list[ShipRow] = []
        orders: list[Order] = []
        for order_id in dict.fromkeys(order_ids):
            order = None if db is None else fetch_order_detail(db, order_id)
            if order is None:
                rows.append(missing_row(order_id))
            else:
                rows.append(row_for(order))
                orders.append(order)
        single = orders[0] if len(rows) == 1 and orders and rows[0].seller_ships else None
        return cls(reader, host, tasks, rows, prefer=prefer, items_of=single, parent=parent)

    @classmethod
    def for_plan(
        cls,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        plan: ShipPlan,
        text: str,
        *,
        source: str = "",
        parent: QWidget | None = None,
    ) -> ShipDialog:
        """The dialog for a CSV whose every line passed (`plan_ship_file`): ready to send."""
        db = reader.db
        rows = []
        for request in plan.requests:
            order = None if db is None else fetch_order_detail(db, request.order_id)
            base = missing_row(request.order_id) if order is None else row_for(order)
            rows.append(
                ShipRow(
                    **{
                        **base.__dict__,
                        "tracking": request.tracking_number,
                        "provider": request.shipping_provider_id,
                        "handover": request.handover_method or base.handover,
                        "state": READY,
                        "message": "Ready to ship",
                    }
                )
            )
        return cls(reader, host, tasks, rows, plan_text=text, source=source, parent=parent)

    def _first_look(self) -> None:
        """Orders that cannot ship at all (shipped, cancelled, a buyer's request) say so at once."""
        db = self.reader.db
        if db is None:
            return
        for n, row in enumerate(self.model.rows):
            stuck = [p for p in row_problems(db, row) if not _is_input_problem(p)]
            if stuck:
                self.model.update(n, state=PROBLEM, message="; ".join(stuck), blocked=True)
        self._buttons()

    # --- carriers -------------------------------------------------------------------------------

    def load_carriers(self) -> None:
        """Ask for each delivery option's carriers (cached a day; TikTok is asked off-thread)."""
        db, engine = self.reader.db, self.host.engine
        since = int(time.time()) - PROVIDERS_FRESH
        self.retry_carriers.hide()
        for group, order_id in self.model.groups().items():
            if all(r.blocked for r in self.model.rows if r.group == group):
                continue  # none of these orders can ship: no carriers needed
            option = _option(group)
            cached = (
                [] if db is None or option is None else fetch_providers(db, option, since=since)
            )
            if cached:
                self._got_carriers(group, cached)
                continue
            if engine is None:
                self._carriers_failed(group, RuntimeError("the sync engine is not running"))
                continue
            self.model.set_loading(group)
            self.tasks.watch(
                engine.shipping_providers(order_id),
                lambda found, g=group: self._got_carriers(g, found),
                lambda error, g=group: self._carriers_failed(g, error),
                owner=self,
            )
        self._show_loading()

    def _carriers_from_cache(self) -> None:
        db = self.reader.db
        for group in self.model.groups():
            option = _option(group)
            known = [] if db is None or option is None else fetch_providers(db, option)
            self.model.providers[group] = known or ([] if db is None else fetch_providers(db))

    def _got_carriers(self, group: str, providers: list[tuple[str, str]]) -> None:
        self.model.set_providers(group, providers, prefer=self.prefer)
        self._fill_all_carriers()
        self._show_loading()

    def _carriers_failed(self, group: str, error: BaseException) -> None:
        self.model.set_failed(group, f"Could not load the carriers: {error}")
        self._show_loading()

    def _show_loading(self) -> None:
        if self.busy:
            return
        if self.model.loading:
            self.spinner.show()
            self._say("Loading carriers from TikTok Shop…")
        else:
            self.spinner.hide()
            failed = next(iter(self.model.failed.values()), "")
            self.retry_carriers.setVisible(bool(failed))
            if failed:
                self._say(failed, error=True)
            elif self.to_send() and not self.sendable():
                self._say("Nothing here can ship now: see the reason on each row.", error=True)
            else:
                self._say(" ")
        self._buttons()

    def _fill_all_carriers(self) -> None:
        names = sorted({name for found in self.model.providers.values() for _pid, name in found})
        self.all_carriers.clear()
        self.all_carriers.addItem("Choose…", "")
        for name in names:
            self.all_carriers.addItem(name, name)
        if self.prefer in names:
            self.all_carriers.setCurrentIndex(self.all_carriers.findData(self.prefer))

    def _carrier_for_all(self, _index: int) -> None:
        name = str(self.all_carriers.currentData() or "")
        if name:
            self.model.set_provider_everywhere(name)

    # --- input ----------------------------------------------------------------------------------

    def _sync_editors(
        self, top: QModelIndex | None = None, bottom: QModelIndex | None = None
    ) -> None:
        """Editable cells carry a live editor; cells that stop being editable lose theirs."""
        first = 0 if top is None else top.row()
        last = self.model.rowCount() - 1 if bottom is None else bottom.row()
        for row in range(first, last + 1):
            for column in (TRACKING, CARRIER):
                index = self.model.index(row, column)
                editable = bool(self.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
                is_open = self.table.isPersistentEditorOpen(index)
                if editable and not is_open:
                    self.table.openPersistentEditor(index)
                    editor = self.table.indexWidget(index)
                    if isinstance(editor, QLineEdit):
                        editor.deselect()  # Qt selects it all; a correction starts at the end
                        editor.end(False)
                elif is_open and not editable:
                    self.table.closePersistentEditor(index)

    def editor(self, row: int, column: int = TRACKING) -> QWidget | None:
        """The live editor of a cell (tests and keyboard moves)."""
        return self.table.indexWidget(self.model.index(row, column))

    def _next_row(self, row: int) -> None:
        for below in range(row + 1, self.model.rowCount()):
            widget = self.editor(below)
            if widget is not None:
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.ship_button.setFocus(Qt.FocusReason.TabFocusReason)

    def set_tracking(self, row: int, text: str) -> None:
        """Type a tracking number into a row (the paste button and tests)."""
        self.model.setData(self.model.index(row, TRACKING), text)

    def paste_tracking(self, text: str | None = None) -> int:
        """One tracking number per line (first cell of a spreadsheet row), top to bottom."""
        if text is None:
            text = QGuiApplication.clipboard().text()
        numbers = [line.split("\t")[0].strip() for line in text.splitlines()]
        numbers = [n for n in numbers if n]
        targets = [n for n, r in enumerate(self.model.rows) if r.seller_ships and r.editable]
        for row, number in zip(targets, numbers, strict=False):
            self.set_tracking(row, number)
        pasted = min(len(targets), len(numbers))
        self._say(f"Pasted {fmt.count(pasted, 'tracking number')}.")
        return pasted

    def _items_changed(self) -> None:
        if self.items is None or not self.model.rows:
            return
        chosen = self.items.chosen()
        self.model.update(
            0,
            line_item_ids=chosen or (),
            skus=self.items.summary() or "No items ticked",
            state=EDITING,
            message="",
        )
        self._buttons()

    def _cancel_requested(self) -> str | None:
        """The first order in the list whose buyer asked to cancel it."""
        return next(
            (
                r.order_id
                for r in self.model.rows
                if r.state == PROBLEM and _CANCEL_REQUEST in r.message
            ),
            None,
        )

    def _answer_request(self) -> None:
        order_id = self._cancel_requested()
        if order_id is not None:
            self.answerRequested.emit(order_id)

    def leave_out_problems(self) -> None:
        """Drop the rows that did not pass; the rest stay as typed."""
        gone = self.model.remove_where(lambda r: r.state == PROBLEM)
        self._say(f"Left out {fmt.count(gone, 'order')}.")
        self._buttons()

    # --- checking, queuing, sending -------------------------------------------------------------

    def check(self) -> bool:
        """Check every row still to send; problems show on their row. True when all pass."""
        db = self.reader.db
        if db is None:
            self._say("Shopdesk has not opened its data yet.", error=True)
            return False
        tracking_on: dict[str, str] = {}
        passed = True
        for n, row in enumerate(self.model.rows):
            if not row.editable:
                continue
            problems = row_problems(db, row)
            if n == 0 and self.items is not None and self.items.chosen() is None:
                problems.insert(0, "Choose at least one item to ship")
            number = row.tracking.strip().casefold()
            if row.seller_ships and number:
                if number in tracking_on:
                    problems.append(f"The same tracking number is on order {tracking_on[number]}")
                tracking_on.setdefault(number, row.order_id)
            passed = passed and not problems
            state, message = (PROBLEM, "; ".join(problems)) if problems else (READY, "")
            blocked = bool(problems) and not any(_is_input_problem(p) for p in problems)
            self.model.update(n, state=state, message=message, blocked=blocked)
        return passed

    def to_send(self) -> list[int]:
        """The rows a press of Ship sends (a file is sent once, whole)."""
        wanted = (READY,) if self.plan_text is not None else tuple(EDITABLE)
        return [n for n, r in enumerate(self.model.rows) if r.state in wanted]

    def sendable(self) -> list[int]:
        """The rows to send that could ship (not blocked by the order's own state)."""
        return [n for n in self.to_send() if not self.model.rows[n].blocked]

    def ship(self) -> None:
        """Check everything; if all pass, queue every shipment in one write, then send."""
        if self.busy:
            return
        rows = self.to_send()
        if not rows or not self.sendable():
            return
        engine = self.host.engine
        if engine is None:
            self._say("The sync engine is not running: nothing was sent.", error=True)
            return
        if self.plan_text is None and not self.check():
            bad = sum(1 for n in rows if self.model.rows[n].state == PROBLEM)
            self._say(
                f"{fmt.count(bad, 'order')} of {len(rows)} "
                f"need{'s' if bad == 1 else ''} fixing (see {'its' if bad == 1 else 'each'} "
                "row): nothing was sent.",
                error=True,
            )
            self._buttons()
            return
        chosen = [self.model.rows[n] for n in rows]
        for n in rows:
            self.model.update(n, state=SENDING, message="Queuing…")
        self._set_busy(True, f"Queuing {fmt.count(len(rows), 'shipment')}…")
        names = {self.model.provider_name(r) for r in chosen if r.seller_ships}
        if len(names) == 1:
            self.carrierChosen.emit(names.pop())
        now = int(time.time())
        text = self.plan_text
        if text is None:
            future = engine.run_write(
                lambda db: _by_order(chosen, queue_shipments(db, chosen, now=now))
            )
        else:
            future = engine.run_write(lambda db: _queue_file(db, text, now=now))
        self.tasks.watch(future, self._queued, self._queue_failed, owner=self)

    def _queued(self, ids: dict[str, int]) -> None:
        for n, row in enumerate(self.model.rows):
            if row.order_id in ids and row.state == SENDING:
                self.model.update(n, outbox_id=ids[row.order_id], message="Sending to TikTok Shop…")
        self.sent.emit(list(ids))
        engine = self.host.engine
        self._set_busy(True, f"Sending {fmt.count(len(ids), 'shipment')} to TikTok Shop…")
        if engine is None:
            self._follow_from(time.monotonic())
            return
        self.tasks.watch(
            engine.send_writes(),
            lambda result: self._sent(result),
            lambda error: self._send_failed(error),
            owner=self,
        )

    def _queue_failed(self, error: BaseException) -> None:
        problems = error.problems if isinstance(error, ShipRequestError) else [str(error)]
        for n, row in enumerate(self.model.rows):
            if row.state != SENDING:
                continue
            mine = [plain_problem(p) for p in problems if row.order_id in p]
            self.model.update(n, state=PROBLEM if mine else EDITING, message="; ".join(mine) or "")
        self._set_busy(False, "Nothing was sent: " + "; ".join(problems), error=True)

    def _sent(self, _result: WritesResult) -> None:
        self._follow_from(time.monotonic())

    def _send_failed(self, error: BaseException) -> None:
        note = (
            f"Not sent now ({error}). The shipments stay queued and go out by themselves "
            "once Shopdesk can reach TikTok Shop."
        )
        self._follow_from(time.monotonic(), note=note)

    def _follow_from(self, began: float, note: str = "") -> None:
        self._follow_until = began + FOLLOW_SECONDS
        self._note = note
        self._follow()
        if self.busy:
            self.follow_deadline.start()

    def _changes_arrived(self, changes: Changes) -> None:
        """The engine wrote: when it touched the outbox, our rows may have their outcome."""
        if self.follow_deadline.isActive() and changes.touches({Kind.OUTBOX}):
            self._follow()

    def _stop_following(self) -> None:
        """The wait is over: rows still on their way say so, and the dialog is free again."""
        self._follow_until = 0.0
        if self.busy:
            self._follow()

    def _follow(self) -> None:
        """Read how each queued shipment is doing (the outbox is the record) and show it."""
        db = self.reader.db
        ids = [r.outbox_id for r in self.model.rows if r.outbox_id is not None]
        writes = {} if db is None else fetch_writes_by_id(db, ids)
        waiting = 0
        for n, row in enumerate(self.model.rows):
            write = writes.get(row.outbox_id or -1)
            if write is None or row.state not in (SENDING, RETRYING):
                continue
            words = describe_write(write)
            if write["state"] == "done":
                state = SHIPPED
            elif words.final:
                state = REFUSED
            elif write["state"] == "failed":
                state = RETRYING  # Shopdesk retries it by itself; the dialog need not wait
            else:
                state = SENDING
                waiting += 1
            self.model.update(n, state=state, message=words.text)
        if waiting and time.monotonic() < self._follow_until:
            return
        self.follow_deadline.stop()
        self._set_busy(False, self._summary())
        self.done.emit([r.order_id for r in self.model.rows if r.outbox_id is not None])

    def _summary(self) -> str:
        rows = self.model.rows
        shipped = sum(1 for r in rows if r.state == SHIPPED)
        refused = sum(1 for r in rows if r.state == REFUSED)
        later = sum(1 for r in rows if r.state in (SENDING, RETRYING))
        parts = []
        if shipped:
            parts.append(f"{fmt.count(shipped, 'order')} shipped")
        if refused:
            parts.append(
                f"{refused} not shipped: TikTok Shop's reason is on "
                f"{'its row' if refused == 1 else 'each row'}"
            )
        if later:
            parts.append(
                f"{later} still on {'its' if later == 1 else 'their'} way (see the Sync queue tab)"
            )
        text = "; ".join(parts) + "." if parts else ""
        return f"{self._note} {text}".strip()

    # --- state ----------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, text: str, *, error: bool = False) -> None:
        self.busy = busy
        self.spinner.setVisible(busy)
        self._say(text, error=error)
        self._buttons()

    def _say(self, text: str, *, error: bool = False) -> None:
        c = colors()
        colour = c.danger_text.name() if error else ""
        self.status.setStyleSheet(f"color: {colour}" if colour else "")
        self.status.setText(text or " ")

    def _buttons(self) -> None:
        rows = self.model.rows
        todo = self.to_send()
        refused = [n for n in todo if rows[n].state == REFUSED]
        problems = sum(1 for r in rows if r.state == PROBLEM)
        if refused and len(refused) == len(todo):
            label = f"Ship {len(todo)} again"
        elif not todo:
            label = "Ship"
        else:
            label = f"Ship {fmt.count(len(todo), 'order')}"
        self.ship_button.setText(label)
        self.ship_button.setEnabled(
            bool(self.sendable()) and not self.busy and not self.model.loading
        )
        self.answer_button.setVisible(self._cancel_requested() is not None and not self.busy)
        self.ship_button.setDefault(False)
        self.leave_out_button.setText(f"Leave out {problems} with problems")
        self.leave_out_button.setVisible(bool(problems) and not self.busy and len(rows) > 1)
        self.close_button.setText("Close" if not self.busy else "Close (sending goes on)")
        self.paste_button.setEnabled(not self.busy)
        self.all_carriers.setEnabled(not self.busy and self.all_carriers.count() > 1)
        if self.items is not None:
            self.items.setEnabled(bool(rows) and rows[0].editable and not self.busy)

    def results(self) -> dict[str, tuple[str, str]]:
        """Each order's state and message (tests and the self-test read them)."""
        return {r.order_id: (r.state, r.message) for r in self.model.rows}

    def shipped_ok(self) -> bool:
        """Every row shipped."""
        return bool(self.model.rows) and all(r.state == SHIPPED for r in self.model.rows)


def _groups(order: Order) -> set[str]:
    return {i.sku_id or i.id for i in _unshipped(order)}


def _option(group: str) -> str | None:
    """The delivery option a group names (None for a warehouse or unknown group)."""
    return None if ":" in group else group


def _is_input_problem(problem: str) -> bool:
    return any(marker in problem for marker in _INPUT_PROBLEMS)


def _by_order(rows: Sequence[ShipRow], ids: list[int]) -> dict[str, int]:
    return {row.order_id: outbox_id for row, outbox_id in zip(rows, ids, strict=True)}


def _queue_file(db: Any, text: str, *, now: int) -> dict[str, int]:
    """On the engine thread: plan the file again (it may have changed) and queue it whole."""
    plan = plan_ship_file(db, text)
    ids = save_plan(db, plan, now=now)
    return {r.order_id: i for r, i in zip(plan.requests, ids, strict=True)}
