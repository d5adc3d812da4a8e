"""The one look of every table in the window: whole rows, one at a time, compact, sortable."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def make_table(model: QAbstractItemModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A table over `model`: row selection, no grid, fixed compact rows, sorting on."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setHighlightSections(False)
    return table


def select_row(table: QTableView, row: int, *, focus: bool = True) -> None:
    """Make `row` the current, selected row; with `focus`, scroll it to the middle too (a
    notification or another tab sends the creator to it)."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    if focus:
        table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        table.setFocus()
