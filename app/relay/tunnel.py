"""Tunnels: how TikTok's pushes reach a laptop with no public address.

Three kinds: a command we run and supervise (a cloudflared quick tunnel by default), a public
URL the user runs themselves (ngrok, their own proxy), or none (polling only).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from app import processes
from app.backoff import Backoff
from app.environment import child_env
from app.loops import Loops

log = logging.getLogger(__name__)

DEFAULT_COMMAND = "cloudflared tunnel --url http://127.0.0.1:{port}"
_URL = re.compile(r"https?://[^\s|\"'<>\[\]]+")
#: Lines that announce the public address (cloudflared's box, ngrok/ssh-style "Forwarding").
_ANNOUNCE = re.compile(r"\||forwarding|visit it at|your url is|tunnel.*ready", re.IGNORECASE)
UP, DOWN, STARTING, NONE = "up", "down", "starting", "none"
#: A tunnel program that ran this long before it ended was no crash loop: restart at once.
STEADY_SECONDS = 60.0


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


class TunnelListener(Protocol):
    """Who hears the public address appear, move or go (None): the webhook service."""

    def url_changed(self, url: str | None) -> None: ...


class _Nobody:
    def url_changed(self, url: str | None) -> None:
        """Nobody listens (a tunnel started on its own)."""


class TunnelProvider:
    """Base: no tunnel. Subclasses tell the listener `start` was given the public URL."""

    kind = NONE

    def __init__(self) -> None:
        self.listener: TunnelListener = _Nobody()
        self._status = TunnelStatus(self.kind, NONE, None)

    @property
    def status(self) -> TunnelStatus:
        """The latest state."""
        return self._status

    @property
    def url(self) -> str | None:
        """The public base URL, when there is one."""
        return self._status.url

    async def start(self, origin: str, listener: TunnelListener | None = None) -> None:
        """Begin exposing `origin` (the local receiver's URL); `listener` hears the URL."""
        self.listener = listener or _Nobody()

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

    async def start(self, origin: str, listener: TunnelListener | None = None) -> None:
        await super().start(origin, listener)
        self._status = TunnelStatus(self.kind, UP, self._public, since=time.time())
        self.listener.url_changed(self._public)

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
        pidfile: Path | None = None,
    ) -> None:
        super().__init__()
        self.command = command
        self.pidfile = pidfile
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.url_timeout = url_timeout
        self.loops = Loops()
        self._started = False
        self._process: asyncio.subprocess.Process | None = None
        self._restarts = 0

    @property
    def pid(self) -> int | None:
        """The running tunnel program's process id (tests kill it)."""
        return self._process.pid if self._process is not None else None

    async def start(self, origin: str, listener: TunnelListener | None = None) -> None:
        await super().start(origin, listener)
        self._status = TunnelStatus(self.kind, STARTING, None)
        await self._reap_orphan()
        self._started = False
        self.loops.keep_up(
            "tunnel", lambda: self._supervised(origin), self._restart_backoff, steady=STEADY_SECONDS
        )

    async def _reap_orphan(self) -> None:
        """A tunnel left running by a Shopdesk that was killed would hold a stale URL: stop it.

        The tunnel runs in its own process group (so Ctrl+C in a terminal does not kill it
        before we unsubscribe), which also means it outlives a crash; the pidfile, with the
        exact command line it ran, finds it again and never mistakes another process for it.
        """
        if self.pidfile is None:
            return
        try:
            record = json.loads(self.pidfile.read_text())
            pid, argv = int(record["pid"]), [str(a) for a in record["argv"]]
        except (OSError, ValueError, KeyError, TypeError):
            return
        if await _still_runs(pid, argv):
            log.info("stopping a tunnel (pid %d) left by an earlier run", pid)
            _signal_pid(pid, signal.SIGTERM)
            for _ in range(50):
                if not await _still_runs(pid, argv):
                    break
                await asyncio.sleep(0.1)
            else:
                _signal_pid(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        with contextlib.suppress(OSError):
            self.pidfile.unlink()

    async def stop(self) -> None:
        await self.loops.stop()
        await self._kill()
        self._status = TunnelStatus(self.kind, DOWN, None, self._restarts)

    def _argv(self, origin: str) -> list[str]:
        port = urlparse(origin).port or 80
        return shlex.split(self.command.format(port=port, origin=origin))

    def _restart_backoff(self) -> Backoff:
        """`min_backoff` after a crash, doubled after each one in a row, up to `max_backoff`."""
        return Backoff(base=self.min_backoff, cap=self.max_backoff)

    async def _supervised(self, origin: str) -> None:
        """One run of the program, kept up by the loop runner (which waits between runs)."""
        if self._started:
            self._restarts += 1
            self._status = TunnelStatus(
                self.kind, STARTING, None, self._restarts, self._status.last_error
            )
        self._started = True
        error = await self._run_once(origin)
        self._status = TunnelStatus(self.kind, DOWN, None, self._restarts, error)
        self.listener.url_changed(None)
        log.warning("tunnel stopped (%s); restarting it", error)

    async def _run_once(self, origin: str) -> str:
        try:
            argv = self._argv(origin)
            starting = asyncio.ensure_future(
                asyncio.create_subprocess_exec(
                    *argv,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                    env=child_env(),  # never the app secret
                    start_new_session=hasattr(os, "killpg"),
                )
            )
            try:
                self._process = await asyncio.shield(starting)
            except asyncio.CancelledError:
                # stopped while the program was starting: it must not outlive us
                with contextlib.suppress(OSError, ValueError):
                    await _terminate(await starting)
                raise
        except (OSError, ValueError) as exc:
            return f"cannot start `{self.command.split()[0]}`: {exc}"
        process = self._process
        if self.pidfile is not None:
            with contextlib.suppress(OSError):
                self.pidfile.write_text(json.dumps({"pid": process.pid, "argv": argv}))
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
                    self.listener.url_changed(url)
        finally:
            await _terminate(process)
            self._process = None
        return f"exited with code {process.returncode}"

    async def _kill(self) -> None:
        if self._process is not None:
            await _terminate(self._process)


async def _still_runs(pid: int, argv: list[str]) -> bool:
    """`_runs`, patient with a process that is in the middle of starting."""
    for _ in range(20):
        answer = _runs(pid, argv)
        if answer is not None:
            return answer
        await asyncio.sleep(0.05)
    return False


def _runs(pid: int, argv: list[str]) -> bool | None:
    """True while `pid` still runs exactly `argv` (a zombie or a reused pid does not count).

    None while the kernel shows no command line yet (a process in the middle of exec).
    """
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.parent.exists():
        try:
            raw = cmdline.read_bytes()
        except OSError:
            return False
        if not raw:
            status = Path(f"/proc/{pid}/status")
            try:
                zombie = "\tZ" in status.read_text().split("State:", 1)[1].split("\n", 1)[0]
            except (OSError, IndexError):
                return False
            return False if zombie else None
        return raw.split(b"\0")[:-1] == [a.encode() for a in argv]
    return processes.is_running(pid)  # no /proc (macOS, Windows): the pidfile is all we have


def _signal_pid(pid: int, sig: int) -> None:
    """Signal the program and, when it leads one, its process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if hasattr(os, "killpg") and os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


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
    mode: str,
    *,
    command: str = DEFAULT_COMMAND,
    public_url: str = "",
    pidfile: Path | None = None,
) -> TunnelProvider:
    """The provider the settings (or `shopdesk sync` flags) ask for."""
    if mode == "command":
        return CommandTunnel(command or DEFAULT_COMMAND, pidfile=pidfile)
    if mode == "url":
        return PublicUrlTunnel(public_url)
    return TunnelProvider()
