"""File dialogs that start in the creator's Documents folder, never the working directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

CSV_FILTER = "CSV (*.csv);;All files (*)"


def documents_dir() -> Path:
    """Documents, else the home folder (a desktop without one)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def open_csv(parent: QWidget | None, title: str) -> str:
    """A CSV file to read; empty when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(documents_dir()), CSV_FILTER)
    return path


def save_csv(parent: QWidget | None, title: str, name: str) -> str:
    """Where to write a CSV file (suggesting `name` in Documents); empty when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / name), CSV_FILTER)
    return path
