"""Draws a queue row of the Orders sidebar: its name on the left, its count on the right."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.gui.orders_model import COUNT_ROLE, ID_ROLE
from app.gui.theme import colors


class QueueDelegate(QStyledItemDelegate):
    """A sidebar row with room to breathe and the count drawn muted, right-aligned."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 14))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        count = index.data(COUNT_ROLE)
        super().paint(painter, option, index)
        if count is None:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = (
            option.palette.color(QPalette.ColorRole.HighlightedText)
            if selected
            else colors().muted_text
        )
        font = QFont(option.font)
        font.setBold(count > 0 and index.data(ID_ROLE) == "to_ship")  # work waiting draws the eye
        painter.setFont(font)
        painter.setPen(color)
        rect = QRect(option.rect).adjusted(0, 0, -10, 0)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{count:,}"
        )
        painter.restore()
