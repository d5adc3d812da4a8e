"""Finding files under resources/, from a checkout or from the PyInstaller bundle (Vorta's way)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """`resources/` beside the app package, or inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def asset(relative: str) -> Path:
    """The path of one resource file."""
    return resources_dir() / relative


def app_icon() -> QIcon:
    """The Shopdesk icon for the window, the tray and notifications."""
    return QIcon(str(asset("icons/shopdesk.svg")))


def style_sheet() -> str:
    """The small style sheet on top of the palette (sidebar, banner, empty states)."""
    path = asset("styles/shopdesk.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""
