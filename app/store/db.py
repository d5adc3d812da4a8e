"""Open the one SQLite file: WAL, busy timeout, migrations, and a refusal to touch newer files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from app.store.migrations import MIGRATIONS
from app.tiktok.errors import ShopdeskError

BUSY_TIMEOUT_MS = 5000


class DatabaseTooNew(ShopdeskError):
    """The file was written by a newer Shopdesk; opening it here could damage it."""


class DatabaseUnreadable(ShopdeskError):
    """The file is not a SQLite database (or is damaged)."""


def _connect(path: Path | str, *, readonly: bool) -> sqlite3.Connection:
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    elif readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def check_version(db: sqlite_utils.Database) -> None:
    """Refuse a file whose schema has migrations this version does not know."""
    known = {m.name for m in MIGRATIONS._migrations}
    applied = {m.name for m in MIGRATIONS.applied(db)}
    unknown = sorted(applied - known)
    if unknown:
        raise DatabaseTooNew(
            f"this database was written by a newer Shopdesk (it has {', '.join(unknown)}); "
            "install the newer version, or use another --data-dir. Nothing was changed."
        )


def open_db(path: Path | str, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and migrate, unless read-only) the database at `path`."""
    try:
        conn = _connect(path, readonly=readonly)
        db = sqlite_utils.Database(conn)
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        check_version(db)
        if not readonly:
            MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(f"{path} cannot be opened as a Shopdesk database: {exc}") from None
    return db
