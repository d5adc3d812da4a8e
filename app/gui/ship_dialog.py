"""The ship dialog's flow: one order or many, checked row by row, queued together, each
result shown (its widgets are `ship_view.py`, its rows `ship_model.py`).

Carriers load off the GUI thread (`shipping_providers`), checks read the GUI's own
connection, and queuing and sending happen on the engine: the window never waits.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QWidget

from app.changes import Changes, Kind
from app.gui import formatting as fmt
from app.gui.engine_host import EngineHost
from app.gui.reader import Reader
from app.gui.ship_model import (
    EDITABLE,
    EDITING,
    PROBLEM,
    READY,
    REFUSED,
    RETRYING,
    SENDING,
    SHIPPED,
    TRACKING,
    ShipRow,
    ShipRowsModel,
    missing_row,
    queue_rows,
    row_for,
    row_problems,
)
from app.gui.ship_view import ShipDialogView
from app.gui.tasks import TaskManager
from app.gui.write_text import describe_write
from app.ops.engine import WritesResult
from app.ops.problems import Problem, ProblemsError
from app.ops.shipping import (
    CANCEL_REQUESTED,
    DUPLICATE_TRACKING,
    NO_ITEMS,
    TRACKING_MISMATCH,
    Queued,
    ShipPlan,
    queue_ship_csv,
)
from app.ops.tracking import TrackingCheck, check_with_tiktok, offers_tiktok_check
from app.queries.orders import fetch_order_detail
from app.queries.writes import PROVIDERS_FRESH, fetch_providers, fetch_writes_by_id
from app.tiktok.models import Order

if TYPE_CHECKING:
    from app.ops.engine import SyncEngine

#: At most this many orders in one dialog (a CSV takes any number).
MAX_ROWS = 500
#: After sending, the dialog shows outcomes as they arrive (as `Changes`) for this long.
FOLLOW_SECONDS = 60.0


class ShipDialog(ShipDialogView):
    """Mark orders shipped: fill in, check every row, queue all, send, show each result."""

    #: Order ids whose shipments were queued (the window refreshes what shows them).
    sent = Signal(object)
    #: Order ids whose results are in (shipped, refused, or left to retry by itself).
    resultsIn = Signal(object)
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
        anyway: bool = False,
        source: str = "",
        prefer: str = "",
        items_of: Order | None = None,
        parent: QWidget | None = None,
    ) -> None:
        model = ShipRowsModel(rows)
        model.locked = plan_text is not None
        super().__init__(
            model, from_file=plan_text is not None, source=source, items_of=items_of, parent=parent
        )
        model.setParent(self)
        self.reader, self.host, self.tasks = reader, host, tasks
        self.plan_text = plan_text
        self.file_anyway = anyway  # the file's numbers that do not fit were confirmed
        self.confirm_box: QMessageBox | None = None
        self.prefer = prefer
        self.busy = False
        self._follow_until = 0.0
        self._note = ""
        # Outcomes arrive as changes (no polling); the timer only ends the wait.
        self.follow_deadline = QTimer(self, singleShot=True, interval=int(FOLLOW_SECONDS * 1000))
        self._connect_flow()
        if plan_text is None:
            self._first_look()
            self.load_carriers()
        else:
            self._carriers_from_cache()
        self._sync_editors()
        self._buttons()

    def _connect_flow(self) -> None:
        """What each widget's signal does."""
        self.all_carriers.activated.connect(self._carrier_for_all)
        self.paste_button.clicked.connect(lambda: self.paste_tracking())
        self.delegate.nextRow.connect(self._next_row)
        if self.items is not None:
            self.items.changed.connect(self._items_changed)
        self.retry_carriers.clicked.connect(self.load_carriers)
        self.answer_button.clicked.connect(self._answer_request)
        self.leave_out_button.clicked.connect(self.leave_out_problems)
        self.check_button.clicked.connect(self.check_with_tiktok)
        self.ship_button.clicked.connect(self.ship)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.ship)
        self.follow_deadline.timeout.connect(self._stop_following)
        self.reader.changed.connect(self._changes_arrived)

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
        anyway: bool = False,
        source: str = "",
        parent: QWidget | None = None,
    ) -> ShipDialog:
        """The dialog for a CSV whose every line passed (`plan_ship_file`): ready to send
        (`anyway`: the creator confirmed numbers that do not fit their carrier)."""
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
        return cls(
            reader, host, tasks, rows, plan_text=text, anyway=anyway, source=source, parent=parent
        )

    def _first_look(self) -> None:
        """Orders that cannot ship at all (shipped, cancelled, a buyer's request) say so at once."""
        db = self.reader.db
        if db is None:
            return
        for n, row in enumerate(self.model.rows):
            stuck = tuple(p for p in row_problems(db, row) if not p.is_input)
            if stuck:
                self.model.update(
                    n, state=PROBLEM, message=_words(stuck), problems=stuck, blocked=True
                )
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
            self._watch_carriers(engine, group, order_id)
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

    def _watch_carriers(self, engine: SyncEngine, group: str, order_id: str) -> None:
        def found(carriers: list[tuple[str, str]]) -> None:
            self._got_carriers(group, carriers)

        def failed(error: BaseException) -> None:
            self._carriers_failed(group, error)

        self.tasks.watch(engine.shipping_providers(order_id), found, failed, owner=self)

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
                if r.state == PROBLEM and any(p.code == CANCEL_REQUESTED for p in r.problems)
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
                problems.insert(0, _no_items(row.order_id))
            number = row.tracking.strip().casefold()
            if row.seller_ships and number:
                if number in tracking_on:
                    problems.append(_duplicate(row.order_id, tracking_on[number]))
                tracking_on.setdefault(number, row.order_id)
            passed = passed and not problems
            state = PROBLEM if problems else READY
            blocked = bool(problems) and not any(p.is_input for p in problems)
            self.model.update(
                n, state=state, message=_words(problems), problems=tuple(problems), blocked=blocked
            )
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
            if self._ask_anyway(rows):
                return
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
            future = engine.run_write(lambda db: queue_rows(db, chosen, now=now))
        else:
            anyway = self.file_anyway
            future = engine.run_write(
                lambda db: queue_ship_csv(db, text=text, now=now, anyway=anyway)
            )
        self.tasks.watch(future, self._queued, self._queue_failed, owner=self)

    def _ask_anyway(self, rows: Sequence[int]) -> bool:
        """When the only problems are numbers that do not fit their carrier, ask whether to
        ship them anyway (a "Ship anyway" confirmation); True when the box is open."""
        found = [n for n in rows if self.model.rows[n].state == PROBLEM]
        odd = [n for n in found if _only_mismatch(self.model.rows[n].problems)]
        if not odd or len(odd) != len(found):
            return False
        listed = "\n".join(
            f"• {self.model.rows[n].order_id}: {self.model.rows[n].tracking}" for n in odd
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Ship anyway?",
            f"{fmt.count(len(odd), 'tracking number')} "
            f"{'does' if len(odd) == 1 else 'do'} not look like the chosen carrier's (see "
            f"{'its' if len(odd) == 1 else 'each'} row):\n\n{listed}\n\nTikTok counts "
            "numbers it cannot track against your shop's valid tracking rate.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        yes = box.addButton("Ship anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Fix them", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self._ship_anyway(odd) if b is yes else None)
        box.open()
        self.confirm_box = box
        self._say("Some tracking numbers do not fit their carrier: nothing was sent yet.")
        return True

    def _ship_anyway(self, rows: Sequence[int]) -> None:
        """The creator confirmed these numbers: they are checked without the carrier's shapes."""
        for n in rows:
            self.model.update(n, anyway=True)
        self.ship()

    def check_with_tiktok(self) -> None:
        """Ask TikTok Shop about each row's tracking number (US shops), off the GUI thread."""
        engine = self.host.engine
        numbers = [r.tracking.strip() for r in self.model.rows if r.seller_ships and r.tracking]
        if engine is None or not numbers or self.busy:
            return
        self.check_button.setEnabled(False)
        self._say(f"Asking TikTok Shop about {fmt.count(len(set(numbers)), 'tracking number')}…")
        future = engine.run_session(lambda session: check_with_tiktok(session, numbers=numbers))
        self.tasks.watch(future, self._tiktok_said, self._tiktok_failed, owner=self)

    def _tiktok_said(self, checks: dict[str, TrackingCheck]) -> None:
        for n, row in enumerate(self.model.rows):
            check = checks.get(row.tracking.strip())
            if check is not None:
                self.model.update(n, tiktok_says=check.words())
        self._say("TikTok Shop's answer is on each row.")
        self._buttons()

    def _tiktok_failed(self, error: BaseException) -> None:
        self._say(f"TikTok Shop could not check the numbers: {error}", error=True)
        self._buttons()

    def _queued(self, queued: Queued) -> None:
        ids = queued.outbox_ids
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
        problems = error.problems if isinstance(error, ProblemsError) else []
        for n, row in enumerate(self.model.rows):
            if row.state != SENDING:
                continue
            mine = tuple(p for p in problems if p.order_id == row.order_id)
            state = PROBLEM if mine else EDITING
            self.model.update(n, state=state, message=_words(mine), problems=mine)
        said = "; ".join(p.for_people() for p in problems) if problems else str(error)
        self._set_busy(False, "Nothing was sent: " + said, error=True)

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
        self.resultsIn.emit([r.order_id for r in self.model.rows if r.outbox_id is not None])

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
        self.check_button.setVisible(self._offers_check())
        self.check_button.setEnabled(not self.busy)
        self.paste_button.setEnabled(not self.busy)
        self.all_carriers.setEnabled(not self.busy and self.all_carriers.count() > 1)
        if self.items is not None:
            self.items.setEnabled(bool(rows) and rows[0].editable and not self.busy)

    def _offers_check(self) -> bool:
        """US shops, with a seller-shipped row still to send."""
        db = self.reader.db
        todo = any(r.seller_ships and r.editable for r in self.model.rows)
        return todo and db is not None and offers_tiktok_check(db)

    def results(self) -> dict[str, tuple[str, str]]:
        """Each order's state and message (tests and the self-test read them)."""
        return {r.order_id: (r.state, r.message) for r in self.model.rows}

    def shipped_ok(self) -> bool:
        """Every row shipped."""
        return bool(self.model.rows) and all(r.state == SHIPPED for r in self.model.rows)


def _option(group: str) -> str | None:
    """The delivery option a group names (None for a warehouse or unknown group)."""
    return None if ":" in group else group


def _only_mismatch(problems: Sequence[Problem]) -> bool:
    """Every problem is a number that does not fit its carrier (the creator may confirm it)."""
    return bool(problems) and all(p.code == TRACKING_MISMATCH for p in problems)


def _words(problems: Sequence[Problem]) -> str:
    """A row's problems as its Result cell says them."""
    return "; ".join(p.message for p in problems)


def _no_items(order_id: str) -> Problem:
    return Problem(NO_ITEMS, "Choose at least one item to ship", order_id=order_id, field="items")


def _duplicate(order_id: str, other: str) -> Problem:
    return Problem(
        DUPLICATE_TRACKING,
        f"The same tracking number is on order {other}",
        order_id=order_id,
        field="tracking",
    )
