"""The Pack tab: a pack station for a keyboard-wedge barcode scanner (it types, then Enter).

Scan the packing slip (or the label's tracking number): the order's items appear. Scan each
item: one unit ticks, green; a wrong item or one too many is refused in red with a beep.
When all are ticked the pack is recorded through the engine (the only writer); a
seller-shipped order then takes its tracking number and is queued to ship. Esc puts the
order down. Works from the keyboard alone: the scan field always has the focus.
"""

from __future__ import annotations

import socket
import time

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.engine_host import EngineHost
from app.gui.reader import Reader
from app.gui.tasks import TaskManager
from app.ops.pack import Cue, PackRecord, PackStation, queue_ship, save_pack
from app.ops.returns import receive_returned_item
from app.queries.labels import fetch_packs

COLUMNS = ("Seller SKU", "Item", "Bin", "Needed", "Scanned")
CUE_COLOURS = {
    Cue.ORDER: "#dbeafe",
    Cue.TICK: "#dcfce7",
    Cue.PACKED: "#86efac",
    Cue.TRACKING: "#fef08a",
    Cue.SHIPPED: "#86efac",
    Cue.RETURNED: "#e9d5ff",
    Cue.WRONG: "#fca5a5",
}
DONE_ROW = QColor("#bbf7d0")


class ScanField(QLineEdit):
    """Where the scanner types; Esc puts the order down (the field keeps the focus)."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PackTab(QWidget):
    """One order at a time, driven by scans."""

    #: A line for the status bar.
    message = Signal(str)
    #: The last scan's cue (tests and the sound hook listen).
    scanned = Signal(str)

    def __init__(
        self,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        prefs: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks, self.prefs = reader, host, tasks, prefs
        self.station = PackStation(
            station=str(prefs.value("pack/station", "") or socket.gethostname()),
            carrier=str(prefs.value("pack/carrier", "") or ""),
        )
        self.scan_field = ScanField()
        self.scan_field.setObjectName("packScan")
        self.scan_field.setPlaceholderText("Scan a packing slip or a label, then each item")
        self.scan_field.returnPressed.connect(self._entered)
        self.station_field = QLineEdit(self.station.station)
        self.station_field.setObjectName("packStation")
        self.station_field.editingFinished.connect(self._station_changed)
        self.carrier_field = QLineEdit(self.station.carrier)
        self.carrier_field.setObjectName("packCarrier")
        self.carrier_field.setPlaceholderText("for seller-shipped orders, e.g. USPS")
        self.carrier_field.editingFinished.connect(self._station_changed)

        self.order_label = QLabel("No order on the station.")
        self.order_label.setObjectName("packOrder")
        font = self.order_label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.order_label.setFont(font)
        self.cue_label = QLabel("Scan a packing slip to start.")
        self.cue_label.setObjectName("packCue")
        self.cue_label.setWordWrap(True)
        self.cue_label.setMargin(10)
        cue_font = self.cue_label.font()
        cue_font.setPointSize(cue_font.pointSize() + 6)
        self.cue_label.setFont(cue_font)
        self.history_label = QLabel()
        self.history_label.setObjectName("packHistory")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("packItems")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)

        form = QFormLayout()
        form.addRow("Scan", self.scan_field)
        setup = QHBoxLayout()
        setup.addWidget(QLabel("Station"))
        setup.addWidget(self.station_field)
        setup.addWidget(QLabel("Carrier"))
        setup.addWidget(self.carrier_field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(setup)
        layout.addWidget(self.order_label)
        layout.addWidget(self.cue_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.history_label)
        self.scan_field.escaped.connect(self.put_down)
        self.setFocusProxy(self.scan_field)

    # --- scanning -----------------------------------------------------------------------------

    def _entered(self) -> None:
        code = self.scan_field.text()
        self.scan_field.clear()
        self.scan(code)

    def scan(self, code: str) -> Cue:
        """Handle one scan: show the order and its ticks at once, record in the background."""
        db = self.reader.db
        if db is None:
            self._cue(Cue.WRONG, "The database is not open yet.")
            return Cue.WRONG
        result = self.station.scan(db, code)
        self._show()
        self._cue(result.cue, result.message)
        if result.pack is not None:
            self._record(result.pack)
        if result.ship is not None:
            self._ship(*result.ship)
        if result.returned:
            self._restock(result.returned)
        return result.cue

    def put_down(self) -> None:
        """Esc: the order leaves the station unrecorded."""
        if self.station.order is not None:
            self._cue(Cue.ORDER, f"Order {self.station.order.order_id} put down, not packed.")
        self.station.clear()
        self._show()
        self.scan_field.setFocus()

    def _show(self) -> None:
        order = self.station.order
        self.table.setRowCount(0 if order is None else len(order.items))
        if order is None:
            self.order_label.setText("No order on the station.")
            self.history_label.clear()
            return
        ship = "TikTok Shipping" if order.shipping_type == "TIKTOK" else "Seller shipping"
        self.order_label.setText(f"Order {order.order_id} · {ship}")
        for row, item in enumerate(order.items):
            done = self.station.scanned.get(item.sku_id, 0)
            values = (item.seller_sku, item.name, item.bin_location, item.quantity, done)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if done >= item.quantity:
                    cell.setBackground(DONE_ROW)
                self.table.setItem(row, column, cell)
        self._history(order.order_id)

    def _history(self, order_id: str) -> None:
        db = self.reader.db
        packs = fetch_packs(db, order_id) if db is not None else []
        if not packs:
            self.history_label.setText("Not packed before.")
            return
        last = packs[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(last["packed_at"]))
        self.history_label.setText(
            f"Packed {len(packs)}× before; last at {when} on {last['station'] or 'a station'}."
        )

    def _cue(self, cue: Cue, text: str) -> None:
        self.cue_label.setText(text)
        self.cue_label.setStyleSheet(f"background: {CUE_COLOURS[cue]}; color: #111;")
        if cue is Cue.WRONG:
            QApplication.beep()
        self.scanned.emit(cue.value)
        self.message.emit(text)

    # --- recording (through the engine, the only writer) -----------------------------------------

    def _record(self, record: PackRecord) -> None:
        engine = self.host.engine
        if engine is None:
            self._cue(Cue.WRONG, "Not recorded: the sync engine is not running.")
            return
        self.tasks.watch(
            engine.run_write(lambda db: save_pack(db, record)),
            lambda _id: self._history(record.order_id),
            lambda error: self._cue(Cue.WRONG, f"The pack was not recorded: {error}"),
            owner=self,
        )

    def _ship(self, order_id: str, tracking: str) -> None:
        engine = self.host.engine
        if engine is None:
            self._cue(Cue.WRONG, "Not shipped: the sync engine is not running.")
            return
        carrier, now = self.station.carrier, int(time.time())
        self.tasks.watch(
            engine.run_write(lambda db: queue_ship(db, order_id, tracking, carrier, now=now)),
            lambda problems: self._shipped(order_id, problems),
            lambda error: self._cue(Cue.WRONG, f"Not shipped: {error}"),
            owner=self,
        )

    def _restock(self, code: str) -> None:
        engine = self.host.engine
        if engine is None:
            self._cue(Cue.WRONG, "Not recorded: the sync engine is not running.")
            return
        now = int(time.time())
        self.tasks.watch(
            engine.run_write(lambda db: receive_returned_item(db, code=code, now=now)),
            lambda _done: None,
            lambda error: self._cue(Cue.WRONG, f"The returned item was not recorded: {error}"),
            owner=self,
        )

    def _shipped(self, order_id: str, problems: list[str]) -> None:
        if problems:
            self._cue(Cue.WRONG, f"Order {order_id} not shipped: {'; '.join(problems)}")
        else:
            self._cue(Cue.SHIPPED, f"Order {order_id} queued to ship.")

    def _station_changed(self) -> None:
        self.station.station = self.station_field.text().strip()
        self.station.carrier = self.carrier_field.text().strip()
        self.prefs.setValue("pack/station", self.station.station)
        self.prefs.setValue("pack/carrier", self.station.carrier)
        self.scan_field.setFocus()
