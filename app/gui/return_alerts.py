"""Return and refund requests close to their deadline: one desktop notice each, before TikTok
Shop approves them by itself."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from app.changes import Changes, Kind
from app.gui import formatting as fmt
from app.gui import notice as tabs
from app.gui.cancellations_model import short_span
from app.gui.notice import Notice
from app.gui.notifications import Notifier
from app.gui.reader import Reader
from app.queries.returns import fetch_returns

#: A request with less than this left is announced (the windows are one to two days long).
WARN_SECONDS = 6 * 3600
CHECK_MS = 60_000


class ReturnAlerts(QObject):
    """Looks at the waiting requests when they move and every minute (deadlines come closer
    with time); each request is announced once."""

    def __init__(self, reader: Reader, notifier: Notifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader, self.notifier = reader, notifier
        self.told: set[str] = set()
        reader.changed.connect(self.changes_seen)
        self._timer = QTimer(self, interval=CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def changes_seen(self, changes: Changes) -> None:
        """A moved request may now be close to its deadline."""
        if changes.touches({Kind.RETURNS}):
            self.check()

    def check(self, now: float | None = None) -> list[str]:
        """Announce the waiting requests entering their last hours (soonest named first)."""
        db = self.reader.db
        if db is None or "returns" not in db.table_names():
            return []
        now = time.time() if now is None else now
        due = [
            r
            for r in fetch_returns(db, pending=True)
            if r.deadline and 0 < r.deadline - now <= WARN_SECONDS and r.return_id not in self.told
        ]
        if not due:
            return []
        self.told.update(r.return_id for r in due)
        first = due[0]
        assert first.deadline is not None
        soonest = "The soonest, order" if len(due) > 1 else "Order"
        self.notifier.notify(
            Notice(
                f"{fmt.count(len(due), 'return request')} to answer soon",
                f"{soonest} {first.order_id}: answer within {short_span(first.deadline - now)}, "
                "or TikTok Shop approves it for you.",
                "returns",
                tabs.RETURNS,
                first.return_id,
                "warning",
            )
        )
        return [r.return_id for r in due]
