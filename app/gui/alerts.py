"""What the engine and the reader report, turned into notices worth interrupting for."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from app.changes import Changes, Kind
from app.gui import formatting as fmt
from app.gui import notice as tabs
from app.gui.bridge import EngineBridge
from app.gui.cancellations_model import URGENT_SECONDS, short_span
from app.gui.deadline_alerts import deadline_notice
from app.gui.inventory_tab import warnings_notice
from app.gui.notice import Notice
from app.gui.notifications import REPEAT_SECONDS, Notifier
from app.gui.reader import Reader
from app.ops.engine import TRACKING_WARNING, EngineStatus
from app.ops.engine import Notice as EngineNotice
from app.queries.orders import fetch_order_detail
from app.queries.shop import fetch_current_shop
from app.queries.stock import StockWarning
from app.queries.writes import fetch_open_requests, fetch_request_answers
from app.tiktok.models.auth import authorization_unlimited

#: New-order notices are for orders placed while the window is open (this much slack):
#: what came in while Shopdesk was closed shows in the queues, not as a burst of notices.
NEW_ORDER_SLACK_SECONDS = 120
#: Warn about the authorization this long before it ends, and check this often.
AUTH_WARN_DAYS = 14
AUTH_CHECK_MS = 10 * 60 * 1000
DEADLINE_CHECK_MS = 60 * 1000


class Alerts(QObject):
    """New orders, stock warnings, sync failures, authorization ending or lost -> Notifier."""

    def __init__(
        self,
        bridge: EngineBridge,
        reader: Reader,
        notifier: Notifier,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader, self.notifier = reader, notifier
        self.opened_at = time.time()
        notifier.describe_order = self.describe_order
        bridge.errorRaised.connect(self.sync_failed)
        bridge.authLost.connect(self.authorization_lost)
        bridge.notice.connect(self.engine_notice)
        bridge.stockWarnings.connect(self.stock_warnings)
        bridge.statusChanged.connect(self.status_changed)
        reader.changed.connect(self.changes_seen)
        #: Requests already announced as close to their deadline (each is told once).
        self.told_requests: set[str] = set()
        self._auth_timer = QTimer(self, interval=AUTH_CHECK_MS)
        self._auth_timer.timeout.connect(self.check_authorization)
        self._auth_timer.start()
        # Deadlines come closer with time, not with writes: look again every minute.
        self._deadline_timer = QTimer(self, interval=DEADLINE_CHECK_MS)
        self._deadline_timer.timeout.connect(self.check_cancellations)
        self._deadline_timer.start()

    def changes_seen(self, changes: Changes) -> None:
        """New orders are news; a moved request may now be close to its deadline."""
        if changes.orders_created:
            self.orders_seen(list(changes.orders_created.items()))
        if changes.touches({Kind.CANCELLATIONS, Kind.OUTBOX}):
            self.check_cancellations()

    def orders_seen(self, new: list[tuple[str, int]]) -> None:
        """Orders stored for the first time: only those placed while the window is open are
        news (an import of last month is not)."""
        since = self.opened_at - NEW_ORDER_SLACK_SECONDS
        self.notifier.new_orders([(i, t) for i, t in new if t >= since])

    def sync_failed(self, kind: str, message: str) -> None:
        """A failure the engine reported; the same one stays quiet for a while."""
        self.notifier.notify(
            Notice("Sync problem", message, "sync", tabs.ERRORS, kind, "error"),
            once_per=REPEAT_SECONDS,
        )

    def status_changed(self, status: EngineStatus) -> None:
        """A poll that works again re-arms the poll-failure notice."""
        if status.last_poll_ok:
            self.notifier.forget("sync", "poll")

    def authorization_lost(self, reason: str) -> None:
        """TikTok refused the shop's tokens: only a reconnect helps."""
        self.notifier.notify(
            Notice(
                "Reconnect your shop",
                f"TikTok Shop stopped accepting Shopdesk: {reason}",
                "authorization",
                tabs.HEALTH,
                "lost",
                "error",
            ),
            once_per=REPEAT_SECONDS,
        )

    def engine_notice(self, item: EngineNotice) -> None:
        """Deauthorized, TikTok's own warning that the authorization ends soon, or a shipment
        TikTok took with a warning about its tracking number."""
        deadline = deadline_notice(item)
        if deadline is not None:
            self.notifier.notify(deadline)
            return
        if item.kind == TRACKING_WARNING:
            self.notifier.notify(
                Notice(
                    "Check the tracking number",
                    item.message,
                    "sync",
                    tabs.ORDERS,
                    item.ref,
                    "warning",
                )
            )
            return
        level = "error" if item.kind == "deauthorized" else "warning"
        notice = Notice(
            "Shop authorization", item.message, "authorization", tabs.HEALTH, item.kind, level
        )
        self.notifier.notify(notice, once_per=REPEAT_SECONDS)

    def stock_warnings(self, warnings: list[StockWarning]) -> None:
        """SKUs that just became oversold or at risk (the engine tells each one once)."""
        notice = warnings_notice(warnings)
        if notice is not None:
            self.notifier.notify(notice)

    def check_authorization(self) -> None:
        """Our own countdown: a warning in the last days, once a day."""
        db = self.reader.db
        shop = None if db is None else fetch_current_shop(db)
        if shop is None or not shop.refresh_expires:
            return
        if authorization_unlimited(shop.refresh_expires, time.time()):
            return  # "Unlimited": nothing ends, nothing to warn about
        left = shop.refresh_expires - time.time()
        if left < AUTH_WARN_DAYS * 86400:
            self.notifier.notify(
                Notice(
                    "Authorization ends soon",
                    f"{shop.name}: Shopdesk can sync for {fmt.countdown(left)} more. "
                    "Reconnect to keep it going.",
                    "authorization",
                    tabs.HEALTH,
                    "expiring",
                    "warning",
                ),
                once_per=86400,
            )

    def check_cancellations(self, now: float | None = None) -> list[str]:
        """Buyers' requests entering their last hours unanswered: one notice for all of them.

        Unanswered, TikTok Shop accepts the request at its deadline (the order is cancelled
        and refunded), so this is worth an interruption; each request is announced once.
        """
        db = self.reader.db
        if db is None or "cancellations" not in db.table_names():
            return []
        now = time.time() if now is None else now
        rows = fetch_open_requests(db)
        answers = fetch_request_answers(db, [str(r["cancel_id"]) for r in rows])
        due = [
            r
            for r in rows
            if r["deadline"]
            and 0 < r["deadline"] - now <= URGENT_SECONDS
            and str(r["cancel_id"]) not in self.told_requests
            and _unanswered(answers.get(str(r["cancel_id"])))
        ]
        if not due:
            return []
        self.told_requests.update(str(r["cancel_id"]) for r in due)
        first = due[0]  # soonest deadline first
        soonest = "The soonest, order" if len(due) > 1 else "Order"
        self.notifier.notify(
            Notice(
                f"{fmt.count(len(due), 'cancellation request')} to answer soon",
                f"{soonest} {first['order_id']}: answer within "
                f"{short_span(first['deadline'] - now)}, or TikTok Shop accepts it for you.",
                "cancellations",
                tabs.CANCELLATIONS,
                str(first["cancel_id"]),
                "warning",
            )
        )
        return [str(r["cancel_id"]) for r in due]

    def describe_order(self, order_id: str) -> str:
        """`Candle, Mug · $31.16`: the newest order of a batch, in a few words."""
        db = self.reader.db
        order = None if db is None else fetch_order_detail(db, order_id)
        if order is None:
            return ""
        names = dict.fromkeys(i.product_name for i in order.line_items if i.product_name)
        total = fmt.money(order.total_amount, order.currency)
        return " · ".join(x for x in (", ".join(names), total) if x)


def _unanswered(answer: dict[str, object] | None) -> bool:
    """No answer of ours is on its way (none, refused, or dropped)."""
    if answer is None:
        return True
    return answer["state"] == "dropped" or (
        answer["state"] == "failed" and answer["next_retry_at"] is None
    )
