"""The Money tab's chart: revenue, TikTok fees, payout and profit per day, in one currency.

The series take the amounts as drawing coordinates only (Qt plots doubles); every figure a
creator reads as text comes from the exact decimals.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QWidget

from app.gui.charts import STEPS, _Chart, nice_axis
from app.gui.theme import colors
from app.queries.money import ProfitSum

SERIES = (
    ("revenue", "Revenue"),
    ("platform_fees", "TikTok fees"),
    ("payout", "Payout"),
    ("profit", "Profit"),
)


def _day_ms(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000


class MoneyPerDayChart(_Chart):
    """One line per figure over the days shown, for the currency with the most orders."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Money per day", parent)
        c = colors()
        pens = (c.chart_primary, c.danger_text, c.chart_secondary, c.ok_text)
        self.lines: dict[str, QLineSeries] = {}
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("MMM d")
        self.x_axis.setTickCount(7)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTickCount(STEPS + 1)
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for (name, title), color in zip(SERIES, pens, strict=True):
            line = QLineSeries()
            line.setName(title)
            line.setPen(QPen(QColor(color), 2))
            self.chart_.addSeries(line)
            line.attachAxis(self.x_axis)
            line.attachAxis(self.y_axis)
            self.lines[name] = line
        self.currency = ""
        self.restyle()

    def set_days(self, days: list[ProfitSum]) -> None:
        """Draw the days of the busiest currency (others are in the table)."""
        counts: dict[str, int] = {}
        for d in days:
            counts[d.currency] = counts.get(d.currency, 0) + d.orders
        self.currency = max(counts, key=lambda k: counts[k]) if counts else ""
        mine = [d for d in days if d.currency == self.currency]
        self.chart_.setTitle(
            f"Money per day ({self.currency})" if self.currency else "Money per day"
        )
        top, bottom = 0, 0
        for name, line in self.lines.items():
            points = []
            for d in mine:
                value = float(getattr(d, name).amount)
                points.append((_day_ms(d.key), value))
                top, bottom = max(top, int(value) + 1), min(bottom, int(value) - 1)
            line.clear()
            for x, y in points:
                line.append(x, y)
        if mine:
            first, last = _day_ms(mine[0].key), _day_ms(mine[-1].key) + 86400000
            self.x_axis.setRange(
                QDateTime.fromMSecsSinceEpoch(int(first)), QDateTime.fromMSecsSinceEpoch(int(last))
            )
        step = max(1, nice_axis(top - bottom) // STEPS)  # round gridlines through zero
        lower = (bottom // step) * step  # floor: a loss day stays in view
        upper = max(-(-top // step) * step, lower + step)  # ceiling
        self.y_axis.setRange(lower, upper)
        self.y_axis.setTickCount((upper - lower) // step + 1)
