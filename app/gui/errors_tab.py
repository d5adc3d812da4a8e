"""The Errors tab: what failed, why, what to do, and Retry or Dismiss through the engine."""

from __future__ import annotations

import time
from html import escape

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.errors_model import ACTION, ATTEMPTS, KIND_ROLE, REASON, WHAT, WHEN, ErrorsTableModel
from app.gui.order_actions import queue_and_send
from app.gui.orders_model import ID_ROLE
from app.gui.reader import Reader
from app.gui.sort_proxy import SortProxy
from app.gui.table_view import make_table
from app.gui.tasks import TaskManager
from app.ops.imports import default_range
from app.ops.queue import dismiss_error, retry_write
from app.queries.writes import WRITE_KINDS, fetch_writes


class ErrorsTab(QWidget):
    """Open errors; Retry asks the engine to try again, Dismiss hides the row for good."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.ERRORS, Kind.OUTBOX})

    #: The number of open errors changed.
    countChanged = Signal(int)
    #: A line for the status bar.
    message = Signal(str)

    def __init__(
        self, reader: Reader, host: EngineHost, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.model = ErrorsTableModel(reader, self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)

        self.table = make_table(self.proxy, "errorsTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(WHEN, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        for column, width in ((WHEN, 110), (WHAT, 130), (ACTION, 300), (ATTEMPTS, 50)):
            self.table.setColumnWidth(column, width)
        # shipping and answers name their order: a 19-digit id must fit whole
        what = self.table.fontMetrics().horizontalAdvance("Shipping order 9999999999999999999")
        self.table.setColumnWidth(WHAT, what + 24)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.retry())

        self.area = EmptyableView(self.table)
        self.details = QLabel()
        self.details.setObjectName("errorDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Try again now (Enter)")
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Hide this error; it comes back if it happens again (Del)")
        self.retry_button.clicked.connect(self.retry)
        self.dismiss_button.clicked.connect(self.dismiss)

        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addLayout(buttons)
        self.model.modelReset.connect(self._after_change)
        self._after_change()

    def refresh(self) -> None:
        """Re-read the open errors, keeping the selected one selected."""
        selected = self.selected_id()
        self.model.refresh()
        if selected is not None:
            self.select(lambda index: index.data(ID_ROLE) == selected)
        self._after_change()

    def selected_id(self) -> int | None:
        """The id of the selected error."""
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, match: object) -> bool:
        """Select the first row whose index satisfies `match` (a callable)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if callable(match) and match(index):
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
                return True
        return False

    def show_kind(self, kind: str) -> bool:
        """Select the newest error of a kind (from a notification)."""
        self.refresh()
        return self.select(lambda index: index.data(KIND_ROLE) == kind)

    def _after_change(self) -> None:
        count = self.model.rowCount()
        self.countChanged.emit(count)
        if count:
            self.area.show_view()
        else:
            self.area.show_empty(
                "No sync errors",
                "Shopdesk retries failed calls by itself. Anything it cannot fix on its own "
                "shows up here, with what to do about it.",
            )
        has = self.selected_id() is not None
        self.retry_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        if not has:
            self.details.setText("")

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        has = current.isValid()
        self.retry_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        if not has:
            self.details.setText("")
            return
        row = self.model.rows[self.proxy.mapToSource(current).row()]
        self.details.setText(f"<b>{escape(row['message'])}</b><br>{escape(row['action'])}")

    def retry(self) -> None:
        """Resume a stopped import, push stock again, else poll now; the engine does it."""
        index = self.table.currentIndex()
        engine = self.host.engine
        if not index.isValid() or engine is None:
            return
        kind = index.data(KIND_ROLE)
        if kind in WRITE_KINDS:
            self._retry_write(kind, self.model.rows[self.proxy.mapToSource(index).row()]["ref"])
        elif kind == "stock_push":
            self.tasks.watch(
                engine.push_stock(),
                lambda _result: self._retried("Stock pushed."),
                lambda error: self._retried(f"Still failing: {error}"),
                owner=self,
            )
            self.message.emit("Pushing stock again…")
        elif kind == "import":
            start, end = default_range(time.time())
            self.tasks.watch(
                engine.import_orders(start, end),  # an interrupted import resumes
                lambda _result: self._retried("The import finished."),
                lambda error: self._retried(f"The import stopped again: {error}"),
                owner=self,
            )
            self.message.emit("Resuming the import…")
        else:
            self.tasks.watch(
                engine.sync_now(),
                lambda _result: self._retried("Synced."),
                lambda error: self._retried(f"Still failing: {error}"),
                owner=self,
            )
            self.message.emit("Syncing now…")

    def _retry_write(self, kind: str, ref: str) -> None:
        """A refused or failing shipment or answer: send the same write again now."""
        db = self.reader.db
        writes = [] if db is None else fetch_writes(db, ref)
        failed = next((w for w in writes if w["kind"] == kind and w["state"] == "failed"), None)
        if failed is None:
            self.message.emit("Nothing to send again: it went through or was dropped.")
            self.refresh()
            return
        now, write_id = int(time.time()), int(failed["id"])
        self.message.emit("Sending it again…")
        queue_and_send(
            self.host,
            self.tasks,
            lambda wdb: retry_write(wdb, outbox_id=write_id, now=now),
            owner=self,
            done=lambda error: self._retried(f"Not sent: {error}" if error else "Sent again."),
        )

    def _retried(self, text: str) -> None:
        self.message.emit(text)
        self.refresh()

    def dismiss(self) -> None:
        """Mark the error dismissed (a write, so the engine does it)."""
        error_id = self.selected_id()
        engine = self.host.engine
        if error_id is None or engine is None:
            return
        now = int(time.time())
        self.tasks.watch(
            engine.run_write(lambda db: dismiss_error(db, error_id=error_id, now=now)),
            lambda _none: self.refresh(),
            lambda error: self.message.emit(f"Could not dismiss: {error}"),
            owner=self,
        )
