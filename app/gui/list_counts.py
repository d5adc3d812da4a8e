"""The Orders tab's queue counts, read on a worker while an import runs on a large shop.

Each count is a scan of the status index (100,000 entries) plus the deadline counts: a few
ms on a quiet machine, but tens of ms while the engine writes pages, and an import refreshes
the list every second. Below `OFF_THREAD_FROM` orders the counts stay on the GUI thread.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.queries.db import open_readonly
from app.queries.deadlines import ClockCounts, fetch_due_counts
from app.queries.order_list import fetch_queue_counts

log = logging.getLogger(__name__)

#: Shops smaller than this count on the GUI thread (well under a millisecond).
OFF_THREAD_FROM = 20_000

Counted = tuple[dict[str, int], ClockCounts]


def count_queues(database: Path, now: int) -> Counted:
    """Orders per queue and the deadline counts, on a short-lived read-only connection."""
    db = open_readonly(database, check=False)  # the engine checked the file at start
    try:
        return fetch_queue_counts(db), fetch_due_counts(db, now)
    finally:
        db.close()


class CountsReader(QObject):
    """One read at a time on its own thread; a request while one runs reads once more after."""

    #: Counted: the counts just read (delivered on the GUI thread).
    counted = Signal(object)

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._reading = self._again = False

    def request(self) -> None:
        """Read the counts soon, off the GUI thread."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(1, "queue-counts")
        self._pool.submit(self._read).add_done_callback(self._deliver)

    def _read(self) -> Counted:
        return count_queues(self.database, int(time.time()))

    def _deliver(self, future: concurrent.futures.Future[Counted]) -> None:
        """On the worker: hand the result to the GUI thread (a queued signal)."""
        try:
            result = future.result()
        except Exception as exc:  # the next refresh on the GUI thread reads them again
            log.warning("queue counts could not be read: %s", exc)
            result = None
        try:
            self.counted.emit(result)
        except RuntimeError:
            return  # the window closed meanwhile

    def finished(self) -> bool:
        """The last read has been shown; True when another one was asked for meanwhile."""
        self._reading = False
        again, self._again = self._again, False
        return again
