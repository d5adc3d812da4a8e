"""Opening the database for reading, and the errors a read can meet."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from app.store.db import (
    DatabaseTooNew,
    DatabaseUnreadable,
    DiskFull,
    explain_sqlite_error,
    open_db,
    open_known_good,
)

__all__ = [
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "DiskFull",
    "explain_sqlite_error",
    "open_known_good",
    "open_readonly",
]


def open_readonly(path: Path, *, check: bool = True) -> sqlite_utils.Database:
    """A connection that cannot write (the engine is the only writer); `check=False` skips the
    schema check the engine already made."""
    return open_db(path, readonly=True, check=check)
