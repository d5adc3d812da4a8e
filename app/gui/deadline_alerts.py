"""The engine's deadline notices as desktop notifications that open the filtered queue."""

from __future__ import annotations

from app.gui import notice as tabs
from app.gui.notice import Notice
from app.ops.engine import Notice as EngineNotice

#: A notice ref that opens a queue of the Orders tab rather than one order.
QUEUE_REF = "queue:"
_TITLES = {
    "deadline_due": ("Orders to ship soon", tabs.ORDERS, "warning"),
    "morning_summary": ("Today's orders", tabs.ORDERS, "info"),
    "rate_warning": ("Shop health (estimate)", tabs.HEALTH, "warning"),
}


def deadline_notice(item: EngineNotice) -> Notice | None:
    """A desktop notice for a deadline kind; None for other kinds."""
    found = _TITLES.get(item.kind)
    if found is None:
        return None
    title, tab, level = found
    ref = f"{QUEUE_REF}{item.ref}" if tab == tabs.ORDERS else item.ref
    return Notice(title, item.message, "deadlines", tab, ref, level)
