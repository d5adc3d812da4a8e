"""Labels and pick list for a day's orders: choose the orders, buy their TikTok Shipping
labels (each at most once), get one PDF in pick order, print it or open it; make the pick
list with packing slips. Buying runs on the engine; the window never waits on the network."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import Paths
from app.documents import DocumentError, Paper
from app.gui.engine_host import EngineHost
from app.gui.label_printing import (
    LABELS,
    PICKLIST,
    open_in_viewer,
    print_with_dialog,
    remember,
    remembered_page,
)
from app.gui.reader import Reader
from app.gui.tasks import TaskManager
from app.ops.labels import LabelsResult, buy_labels, default_pdf, make_picklist, reprint_labels
from app.queries.labels import fetch_due_order_ids, fetch_labels, fetch_order_raws

COLUMNS = ("Print", "Order", "Ship by", "Label", "Note")
STALE = QColor("#fde68a")
REFUSED = QColor("#fecaca")


class LabelsDialog(QDialog):
    """One batch of orders: buy, print, reprint, pick list."""

    #: A line for the status bar.
    message = Signal(str)
    #: A buy or reprint ended (tests wait for it).
    finished_run = Signal(object)

    def __init__(
        self,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        prefs: QSettings,
        paths: Paths,
        order_ids: list[str],
        *,
        default_parcel: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("labelsDialog")
        self.setWindowTitle("Labels and pick list")
        self.reader, self.host, self.tasks, self.prefs = reader, host, tasks, prefs
        self.paths, self.default_parcel = paths, default_parcel
        db = reader.db
        if not order_ids and db is not None:
            order_ids = fetch_due_order_ids(db)
        self.order_ids = order_ids
        self.pdf: Path | None = None
        self.picklist: Path | None = None

        self.summary = QLabel()
        self.summary.setObjectName("labelsSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("labelsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.label_size = QComboBox()
        self.label_size.addItems(["A6", "A5"])
        self.label_size.setToolTip("The label TikTok prints: A6 is 4x6 in thermal stock")
        self.paper = QComboBox()
        self.paper.addItems(["A6", "A5", "LETTER", "A4"])
        self.paper.setCurrentText(remembered_page(prefs, LABELS))
        self.paper.setToolTip("The sheet each label is fitted onto")
        self.buy_button = QPushButton("&Buy and download labels")
        self.buy_button.setObjectName("buyLabels")
        self.buy_button.setDefault(True)
        self.reprint_button = QPushButton("&Reprint")
        self.print_button = QPushButton("&Print labels…")
        self.open_button = QPushButton("&Open PDF")
        self.pick_button = QPushButton("Pick &list and slips…")
        self.buy_button.clicked.connect(self.buy)
        self.reprint_button.clicked.connect(self.reprint)
        self.print_button.clicked.connect(lambda: self._print(self.pdf, LABELS))
        self.open_button.clicked.connect(lambda: self._open(self.pdf))
        self.pick_button.clicked.connect(self.make_picklist)
        self.status = QLabel()
        self.status.setObjectName("labelsStatus")
        self.status.setWordWrap(True)

        options = QHBoxLayout()
        options.addWidget(QLabel("Label size"))
        options.addWidget(self.label_size)
        options.addWidget(QLabel("Paper"))
        options.addWidget(self.paper)
        options.addStretch(1)
        buttons = QHBoxLayout()
        for button in (
            self.buy_button,
            self.reprint_button,
            self.print_button,
            self.open_button,
            self.pick_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.resize(860, 520)
        self.refresh()

    # --- what is shown ------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        """The orders ticked in the Print column."""
        chosen: list[str] = []
        for row in range(self.table.rowCount()):
            tick, order = self.table.item(row, 0), self.table.item(row, 1)
            if (
                tick is not None
                and order is not None
                and tick.checkState() == Qt.CheckState.Checked
            ):
                chosen.append(order.text())
        return chosen

    def refresh(self) -> None:
        """Re-read the orders' label state from SQLite (keeps the ticks)."""
        db = self.reader.db
        if db is None:
            return
        ticked = set(self.chosen()) if self.table.rowCount() else set(self.order_ids)
        labels = fetch_labels(db, self.order_ids)
        raws = fetch_order_raws(db, self.order_ids)
        self.table.setRowCount(len(self.order_ids))
        counts = {"bought": 0, "stale": 0, "refused": 0}
        for row, order_id in enumerate(self.order_ids):
            label = labels.get(order_id)
            raw = raws.get(order_id, {})
            due = raw.get("rts_sla_time")
            state, note, colour = "none yet", "", None
            if label is not None:
                state = label.state
                note = label.stale or label.reason
                if label.state == "bought":
                    counts["bought"] += 1
                    service = label.service or label.carrier
                    tracking = ", ".join(p.tracking_number for p in label.packages)
                    note = note or " · ".join(x for x in (service, tracking) if x)
                if label.stale:
                    counts["stale"] += 1
                    colour = STALE
                elif label.state in ("refused", "unknown", "failed"):
                    counts["refused"] += 1
                    colour = REFUSED
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(
                Qt.CheckState.Checked if order_id in ticked else Qt.CheckState.Unchecked
            )
            cells = [
                tick,
                QTableWidgetItem(order_id),
                QTableWidgetItem(time.strftime("%a %H:%M", time.localtime(due)) if due else ""),
                QTableWidgetItem(state),
                QTableWidgetItem(note),
            ]
            for column, cell in enumerate(cells):
                if colour is not None:
                    cell.setBackground(colour)
                self.table.setItem(row, column, cell)
        self.summary.setText(
            f"{len(self.order_ids)} orders · {counts['bought']} labels bought · "
            f"{counts['stale']} to reprint · {counts['refused']} with a problem"
        )

    # --- buying and printing ------------------------------------------------------------------

    def buy(self) -> None:
        """Buy what is missing for the ticked orders, download, merge (on the engine)."""
        engine = self.host.engine
        chosen = self.chosen()
        if engine is None or not chosen:
            self._say("Tick some orders first." if engine else "The sync engine is not running.")
            return
        size, paper = self.label_size.currentText(), Paper.parse(self.paper.currentText())
        remember(self.prefs, LABELS, page=self.paper.currentText())
        folder, parcel = self.paths.labels, self.default_parcel
        self._busy(f"Buying labels for {len(chosen)} orders…")
        future = engine.run_session(
            lambda session: buy_labels(
                session=session,
                folder=folder,
                order_ids=chosen,
                size=size,
                paper=paper,
                default_parcel=parcel,
            )
        )
        self.tasks.watch(future, self._done, self._failed, owner=self)

    def reprint(self) -> None:
        """The ticked orders' kept labels again (a missing or stale one fetched anew)."""
        engine = self.host.engine
        chosen = self.chosen()
        if engine is None or not chosen:
            self._say("Tick some orders first." if engine else "The sync engine is not running.")
            return
        paper, size = Paper.parse(self.paper.currentText()), self.label_size.currentText()
        out, folder = default_pdf(self.paths.labels), self.paths.labels
        self._busy("Putting the labels together…")
        future = engine.run_session(
            lambda session: reprint_labels(
                session=session, folder=folder, order_ids=chosen, out=out, paper=paper, size=size
            )
        )
        self.tasks.watch(future, self._done, self._failed, owner=self)

    def _done(self, result: LabelsResult) -> None:
        self.pdf = result.pdf
        self.refresh()
        problems = "; ".join(f"{p.order_id}: {p.reason}" for p in result.failed[:5])
        text = (
            f"{len(result.bought)} bought, {len(result.reused)} already bought"
            + (f", {result.pages} pages in {result.pdf.name}" if result.pdf else "")
            + (f". Problems: {problems}" if problems else ".")
        )
        self._busy(None)
        self._say(text)
        self.finished_run.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._busy(None)
        self._say(f"Nothing more was bought: {error}")
        self.refresh()
        self.finished_run.emit(error)

    def make_picklist(self) -> None:
        """The pick list and a slip per ticked order (local, no network)."""
        db, chosen = self.reader.db, self.chosen()
        if db is None or not chosen:
            self._say("Tick some orders first.")
            return
        page = remembered_page(self.prefs, PICKLIST)
        out = self.paths.labels / f"picklist-{time.strftime('%Y-%m-%d-%H%M%S')}.pdf"
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            result = make_picklist(db=db, order_ids=chosen, out=out, paper=Paper.parse(page))
        except DocumentError as exc:
            self._say(f"No pick list: {exc}")
            return
        self.picklist = result.path
        self._say(f"Pick list: {result.pages} pages ({len(result.slips)} slips) in {out.name}.")
        self._print(self.picklist, PICKLIST)

    def _print(self, path: Path | None, kind: str) -> None:
        if path is None:
            self._say("Buy or reprint the labels first.")
            return
        try:
            pages = print_with_dialog(path, self.prefs, kind, self)
        except OSError as exc:
            self._say(f"Not printed: {exc}")
            return
        if pages:
            self._say(f"Sent {pages} pages to the printer.")

    def _open(self, path: Path | None) -> None:
        if path is None:
            self._say("Buy or reprint the labels first.")
        elif not open_in_viewer(path):
            self._say(f"No PDF viewer opened {path}.")

    def _busy(self, text: str | None) -> None:
        for button in (self.buy_button, self.reprint_button):
            button.setEnabled(text is None)
        if text:
            self._say(text)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)
