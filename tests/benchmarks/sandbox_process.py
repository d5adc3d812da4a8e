"""Benchmarks run the sandbox in its own process, so it never shares a core's GIL with us."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.config import Paths, Settings, save_settings
from app.connect import ConnectFlow
from app.secrets import SecretStore

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BenchShop:
    """A sandbox process and a data folder connected to it."""

    info: dict[str, str]
    paths: Paths
    settings: Settings
    secrets: SecretStore


@contextlib.contextmanager
def sandbox_process(*flags: str) -> Iterator[dict[str, str]]:
    """`shopdesk sandbox` with these flags; yields its JSON line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0", *flags],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()


@contextlib.contextmanager
def connected(*flags: str, poll_interval: float = 15.0) -> Iterator[BenchShop]:
    """A sandbox process and a fresh data folder connected to it through the real flow."""
    with sandbox_process(*flags) as info, tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp)).ensure()
        secrets = SecretStore.in_memory()
        settings = Settings(
            app_key=info["app_key"],
            api_base=info["api_base"],
            auth_base=info["auth_base"],
            poll_interval_seconds=poll_interval,
        )
        save_settings(paths, settings)

        async def connect() -> None:
            flow = ConnectFlow(settings, info["app_secret"], secrets, paths)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()

        asyncio.run(connect())
        yield BenchShop(info, paths, settings, secrets)
