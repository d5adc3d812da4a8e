"""Open the one SQLite file: WAL, busy timeout, a check for damage, a backup before migrating,
migrations, and a refusal to touch newer files. Transactions take the write lock up front."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from app.store import backup
from app.store.migrations import MIGRATIONS
from app.tiktok.errors import ShopdeskError

BUSY_TIMEOUT_MS = 5000


class DatabaseTooNew(ShopdeskError):
    """The file was written by a newer Shopdesk; opening it here could damage it."""


class DatabaseUnreadable(ShopdeskError):
    """The file is not a SQLite database (or is damaged)."""


class DatabaseBusy(ShopdeskError):
    """Another Shopdesk held the database longer than the busy timeout; nothing was changed."""


class DiskFull(ShopdeskError):
    """A write failed for want of space (or a file size limit); nothing was written half."""


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


def _connect(path: Path | str, *, readonly: bool) -> sqlite3.Connection:
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


def restore_advice(path: Path) -> str:
    """What the user can do about a broken database file: restore the newest backup."""
    newest = backup.newest_backup(backup.backup_dir(path))
    where = f"the newest is {newest}" if newest else f"none found in {backup.backup_dir(path)}"
    return (
        f"restore a backup with `shopdesk restore FILE` ({where}), or move {path.name} away "
        "to start again from TikTok Shop"
    )


def _check_file(path: Path) -> bool:
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


def _unchanged_since_check(path: Path) -> bool:
    stamp = _stamp(path)
    try:
        return stamp is not None and _marker(path).read_text(encoding="ascii") == stamp
    except OSError:
        return False


def open_known_good(path: Path) -> sqlite_utils.Database | None:
    """A read-only connection before the engine has opened the file, or None: only when the
    file was checked at its last close, is unchanged since, and needs no migration."""
    if not _unchanged_since_check(path):
        return None
    try:
        db = open_db(path, readonly=True, check=False)
    except (ShopdeskError, sqlite3.Error):
        return None  # too new, unreadable, busy: the engine opens it and says why
    if MIGRATIONS.pending(db):
        db.close()
        return None
    return db


def _quick_check(db: sqlite_utils.Database, path: Path) -> None:
    if _unchanged_since_check(path):
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
    existed = False if memory else _check_file(Path(path))
    try:
        conn = _connect(path, readonly=readonly)
        db = ShopDatabase(conn, execute_plugins=False)  # no scan of installed packages
        db.readonly = readonly
        db.path = None if memory else Path(path)
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
