"""The Cancellations tab: buyers' requests to answer before their deadline; Approve or Reject."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from html import escape

import sqlite_utils
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QPushButton

from app.changes import Kind
from app.gui import formatting as fmt
from app.gui.answer_queue import AnswerQueueTab
from app.gui.cancellations_model import (
    ANSWER,
    ASKED,
    ORDER,
    REASON,
    REFUND,
    RESPOND,
    SKUS,
    CancellationsTableModel,
    RequestRow,
    request_rows,
)
from app.gui.order_actions import queue_and_send
from app.gui.reject_dialog import RejectDialog
from app.gui.write_text import REASON_LABELS
from app.ops.cancellations import answer_request
from app.queries.shop import rejects_by_shipping, shop_region
from app.queries.writes import (
    fetch_answered_requests,
    fetch_closed_requests,
    fetch_open_requests,
    fetch_request_answers,
)
from app.tiktok.reasons import reject_reasons

#: Answered requests stay listed (as "answered") this long.
KEEP_ANSWERED_SECONDS = 6 * 3600


def read_requests(db: sqlite_utils.Database, now: float) -> list[RequestRow]:
    """Open requests, then the ones answered or closed lately, each with our answer if any."""
    since = int(now) - KEEP_ANSWERED_SECONDS
    open_rows = fetch_open_requests(db)
    answered = fetch_answered_requests(db, since=since)
    closed = fetch_closed_requests(db, since=since)
    ids = [str(r["cancel_id"]) for r in [*open_rows, *answered]]
    return request_rows(open_rows, answered, fetch_request_answers(db, ids), closed)


class CancellationsTab(AnswerQueueTab[RequestRow]):
    """The queue of buyers' cancellation requests; answers go out through the engine."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset({Kind.CANCELLATIONS, Kind.ORDERS, Kind.OUTBOX, Kind.SHOP})
    HINT = (
        "Buyers asking to cancel an order that waits to ship. Answer before the time "
        "runs out, or TikTok Shop accepts the request for you. Approving cancels the order "
        "and refunds the buyer; rejecting keeps it, and you ship it as usual."
    )
    NAMES = ("cancellationsTable", "requestDetails")
    #: One of the requests to answer has under two hours left.
    urgent = False
    EMPTY = (
        "No cancellation requests",
        "When a buyer asks to cancel an order that waits to ship, the request shows "
        "here with the time left to answer it.",
    )

    #: Whether one of them has under two hours left (the badge turns red).
    urgentChanged = Signal(bool)
    #: The answer to this order's request changed (its detail re-reads).
    answered = Signal(object)
    #: Ship these orders (in the US, shipping is how a request is rejected).
    shipRequested = Signal(list)

    def _make_model(self) -> CancellationsTableModel:
        return CancellationsTableModel(self)

    def _build(self) -> Sequence[tuple[QPushButton, Callable[[], object]]]:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)  # an urgent countdown is bold, and must still fit
        self.table.setColumnWidth(
            RESPOND, QFontMetrics(bold).horizontalAdvance("answer within 23 h 59 min") + 30
        )
        for column, sample in (
            (ORDER, "9999999999999999999"),
            (REFUND, "$9,999.99"),
            (REASON, "No longer needed the item"),
            (ASKED, "Nov 29 08:46"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 26)
        header.setSectionResizeMode(SKUS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ANSWER, QHeaderView.ResizeMode.Stretch)
        self.open_button.setToolTip("Show the order in the Orders tab (double-click)")
        self.reject_button.setToolTip("Keep the order: tell TikTok Shop why, and ship it")
        self.approve_button.setToolTip("Cancel the order and refund the buyer")
        return ()

    # --- reading ----------------------------------------------------------------------------

    def read(self) -> list[RequestRow]:
        """Open requests and the ones answered or closed lately (none before the first sync)."""
        db = self.reader.db
        if db is None or "cancellations" not in db.table_names():
            return []
        return read_requests(db, time.time())

    def tick(self) -> None:
        """The countdowns move on; the badge may turn red."""
        super().tick()
        self._update()

    def _waiting(self, waiting: Sequence[RequestRow]) -> None:
        urgent = any(self.model.urgency(r) for r in waiting)
        if urgent != self.urgent:
            self.urgent = urgent
            self.urgentChanged.emit(urgent)

    # --- selection ----------------------------------------------------------------------------

    def show_request(self, cancel_id: str, *, focus: bool = True) -> bool:
        """Select a request's row (a notification opens it)."""
        return self.show_row(cancel_id, focus=focus)

    def show_order_request(self, order_id: str) -> bool:
        """Select the request about an order (the ship dialog sends the creator here)."""
        found = next((r for r in self.model.rows if r.order_id == order_id), None)
        return found is not None and self.show_request(found.cancel_id)

    def order_id(self, row: RequestRow) -> str:
        """The order a request is about."""
        return row.order_id

    def region(self) -> str:
        """The shop's market: US requests are rejected by shipping (FACTS.md 9.4)."""
        db = self.reader.db
        return "US" if db is None else shop_region(db)

    def _enable(self, row: RequestRow | None) -> None:
        can = row is not None and row.answerable
        if rejects_by_shipping(self.region()):
            self.reject_button.setText("Ship to reject…")
            self.reject_button.setToolTip(
                "In the US, shipping the order rejects the buyer's request: TikTok Shop keeps "
                "the order and tells the buyer"
            )
        else:
            self.reject_button.setText("Reject…")
            can = can and bool(reject_reasons(self.region()))
        self.approve_button.setEnabled(can)
        self.reject_button.setEnabled(can)

    def _details(self, row: RequestRow) -> list[str]:
        refund = fmt.money(row.refund_total, row.currency)
        parts = [f"<b>Order {escape(row.order_id)}</b>", escape(row.reason)]
        if refund:
            parts.append(f"refund {escape(refund)}")
        if row.answer_text:
            parts.append(escape(row.answer_text))
        return parts

    # --- answering ------------------------------------------------------------------------------

    def _approve_question(self, row: RequestRow) -> tuple[str, str]:
        refund = fmt.money(row.refund_total, row.currency)
        return (
            f"Approve the cancellation of order {row.order_id}?",
            f"TikTok Shop cancels order {row.order_id}"
            + (f" and refunds the buyer {refund}." if refund else " and refunds the buyer."),
        )

    def _rejects_here(self, row: RequestRow) -> bool:
        if not rejects_by_shipping(self.region()):
            return True
        self.message.emit(
            f"Order {row.order_id}: ship it to reject the request (US: TikTok Shop rejects "
            "it when the order ships)"
        )
        self.shipRequested.emit([row.order_id])
        return False

    def _reject_dialog(self, row: RequestRow) -> RejectDialog:
        return RejectDialog(row.order_id, self, reasons=reject_reasons(self.region()))

    def _answer(
        self, row: RequestRow, *, approve: bool, reason: str = "", comment: str = ""
    ) -> None:
        now = int(time.time())
        verb = "Approving" if approve else "Rejecting"
        label = "" if approve else f" ({REASON_LABELS.get(reason, reason)})"
        self.message.emit(f"{verb} the cancellation of order {row.order_id}{label}…")
        queue_and_send(
            self.host,
            self.tasks,
            lambda db: answer_request(
                db,
                cancel_id=row.cancel_id,
                order_id=row.order_id,
                approve=approve,
                reason=reason,
                comment=comment,
                now=now,
            ),
            owner=self,
            done=lambda error: self._answered(row, error),
        )
        self.refresh()

    def _answered(self, row: RequestRow, error: str | None) -> None:
        self.refresh()
        shown = self.model.row_of(row.cancel_id)
        text = self.model.rows[shown].answer_text if shown is not None else "answer sent"
        if error and not text:
            text = f"not sent: {error}"
        self.message.emit(f"Order {row.order_id}: {text or 'answer sent'}")
        self.answered.emit([row.order_id])
