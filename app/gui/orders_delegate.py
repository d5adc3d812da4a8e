"""Paints order cells straight from the model's cached rows: one Python call per cell.

The stock delegate asks the model for about eight roles per cell, each a call from C++ into
Python that must take the GIL; while the engine thread parses an import, every such call
can wait for it. Painting a screenful this way stays a few ms, not tens.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.gui.orders_model import BUYER, SHIP_BY, OrdersTableModel, alignment, display
from app.gui.ship_by import ship_by_color
from app.gui.theme import colors

PADDING = 6


class OrderCellDelegate(QStyledItemDelegate):
    """Background from the style (selection, focus), text from the row cache, elided."""

    def __init__(self, model: OrdersTableModel) -> None:
        super().__init__(model)
        self.model = model

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        order = self.model.order_at(index.row())
        if order is None:
            return
        column = index.column()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if column == SHIP_BY and not selected:
            back = ship_by_color(order, background=True)
            if back is not None:
                painter.fillRect(option.rect, back)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(PADDING, 0, -PADDING, 0)
        metrics = option.fontMetrics
        text = metrics.elidedText(display(order, column), Qt.TextElideMode.ElideRight, rect.width())
        painter.save()
        hidden = column == BUYER and not order.buyer_name and not selected
        pen = ship_by_color(order, background=False) if column == SHIP_BY and not selected else None
        painter.setPen(colors().muted_text if hidden else pen or option.palette.color(role))
        if hidden:
            font = QFont(option.font)
            font.setItalic(True)
            painter.setFont(font)
        painter.drawText(rect, int(alignment(column)), text)
        painter.restore()
