"""The ship dialog's editors: a tracking-number line and a carrier list in each row, and the
items chooser for one order shipped in parts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.gui.ship_model import CARRIER, CHOICES_ROLE, ORDER
from app.tiktok.models import LineItem, Order


class ShipDelegate(QStyledItemDelegate):
    """A line edit for tracking numbers and a list for carriers, committed as they change."""

    #: Enter in a tracking number: the next row's, please (its row).
    nextRow = Signal(int)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() == CARRIER:
            combo = QComboBox(parent)
            combo.setAccessibleName(f"Carrier for order {index.sibling(index.row(), ORDER).data()}")
            combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
            return combo
        edit = QLineEdit(parent)
        edit.setPlaceholderText("Tracking number")
        edit.setAccessibleName(
            f"Tracking number for order {index.sibling(index.row(), ORDER).data()}"
        )
        edit.textEdited.connect(lambda _t, e=edit: self.commitData.emit(e))
        row = QPersistentModelIndex(index)
        edit.returnPressed.connect(lambda: self.nextRow.emit(row.row()))
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            choices: list[tuple[str, str]] = index.data(CHOICES_ROLE) or []
            wanted = [("", "Choose a carrier…")] if not value else []
            wanted += choices
            have = [(editor.itemData(i), editor.itemText(i)) for i in range(editor.count())]
            editor.blockSignals(True)
            if have != wanted:
                editor.clear()
                for data, label in wanted:
                    editor.addItem(label, data)
            editor.setCurrentIndex(max(0, editor.findData(value)))
            editor.blockSignals(False)
        elif isinstance(editor, QLineEdit) and editor.text() != value:
            editor.setText(str(value))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "")
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """A cell with a live editor paints only its background: no text peeks out around it."""
        view = option.widget
        if isinstance(view, QAbstractItemView) and view.isPersistentEditorOpen(index):
            blank = QStyleOptionViewItem(option)
            self.initStyleOption(blank, index)
            blank.text = ""
            style = view.style()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter, view)
            return
        super().paint(painter, option, index)

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """One line high, centred in the row (a row grows when its result takes two lines)."""
        rect = option.rect
        height = min(rect.height(), editor.sizeHint().height())
        editor.setGeometry(rect.x(), rect.y() + (rect.height() - height) // 2, rect.width(), height)


def _unshipped(order: Order) -> list[LineItem]:
    return [i for i in order.line_items if i.display_status == "AWAITING_SHIPMENT"]


class ItemsChooser(QListWidget):
    """For one seller-shipped order: which SKUs go in this package (identical units together)."""

    changed = Signal()

    def __init__(self, order: Order, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shipItems")
        groups: dict[str, list[LineItem]] = {}
        for item in _unshipped(order):
            groups.setdefault(item.sku_id or item.id, []).append(item)
        for group in groups.values():
            first = group[0]
            name = " · ".join(x for x in (first.product_name, first.seller_sku) if x)
            entry = QListWidgetItem(f"{len(group)} × {name}")
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            entry.setData(Qt.ItemDataRole.UserRole, tuple(i.id for i in group))
            sku = first.seller_sku or first.product_name or first.sku_id
            entry.setData(Qt.ItemDataRole.UserRole + 1, sku)
            self.addItem(entry)
        self.itemChanged.connect(lambda _item: self.changed.emit())
        rows = min(self.count(), 4)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 4)

    def summary(self) -> str:
        """`CAN-SAG ×2, MUG-BLU`: the ticked SKUs, as the dialog's Items column says them."""
        parts = []
        for n in range(self.count()):
            entry = self.item(n)
            if entry.checkState() == Qt.CheckState.Checked:
                units = len(entry.data(Qt.ItemDataRole.UserRole))
                sku = str(entry.data(Qt.ItemDataRole.UserRole + 1))
                parts.append(f"{sku} ×{units}" if units > 1 else sku)
        return ", ".join(parts)

    def chosen(self) -> tuple[str, ...] | None:
        """The line items to ship: () for all of them, None for none."""
        ids: list[str] = []
        for n in range(self.count()):
            entry = self.item(n)
            if entry.checkState() == Qt.CheckState.Checked:
                ids.extend(entry.data(Qt.ItemDataRole.UserRole))
        if not ids:
            return None
        every = sum(len(self.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.count()))
        return () if len(ids) == every else tuple(ids)


def item_groups(order: Order) -> set[str]:
    """The SKUs (or items) still to ship: more than one means the order can ship in parts."""
    return {i.sku_id or i.id for i in _unshipped(order)}
