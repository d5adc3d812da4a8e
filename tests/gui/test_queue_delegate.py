"""The Orders sidebar: a queue's long name is cut short before its count, never drawn under it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView

from app.gui.orders_model import COUNT_ROLE, ID_ROLE
from app.gui.queue_delegate import COUNT_MARGIN, QueueDelegate

LONG = "To ship · 57 late, 7 due 4 h, 12 within 24 h"


def sidebar(qtbot: Any, name: str, count: int | None, width: int = 200) -> QImage:
    model = QStandardItemModel()
    item = QStandardItem(name)
    item.setData(count, COUNT_ROLE)
    item.setData("to_ship", ID_ROLE)
    model.appendRow(item)
    view = QListView()
    view.setModel(model)
    view.setItemDelegate(QueueDelegate(view))
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # as the sidebar
    view.resize(width, 80)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    row = view.visualRect(model.index(0, 0))
    return image.copy(0, row.top(), image.width(), row.height())


def columns_with_ink(image: QImage, first: int, last: int) -> set[int]:
    background = image.pixel(0, 0)
    return {
        x
        for x in range(first, min(last, image.width()))
        for y in range(image.height())
        if image.pixel(x, y) != background
    }


def test_a_long_queue_name_stops_before_its_count(qtbot: Any) -> None:
    with_name = sidebar(qtbot, LONG, 1175)
    count_only = sidebar(qtbot, "", 1175)
    name_only = sidebar(qtbot, LONG, None)
    width = with_name.width()
    count_ink = columns_with_ink(count_only, 0, width)
    assert count_ink, "the count is drawn"
    count_starts = min(count_ink)
    # the count looks the same with the name beside it, and the name leaves it room
    assert with_name.copy(count_starts, 0, width - count_starts, with_name.height()) == (
        count_only.copy(count_starts, 0, width - count_starts, count_only.height())
    )
    assert max(columns_with_ink(with_name, 0, count_starts)) < count_starts - 2
    # the name alone would have run on under the count
    assert max(columns_with_ink(name_only, 0, width)) > count_starts
    assert max(count_ink) < width - COUNT_MARGIN + 1
