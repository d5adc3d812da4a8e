"""Vorta's sort proxy for the small tables: compares the sort role's Python values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from app.gui.orders_model import SORT_ROLE


def _key(value: Any) -> tuple[int, Any]:
    """None sorts first; numbers with numbers, text with text (never `10` < `9`)."""
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        return (2, value.casefold())
    return (1, value)


class SortProxy(QSortFilterProxyModel):
    """Sorts errors, stock and queue rows by value, so money and counts sort as numbers."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a, b = _key(left.data(SORT_ROLE)), _key(right.data(SORT_ROLE))
        if a[0] != b[0]:
            return a[0] < b[0]
        try:
            return bool(a[1] < b[1])
        except TypeError:
            return str(a[1]) < str(b[1])
