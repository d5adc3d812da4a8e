"""Inventory cells: a selected row keeps its warning colour, the selection drawn over it.

Qt paints a selected cell in the highlight colour alone, so the one row a creator is looking
at would lose the red or amber that says why it matters.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

#: How much of the highlight shows over a warning colour (0-255).
HIGHLIGHT_ALPHA = 110


class StockCellDelegate(QStyledItemDelegate):
    """The warning background, the highlight over it, and the warning's text colour."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not selected or not isinstance(background, QColor | QBrush):
            super().paint(painter, option, index)
            return
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        back = background.color() if isinstance(background, QBrush) else background
        highlight = QColor(option.palette.color(QPalette.ColorRole.Highlight))
        highlight.setAlpha(HIGHLIGHT_ALPHA)
        painter.save()
        painter.fillRect(cell.rect, back)
        painter.fillRect(cell.rect, highlight)
        painter.restore()
        text = index.data(Qt.ItemDataRole.ForegroundRole)
        cell.state &= ~QStyle.StateFlag.State_Selected
        cell.backgroundBrush = QBrush(Qt.BrushStyle.NoBrush)
        if isinstance(text, QColor):
            cell.palette.setColor(QPalette.ColorRole.Text, text)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)
