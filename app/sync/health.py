"""Each background service's own state, and the worst of them, for Health and the status bar.

Polling and webhooks report through the engine's status; the catalogue, the pushes to TikTok
(stock, shipments, answers) and the inbox through SQLite (their queues and open errors), so a
failure is seen whichever process met it. Each service is one `ServiceHealth`: a level for
colour and ranking, a state word, a one-line summary and label/value rows for its Health box
(later features add their rows to the service they belong to).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from app.store.activity import fetch_last_success
from app.store.queues import (
    QueueState,
    fetch_inbox_state,
    fetch_open_error_kinds,
    fetch_outbox_state,
)
from app.sync.engine_status import EngineStatus

Level = Literal["off", "ok", "busy", "warning", "error"]
#: Worse levels rank higher; "off" (polling only, say) is a choice, not a problem.
RANK: dict[Level, int] = {"off": 0, "ok": 0, "busy": 1, "warning": 2, "error": 3}
SERVICES = ("polling", "catalogue", "pushes", "inbox", "webhooks")
TITLES = {
    "polling": "Polling",
    "catalogue": "Catalogue",
    "pushes": "Sending to TikTok",
    "inbox": "Webhook inbox",
    "webhooks": "Webhooks",
}
#: Error kinds (errors table) that belong to each SQLite-backed service.
ERROR_KINDS = {
    "polling": ("poll",),
    "catalogue": ("catalog",),
    "pushes": (
        "stock_push",
        "ship",
        "shipping_info",
        "cancel_approve",
        "cancel_reject",
        "seller_cancel",
    ),
    "webhooks": ("webhook_subscription", "webhooks"),
}
#: A row waiting longer than this to be sent or applied is worth a warning.
STUCK_SECONDS = 120


@dataclass(frozen=True)
class ServiceHealth:
    """How one service is doing, in words a creator reads at a glance."""

    key: str
    level: Level
    state: str
    summary: str
    rows: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """The service's name on screen."""
        return TITLES.get(self.key, self.key)


def ago(ts: float | None, now: float) -> str:
    """`12 s ago`, `4 min ago`, `3 h ago`, `2 days ago`, or `never`."""
    if ts is None:
        return "never"
    seconds = max(0, int(now - ts))
    for size, unit in ((86400, "days"), (3600, "h"), (60, "min")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {'day' if unit == 'days' and count == 1 else unit} ago"
    return f"{seconds} s ago"


def wait(seconds: float) -> str:
    """`in 40 s`, `in 3 min`."""
    left = max(1, int(seconds))
    return f"in {left} s" if left < 120 else f"in {left // 60} min"


def polling(status: EngineStatus, errors: dict[str, tuple[int, str]], now: float) -> ServiceHealth:
    """The poll that catches every change, webhooks or not."""
    interval = status.poll_interval
    rows = [
        ("Last poll", ago(status.last_poll_at, now)),
        ("Next poll", wait(status.next_poll_at - now) if status.next_poll_at else "soon"),
        ("API calls", f"{status.api_calls:,} this session, {status.throttled:,} throttled"),
    ]
    if not status.running:
        return ServiceHealth("polling", "off", "Stopped", "The sync engine is not running.")
    if not status.connected:
        reason = status.reconnect_reason or "no shop is connected"
        return ServiceHealth("polling", "error", "Reconnect needed", reason, tuple(rows))
    if status.last_poll_ok is False:
        failed = f"{status.consecutive_failures} failed in a row"
        rows.insert(2, ("Last error", status.last_error or "unknown"))
        summary = f"{failed}: {status.last_error}" if status.last_error else failed
        return ServiceHealth("polling", "error", "Failing", summary, tuple(rows))
    if status.last_poll_at is None:
        return ServiceHealth("polling", "busy", "Starting", "The first poll is on its way.")
    open_error = _open(errors, "polling")
    if open_error:
        return ServiceHealth("polling", "error", "Failing", open_error, tuple(rows))
    every = f"every {interval:g} s" if interval else "on a schedule"
    return ServiceHealth(
        "polling", "ok", "Working", f"Asks TikTok Shop for changes {every}", tuple(rows)
    )


def catalogue(
    db: sqlite_utils.Database, errors: dict[str, tuple[int, str]], now: float
) -> ServiceHealth:
    """Products and TikTok's stock figures, read every few minutes."""
    last = fetch_last_success(db, "catalog")
    rows = (("Last read", ago(last, now)),)
    problem = _open(errors, "catalogue")
    if problem:
        return ServiceHealth("catalogue", "error", "Failing", problem, rows)
    if last is None:
        return ServiceHealth("catalogue", "busy", "Not read yet", "Products are read soon.", rows)
    return ServiceHealth(
        "catalogue", "ok", "Working", "Products and TikTok's counts are read", rows
    )


def pushes(
    db: sqlite_utils.Database, errors: dict[str, tuple[int, str]], now: float
) -> ServiceHealth:
    """Stock pushes, shipments and answers on their way to TikTok Shop (the outbox)."""
    queue = fetch_outbox_state(db)
    rows = _queue_rows(queue, now, waiting="Waiting to send")
    if queue.given_up:
        summary = f"{queue.given_up} refused by TikTok Shop: see the Sync queue"
        return ServiceHealth("pushes", "error", "Needs you", _with(summary, queue), rows)
    if queue.retrying:
        summary = f"{queue.retrying} failed, retried {_next(queue, now)}"
        return ServiceHealth("pushes", "error", "Failing", _with(summary, queue), rows)
    problem = _open(errors, "pushes")
    if problem:
        return ServiceHealth("pushes", "error", "Failing", problem, rows)
    return _waiting("pushes", queue, now, rows, what="to send", idle="Nothing waiting")


def inbox(db: sqlite_utils.Database, now: float) -> ServiceHealth:
    """Webhooks received and not yet applied (their order details are fetched first)."""
    queue = fetch_inbox_state(db)
    rows = _queue_rows(queue, now, waiting="Waiting")
    if queue.failed:
        summary = f"{queue.failed} failed to apply, retried {_next(queue, now)}"
        return ServiceHealth("inbox", "error", "Failing", _with(summary, queue), rows)
    return _waiting("inbox", queue, now, rows, what="to apply", idle="Nothing waiting")


def webhooks(status: EngineStatus, errors: dict[str, tuple[int, str]], now: float) -> ServiceHealth:
    """Whether TikTok's pushes reach this computer (through the tunnel)."""
    hooks = status.webhooks
    if not hooks.enabled:
        return ServiceHealth("webhooks", "off", "Off", "Polling only (no webhooks).")
    tunnel = hooks.tunnel
    address = hooks.subscribed_url or (tunnel.url if tunnel else None) or "—"
    n = hooks.per_minute
    rate = f" · {n} {'push' if n == 1 else 'pushes'} in the last minute" if n else ""
    rows = (
        ("Address", address),
        ("Last push", ago(hooks.last_delivery_at, now) + rate),
    )
    problem = _open(errors, "webhooks")
    if hooks.healthy:
        return ServiceHealth(
            "webhooks", "ok", "Live", "TikTok's changes arrive within seconds", rows
        )
    if hooks.not_reaching:
        return ServiceHealth("webhooks", "error", "Not reaching Shopdesk", hooks.not_reaching, rows)
    if tunnel is not None and tunnel.state == "down":
        why = tunnel.last_error or problem or "the tunnel stopped"
        return ServiceHealth("webhooks", "error", "Tunnel down", why, rows)
    if problem:
        return ServiceHealth("webhooks", "error", "Failing", problem, rows)
    waiting = "the tunnel is starting" if tunnel is None or tunnel.state != "up" else "checking"
    return ServiceHealth("webhooks", "busy", "Not yet", f"Not live yet: {waiting}.", rows)


def service_health(
    status: EngineStatus, db: sqlite_utils.Database | None, now: float | None = None
) -> list[ServiceHealth]:
    """Every service's health, in the order Health shows them."""
    now = time.time() if now is None else now
    if db is None:
        return [polling(status, {}, now), webhooks(status, {}, now)]
    errors = fetch_open_error_kinds(db)
    return [
        polling(status, errors, now),
        catalogue(db, errors, now),
        pushes(db, errors, now),
        inbox(db, now),
        webhooks(status, errors, now),
    ]


def worst(services: list[ServiceHealth]) -> ServiceHealth | None:
    """The service in the worst state, when it is worth a warning (None when all is well)."""
    bad = [s for s in services if RANK[s.level] >= RANK["warning"]]
    return max(bad, key=lambda s: RANK[s.level]) if bad else None


# --- helpers -----------------------------------------------------------------------------------


def _open(errors: dict[str, tuple[int, str]], service: str) -> str:
    """The newest open error of the service's kinds, with a count when there are more."""
    found = [errors[k] for k in ERROR_KINDS.get(service, ()) if k in errors]
    if not found:
        return ""
    count = sum(n for n, _ in found)
    more = f" (+{count - 1} more)" if count > 1 else ""
    return f"{found[0][1]}{more}"


def _next(queue: QueueState, now: float) -> str:
    return wait(queue.next_retry_at - now) if queue.next_retry_at else "when you retry"


def _with(summary: str, queue: QueueState) -> str:
    return f"{summary} (last error: {queue.last_error})" if queue.last_error else summary


def _queue_rows(queue: QueueState, now: float, *, waiting: str) -> tuple[tuple[str, str], ...]:
    oldest = f", oldest {ago(queue.oldest_waiting_at, now)}" if queue.oldest_waiting_at else ""
    rows = [(waiting, f"{queue.waiting}{oldest}"), ("Failed", str(queue.failed))]
    if queue.last_error:
        rows.append(("Last error", queue.last_error))
    return tuple(rows)


def _waiting(
    key: str,
    queue: QueueState,
    now: float,
    rows: tuple[tuple[str, str], ...],
    *,
    what: str,
    idle: str,
) -> ServiceHealth:
    if not queue.waiting:
        return ServiceHealth(key, "ok", "Working", idle, rows)
    age = now - (queue.oldest_waiting_at or now)
    summary = f"{queue.waiting} {what}"
    if age > STUCK_SECONDS:
        span = ago(now - age, now).removesuffix(" ago")
        return ServiceHealth(key, "warning", "Slow", f"{summary}, the oldest for {span}", rows)
    return ServiceHealth(key, "busy", "Working", summary, rows)
