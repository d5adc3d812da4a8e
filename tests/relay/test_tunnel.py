"""Tunnel providers: the public URL read from the program's output, restarts, stop."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from app.relay.tunnel import (
    CommandTunnel,
    PublicUrlTunnel,
    TunnelProvider,
    make_tunnel,
    public_address,
)

ROOT = Path(__file__).resolve().parents[2]
FAKE = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"
ORIGIN = "http://127.0.0.1:8787"


@pytest.mark.parametrize(
    ("line", "url"),
    [
        (
            "2024-01-01T00:00:00Z INF |  https://fancy-words-here.trycloudflare.com      |",
            "https://fancy-words-here.trycloudflare.com",
        ),
        ("INF Visit it at https://abc.trycloudflare.com.", "https://abc.trycloudflare.com"),
        ("|  http://127.0.0.1:40001        |", "http://127.0.0.1:40001"),
        (
            "Forwarding  https://1a2b.ngrok-free.app -> http://127.0.0.1:8787",
            "https://1a2b.ngrok-free.app",
        ),
        ("INF Settings: map[url:http://127.0.0.1:8787]", None),
        ("INF Requesting new quick Tunnel on trycloudflare.com...", None),
        ("WRN see https://developers.cloudflare.com/cloudflare-one/ for details", None),
        (f"INF +----| {ORIGIN} |", None),
    ],
)
def test_the_public_url_is_read_from_tunnel_output(line: str, url: str | None) -> None:
    assert public_address(line, ORIGIN) == url


def test_providers_from_settings() -> None:
    assert make_tunnel("none").url is None and type(make_tunnel("none")) is TunnelProvider
    assert isinstance(make_tunnel("command", command="x {port}"), CommandTunnel)
    assert isinstance(make_tunnel("url", public_url="https://hooks.example.com"), PublicUrlTunnel)
    with pytest.raises(ValueError, match="not a URL"):
        make_tunnel("url", public_url="not a url")


class Heard:
    """A tunnel listener that keeps what it heard."""

    def __init__(self, urls: list[str | None]) -> None:
        self.urls = urls

    def url_changed(self, url: str | None) -> None:
        self.urls.append(url)


async def test_a_public_url_is_up_at_once() -> None:
    seen: list[str | None] = []
    tunnel = PublicUrlTunnel("https://hooks.example.com/")
    await tunnel.start(ORIGIN, Heard(seen))
    assert tunnel.url == "https://hooks.example.com" and seen == ["https://hooks.example.com"]
    await tunnel.stop()


async def wait_for(predicate, seconds: float = 15) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_a_command_tunnel_forwards_is_restarted_and_reports_the_new_url(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))

    async def origin_app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"origin"})

    import uvicorn

    config = uvicorn.Config(
        origin_app, host="127.0.0.1", port=0, log_config=None, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    await wait_for(lambda: server.started)
    origin = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    urls: list[str | None] = []
    tunnel = CommandTunnel(FAKE, min_backoff=0.1)
    try:
        await tunnel.start(origin, Heard(urls))
        await wait_for(lambda: tunnel.url is not None)
        first = tunnel.url
        async with httpx.AsyncClient() as http:
            assert (await http.get(first)).text == "origin"  # it really forwards
        os.kill(tunnel.pid, signal.SIGKILL)
        await wait_for(lambda: tunnel.url is not None and tunnel.url != first)
        assert urls == [first, None, tunnel.url]
        assert tunnel.status.restarts == 1 and "exited" in tunnel.status.last_error
        async with httpx.AsyncClient() as http:
            assert (await http.get(tunnel.url)).text == "origin"
    finally:
        pid = tunnel.pid
        await tunnel.stop()
        server.should_exit = True
        await serving
    assert tunnel.status.state == "down"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_a_missing_tunnel_program_is_reported_and_retried() -> None:
    tunnel = CommandTunnel("definitely-not-a-program-xyz --url {origin}", min_backoff=0.05)
    await tunnel.start(ORIGIN)
    await wait_for(lambda: tunnel.status.restarts >= 2)
    assert "cannot start" in tunnel.status.last_error and tunnel.url is None
    await tunnel.stop()


async def test_a_tunnel_left_by_a_killed_shopdesk_is_stopped_at_the_next_start(
    tmp_path, monkeypatch
) -> None:
    import subprocess

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pidfile = tmp_path / "tunnel.pid"
    # the orphan: a tunnel from an earlier run that died without stopping it
    argv = [sys.executable, "-m", "tests.relay.fake_tunnel", "tunnel", "--url", ORIGIN]
    orphan = subprocess.Popen(  # noqa: ASYNC220 - an outside process, started once
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    pidfile.write_text(json.dumps({"pid": orphan.pid, "argv": argv}))
    tunnel = CommandTunnel(FAKE, pidfile=pidfile)
    try:
        await tunnel.start(ORIGIN)
        assert orphan.wait(10) is not None  # the old one is gone
        await wait_for(lambda: tunnel.url is not None)
        assert json.loads(pidfile.read_text())["pid"] == tunnel.pid != orphan.pid
    finally:
        await tunnel.stop()


async def test_a_stale_pidfile_never_kills_a_stranger(tmp_path) -> None:
    pidfile = tmp_path / "tunnel.pid"
    # this very process, recorded as if it ran the tunnel: its command line differs
    pidfile.write_text(json.dumps({"pid": os.getpid(), "argv": ["cloudflared", "tunnel"]}))
    tunnel = CommandTunnel(FAKE, pidfile=pidfile)
    await tunnel.start(ORIGIN)
    await tunnel.stop()
    os.kill(os.getpid(), 0)  # still alive
