"""`shopdesk backup [--out FILE]` and `shopdesk restore FILE`."""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from pathlib import Path

from app.commands.common import EXIT_OK, UsageError
from app.config import Paths, Settings, load_settings
from app.instance import EngineLock
from app.ops.backup import BackupResult, restore_database, save_backup, save_backup_if_due
from app.ops.sync import open_writable

log = logging.getLogger(__name__)


def copy_folder(settings: Settings) -> Path | None:
    """The second backup folder chosen in Settings (another disk), if any."""
    return Path(settings.backup_copy_dir).expanduser() if settings.backup_copy_dir else None


def backup_now(p: Paths, settings: Settings, out: Path | None = None) -> BackupResult:
    """An online backup of the database (safe while the engine writes)."""
    if not p.database.exists():
        raise UsageError("there is no database to back up yet: connect and import first")
    db = open_writable(p.database)  # refuses a damaged file: a backup of it would be no backup
    try:
        return save_backup(
            db.conn,
            p.database,
            out=out,
            keep=settings.backup_keep,
            copy_to=copy_folder(settings),
        )
    finally:
        db.close()


def daily_backup(p: Paths, settings: Settings) -> None:
    """`sync --once` from cron keeps a daily backup too; a failure is logged, not fatal."""
    try:
        save_backup_if_due(p.database, keep=settings.backup_keep, copy_to=copy_folder(settings))
    except (OSError, sqlite3.Error) as exc:
        log.warning("the daily backup failed: %s", exc)


def run_backup(args: argparse.Namespace, p: Paths) -> int:
    """Back up, print where to."""
    result = backup_now(p, load_settings(p), Path(args.out) if args.out else None)
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(result.path),
                    "bytes": result.bytes,
                    "copied_to": str(result.copied_to) if result.copied_to else None,
                    "pruned": result.pruned,
                }
            )
        )
    else:
        print(result.path)
        if result.copied_to:
            print(f"copied to {result.copied_to}", file=sys.stderr)
    return EXIT_OK


def run_restore(args: argparse.Namespace, p: Paths) -> int:
    """Restore a checked backup while no Shopdesk syncs this folder."""
    source = Path(args.file).expanduser()
    if source.resolve() == p.database.resolve():
        raise UsageError("that is the database itself; give a backup file")
    p.ensure()
    lock = EngineLock(p.root, "restore").acquire()
    try:
        result = restore_database(p.database, source)
    finally:
        lock.release()
    if args.json:
        print(
            json.dumps(
                {
                    "restored": str(source),
                    "previous": str(result.aside) if result.aside else None,
                    "writes_to_check": result.writes_to_check,
                }
            )
        )
    else:
        print(f"Restored {source}.")
        if result.aside:
            print(f"The database it replaced is kept as {result.aside}.", file=sys.stderr)
        print(
            "The next sync reads from TikTok Shop what changed since the backup"
            + (
                f"; {result.writes_to_check} waiting writes are checked with TikTok first."
                if result.writes_to_check
                else "."
            ),
            file=sys.stderr,
        )
    return EXIT_OK
