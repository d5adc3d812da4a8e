"""The Health tab's two charts (QtCharts): API calls and throttling, and orders per day."""

from __future__ import annotations

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from app.gui.theme import colors

#: Gridlines per value axis (ticks = this + 1).
STEPS = 4


def nice_axis(value: int) -> int:
    """An axis top at or above `value` that splits into STEPS round numbers (4, 20, 100...)."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * STEPS >= value:
                return step * STEPS
        magnitude *= 10


class _Chart(QChartView):
    """A chart view that follows the window palette (readable in light and dark)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_.setTitle(title)
        self.chart_.setBackgroundVisible(False)
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setMinimumHeight(220)

    def _style_axis(self, axis: QAbstractAxis) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        axis.setLabelsColor(text)
        axis.setGridLineColor(palette.color(QPalette.ColorRole.Mid))
        axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))

    def restyle(self) -> None:
        """Apply the palette's text colour to title and legend."""
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.chart_.setTitleBrush(text)
        self.chart_.legend().setLabelColor(text)
        for axis in self.chart_.axes():
            self._style_axis(axis)


class ApiCallsChart(_Chart):
    """API calls and throttled calls per minute over the last hour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("API calls per minute (last hour)", parent)
        self.calls = QLineSeries()
        self.calls.setName("calls")
        self.throttled = QLineSeries()
        self.throttled.setName("throttled (429)")
        self.calls.setPen(QPen(colors().chart_primary, 2))
        self.throttled.setPen(QPen(colors().chart_secondary, 2))
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("HH:mm")
        self.x_axis.setTickCount(7)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTickCount(STEPS + 1)
        for series in (self.calls, self.throttled):
            self.chart_.addSeries(series)
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.calls, self.throttled):
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.restyle()

    def set_points(self, now: float, buckets: list[tuple[int, int, int]], bucket: int) -> None:
        """Buckets of (start, calls, throttled); missing minutes are drawn as zero."""
        by_start = {start: (calls, throttled) for start, calls, throttled in buckets}
        first = (int(now) // bucket - 59) * bucket
        calls, throttled = [], []
        top = 0
        for n in range(60):
            start = first + n * bucket
            c, t = by_start.get(start, (0, 0))
            ms = float(start) * 1000
            calls.append((ms, c))
            throttled.append((ms, t))
            top = max(top, c, t)
        self.calls.clear()
        self.throttled.clear()
        for ms, value in calls:
            self.calls.append(ms, value)
        for ms, value in throttled:
            self.throttled.append(ms, value)
        self.x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(first * 1000)),
            QDateTime.fromMSecsSinceEpoch(int((first + 59 * bucket) * 1000)),
        )
        self.y_axis.setRange(0, nice_axis(top))


class OrdersPerDayChart(_Chart):
    """Orders placed per day over the last days, as bars under a date axis."""

    def __init__(self, days: int = 30, parent: QWidget | None = None) -> None:
        super().__init__(f"Orders per day (last {days} days)", parent)
        self.days = days
        self.series = QBarSeries()
        self.series.setBarWidth(0.75)
        self.bars = QBarSet("orders")
        self.bars.setColor(colors().chart_primary)
        self.bars.setBorderColor(QColor(0, 0, 0, 0))
        self.series.append(self.bars)
        self.chart_.addSeries(self.series)
        # Bars need a category axis; its labels would be elided at 30 days, so it stays
        # hidden and a date axis over the same days carries the labels.
        self.categories = QBarCategoryAxis()
        self.categories.append([str(n) for n in range(days)])
        self.categories.setVisible(False)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("MMM d")
        self.x_axis.setTickCount(days // 5 + 1 if days % 5 == 0 else 5)  # a label every 5 days
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTickCount(STEPS + 1)
        # An axis with no series is not laid out again when its range changes: an invisible
        # two-point line spans the days and keeps the date axis in the layout.
        self.span = QLineSeries()
        self.span.setPen(QPen(QColor(0, 0, 0, 0)))
        self.chart_.addSeries(self.span)
        self.chart_.addAxis(self.categories, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.y_axis)
        self.span.attachAxis(self.x_axis)
        self.span.attachAxis(self.y_axis)
        self.chart_.legend().setVisible(False)
        self.restyle()

    def set_days(self, day_starts: list[int], counts: dict[int, int]) -> None:
        """One bar per day start (local midnight, UTC seconds), in order."""
        self.bars.remove(0, self.bars.count())
        self.bars.append([float(counts.get(start, 0)) for start in day_starts])
        if day_starts:
            first, last = day_starts[0] * 1000.0, (day_starts[-1] + 86400) * 1000.0
            self.span.replace([QPointF(first, 0), QPointF(last, 0)])
            self.x_axis.setRange(
                QDateTime.fromMSecsSinceEpoch(int(first)), QDateTime.fromMSecsSinceEpoch(int(last))
            )
        self.y_axis.setRange(0, nice_axis(max(counts.values(), default=0)))


class RateChart(_Chart):
    """One shop-health rate per day (percent) with TikTok's threshold as a dashed line."""

    def __init__(self, title: str, threshold: float, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.threshold = threshold
        self.rate = QLineSeries()
        self.rate.setName("estimate")
        self.rate.setPen(QPen(colors().chart_primary, 2))
        self.rate.setPointsVisible(True)
        self.limit = QLineSeries()
        self.limit.setName(f"TikTok's threshold {threshold * 100:g}%")
        pen = QPen(colors().danger_text, 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.limit.setPen(pen)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("MMM d")
        self.x_axis.setTickCount(4)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%.1f%%")
        self.y_axis.setTickCount(STEPS + 1)
        for series in (self.rate, self.limit):
            self.chart_.addSeries(series)
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.rate, self.limit):
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.setMinimumHeight(120)
        self.restyle()

    def set_points(self, first_day: int, last_day: int, points: list[tuple[int, float]]) -> None:
        """(day start, rate 0..1) per day that had orders to judge; days in UTC seconds."""
        first, last = first_day * 1000.0, (last_day + 86400) * 1000.0
        self.rate.replace([QPointF((day + 43200) * 1000.0, value * 100) for day, value in points])
        self.limit.replace(
            [QPointF(first, self.threshold * 100), QPointF(last, self.threshold * 100)]
        )
        self.x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(first)), QDateTime.fromMSecsSinceEpoch(int(last))
        )
        values = [v * 100 for _, v in points] + [self.threshold * 100]
        if self.threshold > 0.5:  # valid tracking: the interesting part is near the top
            self.y_axis.setRange(max(0.0, min(values) - 5), 100.0)
        else:
            self.y_axis.setRange(0.0, max(5.0, max(values) * 1.2))
