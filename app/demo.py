"""`shopdesk --demo`: the desktop app on a live sandbox shop, in its own data folder."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from app.config import Paths, Settings, load_settings, paths, save_settings
from app.connect import ConnectFlow
from app.logs import setup_logging
from app.sandbox import SandboxConfig, SandboxInfo, running_sandbox
from app.secrets import SecretStore
from app.store.activity import process_alive
from app.store.stock import save_manual_stock
from app.store.stock_levels import fetch_stock_rows
from app.sync.catalog import sync_catalog
from app.sync.session import open_session

#: A shop that feels alive: a few hundred orders of history and a new one every ~10 seconds.
#: A US local seller on TikTok Shipping: an order gets its package when its label is bought.
DEMO_SANDBOX = SandboxConfig(
    seed=2026, orders=400, products=24, order_rate=6.0, region="US", seller_type="LOCAL"
)
#: The demo imports this much history by itself on start.
DEMO_IMPORT_DAYS = 60


def free_port() -> int:
    """A loopback port nobody listens on right now (for the demo's webhook receiver)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: Marks a demo folder as in use by a running demo (its process id).
DEMO_PIDFILE = "demo.pid"


def demo_paths(base: Paths) -> Paths:
    """The demo never touches the real shop's data: it lives in `<data>/demo`, fresh each run.

    A second demo while one runs gets `<data>/demo-2` (and so on): starting afresh must never
    delete the folder a running demo works in.
    """
    for n in range(1, 100):
        candidate = Paths(base.root / ("demo" if n == 1 else f"demo-{n}"))
        if not _in_use(candidate):
            return candidate
    raise RuntimeError("too many demos are running at once")


def _in_use(p: Paths) -> bool:
    """Another running demo claimed this folder."""
    try:
        pid = int((p.root / DEMO_PIDFILE).read_text().strip())
    except (OSError, ValueError):
        return False
    return pid != os.getpid() and process_alive(pid)


@contextmanager
def claimed(p: Paths) -> Iterator[Paths]:
    """Own a demo folder while the demo runs: a fresh folder, marked with this process."""
    shutil.rmtree(p.root, ignore_errors=True)
    p.ensure()
    pidfile = p.root / DEMO_PIDFILE
    pidfile.write_text(str(os.getpid()))
    try:
        yield p
    finally:
        pidfile.unlink(missing_ok=True)


@contextmanager
def demo_shop(
    p: Paths, config: SandboxConfig = DEMO_SANDBOX
) -> Iterator[tuple[SandboxInfo, SecretStore]]:
    """Start the sandbox and connect a fresh demo data folder to it, like a real shop."""
    with claimed(p), _demo_shop(p, config) as found:
        yield found


@contextmanager
def _demo_shop(p: Paths, config: SandboxConfig) -> Iterator[tuple[SandboxInfo, SecretStore]]:
    # Demo credentials are throwaway: they stay in memory, never in the OS keyring.
    secrets = SecretStore.in_memory()
    with running_sandbox(config) as info:
        # The sandbox runs on this machine, so its webhooks reach our receiver directly:
        # the "public address" is the receiver's own loopback address.
        port = free_port()
        settings = Settings(
            app_key=info.app_key,
            api_base=info.api_base,
            auth_base=info.auth_base,
            demo=True,
            poll_interval_seconds=5.0,
            tunnel_mode="url",
            public_url=f"http://127.0.0.1:{port}",
            listen_port=port,
        )
        save_settings(p, settings)

        async def connect() -> None:
            flow = ConnectFlow(settings, info.app_secret, secrets, p)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()
            session = open_session(p, settings, secrets)
            try:
                await sync_catalog(session)  # the Inventory tab has its SKUs from the start
                drift_counts(session.db)
            finally:
                await session.aclose()

        asyncio.run(connect())
        yield info, secrets


def drift_counts(db: sqlite_utils.Database) -> None:
    """Stock that drifted, the story Shopdesk exists for: the demo creator's shelf count of the
    two most-listed SKUs is below TikTok's, so they turn oversold as their orders come in."""
    rows = sorted(
        (r for r in fetch_stock_rows(db) if r.product_status == "ACTIVATE" and not r.removed),
        key=lambda r: (-r.tiktok_quantity, r.seller_sku),
    )
    now = int(time.time())
    for row, counted in zip(rows, (2, 5), strict=False):
        save_manual_stock(db, row.sku_id, on_hand=counted, now=now, source="demo count")


def run_demo(args: argparse.Namespace) -> int:
    """The desktop app on a live sandbox shop: its own data folder, no account needed."""
    from app.gui.app import run_app
    from app.gui.context import GuiContext

    p = demo_paths(paths(args.data_dir))
    print("Starting the demo shop (a local TikTok Shop sandbox)...", file=sys.stderr)
    with demo_shop(p) as (_info, secrets):
        # After demo_shop: it starts from an empty folder, logs included.
        setup_logging(p.logs, verbose=args.verbose)
        print(f"Demo data folder: {p.root}", file=sys.stderr)
        context = GuiContext(
            p, secrets, load_settings(p), demo=True, auto_import_days=DEMO_IMPORT_DAYS
        )
        return run_app(context)
