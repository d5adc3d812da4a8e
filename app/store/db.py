"""Open the one SQLite file: WAL, busy timeout, a check for damage, a backup before migrating,
migrations, and a refusal to touch newer files. Transactions take the write lock up front.
(Connecting, the file checks and the errors live in `app.store.connection`, without
sqlite-utils, for the window's first read.)"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from app.store import backup
from app.store.connection import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from app.store.connection import DatabaseBusy as DatabaseBusy
from app.store.connection import DatabaseTooNew as DatabaseTooNew
from app.store.connection import DatabaseUnreadable as DatabaseUnreadable
from app.store.connection import DiskFull as DiskFull
from app.store.connection import (
    check_file,
    connect,
    remember_clean,
    restore_advice,
    too_new,
    unchanged_since_check,
    unknown_migrations,
)
from app.store.connection import explain_sqlite_error as explain_sqlite_error
from app.store.migrations import MIGRATIONS


class ShopDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions begin with BEGIN IMMEDIATE.

    Under WAL a deferred transaction that reads and then writes fails at once with "database
    is locked" when another process committed meanwhile, whatever the busy timeout; taking the
    write lock first makes it wait its turn instead.
    """

    readonly = False
    path: Path | None = None

    def close(self) -> None:
        """Close; a file left whole (no WAL) is remembered as checked, for a fast next open."""
        super().close()
        if self.path is not None and not self.readonly:
            remember_clean(self.path)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        """One transaction (savepoints when nested)."""
        if self.readonly or self.conn.in_transaction:
            with super().atomic() as db:
                yield db
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


def as_database(conn: sqlite3.Connection, path: Path | None, *, readonly: bool) -> ShopDatabase:
    """An open connection in our sqlite-utils Database (the window wraps its first one late)."""
    db = ShopDatabase(conn, execute_plugins=False)  # no scan of installed packages
    db.readonly = readonly
    db.path = path
    return db


def rows_in(
    db: sqlite_utils.Database, sql: str, values: Sequence[Any], *, chunk: int = 500
) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` for every value, `{marks}` in it standing for the `IN (...)` list, a
    chunk at a time (SQLite limits the variables of one statement)."""
    for start in range(0, len(values), chunk):
        part = list(values[start : start + chunk])
        yield from db.execute(sql.format(marks=",".join("?" for _ in part)), part)


def forget_others(
    db: sqlite_utils.Database, table: str, *, parent: tuple[str, str], key: str, keep: Sequence[str]
) -> None:
    """Delete the parent's rows of `table` whose `key` is not in `keep`: TikTok's list is whole."""
    column, value = parent
    marks = ",".join("?" for _ in keep) or "''"
    db.execute(f"DELETE FROM {table} WHERE {column} = ? AND {key} NOT IN ({marks})", [value, *keep])


def check_version(db: sqlite_utils.Database) -> None:
    """Refuse a file whose schema has migrations this version does not know."""
    unknown = unknown_migrations(m.name for m in MIGRATIONS.applied(db))
    if unknown:
        raise too_new(unknown)


def _quick_check(db: sqlite_utils.Database, path: Path) -> None:
    if unchanged_since_check(path):
        return  # checked when it was last closed, and not touched since
    row = db.execute("PRAGMA quick_check(1)").fetchone()
    if row is None or row[0] != "ok":
        raise DatabaseUnreadable(
            f"{path} is damaged ({row[0] if row else 'no answer'}). Nothing more was written "
            "to it; " + restore_advice(path) + "."
        )


def open_db(
    path: Path | str, *, readonly: bool = False, check: bool = True
) -> sqlite_utils.Database:
    """Open (and migrate, unless read-only) the database at `path`.

    `check` runs SQLite's quick_check first, so a damaged file is refused before anything
    reads or writes it (the GUI's second, read-only connection leaves that to the engine). A
    file that was checked and then closed whole, and has not changed since, is not scanned
    again (a quarter second for 100,000 orders, at every start of the app).
    Before a migration changes an existing file, a backup of it is made.
    """
    memory = str(path) == ":memory:"
    existed = False if memory else check_file(Path(path))
    try:
        conn = connect(path, readonly=readonly)
        db = as_database(conn, None if memory else Path(path), readonly=readonly)
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if check and existed:
            _quick_check(db, Path(path))
        check_version(db)
        if not readonly:
            pending = MIGRATIONS.pending(db)
            if pending and existed and db.table_names():
                backup.save_backup(conn, Path(path), label=f"before-{pending[0].name}")
            MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        error = explain_sqlite_error(exc, Path(str(path)))
        if isinstance(error, DatabaseBusy | DiskFull):
            raise error from None
        raise DatabaseUnreadable(
            f"{path} cannot be opened as a Shopdesk database ({exc}); "
            + restore_advice(Path(str(path)))
            + "."
        ) from None
    return db
