"""`shopdesk import`, `shopdesk sync` and `shopdesk export orders`."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import signal
import sys
import threading
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

from app.commands.common import EXIT_OK, ProgressBar, UsageError, iso
from app.config import Paths, Settings, load_settings
from app.secrets import SecretStore
from app.store.db import open_db
from app.store.orders import iter_orders_for_export
from app.sync.engine import EngineCallbacks, EngineStatus, SyncEngine, WebhookOptions
from app.sync.importer import ImportCancelled, ImportProgress, OrderImporter, default_range
from app.sync.inbox import Notice
from app.sync.poller import poll_once
from app.sync.session import open_session

EXPORT_ORDER_COLUMNS = (
    "id",
    "status",
    "order_type",
    "create_time",
    "update_time",
    "currency",
    "total_amount",
    "line_items",
    "flags",
    "buyer_name",
    "skus",
    "tracking_number",
)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk import`."""
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--since", help="import orders created on or after YYYY-MM-DD (UTC)")
    when.add_argument("--days", type=int, help="import the last N days (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk sync`."""
    parser.add_argument("--once", action="store_true", help="poll once and exit")
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook receiver listens (loopback only; default 127.0.0.1:8787)",
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--public-url", help="a tunnel or proxy you run that forwards to --listen")
    how.add_argument(
        "--tunnel-command",
        help="run this tunnel program ({port} is replaced); default: a cloudflared quick tunnel",
    )
    how.add_argument("--no-webhooks", action="store_true", help="polling only")
    parser.add_argument(
        "--max-per-hour",
        type=int,
        metavar="N",
        help="never send more than N requests an hour to the shop (development shops allow "
        "1,000); default: the setting, else no budget",
    )
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")


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

    def progress(step: ImportProgress) -> None:
        estimate = f"/{step.estimate}" if step.estimate else ""
        bar.update(
            step.fraction,
            f"{step.fetched}{estimate} orders, {step.pages} pages, window {step.window}/"
            f"{step.windows}",
        )

    async def go() -> dict[str, object]:
        session = open_session(p, settings, secrets or SecretStore())
        importer = OrderImporter(session, on_progress=progress)
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

        async def once() -> dict[str, object]:
            session = open_session(p, settings, store)
            try:
                result = await poll_once(session)
            finally:
                await session.aclose()
            return {
                "fetched": result.fetched,
                "created": len(result.created),
                "updated": len(result.updated),
                "pages": result.pages,
                "cursor": iso(result.cursor),
                "api_calls": result.api_calls,
                "throttled": result.throttled,
                "seconds": result.seconds,
            }

        summary = asyncio.run(once())
        if args.json:
            print(json.dumps(summary))
        else:
            print(
                f"Synced: {summary['fetched']} orders read, {summary['created']} new, "
                f"{summary['updated']} updated; cursor at {summary['cursor']}."
            )
        return EXIT_OK
    return _sync_forever(args, p, store)


def _sync_forever(args: argparse.Namespace, p: Paths, secrets: SecretStore) -> int:
    stop = threading.Event()

    def changed(ids: list[str]) -> None:
        line = {"changed": len(ids), "at": iso(time.time())}
        print(
            json.dumps(line) if args.json else f"{line['at']}  {len(ids)} orders changed",
            flush=True,
        )

    def notice(item: Notice) -> None:
        print(f"shopdesk: {item.message}", file=sys.stderr, flush=True)

    def status(snapshot: EngineStatus) -> None:
        if snapshot.reconnect_reason and not snapshot.connected:
            print(f"shopdesk: reconnect needed: {snapshot.reconnect_reason}", file=sys.stderr)
            stop.set()

    settings = sync_settings(args, p)
    engine = SyncEngine(
        p,
        settings,
        secrets,
        callbacks=EngineCallbacks(on_orders_changed=changed, on_status=status, on_notice=notice),
        webhooks=webhook_options(args, settings),
    )
    engine.start()
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
    return 3 if engine.status.reconnect_reason and not engine.status.connected else EXIT_OK


def run_export(args: argparse.Namespace, p: Paths) -> int:
    """Write orders (or stock) as CSV (UTF-8, spreadsheet-safe quoting)."""
    out = Path(args.out)
    if args.what == "stock":
        from app.commands.stock import run_export_stock

        return run_export_stock(out, p)
    if not p.database.exists():
        raise UsageError("nothing to export yet: connect and import first")
    db = open_db(p.database, readonly=True)
    count = 0
    try:
        tmp = out.with_name(out.name + ".part")
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_ORDER_COLUMNS)
            for row in iter_orders_for_export(db):
                writer.writerow(
                    [
                        row["id"],
                        row["status"],
                        row["order_type"],
                        iso(row["create_time"]),
                        iso(row["update_time"]),
                        row["currency"],
                        row["total_amount"] or "",
                        row["line_item_count"],
                        row["flags"],
                        row["buyer_name"],
                        row["sku_summary"],
                        row["tracking_number"],
                    ]
                )
                count += 1
        tmp.replace(out)
    finally:
        db.close()
    print(f"Wrote {count} orders to {out}", file=sys.stderr)
    return EXIT_OK
