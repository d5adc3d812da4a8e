"""`shopdesk stock set | import | push` and `shopdesk export stock`."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from app import processes
from app.commands.common import (
    DISK_FULL,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_TIKTOK,
    EXIT_USAGE,
    ProgressBar,
    UsageError,
)
from app.config import Paths, Settings, load_settings
from app.ops.export import export_stock
from app.ops.stock import (
    PushResult,
    StockEdit,
    StockFileError,
    apply_stock_file,
    plan_stock_file,
    push_pending,
    set_stock,
)
from app.ops.sync import ShopSession, open_session, open_writable, sync_catalog
from app.queries.stock import (
    SkuRef,
    StockRow,
    fetch_sku,
    fetch_skus_by_code,
    fetch_stock_rows,
    stock_defaults,
)
from app.queries.writes import STOCK, fetch_in_flight
from app.secrets import SecretStore

T = TypeVar("T")
WAIT_FOR_OTHERS = 120.0


def run(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Dispatch `shopdesk stock ACTION`."""
    settings = load_settings(p)
    store = secrets or SecretStore()
    if args.stock_command == "set":
        return run_set(args, p, settings, store)
    if args.stock_command == "import":
        return run_import(args, p, settings, store)
    return run_push(args, p, settings, store)


def _with_session(
    p: Paths, settings: Settings, secrets: SecretStore, work: Callable[[ShopSession], Awaitable[T]]
) -> T:
    async def go() -> T:
        session = open_session(p, settings, secrets)
        try:
            return await work(session)
        finally:
            await session.aclose()

    return asyncio.run(go())


def _sync_catalogue(p: Paths, settings: Settings, secrets: SecretStore) -> None:
    """Read products changed since the last sync, so new SKUs can be named."""
    _with_session(p, settings, secrets, lambda s: sync_catalog(s))


def _find(db: sqlite_utils.Database, code: str) -> list[SkuRef]:
    found = fetch_skus_by_code(db).get(code, [])
    if not found:
        ref = fetch_sku(db, code)
        found = [ref] if ref is not None and not ref.removed else []
    return found


def _describe(row: StockRow) -> str:
    return (
        f"{row.seller_sku or row.sku_id}: on hand {row.on_hand}, committed {row.committed}, "
        f"available {row.available}, buffer {row.buffer}; TikTok should list {row.target} "
        f"(lists {row.tiktok_quantity})"
    )


def run_set(args: argparse.Namespace, p: Paths, settings: Settings, secrets: SecretStore) -> int:
    """Set one SKU's count through the ledger and queue its push."""
    for name in ("on_hand", "buffer", "low_stock"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UsageError(f"{name.replace('_', ' ')} cannot be negative")
    db = open_writable(p.ensure().database)
    try:
        found = _find(db, args.seller_sku)
        if not found:
            db.close()
            _sync_catalogue(p, settings, secrets)
            db = open_writable(p.database)
            found = _find(db, args.seller_sku)
        if not found:
            raise UsageError(f"unknown seller SKU {args.seller_sku!r}")
        if len(found) > 1:
            ids = ", ".join(r.sku_id for r in found)
            raise UsageError(
                f"seller SKU {args.seller_sku!r} names several SKUs ({ids}); give the SKU id"
            )
        sku_id = found[0].sku_id
        set_stock(
            db,
            sku_id=sku_id,
            on_hand=args.on_hand,
            buffer=args.buffer,
            low_stock=args.low_stock,
            now=int(time.time()),
            source="cli",
        )
        row = fetch_stock_rows(db, stock_defaults(settings), sku_ids=[sku_id])[0]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    print(_describe(row))
    print("Queued for TikTok Shop; `shopdesk stock push` sends it now.", file=sys.stderr)
    return EXIT_OK


def run_import(args: argparse.Namespace, p: Paths, settings: Settings, secrets: SecretStore) -> int:
    """Check every row, then apply all of them in one transaction, or none."""
    path = Path(args.file)
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a CSV file")
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    db = open_writable(p.ensure().database)
    try:
        try:
            edits = _plan_file(db, path)
        except StockFileError as exc:
            if not any("unknown seller SKU" in problem for problem in exc.problems):
                raise
            db.close()
            _sync_catalogue(p, settings, secrets)  # new products may have appeared
            db = open_writable(p.database)
            edits = _plan_file(db, path)
        done = apply_stock_file(db, edits=edits, now=int(time.time()), source=f"csv:{path.name}")
        count = done.value or 0
    except StockFileError as exc:
        print(f"shopdesk: {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close()
    print(f"Set {count} SKUs from {path}; queued for TikTok Shop (`shopdesk stock push`).")
    return EXIT_OK


def _plan_file(db: sqlite_utils.Database, path: Path) -> list[StockEdit]:
    """Check the file row by row as it is read (a huge file is never held in memory)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return plan_stock_file(db, handle)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text (save it as CSV UTF-8)") from None
    except csv.Error as exc:
        raise UsageError(f"{path}: not a CSV file ({exc})") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise
        raise UsageError(f"{path}: {exc.strerror}") from None


def run_push(args: argparse.Namespace, p: Paths, settings: Settings, secrets: SecretStore) -> int:
    """Refresh products, pull orders, push every queued edit; exit 4 when a SKU failed."""
    bar = ProgressBar("Pushing stock")

    async def work(session: ShopSession) -> tuple[PushResult, list[int]]:
        bar.update(None, "products")
        await sync_catalog(session)
        bar.update(None, "orders and stock")
        result = await push_pending(session)
        deadline = time.monotonic() + WAIT_FOR_OTHERS
        while (busy := _pushed_elsewhere(session)) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)  # another Shopdesk is pushing; if it dies we adopt them
            more = await push_pending(session)
            result.pushed += more.pushed
            result.failed += more.failed
        return result, busy

    result, busy = _with_session(p, settings, secrets, work)
    bar.finish(f"{len(result.pushed)} SKUs")
    if args.json:
        print(json.dumps({**result.to_dict(), "in_progress": len(busy)}))
    elif busy:
        print(
            f"{len(busy)} SKUs are still being pushed by another Shopdesk (process "
            f"{', '.join(str(b) for b in sorted(set(busy)))}); `shopdesk status` shows when "
            "they land."
        )
    elif not result.pushed and not result.failed:
        print("Nothing to push: TikTok Shop already has every edit.")
    else:
        print(
            f"Pushed {len(result.pushed)} SKUs of {result.products} products in "
            f"{result.update_calls} update calls ({result.seconds} s)."
        )
        if result.requeued:
            print(f"{result.requeued} SKUs sold during the push and wait for the next one.")
    for failure in result.failed:
        print(
            f"shopdesk: {failure.seller_sku or failure.sku_id} not updated: {failure.message}",
            file=sys.stderr,
        )
    if result.failed:
        return EXIT_TIKTOK
    return EXIT_OTHER if busy else EXIT_OK


def _pushed_elsewhere(session: ShopSession) -> list[int]:
    """The pids of live processes that hold stock pushes in flight."""
    me = processes.current()
    return [
        c.claimer.pid
        for c in fetch_in_flight(session.db, [STOCK])
        if c.claimer != me and c.claimer.running()
    ]


def run_export_stock(out: Path, p: Paths) -> int:
    """One row per SKU (UTF-8, spreadsheet-safe quoting)."""
    count = export_stock(paths=p, out=out)
    print(f"Wrote {count} SKUs to {out}", file=sys.stderr)
    return EXIT_OK
