"""The Returns tab: buyers' return and refund requests to answer before TikTok decides alone.

Approve or Reject (with one of the reasons TikTok offers for this request in the shop's
market, and a note); answers go out once through the engine. A returned item that arrived is
put back on the shelf or written off here too (the Pack tab's scan does the same).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QPushButton

from app.changes import Kind
from app.gui import formatting as fmt
from app.gui.answer_queue import AnswerQueueTab
from app.gui.reject_dialog import RejectDialog
from app.gui.returns_model import (
    EVIDENCE,
    ITEMS,
    KIND,
    ORDER,
    REASON,
    REFUND,
    RESPOND,
    STATUS,
    ReturnsTableModel,
)
from app.gui.shortcuts import KEYS
from app.ops.returns import answer_return, restock_return
from app.queries.returns import StoredReturn, fetch_returns

#: Keys that act on the selected request, while the tab has the focus.
APPROVE_KEY, REJECT_KEY, RESTOCK_KEY, WRITE_OFF_KEY = (
    KEYS["return_approve"],
    KEYS["return_reject"],
    KEYS["return_restock"],
    KEYS["return_write_off"],
)


class ReturnsTab(AnswerQueueTab[StoredReturn]):
    """The queue of return and refund requests; every write runs on the engine."""

    REFRESH_ON = frozenset({Kind.RETURNS, Kind.OUTBOX, Kind.SHOP})
    HINT = (
        "Buyers asking for a refund or to send an item back. Answer before the time "
        "runs out, or TikTok Shop approves the request for you. When a returned item "
        "arrives, put it back on the shelf (stock goes up on TikTok Shop too) or write it off."
    )
    NAMES = ("returnsTable", "returnDetails")
    EMPTY = (
        "No return or refund requests",
        "When a buyer asks for a refund or to send an item back, the request shows "
        "here with the time left to answer it.",
    )

    model: ReturnsTableModel

    def _make_model(self) -> ReturnsTableModel:
        return ReturnsTableModel(self)

    def _build(self) -> Sequence[tuple[QPushButton, Callable[[], object]]]:
        metrics = self.table.fontMetrics()
        for column, sample in (
            (RESPOND, "answer within 23 h 59 min"),
            (KIND, "Replacement"),
            (ORDER, "9999999999999999999"),
            (REFUND, "$9,999.99"),
            (REASON, "Damaged item or pack"),
            (EVIDENCE, "The box arrived crushed and"),
            (STATUS, "waiting for your answer"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self.table.horizontalHeader().setSectionResizeMode(ITEMS, QHeaderView.ResizeMode.Stretch)

        self.write_off_button = QPushButton("Write off")
        self.write_off_button.setToolTip(
            f"The returned item cannot be sold again ({WRITE_OFF_KEY})"
        )
        self.restock_button = QPushButton("Back on shelf")
        self.restock_button.setToolTip(f"The returned item arrived and can be sold ({RESTOCK_KEY})")
        self.reject_button.setToolTip(f"Tell TikTok Shop why, with a note ({REJECT_KEY})")
        self.approve_button.setToolTip(f"Approve the buyer's request ({APPROVE_KEY})")
        for keys, slot in (
            (APPROVE_KEY, lambda: self.approve()),
            (REJECT_KEY, lambda: self.reject()),
            (RESTOCK_KEY, lambda: self.restock()),
            (WRITE_OFF_KEY, lambda: self.restock(write_off=True)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return (
            (self.write_off_button, lambda: self.restock(write_off=True)),
            (self.restock_button, lambda: self.restock()),
        )

    # --- reading ----------------------------------------------------------------------------

    def read(self) -> list[StoredReturn]:
        """The shop's return and refund requests (none before the first sync)."""
        db = self.reader.db
        return [] if db is None or "returns" not in db.table_names() else fetch_returns(db)

    def show_return(self, return_id: str, *, focus: bool = True) -> bool:
        """Select a request's row (a notification opens it)."""
        return self.show_row(return_id, focus=focus)

    def order_id(self, row: StoredReturn) -> str:
        """The order a request is about."""
        return row.order_id

    def _enable(self, r: StoredReturn | None) -> None:
        can = r is not None and self.model.answerable(r)
        self.approve_button.setEnabled(can)
        self.reject_button.setEnabled(can and r is not None and bool(r.reject_reasons))
        arrived = r is not None and r.item_travels and any(not i.outcome for i in r.items)
        self.restock_button.setEnabled(arrived)
        self.write_off_button.setEnabled(arrived)

    def _details(self, r: StoredReturn) -> list[str]:
        parts = [f"<b>Return {escape(r.return_id)}</b>", f"order {escape(r.order_id)}"]
        refund = fmt.money(r.refund_total, r.currency)
        if refund:
            parts.append(f"refund {escape(refund)}")
        if r.evidence:
            parts.append(f"“{escape(r.evidence)}”")
        return parts

    # --- answering ------------------------------------------------------------------------------

    def _approve_question(self, r: StoredReturn) -> tuple[str, str]:
        refund = fmt.money(r.refund_total, r.currency) or "the refund"
        return (
            f"Approve return request {r.return_id}?",
            f"TikTok Shop goes ahead with the buyer's request on order {r.order_id} ({refund}).",
        )

    def _rejects_here(self, r: StoredReturn) -> bool:
        return bool(r.reject_reasons)

    def _reject_dialog(self, r: StoredReturn) -> RejectDialog:
        return RejectDialog(
            r.order_id,
            self,
            reasons=dict(r.reject_reasons),
            title=f"Reject return request {r.return_id}",
            intro_text=f"The buyer of order {r.order_id} asked: {r.reason_text}. "
            "Choose the reason TikTok Shop and the buyer will see:",
        )

    def _answer(
        self, r: StoredReturn, *, approve: bool, reason: str = "", comment: str = ""
    ) -> None:
        now = int(time.time())
        verb = "Approving" if approve else "Rejecting"
        self.message.emit(f"{verb} return request {r.return_id}…")
        self._write(
            lambda db: answer_return(
                db, return_id=r.return_id, approve=approve, reason=reason, comment=comment, now=now
            ),
            f"Return {r.return_id}: answer queued; Shopdesk sends it once",
        )
        self.model.sending.add(r.return_id)
        self.refresh()

    def restock(self, *, write_off: bool = False) -> None:
        """The selected request's returned items arrived: back on the shelf, or written off."""
        r = self.selected()
        if r is None or not r.item_travels:
            return
        now = int(time.time())
        done = "written off" if write_off else "back on the shelf; stock push queued"
        self._write(
            lambda db: restock_return(db, return_id=r.return_id, write_off=write_off, now=now),
            f"Return {r.return_id}: items {done}",
        )

    def _write(self, write: object, success: str) -> None:
        engine = self.host.engine
        if engine is None:
            self.message.emit("The sync engine is not running: nothing was recorded")
            return
        self.tasks.watch(
            engine.run_write(write),  # type: ignore[arg-type]
            lambda _r: self.message.emit(success),
            lambda error: self.message.emit(f"Not recorded: {error}"),
            owner=self,
        )
