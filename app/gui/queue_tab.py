"""The Sync queue tab: stock pushes and received webhooks, with Retry and Drop."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.gui.empty_state import EmptyableView
from app.gui.engine_host import EngineHost
from app.gui.orders_model import ID_ROLE
from app.gui.queue_model import LIVE_STATES, STATE_ROLE, InboxTableModel, OutboxTableModel
from app.gui.reader import Reader
from app.gui.sort_proxy import SortProxy
from app.gui.table_view import make_table
from app.gui.tasks import TaskManager
from app.ops.queue import drop_webhook, drop_write, retry_webhook, retry_write
from app.queries.inbox import InboxItem, fetch_inbox, fetch_inbox_counts
from app.queries.writes import WRITE_KINDS, fetch_outbox, fetch_outbox_counts, fetch_request_orders

#: How many received webhooks the tab lists.
INBOX_ROWS = 500


def _table(model: Any, error_column: int, name: str) -> tuple[QTableView, SortProxy]:
    proxy = SortProxy()
    proxy.setSourceModel(model)
    table = make_table(proxy, name)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the store's order: live first
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(error_column, QHeaderView.ResizeMode.Stretch)
    return table, proxy


def _with_orders(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shipping and cancellation rows get the order they are about (answers are filed by
    request id)."""
    answers = [r["ref"] for r in rows if r["kind"] in ("cancel_approve", "cancel_reject")]
    orders = fetch_request_orders(db, answers)
    for row in rows:
        if row["kind"] in WRITE_KINDS:
            row["order_id"] = orders.get(row["ref"], row["ref"])
    return rows


class QueueTab(QWidget):
    """What waits to go out and what came in; Retry and Drop are writes, so the engine does them."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.OUTBOX, Kind.INBOX})

    countChanged = Signal(int)
    message = Signal(str)

    def __init__(
        self, reader: Reader, host: EngineHost, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.outbox = OutboxTableModel(self)
        self.inbox = InboxTableModel(self)
        self.outbox_table, self.outbox_proxy = _table(
            self.outbox, OutboxTableModel.ERROR, "outboxTable"
        )
        self.inbox_table, self.inbox_proxy = _table(self.inbox, InboxTableModel.ERROR, "inboxTable")
        self.outbox_area = EmptyableView(self.outbox_table)
        self.inbox_area = EmptyableView(self.inbox_table)
        self.focused: QTableView = self.outbox_table
        for table in (self.outbox_table, self.inbox_table):
            table.selectionModel().currentRowChanged.connect(lambda _c, _p, t=table: self._focus(t))

        def titled(title: str, area: QWidget) -> QWidget:
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(f"<b>{title}</b>")
            layout.addWidget(label)
            layout.addWidget(area, 1)
            return box

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(
            titled(
                "Waiting to reach TikTok Shop: stock, shipments, answers (outbox)",
                self.outbox_area,
            )
        )
        splitter.addWidget(titled("Webhooks received from TikTok Shop (inbox)", self.inbox_area))
        self.summary = QLabel()
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Try the selected item again now (Ctrl+R)")
        self.drop_button = QPushButton("Drop")
        self.drop_button.setToolTip("Give up on the selected item (Del)")
        self.retry_button.clicked.connect(self.retry)
        self.drop_button.clicked.connect(self.drop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.drop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Counts for the tab title; the rows too while the tab shows (webhook bodies are big)."""
        db = self.reader.db
        tables = set() if db is None else set(db.table_names())
        if db is None or not {"outbox", "inbox"} <= tables:
            self._show([], [], {}, {})
            return
        out_counts, in_counts = fetch_outbox_counts(db), fetch_inbox_counts(db)
        if self.isVisible():
            outbox = _with_orders(db, fetch_outbox(db))
            self._show(outbox, fetch_inbox(db, limit=INBOX_ROWS), out_counts, in_counts)
        else:
            self._show(self.outbox.rows, self.inbox.rows, out_counts, in_counts)

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh rows whenever the tab is opened."""
        super().showEvent(event)
        self.refresh()

    def _show(
        self,
        outbox: list[dict[str, Any]],
        inbox: list[InboxItem],
        out_counts: dict[str, int],
        in_counts: dict[str, int],
    ) -> None:
        self.outbox.set_rows(outbox)
        self.inbox.set_rows(inbox)
        live_out = sum(out_counts.get(state, 0) for state in LIVE_STATES)
        failed = out_counts.get("failed", 0) + in_counts.get("failed", 0)
        pending_in = in_counts.get("pending", 0)
        self.countChanged.emit(live_out + pending_in)
        self.summary.setText(
            f"{live_out} change{'s' if live_out != 1 else ''} for TikTok Shop waiting · "
            f"{pending_in} webhook{'s' if pending_in != 1 else ''} waiting · {failed} failed"
        )
        if outbox:
            self.outbox_area.show_view()
        else:
            self.outbox_area.show_empty(
                "Nothing waiting",
                "Stock changes, shipments and answers to cancellation requests wait here "
                "until TikTok Shop confirms them.",
            )
        if inbox:
            self.inbox_area.show_view()
        else:
            self.inbox_area.show_empty(
                "No webhooks received",
                "With webhooks on (Settings), TikTok Shop's pushes land here first. "
                "Polling keeps everything in sync either way.",
            )
        self._buttons()

    def _focus(self, table: QTableView) -> None:
        self.focused = table
        other = self.inbox_table if table is self.outbox_table else self.outbox_table
        other.selectionModel().clearSelection()
        self._buttons()

    def _buttons(self) -> None:
        index = self.focused.currentIndex()  # one row at a time: the current row is the selection
        state = index.data(STATE_ROLE) if index.isValid() else None
        self.retry_button.setEnabled(state in ("failed", "dropped", "ignored"))
        self.drop_button.setEnabled(state in LIVE_STATES)

    def _selected(self) -> tuple[str, int] | None:
        index = self.focused.currentIndex()
        if not index.isValid():
            return None
        which = "outbox" if self.focused is self.outbox_table else "inbox"
        return which, int(index.data(ID_ROLE))

    def _write(self, write: Callable[[sqlite_utils.Database], object], done: str) -> None:
        engine = self.host.engine
        if engine is None:
            self.message.emit("The sync engine is not running.")
            return

        def written(_result: object) -> None:
            self.message.emit(done)
            self.refresh()

        self.tasks.watch(
            engine.run_write(write),
            written,
            lambda error: self.message.emit(f"Not done: {error}"),
            owner=self,
        )

    def retry(self) -> None:
        """Process the selected failed item again at the next chance."""
        selected = self._selected()
        if selected is None:
            return
        which, item_id = selected
        now = int(time.time())
        if which == "outbox":
            self._write(lambda db: retry_write(db, outbox_id=item_id, now=now), "Queued again.")
        else:
            self._write(lambda db: retry_webhook(db, item_id=item_id), "Queued again.")

    def drop(self) -> None:
        """Give up on the selected item (polling still catches a webhook's change)."""
        selected = self._selected()
        if selected is None:
            return
        which, item_id = selected
        now = int(time.time())
        if which == "outbox":
            self._write(lambda db: drop_write(db, outbox_id=item_id, now=now), "Dropped.")
        else:
            self._write(lambda db: drop_webhook(db, item_id=item_id), "Dropped.")
