"""The Health tab: connection, authorization countdown, polling, webhooks, and two charts."""

from __future__ import annotations

import time
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Kind
from app.config import Settings
from app.connect import is_loopback
from app.gui import formatting as fmt
from app.gui.charts import ApiCallsChart, OrdersPerDayChart
from app.gui.reader import Reader
from app.gui.shop_health_panel import ShopHealthPanel
from app.gui.theme import colors
from app.ops.engine import EngineStatus
from app.queries.health import (
    DEEP_WINDOW_SECONDS,
    SERVICES,
    TITLES,
    ServiceHealth,
    fetch_deep_pass,
    service_health,
)
from app.queries.money import fetch_api_usage_by_day
from app.queries.orders import fetch_api_calls_over_time, fetch_orders_per_day
from app.queries.shop import ShopRecord, describe_skew, fetch_clock_skew, fetch_current_shop
from app.tiktok.models.auth import NO_EXPIRY, authorization_unlimited

#: Charts re-read SQLite at most this often while the tab shows.
CHART_REFRESH_SECONDS = 10.0
#: The authorization countdown turns amber, then red.
WARN_DAYS, URGENT_DAYS = 30, 7
DAYS = 30
TUNNEL_LABELS = {
    "none": "Polling only",
    "command": "A tunnel program Shopdesk runs",
    "url": "Your own public address",
}


def tunnel_label(settings: Settings) -> str:
    """How pushes reach Shopdesk, in words (a loopback address is this computer itself)."""
    if settings.tunnel_mode == "url" and is_loopback(settings.public_url):
        return "Straight to this computer (the sandbox runs here)"
    return TUNNEL_LABELS.get(settings.tunnel_mode, settings.tunnel_mode)


class CallMeter:
    """API calls and throttles per minute, from the engine's running totals.

    The totals count every call (polls, imports, webhook detail fetches, stock pushes); the
    saved runs only polls and imports, so the meter covers this session and the runs the rest.
    """

    def __init__(self, keep_seconds: int = 3600) -> None:
        self.keep = keep_seconds
        self.since: float | None = None
        self.minutes: dict[int, list[int]] = {}
        self._last: tuple[int, int] | None = None

    def add(self, now: float, calls: int, throttled: int) -> None:
        """A new snapshot of the totals (they restart at zero with a new engine)."""
        last = self._last
        self._last = (calls, throttled)
        if self.since is None:
            self.since = now
        if last is None or calls < last[0] or throttled < last[1]:
            return
        minute = int(now) // 60 * 60
        counts = self.minutes.setdefault(minute, [0, 0])
        counts[0] += calls - last[0]
        counts[1] += throttled - last[1]
        for old in [m for m in self.minutes if m < now - self.keep]:
            del self.minutes[old]

    def merged(self, runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Saved runs before this session, the meter's minutes since."""
        since = self.since if self.since is not None else float("inf")
        older = [r for r in runs if r[0] + 60 <= since]
        mine = [(m, c[0], c[1]) for m, c in sorted(self.minutes.items())]
        return older + mine


def deep_pass_text(status: EngineStatus, reader: Reader, now: float) -> str:
    """`4 min ago, 1 change caught · every 10 min, last 2 h`."""
    last: float | None = status.last_deep_poll_at
    changed = status.deep_poll_changed
    if last is None and reader.db is not None:
        info = fetch_deep_pass(reader.db)
        last, changed = info.last_at, info.caught
    every = status.deep_poll_interval
    cadence = f" · every {every / 60:g} min" if every else ""
    caught = f", {fmt.count(changed, 'change')} caught" if last is not None else ""
    hours = DEEP_WINDOW_SECONDS // 3600
    return f"{fmt.ago(last, now) if last else 'not yet'}{caught}{cadence}, last {hours} h re-read"


def usage_text(days: list[tuple[str, int]]) -> str:
    """`Nov 29: 1,204 · Nov 30: 318` (UTC days), or a dash before the first count."""
    if not days:
        return "—"
    return " · ".join(f"{datetime.fromisoformat(d).strftime('%b %d')}: {n:,}" for d, n in days)


def topics_text(refused: tuple[tuple[str, str], ...]) -> str:
    """Every topic subscribed, or which ones TikTok refused and why (HTML, escaped)."""
    if not refused:
        return "all subscribed"
    return "refused by TikTok Shop (polling covers them): " + "; ".join(
        f"<b>{escape(topic)}</b>: {escape(reason)}" for topic, reason in refused
    )


def _value() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)  # every value from TikTok goes through escape()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def level_color(level: str) -> QColor | None:
    """The text colour of a service level (None: the theme's own)."""
    c = colors()
    return {
        "ok": c.ok_text,
        "error": c.danger_text,
        "warning": c.warning_text,
        "busy": c.muted_text,
        "off": c.muted_text,
    }.get(level)


def state_html(health: ServiceHealth) -> str:
    """`<b>Failing</b> — 3 failed in a row: …`, coloured by level, TikTok's words escaped."""
    color = level_color(health.level)
    word = f"<b>{escape(health.state)}</b>"
    if color is not None:
        word = f"<span style='color:{color.name()}'>{word}</span>"
    return f"{word} — {escape(health.summary)}" if health.summary else word


class ServiceBox(QGroupBox):
    """One service: its state and summary on top, then its own label/value rows."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.form = QFormLayout(self)
        self.state = _value()
        self.form.addRow("State", self.state)
        self.values: dict[str, QLabel] = {}
        self.health: ServiceHealth | None = None
        self._fixed = 0  # rows of the tab's own between State and the service's rows

    def add_widget(self, widget: QWidget) -> None:
        """A button under the rows (Sync now, Reconnect)."""
        self.form.addRow("", widget)

    def add_fixed(self, label: str, value: QLabel) -> None:
        """A row of the tab's own, right under State (the webhook mode, say)."""
        self._fixed += 1
        self.form.insertRow(self._fixed, label, value)

    def show_health(self, health: ServiceHealth) -> None:
        """Redraw; rows appear in the order the service lists them."""
        self.health = health
        self.state.setText(state_html(health))
        wanted = [label for label, _ in health.rows]
        if wanted != list(self.values):
            for label in list(self.values):
                self.form.removeRow(self.values.pop(label))
            for n, label in enumerate(wanted):
                value = _value()
                self.values[label] = value
                self.form.insertRow(1 + self._fixed + n, label, value)
        for label, text in health.rows:
            self.values[label].setText(escape(text))


class HealthTab(QWidget):
    """Each service's own state (polling, catalogue, sending, inbox, webhooks) and two charts."""

    #: The kinds of change this tab re-reads on (see app/gui/refresh.py).
    REFRESH_ON = frozenset(
        {
            Kind.SHOP,
            Kind.CONNECTION,
            Kind.ERRORS,
            Kind.RUNS,
            Kind.OUTBOX,
            Kind.INBOX,
            Kind.DEADLINES,
        }
    )

    reconnectRequested = Signal()
    syncRequested = Signal()

    def __init__(self, reader: Reader, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.settings = settings
        self.status = EngineStatus()
        self.calls = CallMeter()
        self.shop: ShopRecord | None = None
        self.services: dict[str, ServiceHealth] = {}
        self._charts_at = 0.0

        self.shop_name, self.connection = _value(), _value()
        self.auth_until, self.auth_left, self.token_until = _value(), _value(), _value()
        self.reconnect_button = QPushButton("Reconnect…")
        self.reconnect_button.setToolTip("Authorize Shopdesk again (Settings > Connect)")
        self.reconnect_button.clicked.connect(self.reconnectRequested)
        shop_box = QGroupBox("Shop")
        shop_form = QFormLayout(shop_box)
        shop_form.addRow("Shop", self.shop_name)
        shop_form.addRow("Connection", self.connection)
        shop_form.addRow("Authorization until", self.auth_until)
        shop_form.addRow("Time left", self.auth_left)
        shop_form.addRow("Access token", self.token_until)
        shop_form.addRow("", self.reconnect_button)

        self.boxes = {key: ServiceBox(TITLES[key]) for key in SERVICES}
        self.boxes["webhooks"].setObjectName("webhookBox")
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setToolTip("Poll TikTok Shop for changes now (F5)")
        self.sync_button.clicked.connect(self.syncRequested)
        self.boxes["polling"].add_widget(self.sync_button)
        self.webhook_mode = _value()
        self.boxes["webhooks"].add_fixed("Mode", self.webhook_mode)
        self.deep_poll, self.budget = _value(), _value()
        self.boxes["polling"].add_fixed("Deep pass", self.deep_poll)
        self.boxes["polling"].add_fixed("Hourly budget", self.budget)
        self.webhook_topics = _value()
        self.boxes["webhooks"].add_fixed("Topics", self.webhook_topics)
        self.clock = _value()
        self.boxes["polling"].add_fixed("Clock", self.clock)
        self.usage = _value()
        self.usage.setObjectName("apiUsagePerDay")
        self.boxes["polling"].add_fixed("API calls per day", self.usage)

        self.calls_chart = ApiCallsChart()
        self.orders_chart = OrdersPerDayChart(DAYS)

        grid = QGridLayout()
        grid.addWidget(shop_box, 0, 0)
        grid.addWidget(self.boxes["polling"], 0, 1)
        grid.addWidget(self.boxes["webhooks"], 0, 2)
        grid.addWidget(self.boxes["catalogue"], 1, 0)
        grid.addWidget(self.boxes["pushes"], 1, 1)
        grid.addWidget(self.boxes["inbox"], 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        charts = QGridLayout()
        charts.addWidget(self.calls_chart, 0, 0)
        charts.addWidget(self.orders_chart, 0, 1)
        self.shop_health = ShopHealthPanel(reader, settings)
        sync_charts = QWidget()
        sync_charts.setLayout(charts)
        charts.setContentsMargins(0, 4, 0, 0)
        for chart in (self.calls_chart, self.orders_chart):
            chart.setMinimumHeight(180)  # the tab bar takes the rest of their old room
        # Two pages share the charts' room, so the window keeps its size.
        self.chart_pages = QTabWidget()
        self.chart_pages.setObjectName("healthPages")
        self.chart_pages.addTab(self.shop_health, "Shop health (estimates)")
        self.chart_pages.addTab(sync_charts, "API calls and orders")
        # In a scroll area: the tab's boxes and charts must not set the window's minimum
        # height (a 600-pixel screen still fits the window; the tab scrolls instead).
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(grid)
        layout.addWidget(self.chart_pages, 1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self.refresh()

    # --- inputs -----------------------------------------------------------------------------

    def set_status(self, status: EngineStatus) -> None:
        """A fresh engine snapshot (from the bridge)."""
        self.status = status
        if status.running:
            self.calls.add(time.time(), status.api_calls, status.throttled)
        self._show_services()

    def set_settings(self, settings: Settings) -> None:
        """The tunnel choice may have changed."""
        self.settings = settings
        self._show_services()

    def refresh(self, *, charts: bool = False) -> None:
        """Re-read the shop row and the services, and the charts when asked (or when stale)."""
        db = self.reader.db
        self.shop = None if db is None else fetch_current_shop(db)
        self._show_clock(None if db is None else fetch_clock_skew(db))
        self._show_shop()
        self._show_services()
        if db is not None and (
            charts or (self.isVisible() and time.time() - self._charts_at > CHART_REFRESH_SECONDS)
        ):
            self._refresh_charts()

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh charts whenever the tab is opened."""
        super().showEvent(event)
        self.refresh(charts=True)

    # --- drawing ----------------------------------------------------------------------------

    def _show_shop(self) -> None:
        shop = self.shop
        c = colors()
        if shop is None:
            self.shop_name.setText("No shop connected")
            self.connection.setText("Connect a shop in Settings.")
            self.reconnect_button.setText("Connect…")
            for label in (self.auth_until, self.auth_left, self.token_until):
                label.setText("—")
            return
        self.reconnect_button.setText("Reconnect…")
        self.shop_name.setText(
            f"<b>{escape(shop.name)}</b> · {escape(shop.region)} · id {escape(shop.id)}"
        )
        if shop.needs_reconnect or (self.status.running and not self.status.connected):
            reason = shop.auth_problem or self.status.reconnect_reason or "authorization needed"
            self.connection.setText(
                f"<span style='color:{c.danger_text.name()}'><b>Reconnect needed</b></span>"
                f" — {escape(reason)}"
            )
        else:
            self.connection.setText(
                f"<span style='color:{c.ok_text.name()}'><b>Connected</b></span>"
            )
        if authorization_unlimited(shop.refresh_expires, time.time()):
            self.auth_until.setText(f"{NO_EXPIRY} (the seller chose unlimited)")
        else:
            self.auth_until.setText(fmt.when(shop.refresh_expires) or "unknown")
        self.auth_until.setToolTip(fmt.when_utc(shop.refresh_expires))
        self.token_until.setText(
            f"until {fmt.when(shop.access_expires)} (renewed by itself)"
            if shop.access_expires
            else "—"
        )
        self._tick()

    def _show_clock(self, skew: int | None) -> None:
        """This computer's clock against TikTok's (a skew over a minute is shown in colour)."""
        warning = describe_skew(skew)
        if warning is not None:
            color = colors().warning_text.name()
            self.clock.setText(f"<span style='color:{color}'><b>{escape(warning)}</b></span>")
        else:
            self.clock.setText("in step with TikTok Shop" if skew is not None else "—")

    def _tick(self) -> None:
        """The authorization countdown, once a second."""
        shop = self.shop
        if shop is None or not shop.refresh_expires:
            return
        left = shop.refresh_expires - time.time()
        if authorization_unlimited(shop.refresh_expires, time.time()):
            self.auth_left.setText(NO_EXPIRY)
            return
        c = colors()
        color = (
            c.danger_text
            if left < URGENT_DAYS * 86400
            else c.warning_text
            if left < WARN_DAYS * 86400
            else None
        )
        text = fmt.countdown(left)
        self.auth_left.setText(
            f"<span style='color:{color.name()}'><b>{text}</b></span>" if color else text
        )

    def _show_services(self) -> None:
        """Each service's box, from the engine's status and what SQLite holds."""
        found = service_health(self.status, self.reader.db)
        self.services = {s.key: s for s in found}
        for health in found:
            self.boxes[health.key].show_health(health)
        self.webhook_mode.setText(escape(tunnel_label(self.settings)))
        s = self.status
        self.deep_poll.setText(deep_pass_text(s, self.reader, time.time()))
        self.budget.setText(
            s.budget.text if s.budget is not None else "none set (Settings > Requests per hour)"
        )
        self.webhook_topics.setText(
            topics_text(s.webhooks.refused_topics) if s.webhooks.enabled else "—"
        )

    def _refresh_charts(self) -> None:
        db = self.reader.db
        if db is None:
            return
        now = time.time()
        self._charts_at = now
        bucket = 60
        runs = fetch_api_calls_over_time(db, since=int(now) - 3600, bucket=bucket)
        self.calls_chart.set_points(now, self.calls.merged(runs), bucket)
        offset = int(datetime.now().astimezone().utcoffset().total_seconds())  # type: ignore[union-attr]
        today = (int(now) + offset) // 86400 * 86400 - offset
        day_starts = [today - (DAYS - 1 - n) * 86400 for n in range(DAYS)]
        counts = dict(fetch_orders_per_day(db, since=day_starts[0], utc_offset=offset))
        self.orders_chart.set_days(day_starts, counts)
        self.shop_health.refresh(now)
        self.usage.setText(usage_text(fetch_api_usage_by_day(db, 7)))
