"""Paints order cells straight from the model's cached rows: one Python call per cell.

The stock delegate asks the model for about eight roles per cell, each a call from C++ into
Python that must take the GIL; while the engine thread parses an import, every such call
can wait for it. Here each cell's text is laid out once (elided, as a `QStaticText`) and kept
by the row's content, column and cell size, so a repaint after a reload that shows the same
orders, or a scroll back, only draws: a screenful costs a few ms, not 15-25.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.gui.orders_model import BUYER, HEADERS, SHIP_BY, OrdersTableModel, alignment, display
from app.gui.ship_by import ship_by_color
from app.gui.theme import colors

PADDING = 6
#: Laid-out cells kept (a screenful is about 200); past this the cache starts again.
CACHED_CELLS = 6000

_SELECTED = QStyle.StateFlag.State_Selected
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_ELIDE = Qt.TextElideMode.ElideRight
_TEXT = QPalette.ColorRole.Text
_HIGHLIGHTED = QPalette.ColorRole.HighlightedText
_RIGHT_ALIGNED = tuple(
    bool(alignment(c) & Qt.AlignmentFlag.AlignRight) for c in range(len(HEADERS))
)


class _Cell(NamedTuple):
    """A cell's text, laid out, and where it sits inside the cell."""

    text: QStaticText
    dx: float
    dy: float


class OrderCellDelegate(QStyledItemDelegate):
    """Background from the style (selection), text from the row cache, elided."""

    def __init__(self, model: OrdersTableModel) -> None:
        super().__init__(model)
        self.model = model
        self._cells: dict[tuple[object, ...], _Cell] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & _SELECTED)
        if selected:  # unselected cells have no panel: the view drew the row's background
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            style.drawPrimitive(_PANEL, option, painter, widget)
        order = self.model.order_at(index.row())
        if order is None:
            return
        column = index.column()
        rect = option.rect
        if column == SHIP_BY and not selected:
            back = ship_by_color(order, background=True)
            if back is not None:
                painter.fillRect(rect, back)
        hidden = column == BUYER and not order.buyer_name and not selected
        # The ship-by text counts down with the clock: it is its own key.
        shown = display(order, column) if column == SHIP_BY else None
        key = (shown or order, column, rect.width(), rect.height(), hidden)
        cell = self._cells.get(key)
        if cell is None:
            text = display(order, column) if shown is None else shown
            cell = self._lay_out(option, text, column=column, hidden=hidden)
            if len(self._cells) >= CACHED_CELLS:
                self._cells.clear()
            self._cells[key] = cell
        if hidden:
            painter.save()
            painter.setPen(colors().muted_text)
            painter.setFont(_italic(option.font))
        else:
            pen = (
                ship_by_color(order, background=False)
                if column == SHIP_BY and not selected
                else None
            )
            painter.setPen(pen or option.palette.color(_HIGHLIGHTED if selected else _TEXT))
        painter.drawStaticText(QPointF(rect.x() + cell.dx, rect.y() + cell.dy), cell.text)
        if hidden:
            painter.restore()

    @staticmethod
    def _lay_out(option: QStyleOptionViewItem, shown: str, *, column: int, hidden: bool) -> _Cell:
        """Elide the text to the cell, lay it out once, and place it (padded, centred)."""
        rect = option.rect
        font = _italic(option.font) if hidden else option.font
        metrics = QFontMetrics(font) if hidden else option.fontMetrics
        width = rect.width() - 2 * PADDING
        text = QStaticText(metrics.elidedText(shown, _ELIDE, width))
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.prepare(font=font)
        size = text.size()
        dx = PADDING + (width - size.width() if _RIGHT_ALIGNED[column] else 0)
        return _Cell(text, dx, (rect.height() - size.height()) / 2)


def _italic(font: QFont) -> QFont:
    slanted = QFont(font)
    slanted.setItalic(True)
    return slanted
