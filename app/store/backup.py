"""Backups of the database with SQLite's online backup API (consistent while the engine writes):
dated files in `<data folder>/backups/`, the last N kept, optionally copied to a second folder;
and the checks a file must pass before it may replace the database."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from app.store.migrations.registry import applied_names
from app.tiktok.errors import ShopdeskError

FOLDER = "backups"
PREFIX = "shopdesk-"
SUFFIX = ".db"
DEFAULT_KEEP = 10
DAY = 86400


class BackupUnusable(ShopdeskError):
    """The file cannot be restored: not a Shopdesk database, damaged, or from a newer version."""


@dataclass(frozen=True)
class BackupResult:
    """Where the backup went, and what was pruned."""

    path: Path
    copied_to: Path | None
    pruned: int
    bytes: int


def backup_dir(database: Path) -> Path:
    """`<data folder>/backups`."""
    return database.parent / FOLDER


def _name(now: float, label: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"{PREFIX}{stamp}{'-' + label if label else ''}{SUFFIX}"


def _free_name(folder: Path, now: float, label: str) -> Path:
    """A dated name no backup has yet: a second backup within the same second gets `-2`
    (replacing the first would leave one snapshot fewer than the creator asked to keep)."""
    first = folder / _name(now, label)
    target, n = first, 1
    while target.exists():
        n += 1
        target = first.with_name(f"{first.stem}-{n}{SUFFIX}")
    return target


def list_backups(folder: Path) -> list[Path]:
    """Shopdesk's own backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def newest_backup(folder: Path) -> Path | None:
    """The latest backup, if any."""
    found = list_backups(folder)
    return found[-1] if found else None


def last_backup_at(folder: Path) -> float | None:
    """When the latest backup was made."""
    newest = newest_backup(folder)
    return None if newest is None else newest.stat().st_mtime


def copy_database(source: sqlite3.Connection, target: Path) -> int:
    """Copy an open database to `target` page by page (never half a file); returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(str(part))
        try:
            source.backup(dest)  # one step: a consistent snapshot, never restarted by writers
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.chmod(part, 0o600)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def save_backup(
    source: sqlite3.Connection,
    database: Path,
    *,
    out: Path | None = None,
    label: str = "",
    keep: int = DEFAULT_KEEP,
    copy_to: Path | None = None,
    now: float | None = None,
) -> BackupResult:
    """Back up the open database: to `out`, else a dated file in the backups folder (then the
    oldest beyond `keep` are removed), and a copy in `copy_to` when given."""
    now = time.time() if now is None else now
    folder = backup_dir(database)
    target = out or _free_name(folder, now, label)
    size = copy_database(source, target)
    pruned = 0 if out is not None else prune(folder, keep, spare=target)
    copied = None
    if copy_to is not None:
        copied = copy_to / target.name
        copy_to.mkdir(parents=True, exist_ok=True)
        part = copied.with_name(copied.name + ".part")
        shutil.copyfile(target, part)
        os.replace(part, copied)
        prune(copy_to, keep, spare=copied)
    return BackupResult(target, copied, pruned, size)


def prune(folder: Path, keep: int, *, spare: Path | None = None) -> int:
    """Remove the oldest backups beyond `keep` (never `spare`, the one just written)."""
    old = [p for p in list_backups(folder) if p != spare]
    extra = max(0, len(old) - max(0, keep - (1 if spare is not None else 0)))
    for path in old[:extra]:
        with contextlib.suppress(OSError):
            path.unlink()
    return extra


def backup_due(database: Path, *, now: float | None = None, every: float = DAY) -> bool:
    """True when the newest backup is older than `every` (a day) or there is none."""
    last = last_backup_at(backup_dir(database))
    return last is None or (time.time() if now is None else now) - last >= every


def check_backup(path: Path, known_migrations: set[str]) -> None:
    """Refuse a file that is not an intact Shopdesk database this version can read."""
    if not path.is_file():
        raise BackupUnusable(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise BackupUnusable(f"{path} is empty (0 bytes)")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupUnusable(f"{path} cannot be opened: {exc}") from None
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise BackupUnusable(f"{path} is damaged ({check[0] if check else 'no answer'})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"_sqlite_migrations", "shops", "orders"} <= tables:
            raise BackupUnusable(f"{path} is not a Shopdesk database")
        applied = applied_names(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupUnusable(f"{path} is not a readable Shopdesk database ({exc})") from None
    finally:
        conn.close()
    newer = sorted(applied - known_migrations)
    if newer:
        raise BackupUnusable(
            f"{path} was written by a newer Shopdesk (it has {', '.join(newer)}); install "
            "that version to restore it"
        )


def save_backup_if_due(
    database: Path,
    *,
    keep: int = DEFAULT_KEEP,
    copy_to: Path | None = None,
    every: float = DAY,
    now: float | None = None,
) -> BackupResult | None:
    """The daily backup: made when the newest one is a day old (or there is none)."""
    if not database.exists() or not backup_due(database, now=now, every=every):
        return None
    source = sqlite3.connect(str(database), timeout=30)
    try:
        return save_backup(source, database, keep=keep, copy_to=copy_to, now=now)
    finally:
        source.close()
