"""Backups and restoring one (restore runs with the engine stopped)."""

from __future__ import annotations

from app.store.backup import BackupResult, backup_dir, save_backup, save_backup_if_due
from app.store.restore import RestoreResult, restore_database

__all__ = [
    "BackupResult",
    "RestoreResult",
    "backup_dir",
    "restore_database",
    "save_backup",
    "save_backup_if_due",
]
