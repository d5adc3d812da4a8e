"""`shopdesk --demo`: a live sandbox shop, connected and synced, in its own data folder."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from app.commands.common import ProgressBar, iso
from app.commands.status import collect_status, render
from app.config import Paths, Settings, paths, save_settings
from app.connect import ConnectFlow
from app.logs import setup_logging
from app.sandbox import SandboxConfig, SandboxInfo, running_sandbox
from app.secrets import SecretStore
from app.sync.engine import EngineCallbacks, SyncEngine
from app.sync.importer import ImportProgress, default_range

#: A shop that feels alive: a few hundred orders of history and a new one every ~10 seconds.
DEMO_SANDBOX = SandboxConfig(seed=2026, orders=400, products=24, order_rate=6.0)


def demo_paths(base: Paths) -> Paths:
    """The demo never touches the real shop's data: it lives in `<data>/demo`, fresh each run."""
    return Paths(base.root / "demo")


@contextmanager
def demo_shop(
    p: Paths, config: SandboxConfig = DEMO_SANDBOX
) -> Iterator[tuple[SandboxInfo, SecretStore]]:
    """Start the sandbox and connect a fresh demo data folder to it, like a real shop."""
    shutil.rmtree(p.root, ignore_errors=True)
    p.ensure()
    # Demo credentials are throwaway: they stay in memory, never in the OS keyring.
    secrets = SecretStore.in_memory()
    with running_sandbox(config) as info:
        settings = Settings(
            app_key=info.app_key,
            api_base=info.api_base,
            auth_base=info.auth_base,
            demo=True,
            poll_interval_seconds=5.0,
        )
        save_settings(p, settings)

        async def connect() -> None:
            flow = ConnectFlow(settings, info.app_secret, secrets, p)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()

        asyncio.run(connect())
        yield info, secrets


def run_demo(args: argparse.Namespace) -> int:
    """Headless demo until the desktop window exists: import, then live sync until Ctrl+C."""
    p = demo_paths(paths(args.data_dir))
    setup_logging(p.logs, verbose=args.verbose)
    print("Starting the demo shop (a local TikTok Shop sandbox)...", file=sys.stderr)
    with demo_shop(p) as (info, secrets):
        status = collect_status(p)
        print(f"Connected demo shop {status['shop']['name']} at {info.api_base}")
        print(f"Data folder: {p.root}")
        bar = ProgressBar("Importing orders")
        changed = threading.Event()

        def progress(step: ImportProgress) -> None:
            bar.update(step.fraction, f"{step.fetched}/{step.estimate} orders")

        def orders_changed(ids: list[str]) -> None:
            print(f"{iso(time.time())}  {len(ids)} orders new or changed", flush=True)
            changed.set()

        engine = SyncEngine(
            p,
            Settings.model_validate_json(p.settings.read_text()),
            secrets,
            callbacks=EngineCallbacks(on_progress=progress),
        )
        engine.start()
        try:
            start, end = default_range(time.time(), 60)
            result = engine.import_orders(start, end).result()
            bar.finish(f"{result.fetched} orders")
            engine.callbacks.on_orders_changed = orders_changed
            print(render(collect_status(p)))
            print("\nThe shop places an order every ~10 s; Shopdesk picks each up within 5 s.")
            print(f"Try: shopdesk --data-dir {p.root} status   (Ctrl+C stops the demo)")
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print("\nStopping the demo.", file=sys.stderr)
        finally:
            engine.stop()
    return 0
