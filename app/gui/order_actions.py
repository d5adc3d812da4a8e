"""Shipping and cancelling orders from the window: the dialogs, the CSV, and the writes behind them.

Every write goes through `run_write` on the engine, then `send_writes` sends it at once; the
GUI thread only reads (checks, carriers already cached) and shows.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import formatting as fmt
from app.gui.engine_host import EngineHost
from app.gui.files import open_csv, save_csv
from app.gui.reader import Reader
from app.gui.ship_dialog import MAX_ROWS, ShipDialog
from app.gui.tasks import TaskManager
from app.gui.write_text import REASON_LABELS, describe_write
from app.ops.cancellations import cancel_order, seller_fault_problem
from app.ops.export import export_orders
from app.ops.problems import ProblemsError
from app.ops.shipping import TRACKING_MISMATCH, plan_ship_csv
from app.queries.orders import fetch_order, fetch_order_detail
from app.queries.shop import shop_region
from app.queries.writes import PROVIDERS_FRESH, fetch_order_writes, fetch_providers
from app.tiktok.reasons import seller_cancel_reasons

if TYPE_CHECKING:
    from app.ops.engine import SyncEngine

#: Where the last carrier used is remembered (window.ini).
CARRIER_PREF = "ship/carrier"


class ProblemsDialog(QDialog):
    """Why a file was refused: every problem with its line, and that nothing was queued."""

    def __init__(
        self,
        title: str,
        intro: str,
        problems: list[str],
        parent: QWidget | None = None,
        *,
        anyway: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        heading = QLabel(f"<b>{title}</b>")
        text = QLabel(intro)
        text.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("problemList")
        self.problems.addItems(problems)
        self.problems.setWordWrap(True)
        copy = QPushButton("Copy the list")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText("\n".join(problems)))
        close = QPushButton("Close")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addStretch(1)
        #: Only numbers that do not fit their carrier: the creator may ship them as they are.
        self.anyway_button: QPushButton | None = None
        if anyway is not None:
            self.anyway_button = QPushButton("Ship anyway")
            self.anyway_button.setToolTip("Ship these tracking numbers as they are")
            self.anyway_button.clicked.connect(self.accept)
            self.anyway_button.clicked.connect(anyway)
            buttons.addWidget(self.anyway_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)

    def lines(self) -> list[str]:
        """The problems listed."""
        return [self.problems.item(n).text() for n in range(self.problems.count())]


def queue_and_send(
    host: EngineHost,
    tasks: TaskManager,
    write: Callable[[sqlite_utils.Database], Any],
    *,
    owner: QObject,
    done: Callable[[str | None], None],
) -> bool:
    """Queue a write on the engine and send it at once; `done(None)` or `done(error)` after."""
    engine = host.engine
    if engine is None:
        done("the sync engine is not running")
        return False

    def queued(_result: Any) -> None:
        live = host.engine
        if live is None:
            done(None)
            return
        tasks.watch(
            live.send_writes(),
            lambda _r: done(None),
            lambda error: done(f"queued, but not sent yet: {error}"),
            owner=owner,
        )

    tasks.watch(engine.run_write(write), queued, lambda error: done(str(error)), owner=owner)
    return True


class OrderActions(QObject):
    """Ship (one, many, a CSV) and cancel orders; tells the window what changed."""

    #: A line for the status bar.
    message = Signal(str)
    #: Order ids whose writes changed: their detail, the queue and errors re-read.
    changed = Signal(object)
    #: Answer this order's cancellation request (the window opens the Cancellations tab).
    answerRequested = Signal(str)

    def __init__(
        self,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        prefs: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader, self.host, self.tasks, self.prefs = reader, host, tasks, prefs
        self.window = parent
        self.ship_dialog: ShipDialog | None = None
        self.problems_dialog: ProblemsDialog | None = None
        self.confirm_box: QMessageBox | None = None

    # --- shipping -----------------------------------------------------------------------------

    def ship(self, order_ids: list[str]) -> ShipDialog | None:
        """Ctrl+Shift+S: the ship dialog for the selected orders."""
        if self.reader.db is None:
            self.message.emit("Shopdesk has not opened its data yet.")
            return None
        if not order_ids:
            self.message.emit("Select the orders to ship first.")
            return None
        if len(order_ids) > MAX_ROWS:
            self.message.emit(
                f"Choose at most {MAX_ROWS} orders to ship at once, or use File > Ship from CSV…"
            )
            return None
        prefer = str(self.prefs.value(CARRIER_PREF, "")) if self.prefs is not None else ""
        dialog = ShipDialog.for_orders(
            self.reader, self.host, self.tasks, order_ids, prefer=prefer, parent=self.window
        )
        return self._show(dialog)

    def _show(self, dialog: ShipDialog) -> ShipDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sent.connect(self.changed)
        dialog.resultsIn.connect(self.changed)
        dialog.carrierChosen.connect(self._remember_carrier)
        dialog.answerRequested.connect(self.answerRequested)
        dialog.show()
        self.ship_dialog = dialog
        return dialog

    def _remember_carrier(self, name: str) -> None:
        if self.prefs is not None and name:
            self.prefs.setValue(CARRIER_PREF, name)

    def ship_csv(self, path: str | None = None) -> None:
        """File > Ship from CSV: every line checked; a bad file is refused whole, line by line."""
        db = self.reader.db
        if db is None or self.host.engine is None:
            self.message.emit("Connect a shop first.")
            return
        if not path:
            path = open_csv(self.window, "Ship orders from a CSV file")
        if not path:
            return
        name = Path(path).name
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self._refuse(f"Cannot read {name}", [str(exc)])
            return
        missing = self._options_without_carriers(db, text)
        if not missing:
            self._plan(text, name, [])
            return
        self.message.emit("Loading carriers from TikTok Shop to check the file…")
        waiting, notes = set(missing), []

        def one_done(order_id: str, error: BaseException | None) -> None:
            waiting.discard(order_id)
            if error is not None:
                notes.append(f"Could not load the carriers for order {order_id}: {error}")
            if not waiting:
                self._plan(text, name, notes)

        engine = self.host.engine
        for order_id in missing:
            self._watch_providers(engine, order_id, one_done)

    def _watch_providers(
        self,
        engine: SyncEngine | None,
        order_id: str,
        done: Callable[[str, BaseException | None], None],
    ) -> None:
        """Load one order's carriers on the engine; `done(order_id, error or None)` after."""
        if engine is None:
            done(order_id, RuntimeError("the sync engine is not running"))
            return

        def found(_carriers: object) -> None:
            done(order_id, None)

        def failed(error: BaseException) -> None:
            done(order_id, error)

        self.tasks.watch(engine.shipping_providers(order_id), found, failed, owner=self)

    def _options_without_carriers(self, db: sqlite_utils.Database, text: str) -> list[str]:
        """One order per seller-shipped delivery option whose carriers are not cached yet."""
        rows = csv.DictReader(io.StringIO(text))
        rows.fieldnames = [f.strip().lower() for f in rows.fieldnames or []]
        since = int(time.time()) - PROVIDERS_FRESH
        wanted: dict[str, str] = {}
        for row in rows:
            order_id = str(row.get("order_id") or "").strip()
            order = fetch_order(db, order_id) if order_id else None
            if order is None or not order.seller_ships:
                continue
            option = order.delivery_option_id
            key = option or f"warehouse:{order.warehouse_id or order_id}"
            if key in wanted or (option and fetch_providers(db, option, since=since)):
                continue
            wanted[key] = order_id
        return list(wanted.values())

    def _plan(self, text: str, name: str, notes: list[str], *, anyway: bool = False) -> None:
        db = self.reader.db
        if db is None:
            return
        try:
            plan = plan_ship_csv(db, text=text, anyway=anyway)
        except ProblemsError as exc:
            problems = [p.for_people() for p in exc.problems]
            title = f"Nothing was queued: {name} has {fmt.count(len(problems), 'problem')}"
            odd = all(p.code == TRACKING_MISMATCH for p in exc.problems)
            again = (lambda: self._plan(text, name, notes, anyway=True)) if odd else None
            self._refuse(title, [*problems, *notes], anyway=again)
            return
        dialog = ShipDialog.for_plan(
            self.reader,
            self.host,
            self.tasks,
            plan,
            text,
            anyway=anyway,
            source=name,
            parent=self.window,
        )
        self._show(dialog)

    def _refuse(
        self, title: str, problems: list[str], *, anyway: Callable[[], None] | None = None
    ) -> None:
        dialog = ProblemsDialog(
            title,
            "Shopdesk checks every line before anything goes to TikTok Shop, and one bad "
            "line stops the whole file. Fix these lines (the first line holds the column "
            "names order_id, tracking_number, provider) and ship the file again.",
            problems,
            self.window,
            anyway=anyway,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.problems_dialog = dialog
        self.message.emit(title)

    # --- the seller's own cancellation ----------------------------------------------------------

    def export_orders(self, path: str | None = None) -> None:
        """File > Export orders: every order to a CSV file (written off the GUI thread)."""
        if self.reader.db is None:
            self.message.emit("Nothing to export yet: connect a shop first.")
            return
        day = time.strftime("%Y-%m-%d")
        path = path or save_csv(self.window, "Export orders", f"orders-{day}.csv")
        if not path:
            return
        out, database = Path(path), self.reader.paths.database

        def write() -> int:
            return export_orders(database=database, out=out)

        self.message.emit("Exporting orders…")
        self.tasks.watch(
            self.tasks.run_blocking(write),
            lambda count: self.message.emit(
                f"Wrote {count:,} orders to {out} (ids start with ' so spreadsheets keep them "
                "whole)."
            ),
            lambda error: self.message.emit(f"Orders not exported: {error}"),
            owner=self,
        )

    def cancel_reasons(self, order_id: str) -> dict[str, str]:
        """The documented reasons the seller may give for this order's status (maybe none)."""
        db = self.reader.db
        order = None if db is None else fetch_order_detail(db, order_id)
        if db is None or order is None:
            return {}
        return seller_cancel_reasons(order.status, shop_region(db))

    def seller_cancel(self, order_id: str, reason: str, *, confirm: bool = True) -> None:
        """Cancel an order with one of the documented reasons (after asking, by default)."""
        label = REASON_LABELS.get(reason, reason)
        if reason not in self.cancel_reasons(order_id):
            self.message.emit(f"Order {order_id} cannot be cancelled with “{label}” now.")
            return
        if not confirm:
            self._cancel(order_id, reason)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            f"Cancel order {order_id}?",
            f"TikTok Shop cancels order {order_id} and refunds the buyer.\n\n"
            f"Reason: {label}\n\n{self._fault_words(order_id)}",
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        yes = box.addButton("Cancel the order", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._cancel(order_id, reason) if button is yes else None
        )
        box.open()
        self.confirm_box = box

    def _fault_words(self, order_id: str) -> str:
        """What this cancellation does to the seller-fault rate (an estimate, from SQLite)."""
        db = self.reader.db
        if db is None:
            return (
                "A cancellation by you counts against your shop: TikTok judges shops by their "
                "seller-fault cancellation rate (keep it at or under 2.5%). This cannot be undone."
            )
        return seller_fault_problem(db, order_id, int(time.time())).message

    def _cancel(self, order_id: str, reason: str) -> None:
        now = int(time.time())
        self.message.emit(f"Cancelling order {order_id}…")
        queue_and_send(
            self.host,
            self.tasks,
            lambda db: cancel_order(
                db, order_id=order_id, reason=reason, now=now, fault_accepted=True
            ),
            owner=self,
            done=lambda error: self._cancelled(order_id, error),
        )

    def _cancelled(self, order_id: str, error: str | None) -> None:
        db = self.reader.db
        writes = [] if db is None else fetch_order_writes(db, order_id)
        latest = next((w for w in writes if w["kind"] == "seller_cancel"), None)
        if error is not None and (latest is None or latest["state"] == "pending"):
            self.message.emit(f"Order {order_id}: not cancelled: {error}")
        elif latest is not None:
            self.message.emit(f"Order {order_id}: {describe_write(latest).text}")
        self.changed.emit([order_id])
