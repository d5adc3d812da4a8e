"""`shopdesk status`: where things stand, read from SQLite only (no network, no keyring)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.commands import deadlines
from app.commands.common import EXIT_NOT_CONNECTED, EXIT_OK, iso
from app.config import Paths, SettingsError, load_settings
from app.queries.activity import fetch_last_run, fetch_last_success, fetch_open_errors
from app.queries.db import open_readonly
from app.queries.health import DEEP_WINDOW_SECONDS, DeepPassInfo, fetch_deep_pass
from app.queries.inbox import InboxItem, fetch_inbox, fetch_inbox_counts, fetch_last_received
from app.queries.labels import fetch_label_counts
from app.queries.orders import fetch_counts_by_status
from app.queries.returns import fetch_pending_summary, fetch_returns
from app.queries.shop import ShopRecord, describe_skew, fetch_clock_skew, fetch_current_shop
from app.queries.stock import StockDefaults, fetch_stock_counts, stock_defaults
from app.queries.writes import fetch_outbox_counts
from app.tiktok.models.auth import NO_EXPIRY, authorization_unlimited


def _defaults(p: Paths) -> tuple[StockDefaults, str | None]:
    """The settings' stock defaults; a damaged settings file must not hide the status."""
    try:
        return stock_defaults(load_settings(p)), None
    except SettingsError as exc:
        return StockDefaults(), str(exc)


def _empty_status(p: Paths) -> dict[str, Any]:
    """What status says before anything is read (no database yet)."""
    return {
        "connected": False,
        "shop": None,
        "reconnect_needed": False,
        "problem": None,
        "token_expires": None,
        "authorization_expires": None,
        "authorization_days_left": None,
        "authorization_unlimited": False,
        "orders": {"total": 0, "by_status": {}},
        "skus": 0,
        "oversold": 0,
        "low_stock": 0,
        "at_risk": 0,
        "outbox": {"pending": 0, "failed": 0},
        "inbox": {"pending": 0, "failed": 0, "last_received": None, "recent": []},
        "errors": 0,
        "last_sync": None,
        "last_poll": None,
        "deep_poll": {"last_at": None, "changed": 0, "window_seconds": DEEP_WINDOW_SECONDS},
        "last_run": None,
        "returns": {"pending": 0, "next_deadline": None, "overdue": 0},
        "clock_skew_seconds": None,
        "clock_warning": None,
        "data_dir": str(p.root),
        **deadlines.status_parts(None),
    }


@dataclass
class _Reads:
    """Everything status reads, in one short read-only visit."""

    shop: ShopRecord | None
    by_status: dict[str, int]
    errors: list[dict[str, Any]]
    last_poll: int | None
    last_import: int | None
    last_run: dict[str, Any] | None
    deep: DeepPassInfo
    settings_error: str | None
    stock: dict[str, int]
    queue: dict[str, int]
    pushes: dict[str, int]
    recent: list[InboxItem]
    last_received: int | None
    skew: int | None
    labels: dict[str, int]


def _read(db: sqlite_utils.Database, p: Paths) -> _Reads:
    defaults, settings_error = _defaults(p)
    has_stock, has_inbox = _has_stock(db), "inbox" in db.table_names()
    return _Reads(
        shop=fetch_current_shop(db),
        by_status=fetch_counts_by_status(db),
        errors=fetch_open_errors(db),
        last_poll=fetch_last_success(db, "poll"),
        last_import=fetch_last_success(db, "import"),
        last_run=fetch_last_run(db),
        deep=fetch_deep_pass(db),
        settings_error=settings_error,
        stock=fetch_stock_counts(db, defaults) if has_stock else {},
        queue=fetch_outbox_counts(db) if has_stock else {},
        pushes=fetch_inbox_counts(db) if has_inbox else {},
        recent=fetch_inbox(db, limit=10) if has_inbox else [],
        last_received=fetch_last_received(db) if has_inbox else None,
        skew=fetch_clock_skew(db),
        labels=fetch_label_counts(db) if "label_orders" in db.table_names() else {},
    )


def _error_rows(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": e["kind"],
            "message": e["message"],
            "action": e["action"],
            "attempts": e["attempts"],
            "last_at": iso(e["last_at"]),
        }
        for e in errors[:20]
    ]


def _inbox_part(r: _Reads) -> dict[str, Any]:
    return {
        "pending": r.pushes.get("pending", 0),
        "failed": r.pushes.get("failed", 0),
        "last_received": iso(r.last_received),
        "recent": [
            {
                "id": item.id,
                "type": item.type,
                "state": item.state,
                "attempts": item.attempts,
                "received_at": iso(item.received_at),
                "error": item.last_error or None,
                "note": item.note or None,
            }
            for item in r.recent
        ],
    }


def _last_run_part(last_run: dict[str, Any] | None) -> dict[str, Any] | None:
    if last_run is None:
        return None
    return {
        "kind": last_run["kind"],
        "state": last_run["state"],
        "started_at": iso(last_run["started_at"]),
        "error": last_run["error"] or None,
    }


def _store_part(r: _Reads) -> dict[str, Any]:
    """Orders, stock, queues, errors and runs, as the status object names them."""
    last_sync = max((t for t in (r.last_poll, r.last_import) if t is not None), default=None)
    return {
        "orders": {"total": sum(r.by_status.values()), "by_status": r.by_status},
        "errors": len(r.errors),
        "error_list": _error_rows(r.errors),
        "skus": r.stock.get("skus", 0),
        "oversold": r.stock.get("oversold", 0),
        "low_stock": r.stock.get("low_stock", 0),
        "at_risk": r.stock.get("at_risk", 0),
        "outbox": {
            "pending": r.queue.get("pending", 0) + r.queue.get("in_flight", 0),
            "failed": r.queue.get("failed", 0),
        },
        "inbox": _inbox_part(r),
        "labels": {k: r.labels.get(k, 0) for k in ("to_print", "stale", "refused")},
        "settings_error": r.settings_error,
        "clock_skew_seconds": r.skew,
        "clock_warning": describe_skew(r.skew),
        "last_sync": iso(last_sync),
        "last_poll": iso(r.last_poll),
        "deep_poll": {
            "last_at": iso(r.deep.last_at),
            "changed": r.deep.caught,
            "window_seconds": r.deep.window_seconds,
        },
        "last_run": _last_run_part(r.last_run),
    }


def _shop_part(shop: ShopRecord, now: float) -> dict[str, Any]:
    """The connection and its authorization's end."""
    unlimited = authorization_unlimited(shop.refresh_expires, now)
    return {
        "connected": not shop.needs_reconnect,
        "reconnect_needed": shop.needs_reconnect,
        "problem": shop.auth_problem or None,
        "shop": {"id": shop.id, "name": shop.name, "region": shop.region},
        "token_expires": iso(shop.access_expires),
        "authorization_expires": NO_EXPIRY if unlimited else iso(shop.refresh_expires),
        "authorization_unlimited": unlimited,
        "authorization_days_left": (
            None
            if shop.refresh_expires is None or unlimited
            else max(0, int((shop.refresh_expires - now) // 86400))
        ),
    }


def collect_status(p: Paths, now: float | None = None) -> dict[str, Any]:
    """The status object of DESIGN.md section 5 (as far as this version stores it)."""
    now = time.time() if now is None else now
    status = _empty_status(p)
    if not p.database.exists():
        return status
    db = open_readonly(p.database)
    try:
        reads = _read(db, p)
        status["returns"] = returns_status(db, now)
    finally:
        db.close()
    status.update(_store_part(reads))
    status.update(deadlines.status_parts(deadlines.read_report(p, int(now))))
    if reads.shop is not None:
        status.update(_shop_part(reads.shop, now))
    return status


def _has_stock(db: sqlite_utils.Database) -> bool:
    """False for a file no Shopdesk with stock has written yet (read-only: no migration ran)."""
    return "stock" in db.table_names()


def returns_status(db: sqlite_utils.Database, now: float) -> dict[str, Any]:
    """`status --json`'s `returns`: how many wait for an answer, and the soonest deadline."""
    if "returns" not in db.table_names():
        return {"pending": 0, "next_deadline": None, "overdue": 0}
    count, soonest = fetch_pending_summary(db)
    overdue = sum(1 for r in fetch_returns(db, pending=True) if r.deadline and r.deadline < now)
    return {"pending": count, "next_deadline": iso(soonest), "overdue": overdue}


def run(args: argparse.Namespace, p: Paths) -> int:
    """Print status; exit 3 when no shop is connected or it needs reconnecting."""
    status = collect_status(p)
    if args.json:
        print(json.dumps(status))
    else:
        print(render(status))
    return EXIT_OK if status["connected"] else EXIT_NOT_CONNECTED


def render(status: dict[str, Any]) -> str:
    """Status for a person."""
    if status["shop"] is None:
        return "No shop connected. Run `shopdesk connect --app-key KEY`."
    shop = status["shop"]
    state = "connected" if status["connected"] else "RECONNECT NEEDED"
    lines = [f"Shop:          {shop['name']} ({shop['id']}, {shop['region']}) - {state}"]
    if status.get("problem"):
        lines.append(f"Problem:       {status['problem']}")
    lines.append(f"Token expires: {status['token_expires']}")
    if status.get("authorization_unlimited"):
        lines.append(f"Authorization: {NO_EXPIRY} (the seller chose unlimited)")
    else:
        lines.append(
            f"Authorization: until {status['authorization_expires']} "
            f"({status['authorization_days_left']} days left)"
        )
    orders = status["orders"]
    queues = ", ".join(f"{k} {v}" for k, v in sorted(orders["by_status"].items()))
    lines.append(f"Orders:        {orders['total']}" + (f" ({queues})" if queues else ""))
    lines.append(
        f"Stock:         {status['skus']} SKUs, {status['oversold']} oversold, "
        f"{status['at_risk']} at risk, {status['low_stock']} low"
    )
    outbox = status["outbox"]
    lines.append(f"Stock pushes:  {outbox['pending']} pending, {outbox['failed']} failed")
    inbox = status["inbox"]
    lines.append(
        f"Webhooks:      {inbox['pending']} pending, {inbox['failed']} failed, last received "
        f"{inbox['last_received'] or 'never'}"
    )
    d = status["deadlines"]
    lines.append(
        f"Ship by:       {d['late']} late, {d['due_4h']} due in 4 h, {d['due_24h']} in 24 h"
    )
    lines.append(f"Last sync:     {status['last_sync'] or 'never'}")
    deep = status.get("deep_poll") or {}
    hours = int(deep.get("window_seconds", DEEP_WINDOW_SECONDS)) // 3600
    lines.append(
        f"Deep pass:     {deep.get('last_at') or 'not yet'} (re-reads the last {hours} h; "
        f"last one brought {deep.get('changed', 0)} change(s))"
    )
    lines.append(f"Errors:        {status['errors']}")
    if status.get("clock_warning"):
        lines.append(f"Clock:         {status['clock_warning']}")
    if status.get("settings_error"):
        lines.append(f"Settings:      {status['settings_error']}")
    for error in status.get("error_list", [])[:5]:
        lines.append(f"  - {error['message']} ({error['attempts']}x) -> {error['action']}")
    return "\n".join(lines)
