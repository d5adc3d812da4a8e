"""`shopdesk import`, `shopdesk sync` and `shopdesk export orders`."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.changes import Changes
from app.commands.backup import daily_backup
from app.commands.common import (
    EXIT_OK,
    EXIT_TIKTOK,
    NotConnected,
    ProgressBar,
    UsageError,
    check_out_file,
    iso,
)
from app.config import Paths, Settings, load_settings
from app.instance import EngineLock
from app.ops.engine import EngineCallbacks, EngineStatus, Notice, WebhookOptions, engine_class
from app.ops.export import write_orders_csv
from app.ops.imports import (
    ImportCancelled,
    ImportProgress,
    OrderImporter,
    Outlet,
    default_range,
    resume_notice,
)
from app.ops.shipping import Fulfiller
from app.ops.stock import push_pending
from app.ops.sync import open_session, poll_once, read_money, sync_catalog
from app.queries.db import open_readonly
from app.relay.receiver import WEBHOOK_PATH
from app.secrets import SecretStore


def sync_settings(args: argparse.Namespace, p: Paths) -> Settings:
    """Settings for this run: `--max-per-hour` overrides the saved budget."""
    settings = load_settings(p)
    limit = getattr(args, "max_per_hour", None)
    if limit is not None:
        if limit < 1:
            raise UsageError("--max-per-hour must be at least 1")
        settings.max_requests_per_hour = limit
    return settings


def webhook_options(args: argparse.Namespace, settings: Settings) -> WebhookOptions:
    """Settings, overridden by `shopdesk sync` flags."""
    options = WebhookOptions.from_settings(settings)
    if args.listen:
        host, _, port = args.listen.rpartition(":")
        if not port.isdigit() or not host:
            raise UsageError(f"--listen wants HOST:PORT, not {args.listen!r}")
        options = replace(options, host=host, port=int(port))
    if args.no_webhooks:
        return replace(options, mode="none")
    if args.public_url:
        return replace(options, mode="url", public_url=args.public_url)
    if args.tunnel_command:
        return replace(options, mode="command", command=args.tunnel_command)
    return options


def import_range(args: argparse.Namespace, now: float) -> tuple[int, int]:
    """The [start, end) the user asked for."""
    if args.since:
        try:
            day = datetime.strptime(args.since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise UsageError(f"--since wants a date like 2026-11-01, not {args.since!r}") from None
        start = int(day.timestamp())
        if start >= now:
            raise UsageError("--since is in the future")
        return start, int(now) + 1
    days = 30 if args.days is None else args.days
    if days <= 0:
        raise UsageError("--days must be a positive number")
    return default_range(now, days)


def run_import(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Import orders with a progress bar; resumes an import a crash interrupted."""
    start, end = import_range(args, time.time())
    settings = load_settings(p)
    bar = ProgressBar("Importing orders")
    announced: set[int] = set()

    def progress(step: ImportProgress) -> None:
        if step.resumed and step.job_id not in announced:
            announced.add(step.job_id)
            bar.clear()
            print(resume_notice((step.range_start, step.range_end)), file=sys.stderr)
        estimate = f"/{step.estimate}" if step.estimate else ""
        bar.update(
            step.fraction,
            f"{step.fetched}{estimate} orders, {step.pages} pages, window {step.window}/"
            f"{step.windows}",
        )

    async def go() -> dict[str, object]:
        session = open_session(p, settings, secrets or SecretStore())
        importer = OrderImporter(session, outlet=Outlet(progress=progress))
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, importer.cancel)
        try:
            result = await importer.run(start, end)
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            await session.aclose()
        return asdict(result)

    try:
        result = asyncio.run(go())
    except ImportCancelled:
        bar.finish("cancelled")
        print("Import cancelled; what was read is saved. Run it again to finish.", file=sys.stderr)
        return 130
    bar.finish(f"{result['fetched']} orders")
    if args.json:
        keys = (
            "fetched",
            "created",
            "updated",
            "unchanged",
            "pages",
            "api_calls",
            "throttled",
            "seconds",
        )
        print(json.dumps({k: result[k] for k in keys}))
    else:
        print(
            f"Imported {result['fetched']} orders: {result['created']} new, {result['updated']} "
            f"updated, {result['unchanged']} unchanged ({result['pages']} pages, "
            f"{result['api_calls']} API calls, {result['seconds']} s)."
        )
    return EXIT_OK


def run_sync(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Poll once, or keep the engine running until Ctrl+C."""
    settings = sync_settings(args, p)
    store = secrets or SecretStore()
    if args.once:
        return _sync_once(args, p, settings, store)
    return _sync_forever(args, p, store)


def _sync_once(args: argparse.Namespace, p: Paths, settings: Settings, secrets: SecretStore) -> int:
    """One pass of everything the engine does: orders, the catalogue, queued pushes and writes.

    Exits 4 when TikTok refused a stock push, a shipment or an answer (each is named).
    """

    async def once() -> dict[str, Any]:
        session = open_session(p, settings, secrets)
        try:
            polled = await poll_once(session)
            catalog = await sync_catalog(session)
            pushed = await push_pending(session)
            writes = await Fulfiller(session).push_writes()
            money = await read_money(session)
        finally:
            await session.aclose()
        return {
            "fetched": polled.fetched,
            "created": len(polled.created),
            "updated": len(polled.updated),
            "pages": polled.pages,
            "cursor": iso(polled.cursor),
            "api_calls": polled.api_calls,
            "throttled": polled.throttled,
            "seconds": polled.seconds,
            "products": catalog.products,
            "stock_pushed": len(pushed.pushed),
            "stock_failed": [f.seller_sku or f.sku_id for f in pushed.failed],
            "writes_sent": sum(1 for o in writes.outcomes if o.ok),
            "writes_failed": [f"{o.kind} {o.ref}: {o.message}" for o in writes.failed],
            "statements": money.statements,
            "money_calls": money.api_calls,
        }

    summary = asyncio.run(once())
    daily_backup(p, settings)
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"Synced: {summary['fetched']} orders read, {summary['created']} new, "
            f"{summary['updated']} updated; cursor at {summary['cursor']}. "
            f"{summary['products']} products read; {summary['stock_pushed']} SKUs pushed; "
            f"{summary['writes_sent']} shipments and answers sent."
        )
    for sku in summary["stock_failed"]:
        print(f"shopdesk: stock of {sku} was not updated (see `shopdesk status`)", file=sys.stderr)
    for failure in summary["writes_failed"]:
        print(f"shopdesk: not sent: {failure}", file=sys.stderr)
    failed = summary["stock_failed"] or summary["writes_failed"]
    return EXIT_TIKTOK if failed else EXIT_OK


def _sync_forever(args: argparse.Namespace, p: Paths, secrets: SecretStore) -> int:
    stop = threading.Event()

    def changed(changes: Changes) -> None:
        ids = changes.orders
        if not ids:
            return
        line = {"changed": len(ids), "at": iso(time.time())}
        print(
            json.dumps(line) if args.json else f"{line['at']}  {len(ids)} orders changed",
            flush=True,
        )

    def notice(item: Notice) -> None:
        print(f"shopdesk: {item.message}", file=sys.stderr, flush=True)

    live: list[str | None] = [None]  # the address pushes arrive at, while they do

    def status(snapshot: EngineStatus) -> None:
        hooks = snapshot.webhooks
        address = hooks.subscribed_url if hooks.healthy else None
        if address != live[0]:
            if address is not None:
                where = address.rstrip("/") + WEBHOOK_PATH
                print(f"Webhooks live: TikTok Shop pushes to {where}", file=sys.stderr)
            elif live[0] is not None:
                why = hooks.tunnel.last_error if hooks.tunnel and hooks.tunnel.last_error else ""
                print(
                    f"Webhooks not reaching Shopdesk{': ' + why if why else ''}; "
                    "polling catches up meanwhile.",
                    file=sys.stderr,
                )
            live[0] = address
        if snapshot.reconnect_reason and not snapshot.connected:
            print(f"shopdesk: reconnect needed: {snapshot.reconnect_reason}", file=sys.stderr)
            stop.set()

    settings = sync_settings(args, p)
    lock = EngineLock(p.root, "sync").acquire()  # one engine per data folder
    engine = engine_class()(
        p,
        settings,
        secrets,
        callbacks=EngineCallbacks(on_changes=changed, on_status=status, on_notice=notice),
        webhooks=webhook_options(args, settings),
    )
    try:
        engine.start()
    except BaseException:
        lock.release()
        raise
    budget = settings.max_requests_per_hour
    within = f", within {budget:,} requests an hour" if budget else ""
    print(
        f"Syncing every {engine.settings.poll_interval_seconds:g} s{within}; Ctrl+C stops.",
        file=sys.stderr,
    )
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()
        lock.release()
    return 3 if engine.status.reconnect_reason and not engine.status.connected else EXIT_OK


def run_export(args: argparse.Namespace, p: Paths) -> int:
    """Write orders (or stock) as CSV (UTF-8, spreadsheet-safe quoting and ids)."""
    out = Path(args.out)
    if args.what == "stock":
        from app.commands.stock import run_export_stock

        return run_export_stock(out, p)
    if args.what == "profit":
        from app.commands.money import run_export_profit

        return run_export_profit(out, p)
    if not p.database.exists():
        raise NotConnected("nothing to export yet: connect and import first")
    check_out_file(out)
    db = open_readonly(p.database)
    try:
        count = write_orders_csv(db, out)
    finally:
        db.close()
    print(
        f"Wrote {count} orders to {out} (order ids start with ' so spreadsheets keep all "
        "19 digits)",
        file=sys.stderr,
    )
    return EXIT_OK
