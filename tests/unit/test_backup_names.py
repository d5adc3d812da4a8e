"""Backups made within one second are all kept, each under its own name, oldest first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.store.backup import list_backups, save_backup


def test_backups_within_one_second_each_keep_their_own_file(tmp_path: Path) -> None:
    database = tmp_path / "shopdesk.db"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE t (n INTEGER)")
    made = []
    for n in range(4):  # the same second: the names would have been the same
        conn.execute("INSERT INTO t VALUES (?)", [n])
        conn.commit()
        made.append(save_backup(conn, database, keep=3, now=1_796_000_000.0).path)
    conn.close()
    kept = list_backups(database.parent / "backups")
    assert kept == made[-3:]  # the three newest, none written over another
    assert [p.name for p in kept] == [
        "shopdesk-20261130-005320-2.db",
        "shopdesk-20261130-005320-3.db",
        "shopdesk-20261130-005320-4.db",
    ]
    rows = [sqlite3.connect(p).execute("SELECT count(*) FROM t").fetchone()[0] for p in kept]
    assert rows == [2, 3, 4]
