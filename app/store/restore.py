"""Putting a backup back: check it, migrate it, keep the current database aside, swap it in.

Writes that were waiting in the backup may have reached TikTok after it was made, so every one
of them is marked for a check with TikTok before it is finished or sent (nothing twice); the
next sync reads the orders changed since the backup's cursor.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from app.store.backup import check_backup, copy_database
from app.store.db import open_db
from app.store.migrations import MIGRATIONS
from app.store.outbox import save_orphans_for_check


@dataclass(frozen=True)
class RestoreResult:
    """Where the replaced database went, and how many waiting writes will be checked."""

    aside: Path | None
    writes_to_check: int


def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def _set_aside(database: Path, now: float) -> Path | None:
    """Fold the WAL into the file, then rename it (the user can always go back to it)."""
    if not database.exists():
        return None
    if database.stat().st_size:
        with contextlib.suppress(sqlite3.Error):
            conn = sqlite3.connect(str(database))
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    os.replace(database, aside)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{database}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    return aside


def restore_database(database: Path, source: Path, *, now: float | None = None) -> RestoreResult:
    """Replace `database` with the checked backup `source`; the old file is kept aside."""
    now = time.time() if now is None else now
    check_backup(source, set(MIGRATIONS.names))
    staging = database.with_name(database.name + ".restoring")
    _remove(staging)
    try:
        reader = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            copy_database(reader, staging)
        finally:
            reader.close()
        db = open_db(staging)  # migrates a backup from an older version
        try:
            with db.atomic():
                marked = save_orphans_for_check(db, now=int(now))
        finally:
            db.close()
        aside = _set_aside(database, now)
        os.replace(staging, database)
    finally:
        _remove(staging)
    return RestoreResult(aside, marked)
