"""The Money tab's tables: per day, per SKU and statements; money sorts as numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.gui import formatting as fmt
from app.gui.orders_model import SORT_ROLE
from app.gui.table_base import RowsTableModel
from app.queries.money import Money, ProfitSum

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column's title, its cell text and its sort value (also the CSV cell)."""

    title: str
    value: Callable[[Any], Any]
    money: bool = False


def cell_text(value: Any) -> str:
    """How a value reads in the table (money with its currency's plain decimals)."""
    if isinstance(value, Money):
        return value.text
    if isinstance(value, Decimal):
        return f"{value * 100:.1f}%"
    if value is None:
        return "–"
    return str(value)


def sort_value(value: Any) -> Any:
    if isinstance(value, Money):
        return value.amount
    return value


def _margin(s: ProfitSum) -> Decimal | None:
    return s.margin


DAY_COLUMNS = (
    Column("Day", lambda s: s.key),
    Column("Currency", lambda s: s.currency),
    Column("Orders", lambda s: s.orders),
    Column("Settled", lambda s: s.settled),
    Column("Revenue", lambda s: s.revenue, True),
    Column("TikTok fees", lambda s: s.platform_fees, True),
    Column("Shipping", lambda s: s.shipping_cost, True),
    Column("Payout", lambda s: s.payout, True),
    Column("Cost of goods", lambda s: s.cost_of_goods, True),
    Column("Profit", lambda s: s.profit, True),
    Column("Margin", _margin),
)
SKU_COLUMNS = (
    Column("Seller SKU", lambda s: s.key),
    Column("Currency", lambda s: s.currency),
    Column("Units", lambda s: s.units),
    Column("Orders", lambda s: s.orders),
    Column("Revenue", lambda s: s.revenue, True),
    Column("TikTok fees", lambda s: s.platform_fees, True),
    Column("Payout", lambda s: s.payout, True),
    Column("Cost of goods", lambda s: s.cost_of_goods, True),
    Column("Profit", lambda s: s.profit, True),
    Column("Margin", _margin),
)
STATEMENT_COLUMNS = (
    Column("Statement", lambda r: r[0]),
    Column("Date", lambda r: fmt.when(r[1])),
    Column("Payout status", lambda r: r[2].title() if r[2] else "–"),
    Column("Settlement", lambda r: r[3], True),
    Column("Fees", lambda r: r[4], True),
    Column("Adjustments", lambda r: r[5], True),
    Column("Currency", lambda r: r[3].currency),
    Column("Payment", lambda r: r[6]),
)
SKU_PROFIT = next(i for i, c in enumerate(SKU_COLUMNS) if c.title == "Profit")
SKU_MARGIN = next(i for i, c in enumerate(SKU_COLUMNS) if c.title == "Margin")


class ColumnsTableModel(RowsTableModel):
    """Rows shown through a fixed set of columns; replaced whole on each refresh."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.HEADERS = tuple(c.title for c in self.columns)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = column.value(self.rows[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value)
        if role == SORT_ROLE:
            return sort_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and not isinstance(value, str):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def csv_rows(self) -> list[list[str]]:
        """The header and every row as plain text (money as plain decimals)."""
        out = [list(self.HEADERS)]
        for row in self.rows:
            cells = []
            for column in self.columns:
                value = column.value(row)
                if isinstance(value, Money):
                    cells.append(value.text)
                elif isinstance(value, Decimal):
                    cells.append(format(value, "f"))  # a margin as a plain fraction
                else:
                    cells.append(cell_text(value))
            out.append(cells)
        return out
