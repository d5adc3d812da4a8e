"""The GUI's own read-only SQLite connection, and the slim order list it keeps up to date.

Reads are short and local, so they run on the GUI thread; writes never happen here. The
list copy (`OrderListIndex`) is built in small steps between events, then caught up after
each `Changes` the engine reports (writers in other processes arrive as `Changes.all()`).
The reader gathers the changes of a quarter second into one set and passes it on through
`changed` once the copy has caught up, so views never read a list that is behind.

The list reads through the plain sqlite3 `connection`; the other views read through `db`,
the same connection in sqlite-utils' Database, made when first asked for (after the first
paint), so the window paints its list before sqlite-utils is imported.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.changes import NO_CHANGES, Changes
from app.config import Paths
from app.queries.db import open_known_good, open_readonly, read_as_database
from app.queries.order_list import INDEX, ORDERS, ListSource, OrderListIndex

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

#: Each catch-up step aims at this much GUI-thread time; its row count adapts to the machine
#: and to how busy the engine keeps the CPU (an import, say).
STEP_TARGET_SECONDS = 0.008
STEP_ROWS = 400
MIN_STEP_ROWS, MAX_STEP_ROWS = 25, 4000
#: Changes are gathered this long before views refresh; longer while an import reports
#: a page every few tens of ms (each refresh repaints the list).
COALESCE_MS = 250
BUSY_COALESCE_MS = 1000


class Reader(QObject):
    """Opens the database once the engine has created it; tells views when orders changed."""

    #: The database is open: views may read.
    opened = Signal()
    #: Changes: what the engine wrote since the last emission (the list copy has it).
    changed = Signal(object)
    #: The list copy is complete: the order list reads from it from now on.
    listReady = Signal()

    def __init__(self, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self._connection: sqlite3.Connection | None = None
        self._db: sqlite_utils.Database | None = None
        self.index: OrderListIndex | None = None
        self._pending: Changes = NO_CHANGES  # gathered, told once the copy caught up
        self._ids: set[str] = set()  # reported by the engine, copied again once caught up
        self._round_mark: int | None = None  # the rowid copied up to when this round began
        self._step_rows = STEP_ROWS
        self._step = QTimer(self, singleShot=True, interval=0)
        self._step.timeout.connect(self._catch_up_step)
        self._coalesce = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self._coalesce.timeout.connect(self._catch_up_step)
        self._list_ready = False  # the copy completed: listReady is still to be told
        self._caught_up: Changes = NO_CHANGES  # the copy has these: to be told next
        self._tell = QTimer(self, singleShot=True, interval=0)
        self._tell.timeout.connect(self._tell_views)

    @property
    def connection(self) -> sqlite3.Connection | None:
        """The open connection (None until the database exists): what the list reads."""
        return self._connection

    @property
    def db(self) -> sqlite_utils.Database | None:
        """The same connection as sqlite-utils' Database, for every other view's reads."""
        if self._db is None and self._connection is not None:
            self._db = read_as_database(self._connection, self.paths.database)
        return self._db

    @db.setter
    def db(self, db: sqlite_utils.Database | None) -> None:
        self._db = db
        self._connection = None if db is None else db.conn

    @property
    def source(self) -> ListSource:
        """The slim copy once it is complete, the orders table until then."""
        return INDEX if self.index is not None and self.index.ready else ORDERS

    def open(self) -> bool:
        """Open the database if it exists; False when there is none yet."""
        if self._connection is not None:
            return True
        if not self.paths.database.exists():
            return False
        self._db = open_readonly(self.paths.database, check=False)  # the engine checks
        self._attach(self._db.conn)
        return True

    def open_before_engine(self) -> bool:
        """Open at once, before the engine starts, when the file is known good and needs no
        migration (the list then paints while the engine is still starting); else False."""
        if self._connection is not None:
            return True
        if not self.paths.database.exists():
            return False
        connection = open_known_good(self.paths.database)
        if connection is None:
            return False
        self._attach(connection)
        return True

    def _attach(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.index = OrderListIndex(connection)
        self._step.start()
        self.opened.emit()

    def close(self) -> None:
        """Stop catching up and close the connection."""
        self._step.stop()
        self._coalesce.stop()
        self._tell.stop()
        if self._db is not None:
            self._db.close()
        elif self._connection is not None:
            self._connection.close()
        self._db = self._connection = self.index = None

    def set_busy(self, busy: bool) -> None:
        """An import runs: refresh views less often."""
        self._coalesce.setInterval(BUSY_COALESCE_MS if busy else COALESCE_MS)

    def apply(self, changes: Changes) -> None:
        """The engine reported changes: catch up soon (many reports, one refresh)."""
        if self._connection is None or not changes:
            return
        self._pending = self._pending.merge(changes)
        self._ids.update(changes.orders_updated)  # new orders are new rows: copied by rowid
        if not self._coalesce.isActive() and not self._step.isActive():
            self._coalesce.start()

    def reread(self) -> None:
        """Every view reads again (after a restore, or a write nobody described)."""
        self.apply(Changes.all())

    def catch_up_now(self) -> None:
        """Copy everything written so far before returning (tests and tools, not the GUI)."""
        self._coalesce.stop()
        self._step_rows = MAX_STEP_ROWS
        self._catch_up_step()
        while self._step.isActive():
            self._step.stop()
            self._catch_up_step()
        self.tell_now()

    def tell_now(self) -> None:
        """The views hear now what the copy already has: a row looked up by id then agrees
        with the rows on screen (the copy moved on, the views' pages not yet)."""
        if self._tell.isActive():
            self._tell_views()

    def _adapt(self, seconds: float) -> None:
        """Halve the step when it ran long, double it when it was quick."""
        if seconds > STEP_TARGET_SECONDS * 1.5:
            self._step_rows = max(MIN_STEP_ROWS, self._step_rows // 2)
        elif seconds < STEP_TARGET_SECONDS / 2:
            self._step_rows = min(MAX_STEP_ROWS, self._step_rows * 2)

    def _catch_up_step(self) -> None:
        if self.index is None:
            return
        was_ready = self.index.ready
        if self._round_mark is None:
            self._round_mark = self.index.mark
        began = time.perf_counter()
        result = self.index.catch_up(self._step_rows)
        self._adapt(time.perf_counter() - began)
        if not result.done:
            self._step.start()
            return
        round_mark, self._round_mark = self._round_mark, None
        if self._ids and self.index.ready:
            ids, self._ids = sorted(self._ids), set()
            self.index.copy_ids(ids, up_to=round_mark)  # an update in place keeps its rowid
            result.copied += len(ids)
        if result.copied or not was_ready or self._pending:
            log.debug("order list caught up in %.1f ms", (time.perf_counter() - began) * 1000)
            self._list_ready = self._list_ready or not was_ready
            self._caught_up, self._pending = self._caught_up.merge(self._pending), NO_CHANGES
            self._tell.start()  # the views re-read in a slice of their own, not this one

    def _tell_views(self) -> None:
        """The copy has caught up: tell the views what changed (and that the list is ready)."""
        self._tell.stop()
        pending, self._caught_up = self._caught_up, NO_CHANGES
        ready, self._list_ready = self._list_ready, False
        if ready:
            self.listReady.emit()
        if pending:
            self.changed.emit(pending)
