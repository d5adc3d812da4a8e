"""Draws a queue row of the Orders sidebar: its name on the left, its count on the right."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from app.gui.orders_model import COUNT_ROLE, ID_ROLE
from app.gui.theme import colors

#: Room right of the count, and between the queue's name and its count.
COUNT_MARGIN = 10
NAME_GAP = 8


class QueueDelegate(QStyledItemDelegate):
    """A sidebar row with room to breathe and the count drawn muted, right-aligned."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        width = size.width()
        view = option.widget
        if isinstance(view, QAbstractScrollArea):  # a long name is elided, not scrolled to
            width = min(width, view.viewport().width())
        return QSize(width, max(size.height(), option.fontMetrics.height() + 14))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        count = index.data(COUNT_ROLE)
        if count is None:
            super().paint(painter, option, index)
            return
        font = QFont(option.font)
        font.setBold(count > 0 and index.data(ID_ROLE) == "to_ship")  # work waiting draws the eye
        shown = f"{count:,}"
        # The name is elided before the count, never drawn under it (a long "To ship · 57
        # late, 7 due 4 h" in a narrow sidebar).
        room = QFontMetrics(font).horizontalAdvance(shown) + COUNT_MARGIN + NAME_GAP
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        name = QStyleOptionViewItem(option)
        name.rect = option.rect.adjusted(0, 0, -room, 0)
        super().paint(painter, name, index)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = (
            option.palette.color(QPalette.ColorRole.HighlightedText)
            if selected
            else colors().muted_text
        )
        painter.setFont(font)
        painter.setPen(color)
        rect = QRect(option.rect).adjusted(0, 0, -COUNT_MARGIN, 0)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), shown
        )
        painter.restore()
