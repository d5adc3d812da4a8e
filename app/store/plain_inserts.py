"""Rows written with a plain INSERT, undone whole when a constraint refuses one of them.

A plain INSERT costs less per row than INSERT OR REPLACE or a lookup before it, and nearly
every import page conflicts with nothing; the rare page that does goes the careful way after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import sqlite_utils


def insert_all_or_none(
    db: sqlite_utils.Database, table: str, sql: str, rows: Sequence[Sequence[Any]]
) -> bool:
    """Run `sql` (an INSERT into `table`) for every row; False when a constraint refused one,
    with the rows written before it, the newest rowids of `table`, deleted again. So the
    careful way that follows writes each row under the rowid it would have had."""
    before = db.conn.total_changes
    try:
        db.conn.executemany(sql, rows)
    except sqlite3.IntegrityError:
        inserted = db.conn.total_changes - before
        if inserted:
            db.conn.execute(
                f"DELETE FROM {table} WHERE rowid > (SELECT max(rowid) FROM {table}) - ?",
                [inserted],
            )
        return False
    return True
