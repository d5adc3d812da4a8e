"""Tunnels: how TikTok's pushes reach a laptop with no public address.

Three kinds: a command we run and supervise (a cloudflared quick tunnel by default), a public
URL the user runs themselves (ngrok, their own proxy), or none (polling only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shlex
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

log = logging.getLogger(__name__)

DEFAULT_COMMAND = "cloudflared tunnel --url http://127.0.0.1:{port}"
_URL = re.compile(r"https?://[^\s|\"'<>\[\]]+")
#: Lines that announce the public address (cloudflared's box, ngrok/ssh-style "Forwarding").
_ANNOUNCE = re.compile(r"\||forwarding|visit it at|your url is|tunnel.*ready", re.IGNORECASE)
UP, DOWN, STARTING, NONE = "up", "down", "starting", "none"


@dataclass(frozen=True)
class TunnelStatus:
    """What the Health tab shows about the tunnel."""

    kind: str
    state: str
    url: str | None
    restarts: int = 0
    last_error: str = ""
    since: float | None = None


def public_address(line: str, origin: str) -> str | None:
    """The public URL a tunnel program printed on this line, if it printed one."""
    origin_host = urlparse(origin).netloc
    for match in _URL.findall(line):
        url = str(match).rstrip(".,;)")
        try:
            parsed = urlparse(url)
        except ValueError:
            continue
        if not parsed.netloc or parsed.netloc == origin_host:
            continue
        if parsed.hostname and parsed.hostname.endswith(".trycloudflare.com"):
            return url
        if _ANNOUNCE.search(line):
            return url
    return None


class TunnelProvider:
    """Base: no tunnel. Subclasses report the public URL through `on_url`."""

    kind = NONE

    def __init__(self) -> None:
        self.on_url: Callable[[str | None], None] = lambda _url: None
        self._status = TunnelStatus(self.kind, NONE, None)

    @property
    def status(self) -> TunnelStatus:
        """The latest state."""
        return self._status

    @property
    def url(self) -> str | None:
        """The public base URL, when there is one."""
        return self._status.url

    async def start(self, origin: str) -> None:
        """Begin exposing `origin` (the local receiver's URL)."""

    async def stop(self) -> None:
        """Stop exposing it."""


class PublicUrlTunnel(TunnelProvider):
    """The user runs their own tunnel or proxy and tells us its public URL."""

    kind = "url"

    def __init__(self, url: str) -> None:
        super().__init__()
        parsed = urlparse(url)
        if parsed.scheme not in ("https", "http") or not parsed.netloc:
            raise ValueError(f"not a URL: {url!r}")
        self._public = url.rstrip("/")

    async def start(self, origin: str) -> None:
        self._status = TunnelStatus(self.kind, UP, self._public, since=time.time())
        self.on_url(self._public)

    async def stop(self) -> None:
        self._status = TunnelStatus(self.kind, DOWN, None)


class CommandTunnel(TunnelProvider):
    """Runs a tunnel program, reads its public URL from its output, restarts it when it dies."""

    kind = "command"

    def __init__(
        self,
        command: str = DEFAULT_COMMAND,
        *,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        url_timeout: float = 60.0,
    ) -> None:
        super().__init__()
        self.command = command
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.url_timeout = url_timeout
        self._task: asyncio.Task[None] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._restarts = 0

    @property
    def pid(self) -> int | None:
        """The running tunnel program's process id (tests kill it)."""
        return self._process.pid if self._process is not None else None

    async def start(self, origin: str) -> None:
        self._status = TunnelStatus(self.kind, STARTING, None)
        self._task = asyncio.create_task(self._supervise(origin), name="tunnel")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._kill()
        self._status = TunnelStatus(self.kind, DOWN, None, self._restarts)

    def _argv(self, origin: str) -> list[str]:
        port = urlparse(origin).port or 80
        return shlex.split(self.command.format(port=port, origin=origin))

    async def _supervise(self, origin: str) -> None:
        backoff = self.min_backoff
        while True:
            started = time.monotonic()
            error = await self._run_once(origin)
            self._status = TunnelStatus(self.kind, DOWN, None, self._restarts, error)
            self.on_url(None)
            if time.monotonic() - started > 60:
                backoff = self.min_backoff  # it ran a good while: not a crash loop
            log.warning("tunnel stopped (%s); restarting in %.0f s", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(self.max_backoff, backoff * 2)
            self._restarts += 1
            self._status = TunnelStatus(self.kind, STARTING, None, self._restarts, error)

    async def _run_once(self, origin: str) -> str:
        try:
            argv = self._argv(origin)
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=hasattr(os, "killpg"),
            )
        except (OSError, ValueError) as exc:
            return f"cannot start `{self.command.split()[0]}`: {exc}"
        process = self._process
        assert process.stdout is not None
        found = False
        deadline = time.monotonic() + self.url_timeout
        try:
            while True:
                timeout = None if found else max(0.1, deadline - time.monotonic())
                try:
                    line = await asyncio.wait_for(process.stdout.readline(), timeout)
                except TimeoutError:
                    await self._kill()
                    return "the tunnel program printed no public URL in time"
                if not line:
                    break
                url = public_address(line.decode("utf-8", "replace"), origin)
                if url and url != self._status.url:
                    found = True
                    self._status = TunnelStatus(
                        self.kind, UP, url, self._restarts, self._status.last_error, time.time()
                    )
                    self.on_url(url)
        finally:
            await _terminate(process)
            self._process = None
        return f"exited with code {process.returncode}"

    async def _kill(self) -> None:
        if self._process is not None:
            await _terminate(self._process)


async def _terminate(process: asyncio.subprocess.Process) -> None:
    """Stop the program and whatever it started (its process group), politely then firmly."""
    if process.returncode is None:
        _signal(process, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            _signal(process, getattr(signal, "SIGKILL", signal.SIGTERM))
    await process.wait()


def _signal(process: asyncio.subprocess.Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, sig)
        else:  # Windows: no process groups here
            process.terminate()


def make_tunnel(
    mode: str, *, command: str = DEFAULT_COMMAND, public_url: str = ""
) -> TunnelProvider:
    """The provider the settings (or `shopdesk sync` flags) ask for."""
    if mode == "command":
        return CommandTunnel(command or DEFAULT_COMMAND)
    if mode == "url":
        return PublicUrlTunnel(public_url)
    return TunnelProvider()
