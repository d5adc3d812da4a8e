"""The SQLite file without sqlite-utils: connecting, the checks made before reading it, and the
errors a user can meet. The window's first read-only connection opens here, so its list
paints before sqlite-utils (and what it loads) is imported; `app.store.db` builds on it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from app.store import backup
from app.store.migrations.registry import MIGRATIONS, applied_names
from app.tiktok.errors import ShopdeskError

BUSY_TIMEOUT_MS = 5000


class Readable(Protocol):
    """What a read needs of a connection: sqlite-utils' Database and sqlite3's both serve."""

    def execute(
        self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ..., /
    ) -> sqlite3.Cursor:
        """Run one statement."""
        ...


class DatabaseTooNew(ShopdeskError):
    """The file was written by a newer Shopdesk; opening it here could damage it."""


class DatabaseUnreadable(ShopdeskError):
    """The file is not a SQLite database (or is damaged)."""


class DatabaseBusy(ShopdeskError):
    """Another Shopdesk held the database longer than the busy timeout; nothing was changed."""


class DiskFull(ShopdeskError):
    """A write failed for want of space (or a file size limit); nothing was written half."""


def connect(path: Path | str, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode with the busy timeout; read-only ones cannot write."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    elif readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def unknown_migrations(applied: Iterable[str]) -> list[str]:
    """Migrations a file has that this version does not know (a newer Shopdesk wrote it)."""
    return sorted(set(applied) - set(MIGRATIONS.names))


def too_new(unknown: Sequence[str]) -> DatabaseTooNew:
    """The refusal of a file a newer Shopdesk wrote."""
    return DatabaseTooNew(
        f"this database was written by a newer Shopdesk (it has {', '.join(unknown)}); "
        "install the newer version, or use another --data-dir. Nothing was changed."
    )


def restore_advice(path: Path) -> str:
    """What the user can do about a broken database file: restore the newest backup."""
    newest = backup.newest_backup(backup.backup_dir(path))
    where = f"the newest is {newest}" if newest else f"none found in {backup.backup_dir(path)}"
    return (
        f"restore a backup with `shopdesk restore FILE` ({where}), or move {path.name} away "
        "to start again from TikTok Shop"
    )


def check_file(path: Path) -> bool:
    """True when the file existed before this open; an empty file is refused, not reused."""
    if not path.exists():
        return False
    if path.stat().st_size == 0 and not Path(f"{path}-wal").exists():
        raise DatabaseUnreadable(
            f"{path} is empty (0 bytes): the database was lost. Nothing was changed; "
            + restore_advice(path)
            + "."
        )
    return True


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _stamp(path: Path) -> str | None:
    """Size and change time of a database with no WAL beside it (else None: in use)."""
    if Path(f"{path}-wal").exists():
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_size} {info.st_mtime_ns}"


def remember_clean(path: Path) -> None:
    """The last connection closed the file whole: until it changes, it needs no new check."""
    stamp = _stamp(path)
    if stamp is not None:
        with contextlib.suppress(OSError):
            _marker(path).write_text(stamp, encoding="ascii")


def unchanged_since_check(path: Path) -> bool:
    """The file was checked when it was last closed, and has not been touched since."""
    stamp = _stamp(path)
    try:
        return stamp is not None and _marker(path).read_text(encoding="ascii") == stamp
    except OSError:
        return False


def open_known_good(path: Path) -> sqlite3.Connection | None:
    """A read-only connection before the engine has opened the file, or None: only when the
    file was checked at its last close, is unchanged since, and has exactly the migrations
    this version knows (none to apply, none from a newer Shopdesk)."""
    if not unchanged_since_check(path):
        return None
    try:
        conn = connect(path, readonly=True)
    except sqlite3.Error:
        return None  # unreadable or busy: the engine opens it and says why
    try:
        current = applied_names(conn) == set(MIGRATIONS.names)
        if current:
            conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error:
        current = False
    if not current:
        conn.close()
        return None
    return conn


def explain_sqlite_error(exc: sqlite3.Error, path: Path | None = None) -> ShopdeskError:
    """One clear line for a database failure a user can meet (busy, full, damaged)."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"the database{where} stayed busy for more than {BUSY_TIMEOUT_MS // 1000} s "
            "(another Shopdesk is writing a lot); nothing was changed: run it again"
        )
    if "full" in text or "disk i/o" in text:
        return DiskFull(
            f"could not write to the disk{where}: it may be full. Nothing was changed; free "
            "some space and run it again"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        target = path or Path("shopdesk.db")
        return DatabaseUnreadable(
            f"the database{where} is damaged ({exc}); " + restore_advice(target) + "."
        )
    return ShopdeskError(f"database error{where}: {exc}")
