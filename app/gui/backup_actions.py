"""File > Back up now and File > Restore…: the work runs off the GUI thread; a restore stops
the engine and the reader first and starts them again on the restored database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.gui.context import GuiContext
from app.gui.engine_host import EngineHost
from app.gui.reader import Reader
from app.gui.tasks import TaskManager
from app.ops.backup import (
    BackupResult,
    RestoreResult,
    backup_dir,
    restore_database,
    save_backup_if_due,
)


class BackupActions(QObject):
    """Backs up and restores the window's data folder; `message` shows the outcome."""

    def __init__(
        self,
        context: GuiContext,
        host: EngineHost,
        reader: Reader,
        tasks: TaskManager,
        message: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.host = host
        self.reader = reader
        self.tasks = tasks
        self.message = message
        self.window = parent

    def back_up_now(self) -> None:
        """A backup now (reads only: the engine goes on writing meanwhile)."""
        s = self.context.settings
        database = self.context.paths.database
        copy_to = Path(s.backup_copy_dir).expanduser() if s.backup_copy_dir else None

        def work() -> BackupResult | None:
            return save_backup_if_due(database, keep=s.backup_keep, copy_to=copy_to, every=0)

        self.message("Backing up…")
        self.tasks.watch(
            self.tasks.run_blocking(work),
            self._backed_up,
            lambda error: self.message(f"Backup failed: {error}"),
            owner=self,
        )

    def _backed_up(self, result: BackupResult | None) -> None:
        if result is None:
            self.message("Nothing to back up yet: connect a shop first.")
            return
        copied = f" and {result.copied_to}" if result.copied_to else ""
        self.message(f"Backed up to {result.path}{copied}.")

    def restore(self, path: str | None = None, *, confirm: bool = True) -> None:
        """Pick a backup, confirm, then restore it with the engine stopped."""
        if not path:
            start = str(backup_dir(self.context.paths.database))
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Restore a backup", start, "Shopdesk backups (*.db);;All files (*)"
            )
        if not path:
            return
        if confirm and not self._confirmed(Path(path)):
            return
        source, database = Path(path), self.context.paths.database
        self.message("Restoring… (syncing pauses meanwhile)")
        self.reader.close()
        self.host.run_stopped(
            lambda: restore_database(database, source),
            self._restored,
            self._not_restored,
        )

    def _confirmed(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self.window,
            "Restore this backup?",
            f"Replace the database with {path.name}?\n\nThe current database is kept beside it "
            "(shopdesk.db.before-restore-…). Orders that changed since the backup are read "
            "from TikTok Shop again; stock counts you entered since then are not.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _restored(self, result: object) -> None:
        self.reader.open()
        checked = result.writes_to_check if isinstance(result, RestoreResult) else 0
        note = f" {checked} waiting writes are checked with TikTok first." if checked else ""
        self.message(f"Restored. Syncing catches up with TikTok Shop now.{note}")

    def _not_restored(self, error: str) -> None:
        self.reader.open()
        self.message(f"Not restored: {error}")
