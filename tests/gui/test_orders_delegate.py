"""The order list's cells: laid out once and kept, yet painted exactly as plain text drawing
paints them, and never showing an order as it was before it changed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.changes import Changes
from app.config import Paths
from app.gui.orders_delegate import CACHED_CELLS, PADDING, OrderCellDelegate
from app.gui.orders_model import BUYER, SHIP_BY, alignment, display
from app.gui.orders_tab import OrdersTab
from app.gui.reader import Reader
from app.gui.ship_by import ship_by_color
from app.gui.theme import apply_theme, colors
from app.sandbox import Sandbox, SandboxConfig
from app.store.db import open_db
from app.store.orders import save_orders


class DrawTextDelegate(QStyledItemDelegate):
    """The reference: every cell elided and drawn with QPainter.drawText, nothing kept."""

    def __init__(self, tab: OrdersTab) -> None:
        super().__init__(tab)
        self.model = tab.model

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            style = option.widget.style()
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        order = self.model.order_at(index.row())
        if order is None:
            return
        column = index.column()
        if column == SHIP_BY and not selected:
            back = ship_by_color(order, background=True)
            if back is not None:
                painter.fillRect(option.rect, back)
        rect = option.rect.adjusted(PADDING, 0, -PADDING, 0)
        hidden = column == BUYER and not order.buyer_name and not selected
        painter.save()
        font = QFont(option.font)
        font.setItalic(hidden)
        painter.setFont(font)
        pen = ship_by_color(order, background=False) if column == SHIP_BY and not selected else None
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(colors().muted_text if hidden else pen or option.palette.color(role))
        metrics = painter.fontMetrics()
        text = metrics.elidedText(display(order, column), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(alignment(column) | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()


@pytest.fixture(scope="module")
def raw_orders() -> list[dict[str, Any]]:
    sandbox = Sandbox(SandboxConfig(seed=5, orders=300, products=12))
    return [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]


@pytest.fixture
def tab(tmp_path: Path, raw_orders: list[dict[str, Any]], qtbot: Any) -> OrdersTab:
    paths = Paths(tmp_path)
    db = open_db(paths.database)
    save_orders(db, "shop", raw_orders, now=1)
    db.close()
    apply_theme(QApplication.instance())  # type: ignore[arg-type]
    reader = Reader(paths)
    assert reader.open()
    reader.catch_up_now()
    widget = OrdersTab(reader)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.table.setColumnWidth(BUYER, 70)  # some buyers' names no longer fit: elided
    widget.table.selectRow(1)
    return widget


def shown(tab: OrdersTab) -> QImage:
    """The list as the creator sees it now."""
    tab.table.viewport().repaint()
    return tab.table.viewport().grab().toImage()


def test_cells_look_exactly_as_drawn_text_with_selection_elision_and_hidden_buyers(
    tab: OrdersTab,
) -> None:
    hidden = [r for r in range(20) if not tab.model.order_at(r).buyer_name]  # type: ignore[union-attr]
    assert hidden, "the sample has orders whose buyer TikTok does not show yet"
    kept = shown(tab)
    assert shown(tab) == kept  # painted again from what it kept
    tab.table.setItemDelegate(DrawTextDelegate(tab))
    assert shown(tab) == kept


def test_an_order_that_changed_is_painted_as_it_is_now(
    tab: OrdersTab, raw_orders: list[dict[str, Any]]
) -> None:
    before = shown(tab)
    first = tab.model.order_at(0)
    assert first is not None
    changed = copy.deepcopy(next(o for o in raw_orders if o["id"] == first.id))
    changed["status"] = "CANCELLED" if first.status != "CANCELLED" else "COMPLETED"
    changed["update_time"] = first.update_time + 60
    db = open_db(tab.reader.paths.database)
    save_orders(db, "shop", [changed], now=2)
    db.close()
    tab.reader.apply(Changes.of(orders_updated=[first.id]))
    tab.reader.catch_up_now()
    tab.model.reload()
    after = shown(tab)
    assert after != before
    assert tab.model.order_at(0).status == changed["status"]  # type: ignore[union-attr]
    tab.table.setItemDelegate(DrawTextDelegate(tab))
    assert shown(tab) == after


def test_scrolling_a_long_list_keeps_a_bounded_number_of_cells(tab: OrdersTab) -> None:
    delegate = tab.table.itemDelegate()
    assert isinstance(delegate, OrderCellDelegate)
    for row in range(0, tab.model.rowCount(), 10):
        tab.table.scrollTo(tab.model.index(row, 0))
        tab.table.viewport().repaint()
    assert 0 < len(delegate._cells) <= CACHED_CELLS
