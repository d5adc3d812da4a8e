"""The Health tab's shop health part: each rate per day with its threshold, the orders late
or at risk, and the plain words that these are estimates (FACTS.md 9.6)."""

from __future__ import annotations

import time
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.gui import formatting as fmt
from app.gui.charts import RateChart
from app.gui.reader import Reader
from app.gui.theme import colors
from app.queries.deadlines import (
    ESTIMATE_NOTE,
    DeadlineReport,
    clock_state,
    deadline_report,
    fetch_daily_rates,
)

DAYS = 30
DAY = 86400
_TITLES = {
    "late_dispatch_rate": "Late dispatch rate",
    "seller_fault_cancellation_rate": "Seller-fault cancellation rate",
    "valid_tracking_rate": "Valid tracking rate",
}
_LIMITS = {
    "late_dispatch_rate": 0.04,
    "seller_fault_cancellation_rate": 0.025,
    "valid_tracking_rate": 0.95,
}


def _utc_offset() -> int:
    delta = datetime.now().astimezone().utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


class ShopHealthPanel(QWidget):
    """Shop health (estimates): three rate charts, the forecast and the orders that matter."""

    def __init__(self, reader: Reader, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader, self.settings = reader, settings
        self.report: DeadlineReport | None = None
        self.charts = {name: RateChart(title, _LIMITS[name]) for name, title in _TITLES.items()}
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.orders = QListWidget()
        self.orders.setObjectName("lateOrders")
        self.orders.setToolTip("Late or due within 4 h, soonest first")
        grid = QGridLayout()
        for n, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, 0, n)
            grid.setColumnStretch(n, 2)
        grid.addWidget(self.orders, 0, len(self.charts))
        grid.setColumnStretch(len(self.charts), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)

    def refresh(self, now: float | None = None) -> None:
        """Re-read the estimates, the per-day points and the open orders."""
        db = self.reader.db
        if db is None:
            return
        now_i = int(time.time() if now is None else now)
        self.report = report = deadline_report(db, now_i, self.settings.working_hours, limit=200)
        offset = _utc_offset()
        daily = fetch_daily_rates(db, now_i, DAYS, offset)
        today = (now_i + offset) // DAY * DAY - offset
        first = today - (DAYS - 1) * DAY
        for rate in report.rates:
            points = [
                (day, (bad if rate.ceiling else judged - bad) / judged)
                for day, judged, bad in daily[rate.name]
            ]
            self.charts[rate.name].set_points(first, today, points)
        self._show_summary(report)
        self._show_orders(report)

    def _show_summary(self, report: DeadlineReport) -> None:
        c, parts = colors(), []
        for rate in report.rates:
            value = "no orders to judge yet" if rate.value is None else f"{rate.value:.1%}"
            colour = c.danger_text.name() if rate.breached else c.ok_text.name()
            side = "≤" if rate.ceiling else "≥"
            parts.append(
                f"{escape(_TITLES[rate.name])}: <b style='color:{colour}'>{value}</b> "
                f"({rate.bad} of {rate.judged}; TikTok {side} {rate.limit:.1%})"
            )
        f = report.forecast
        when = fmt.when(f.handover) if f.handover else "the next hand-over"
        self.summary.setText(
            " · ".join(parts) + f"<br><b>{escape(f.sentence(when))}</b>"
            f" {report.counts.late} late, {report.counts.at_risk} at risk now."
            " <i>Estimates from this shop's own orders.</i>"
        )
        self.summary.setToolTip(ESTIMATE_NOTE)

    def _show_orders(self, report: DeadlineReport) -> None:
        self.orders.clear()
        c = colors()
        for o in sorted(report.orders, key=lambda o: o.ship_by is None):  # to ship first
            clock = o.ship_by if o.ship_by is not None else o.collect_by
            state = clock_state(clock, report.now)
            if state not in ("late", "due_4h"):
                continue
            what = "ship by" if o.ship_by is not None else "collected by"
            left = (clock or 0) - report.now
            words = f"late {fmt.countdown(-left)}" if left <= 0 else f"{fmt.countdown(left)} left"
            item = QListWidgetItem(f"{o.order_id}\n{what} {fmt.when(clock)} · {words}")
            item.setData(Qt.ItemDataRole.UserRole, o.order_id)
            item.setToolTip(fmt.when_utc(clock))
            item.setForeground(c.danger_text if state == "late" else c.warning_text)
            self.orders.addItem(item)
        if not self.orders.count():
            self.orders.addItem("Nothing late or due within 4 h.")
