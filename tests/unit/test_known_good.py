"""The window's first connection, opened before the engine and before sqlite-utils loads: only
a file closed whole since its check, with exactly this version's migrations, opens at once;
an older file waits for the engine to migrate it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.store.connection import open_known_good, remember_clean, unchanged_since_check
from app.store.db import open_db
from app.store.migrations import MIGRATIONS
from app.store.migrations.registry import applied_names


def test_a_current_file_closed_whole_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "shopdesk.db"
    open_db(path).close()
    conn = open_known_good(path)
    assert conn is not None
    assert conn.execute("SELECT count(*) FROM orders").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("CREATE TABLE notes (x)")
    conn.close()


def test_an_older_file_waits_for_the_engine_to_migrate_it(tmp_path: Path) -> None:
    path = tmp_path / "shopdesk.db"
    older = sqlite_utils.Database(path)  # as the previous version left it
    MIGRATIONS.apply(older, stop_before=MIGRATIONS.names[-1])
    older.close()
    remember_clean(path)
    assert unchanged_since_check(path)
    assert open_known_good(path) is None  # its list would read columns it does not have yet

    open_db(path).close()  # the engine migrates it and closes it whole
    conn = open_known_good(path)
    assert conn is not None and applied_names(conn) == set(MIGRATIONS.names)
    conn.close()


def test_the_set_is_what_sqlite_utils_records_in_order(tmp_path: Path) -> None:
    db = open_db(tmp_path / "shopdesk.db")
    assert [m.name for m in MIGRATIONS.applied(db)] == MIGRATIONS.names
    assert MIGRATIONS.names[0] == "0001_shops" and MIGRATIONS.pending(db) == []
    db.close()
    with pytest.raises(ValueError, match="already registered"):
        MIGRATIONS(name=MIGRATIONS.names[0])(lambda db: None)
    assert len(MIGRATIONS.names) == len(set(MIGRATIONS.names))
