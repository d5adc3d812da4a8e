"""Serving the sandbox on a real loopback port: for tests, the demo and `shopdesk sandbox`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from app.sandbox.app import create_app
from app.sandbox.arguments import add_arguments as add_arguments
from app.sandbox.config import SandboxConfig
from app.sandbox.core import Sandbox

START_TIMEOUT = 15.0


@dataclass(frozen=True)
class SandboxInfo:
    """Where a running sandbox listens and the app credentials a client needs."""

    api_base: str
    auth_base: str
    app_key: str
    app_secret: str
    service_id: str
    sandbox: Sandbox

    def to_json_line(self) -> str:
        """The one line `shopdesk sandbox` prints when ready (DESIGN.md 5)."""
        return json.dumps(
            {
                "api_base": self.api_base,
                "auth_base": self.auth_base,
                "app_key": self.app_key,
                "app_secret": self.app_secret,
                "service_id": self.service_id,
            }
        )


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the CLI installs its own, tests need none."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(sandbox: Sandbox, host: str, port: int, *, quiet_logging: bool) -> _Server:
    options: dict[str, Any] = {}
    if quiet_logging:
        options["log_config"] = None  # leave the host program's logging alone
    config = uvicorn.Config(
        create_app(sandbox),
        host=host,
        port=port,
        lifespan="on",
        ws="none",
        access_log=False,  # token URLs carry app_secret and tokens: never log them
        server_header=False,
        date_header=False,  # the app dates every answer on the shop's clock
        log_level="warning",
        timeout_graceful_shutdown=5,
        **options,
    )
    return _Server(config)


def _info(server: _Server, sandbox: Sandbox, host: str) -> SandboxInfo:
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://{host}:{port}"
    return SandboxInfo(base, base, sandbox.app_key, sandbox.app_secret, sandbox.service_id, sandbox)


@contextlib.contextmanager
def running_sandbox(config: SandboxConfig | None = None) -> Iterator[SandboxInfo]:
    """A sandbox on a real port, served from a background thread (for synchronous callers)."""
    config = config or SandboxConfig()
    sandbox = Sandbox(config)
    server = _server(sandbox, config.host, config.port, quiet_logging=True)
    thread = threading.Thread(target=server.run, name="sandbox-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=5)
            raise RuntimeError(f"the sandbox could not listen on {config.host}:{config.port}")
        time.sleep(0.01)
    try:
        yield _info(server, sandbox, config.host)
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT)


@contextlib.asynccontextmanager
async def running_sandbox_async(config: SandboxConfig | None = None) -> AsyncIterator[SandboxInfo]:
    """A sandbox on a real port, served by the running event loop."""
    config = config or SandboxConfig()
    sandbox = Sandbox(config)
    server = _server(sandbox, config.host, config.port, quiet_logging=True)
    task = asyncio.create_task(server.serve(), name="sandbox-server")
    try:
        await _wait_started(server, task)
        yield _info(server, sandbox, config.host)
    finally:
        server.should_exit = True
        with contextlib.suppress(SystemExit):
            await task


async def _wait_started(server: _Server, task: asyncio.Task[None]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox could not start listening")
        await asyncio.sleep(0.01)


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        seed=args.seed,
        orders=args.orders,
        products=args.products,
        qps=args.qps,
        faults=args.faults,
        order_rate=args.order_rate,
        app_key=args.app_key,
        app_secret=args.app_secret,
        redirect_url=args.redirect_url,
        access_ttl=args.access_ttl,
        refresh_ttl=args.refresh_ttl,
        shops=args.shops,
        webhook_time_scale=args.webhook_time_scale,
        host=args.host,
        port=args.port,
        history_days=args.days,
        epoch=args.epoch,
        region=args.region,
        seller_type=args.seller_type,
        label_allocation=args.label_allocation,
        document_ttl=args.document_ttl,
        carrier_scan_delay=args.carrier_scan_delay,
        partner_center=args.partner_center,
        max_per_hour=args.max_per_hour,
    )


def run_cli(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; print the JSON line once listening. Exit code 0, 2 or 1."""
    try:
        config = config_from_args(args)
    except ValueError as error:
        print(f"shopdesk sandbox: {error}", file=sys.stderr)
        return 2
    return asyncio.run(_serve_cli(config))


async def _serve_cli(config: SandboxConfig) -> int:
    sandbox = Sandbox(config)
    server = _server(sandbox, config.host, config.port, quiet_logging=False)
    loop = asyncio.get_running_loop()

    def stop() -> None:
        server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    task = asyncio.create_task(server.serve(), name="sandbox-server")
    try:
        await _wait_started(server, task)
    except (RuntimeError, SystemExit):
        server.should_exit = True
        with contextlib.suppress(SystemExit, Exception):
            await task
        print(f"shopdesk sandbox: could not listen on {config.host}:{config.port}", file=sys.stderr)
        return 1
    print(_info(server, sandbox, config.host).to_json_line(), flush=True)
    await task
    return 0
