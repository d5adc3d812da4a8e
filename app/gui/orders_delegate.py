"""Paints order cells straight from the model's cached rows: one Python call per cell.

The stock delegate asks the model for about eight roles per cell, each a call from C++ into
Python that must take the GIL; while the engine thread parses an import, every such call
can wait for it. Here a cell's elided text is kept by the row's content, column and cell
size, and laid out once (a `QStaticText`) when it is painted a second time, so a repaint
after a reload that shows the same orders, or a scroll back, only draws: a screenful costs
a few ms, not 15-25. A row seen for the first time is elided and drawn as plain text.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QStaticText
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
_ALIGN = tuple(int(alignment(c) | Qt.AlignmentFlag.AlignVCenter) for c in range(len(HEADERS)))
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
        #: A cell's elided text once painted, then its laid-out text from its second paint.
        self._cells: dict[tuple[object, ...], _Cell | str] = {}

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
        kept = self._cells.get(key)
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
        if kept is not None:
            if not isinstance(kept, _Cell):  # painted once before: laid out for the next times
                kept = self._cells[key] = self._lay_out(option, kept, column=column, hidden=hidden)
            painter.drawStaticText(QPointF(rect.x() + kept.dx, rect.y() + kept.dy), kept.text)
        else:  # a row seen for the first time (new orders, a search): elide and draw
            text = display(order, column) if shown is None else shown
            metrics = painter.fontMetrics()
            inner = rect.adjusted(PADDING, 0, -PADDING, 0)
            elided = metrics.elidedText(text, _ELIDE, inner.width())
            painter.drawText(inner, _ALIGN[column], elided)
            if len(self._cells) >= CACHED_CELLS:
                self._cells.clear()
            self._cells[key] = elided
        if hidden:
            painter.restore()

    @staticmethod
    def _lay_out(option: QStyleOptionViewItem, elided: str, *, column: int, hidden: bool) -> _Cell:
        """Lay the cell's elided text out once, and place it (padded, centred)."""
        rect = option.rect
        font = _italic(option.font) if hidden else option.font
        text = QStaticText(elided)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.prepare(font=font)
        size = text.size()
        width = rect.width() - 2 * PADDING
        dx = PADDING + (width - size.width() if _RIGHT_ALIGNED[column] else 0)
        return _Cell(text, dx, (rect.height() - size.height()) / 2)


def _italic(font: QFont) -> QFont:
    slanted = QFont(font)
    slanted.setItalic(True)
    return slanted
