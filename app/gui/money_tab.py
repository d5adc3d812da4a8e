"""The Money tab: revenue, TikTok fees, payout and profit per day (chart and table), per SKU
(sortable by profit and margin), and the statements with their payout status; each view
exports to CSV. Everything comes from the profit the engine keeps computed (SQL sums)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.csv_safe import csv_file
from app.gui.empty_state import EmptyableView
from app.gui.files import save_csv
from app.gui.money_chart import MoneyPerDayChart
from app.gui.money_models import (
    DAY_COLUMNS,
    SKU_COLUMNS,
    SKU_PROFIT,
    STATEMENT_COLUMNS,
    ColumnsTableModel,
)
from app.gui.reader import Reader
from app.gui.sort_proxy import SortProxy
from app.gui.table_view import make_table
from app.queries.money import (
    ProfitSum,
    fetch_money_totals,
    fetch_profit_by_day,
    fetch_profit_by_sku,
    fetch_statements,
)

EMPTY_TITLE = "No money data yet"
EMPTY_TEXT = (
    "TikTok Shop settles an order in a daily statement one to two weeks after delivery; until "
    "then it shows an estimate. Shopdesk reads both once a shop is connected. Enter each SKU's "
    "cost in Inventory or with `shopdesk costs import` to see profit."
)


def headline_html(totals: list[ProfitSum]) -> str:
    """One line per currency: revenue, fees, payout, cost, profit, settled share."""
    lines = []
    for t in totals:
        lines.append(
            f"<b>{escape(t.currency)}</b>&nbsp; revenue <b>{t.revenue.text}</b> · "
            f"TikTok fees {t.platform_fees.text} · shipping {t.shipping_cost.text} · "
            f"payout <b>{t.payout.text}</b> · cost of goods {t.cost_of_goods.text} · "
            f"profit <b>{t.profit.text}</b> · {t.settled:,} of {t.orders:,} orders settled"
        )
    return "<br>".join(lines)


class _View(QWidget):
    """A sortable table with its Export CSV button."""

    def __init__(self, name: str, model: ColumnsTableModel, file_name: str) -> None:
        super().__init__()
        self.model, self.file_name = model, file_name
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(model)
        self.table: QTableView = make_table(self.proxy, name)
        self.table.setSortingEnabled(True)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._export)
        self.message = ""
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)

    def _export(self) -> None:
        path = save_csv(self, "Export to CSV", self.file_name)
        if path:
            self.write_csv(path)

    def write_csv(self, path: str) -> int:
        """The rows in the order shown, as plain decimals; the number written."""
        from pathlib import Path

        rows = self.model.csv_rows()
        order = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(len(rows) - 1)]
        with csv_file(Path(path)) as writer:
            writer.writerow(rows[0])
            for source in order:
                writer.writerow(rows[source + 1])
        return len(order)


class MoneyTab(QWidget):
    """Money per day, per SKU and per statement; empty until TikTok has money data."""

    REFRESH_ON = frozenset({Kind.STATEMENTS, Kind.SETTINGS})
    message = Signal(str)

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.headline = QLabel()
        self.headline.setObjectName("moneyHeadline")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        self.chart = MoneyPerDayChart()
        self.days = _View("moneyDaysTable", ColumnsTableModel(DAY_COLUMNS), "money-by-day.csv")
        self.skus = _View("moneySkusTable", ColumnsTableModel(SKU_COLUMNS), "money-by-sku.csv")
        self.statements = _View(
            "moneyStatementsTable", ColumnsTableModel(STATEMENT_COLUMNS), "statements.csv"
        )
        self.skus.table.sortByColumn(SKU_PROFIT, Qt.SortOrder.DescendingOrder)
        self.days.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.views = QTabWidget()
        self.views.setObjectName("moneyViews")
        self.views.addTab(self.days, "By day")
        self.views.addTab(self.skus, "By SKU")
        self.views.addTab(self.statements, "Statements")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.views)
        split.setStretchFactor(1, 1)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.headline)
        inner.addWidget(split, 1)
        self.area = EmptyableView(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area)
        self._stale = True

    def refresh(self) -> None:
        """Re-read now when shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._load()

    def _load(self) -> None:
        self._stale = False
        db = self.reader.db
        totals = [] if db is None else fetch_money_totals(db)
        statements = [] if db is None else fetch_statements(db)
        if not totals and not statements:
            self.area.show_empty(EMPTY_TITLE, EMPTY_TEXT)
            return
        assert db is not None
        days = fetch_profit_by_day(db)
        self.headline.setText(headline_html(totals))
        self.chart.set_days(days[-60:])
        self.days.model.set_rows(days)
        self.skus.model.set_rows(fetch_profit_by_sku(db))
        self.statements.model.set_rows(statements)
        self.area.show_view()
