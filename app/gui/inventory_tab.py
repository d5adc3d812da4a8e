"""The Inventory tab: stock per SKU, edited in place; warnings; Push now; CSV in and out."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.config import Paths, Settings
from app.gui.cost_actions import CostActions
from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.files import open_csv, save_csv
from app.gui.formatting import count
from app.gui.notice import INVENTORY, Notice
from app.gui.orders_model import ID_ROLE
from app.gui.profile_dialog import ProfileDialog
from app.gui.reader import Reader
from app.gui.sort_proxy import SortProxy
from app.gui.stock_delegate import StockCellDelegate
from app.gui.stock_model import PRODUCT, PUSH, SKU, WARNING, StockTableModel
from app.gui.table_view import make_table
from app.gui.tasks import TaskManager
from app.ops.export import export_stock
from app.ops.stock import StockFileError, apply_stock_file, plan_stock_file, set_stock_value
from app.queries.db import open_readonly
from app.queries.stock import (
    AT_RISK,
    OVERSOLD,
    StockDefaults,
    StockRow,
    StockWarning,
    fetch_stock_rows,
    stock_defaults,
)

#: While the tab is hidden, stock is re-read (for warnings) at most this often.
HIDDEN_REFRESH_SECONDS = 5.0
#: The warnings worth a notification (low stock shows in the tab only).
NOTIFY_KINDS = (OVERSOLD, AT_RISK)


def warnings_notice(warnings: list[StockWarning]) -> Notice | None:
    """One notice for the SKUs that just became oversold or at risk, the worst first."""
    news = sorted(
        (w for w in warnings if w.kind in NOTIFY_KINDS),
        key=lambda w: (w.kind != OVERSOLD, w.seller_sku),
    )
    if not news:
        return None
    first, oversold = news[0], sum(1 for w in news if w.kind == OVERSOLD)
    title = (
        f"{count(oversold, 'SKU')} oversold" if oversold else f"{count(len(news), 'SKU')} at risk"
    )
    more = f" (+{len(news) - 1} more)" if len(news) > 1 else ""
    level = "error" if oversold else "warning"
    return Notice(title, first.reason + more, "stock", INVENTORY, first.sku_id, level)


#: Rows the columns' widths are fitted to (Qt: 0 is the visible ones only).
FIT_ROWS = 0


class _WarningsOnly(SortProxy):
    """The sort proxy, plus a text filter and a "warnings only" switch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.warnings_only = False

    def filterAcceptsRow(self, source_row: int, source_parent: object) -> bool:
        model = self.sourceModel()
        if not isinstance(model, StockTableModel):
            return True
        row = model.rows[source_row]
        if self.warnings_only and not row.warnings:
            return False
        if self.text:
            hay = f"{row.seller_sku} {row.product_title} {row.sku_name} {row.sku_id}".casefold()
            return self.text in hay
        return True


def read_stock_rows(paths: Paths, defaults: StockDefaults) -> list[StockRow]:
    """Every SKU's stock line, on a short-lived read-only connection (any thread)."""
    if not paths.database.exists():
        return []
    db = open_readonly(paths.database, check=False)  # the engine checked it at start
    try:
        return fetch_stock_rows(db, defaults) if "stock" in db.table_names() else []
    finally:
        db.close()


class InventoryTab(QWidget):
    """Stock rows from the reader; every edit goes to the engine, which queues the push."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.SKUS, Kind.ORDERS, Kind.OUTBOX, Kind.SETTINGS})

    countChanged = Signal(int)
    message = Signal(str)
    #: Fresh rows are in the model.
    rowsRead = Signal()

    def __init__(
        self,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks, self.settings = reader, host, tasks, settings
        #: Until the sync engine has started, the list is opening, not empty.
        self.starting = True
        self.model = StockTableModel(self)
        self.model.editRequested.connect(self.save_edit)
        self.proxy = _WarningsOnly(self)
        self.proxy.setSourceModel(self.model)
        self._read_at = 0.0
        self._reading = self._again = False
        self._sort_on_read = True

        self.search = QLineEdit(placeholderText="Filter by SKU or product")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.only_warnings = QCheckBox("Only SKUs with warnings")
        self.only_warnings.toggled.connect(self._filter)
        self.pending_label = QLabel()
        self.push_button = QPushButton("Push now")
        self.push_button.setToolTip("Send every queued stock change to TikTok Shop now (Ctrl+P)")
        self.push_button.clicked.connect(self.push_now)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Set counts from a file: seller_sku,on_hand (Ctrl+Shift+I)")
        self.import_button.clicked.connect(self.import_csv)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Write every SKU to a spreadsheet file (Ctrl+E)")
        self.export_button.clicked.connect(self.export_csv)
        self.profile_button = QPushButton("Shipping profile…")
        self.profile_button.setToolTip("The selected SKU's weight, size, bin and barcode")
        self.profile_button.clicked.connect(lambda: self.edit_profile())
        self.costs = CostActions(
            self,
            reader,
            host,
            tasks,
            lambda: self.settings.packaging_cost_per_order,
            self.message.emit,
        )
        self.cost_button = QPushButton("Cost…")
        self.cost_button.setToolTip("What one unit of the selected SKU costs you, from a date")
        self.cost_button.clicked.connect(lambda: self.costs.set_cost(self._selected_seller_sku()))
        self.costs_button = QPushButton("Import costs…")
        self.costs_button.setToolTip("Costs from a file: seller_sku,amount,from (YYYY-MM-DD)")
        self.costs_button.clicked.connect(lambda: self.costs.import_costs())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.only_warnings)
        bar.addStretch(0)
        bar.addWidget(self.pending_label)
        bar.addWidget(self.push_button)
        # Files and per-SKU details on a second row, so the tab fits a 1366-pixel laptop.
        files = QHBoxLayout()
        files.addStretch(1)
        for button in (
            self.import_button,
            self.export_button,
            self.profile_button,
            self.cost_button,
            self.costs_button,
        ):
            files.addWidget(button)

        self.table = make_table(self.proxy, "stockTable")
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setItemDelegate(StockCellDelegate(self.table))
        # An edited row stays where it is: rows sort when a header is clicked or the tab opens,
        # not each time a value changes under the creator's eyes.
        self.proxy.setDynamicSortFilter(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(WARNING, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Widths fit the rows on screen, not every SKU: measuring all of them asked the model
        # for every cell on each re-read (76 ms of the window's time during an import).
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setSectionResizeMode(PRODUCT, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(SKU, 150)
        self.table.setColumnWidth(PUSH, 110)

        self.area = EmptyableView(self.table)
        self.hint = QLabel(
            "Double-click On hand, Buffer or Low at to change it; the change is pushed to "
            "TikTok Shop by itself. Red rows are oversold, amber at risk, yellow low, grey sold "
            "out: hover for why. ~ marks a count estimated from TikTok's until you set yours."
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(files)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.hint)
        self._update()

    def set_settings(self, settings: Settings) -> None:
        """New stock defaults: read again."""
        self.settings = settings
        self.refresh(force=True)

    # --- reading ----------------------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        """Re-read stock off the GUI thread (at most every few seconds while hidden).

        Counting what open orders commit reads every open order's line items: tens of ms
        with 100,000 orders, so it runs on the worker with its own read-only connection.
        """
        if self.reader.db is None:
            self._update()
            return
        now = time.monotonic()
        if not force and not self.isVisible() and now - self._read_at < HIDDEN_REFRESH_SECONDS:
            return
        if self._reading:
            self._again = True
            return
        self._read_at, self._reading, self._again = now, True, False
        paths, defaults = self.reader.paths, stock_defaults(self.settings)
        self.tasks.watch(
            self.tasks.run_blocking(lambda: read_stock_rows(paths, defaults)),
            self._got_rows,
            self._read_failed,
            owner=self,
        )

    def _got_rows(self, rows: list[StockRow]) -> None:
        self._reading = False
        selected = self._selected_sku()
        self.model.set_rows(rows)
        if self._sort_on_read:
            self._sort_on_read = False
            header = self.table.horizontalHeader()
            self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if selected is not None:
            self.show_sku(selected, focus=False)
        self._update()
        self.rowsRead.emit()
        if self._again:
            self.refresh(force=True)

    def _read_failed(self, error: BaseException) -> None:
        self._reading = False
        self.message.emit(f"Could not read stock: {error}")

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh rows whenever the tab is opened, sorted afresh."""
        super().showEvent(event)
        self._sort_on_read = True
        self.refresh(force=True)

    def _update(self) -> None:
        rows = self.model.rows
        pending = sum(1 for r in rows if r.pending_push)
        warnings = sum(1 for r in rows if any(w.kind in NOTIFY_KINDS for w in r.warnings))
        self.countChanged.emit(warnings)
        self.pending_label.setText(f"{pending} change{'s' if pending != 1 else ''} to push")
        self.pending_label.setVisible(bool(pending))
        if rows:
            self.area.show_view()
        elif self.reader.db is None and self.starting:
            self.area.show_empty(
                "Opening your shop…",
                "Shopdesk is starting its sync with TikTok Shop: your products show in a moment.",
            )
        elif self.reader.db is None:
            self.area.show_empty(
                "No shop connected yet",
                "Connect your TikTok Shop in Settings: your products and their stock appear here.",
            )
        else:
            self.area.show_empty(
                "No SKUs yet",
                "Shopdesk lists your products here once it has read them from TikTok Shop. "
                "Then set how many of each you really have.",
            )

    def _filter(self) -> None:
        self.proxy.text = self.search.text().strip().casefold()
        self.proxy.warnings_only = self.only_warnings.isChecked()
        self.proxy.invalidate()

    def _selected_sku(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _selected_seller_sku(self) -> str | None:
        sku_id = self._selected_sku()
        return next((r.seller_sku for r in self.model.rows if r.sku_id == sku_id), None)

    def show_sku(self, sku_id: str, *, focus: bool = True) -> bool:
        """Select a SKU's row (a notification opens it)."""
        row = self.model.row_of(sku_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show everything
            self.search.clear()
            self.only_warnings.setChecked(False)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if focus:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.table.setFocus()
        return True

    # --- writing, through the engine ----------------------------------------------------------

    def edit_profile(self) -> ProfileDialog | None:
        """The selected SKU's shipping profile (labels, pick list, pack station)."""
        db, sku_id = self.reader.db, self._selected_sku()
        if db is None or sku_id is None:
            self.message.emit("Select a SKU first.")
            return None
        row = self.model.row_of(sku_id)
        seller_sku = self.model.rows[row].seller_sku if row is not None else ""

        def save(write: Callable[[sqlite_utils.Database], object]) -> None:
            engine = self.host.engine
            if engine is None:
                self.message.emit("Not saved: the sync engine is not running.")
                return
            self.tasks.watch(
                engine.run_write(write),
                lambda _p: self.message.emit(f"Shipping profile of {seller_sku} saved."),
                self._failed,
                owner=self,
            )

        dialog = ProfileDialog(db, sku_id, seller_sku, save, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def save_edit(self, sku_id: str, field: str, value: int) -> None:
        """Record the edit (ledger row and queued push) on the engine thread."""
        engine = self.host.engine
        if engine is None:
            self.message.emit("Not saved: the sync engine is not running.")
            self.refresh(force=True)
            return
        now = int(time.time())
        self.tasks.watch(
            engine.run_write(
                lambda db: set_stock_value(db, sku_id=sku_id, field=field, value=value, now=now)
            ),
            lambda _outbox_id: self._saved(),
            self._failed,
            owner=self,
        )

    def _saved(self) -> None:
        self.message.emit("Saved; the change is queued for TikTok Shop.")
        self.refresh(force=True)

    def _failed(self, error: BaseException) -> None:
        self.message.emit(f"Not saved: {error}")
        self.refresh(force=True)

    def push_now(self) -> None:
        """Ctrl+P: push every queued change now."""
        engine = self.host.engine
        if engine is None:
            self.message.emit("The sync engine is not running.")
            return
        self.message.emit("Pushing stock…")
        self.tasks.watch(
            engine.push_stock(),
            lambda _result: self._pushed(),
            lambda error: self.message.emit(f"Push failed: {error}"),
            owner=self,
        )

    def _pushed(self) -> None:
        self.message.emit("Stock pushed to TikTok Shop.")
        self.refresh(force=True)

    def import_csv(self, path: str | None = None) -> None:
        """Ctrl+Shift+I: counts from a CSV file, checked whole before anything is applied."""
        db, engine = self.reader.db, self.host.engine
        if db is None or engine is None:
            self.message.emit("Connect a shop first.")
            return
        if not path:
            path = open_csv(self, "Import stock counts")
        if not path:
            return
        try:
            edits = plan_stock_file(db, Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Cannot read the file", str(exc))
            return
        except StockFileError as exc:
            QMessageBox.warning(self, "Nothing was imported", str(exc))
            return
        now = int(time.time())
        self.tasks.watch(
            engine.run_write(lambda wdb: apply_stock_file(wdb, edits=edits, now=now)),
            lambda done: self._imported(done.value or 0),
            self._failed,
            owner=self,
        )

    def _imported(self, count: int) -> None:
        self.message.emit(f"Imported {count} stock counts; the changes are queued.")
        self.refresh(force=True)

    def export_csv(self, path: str | None = None) -> None:
        """Ctrl+E: every SKU to a CSV file (written off the GUI thread)."""
        if self.reader.db is None:
            self.message.emit("Nothing to export yet.")
            return
        if not path:
            path = save_csv(self, "Export stock", "stock.csv")
        if not path:
            return
        out, paths = Path(path), self.reader.paths
        self.tasks.watch(
            self.tasks.run_blocking(lambda: export_stock(paths=paths, out=out)),
            lambda _code: self.message.emit(f"Wrote {out}"),
            lambda error: self.message.emit(f"Not exported: {error}"),
            owner=self,
        )
