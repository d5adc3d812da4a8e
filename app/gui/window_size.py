"""The window's size: fitted to the screen it opens on, a saved size only where it still fits.

A laptop at 1366x768 (the most common small screen) must show the whole window, status
bar included; a size saved on a larger monitor is not restored onto a smaller one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The size the window asks for on a large screen.
PREFERRED = QSize(1280, 800)
#: Room kept for the window manager's title bar and frame.
FRAME = QSize(16, 40)


def screens() -> list[QRect]:
    """Each screen's available area (without task bars and docks)."""
    return [s.availableGeometry() for s in QGuiApplication.screens()]


def fitted_size(available: QRect) -> QSize:
    """The preferred size, shrunk to fit the available area with its frame."""
    return QSize(
        min(PREFERRED.width(), available.width() - FRAME.width()),
        min(PREFERRED.height(), available.height() - FRAME.height()),
    )


def fits(rect: QRect, areas: Sequence[QRect]) -> bool:
    """The window, its frame allowed for, fits on the screen that holds its middle."""
    return any(
        area.contains(rect.center())
        and rect.width() <= area.width()
        and rect.height() + FRAME.height() // 2 <= area.height()
        and rect.bottom() <= area.bottom() + 8
        for area in areas
    )


def restore_or_fit(
    window: QWidget, saved: QByteArray | None, areas: Sequence[QRect] | None = None
) -> bool:
    """Restore the saved geometry when it fits a screen, else fit and centre; True if restored."""
    areas = list(screens() if areas is None else areas)
    restored = saved is not None and not saved.isEmpty() and window.restoreGeometry(saved)
    if restored and (not areas or fits(window.geometry(), areas)):
        return True
    if not areas:
        window.resize(PREFERRED)
        return False
    area = areas[0]
    size = fitted_size(area).expandedTo(window.minimumSizeHint())
    window.resize(size)
    left = area.x() + (area.width() - size.width()) // 2
    top = (
        area.y() + FRAME.height() - 8 + max(0, area.height() - size.height() - FRAME.height()) // 2
    )
    window.move(left, top)
    return False
