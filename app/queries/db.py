"""Opening the database for reading, and the errors a read can meet.

sqlite-utils loads with the first Database asked for here, not with this module: the window
paints its list through a plain connection first (`open_known_good`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from app.store.connection import (
    DatabaseTooNew,
    DatabaseUnreadable,
    DiskFull,
    Readable,
    explain_sqlite_error,
    open_known_good,
)

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "DiskFull",
    "Readable",
    "explain_sqlite_error",
    "open_known_good",
    "open_readonly",
    "read_as_database",
]


def open_readonly(path: Path, *, check: bool = True) -> sqlite_utils.Database:
    """A connection that cannot write (the engine is the only writer); `check=False` skips the
    schema check the engine already made."""
    from app.store.db import open_db

    return open_db(path, readonly=True, check=check)


def read_as_database(conn: sqlite3.Connection, path: Path) -> sqlite_utils.Database:
    """A read-only connection from `open_known_good` as sqlite-utils' Database."""
    from app.store.db import as_database

    return as_database(conn, path, readonly=True)
