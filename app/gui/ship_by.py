"""The "Ship by" cell: local time and time left, coloured late / within 4 h / within 24 h."""

from __future__ import annotations

import time

from PySide6.QtGui import QColor

from app.gui import formatting as fmt
from app.gui.theme import colors
from app.queries.deadlines import clock_state
from app.queries.order_list import OrderListRow

#: Orders whose ship-by clock still runs (the others show it greyed, for the record).
RUNNING = frozenset({"ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
SHIP_BY_TIP = "TikTok's latest time to ship (rts_sla_time); late dispatches hurt the shop."


def shipping_clock(order: OrderListRow) -> bool:
    """Whether the order must still ship and has a ship-by time."""
    return order.rts_sla_time is not None and order.status in RUNNING


def state_of(order: OrderListRow, now: float | None = None) -> str:
    """`late`, `due_4h`, `due_24h` or empty."""
    if not shipping_clock(order):
        return ""
    return clock_state(order.rts_sla_time, int(time.time() if now is None else now))


def ship_by_text(order: OrderListRow, now: float | None = None) -> str:
    """`Dec 2 15:00 · 3 h 20 min left`, `Dec 1 09:00 · late 2 h`, or the time alone."""
    if order.rts_sla_time is None:
        return ""
    shown = fmt.when(order.rts_sla_time)
    if order.status not in RUNNING:
        return shown
    left = order.rts_sla_time - (time.time() if now is None else now)
    if left <= 0:
        return f"{shown} · late {fmt.countdown(-left)}"
    return f"{shown} · {fmt.countdown(left)} left"


def ship_by_color(order: OrderListRow, background: bool) -> QColor | None:
    """The cell's colours for its state (None: the table's own)."""
    c = colors()
    state = state_of(order)
    if state == "late":
        return c.danger_back if background else c.danger_text
    if state == "due_4h":
        return c.warning_back if background else c.warning_text
    if state == "due_24h":
        return None if background else c.warning_text
    return None
