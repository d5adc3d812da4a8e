"""SyncEngine: one thread, one asyncio loop, its loop runner; the only writer to SQLite."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlite_utils

from app.backoff import Backoff
from app.changes import Changes
from app.config import Paths, Settings
from app.loops import Loops
from app.relay.receiver import ReceiverError
from app.relay.tunnel import make_tunnel
from app.secrets import SecretStore
from app.store.activity import save_interrupted_runs
from app.store.backup import BackupResult, save_backup_if_due
from app.sync.budget_plan import DEEP_SHARE, POLL_SHARE, BudgetUse, planned_interval
from app.sync.deadline_service import DeadlineService
from app.sync.deep_poll import deep_pass
from app.sync.engine_status import EngineCallbacks, EngineStatus, WebhookHealth, WebhookOptions
from app.sync.fulfillment import WritesResult
from app.sync.fulfillment_service import FulfillmentService
from app.sync.importer import ImportResult, OrderImporter
from app.sync.money_service import MoneyService
from app.sync.outlet import Notice, Outlet
from app.sync.poller import DEFAULT_OVERLAP, PollResult, poll_once
from app.sync.pusher import PushResult
from app.sync.returns_service import ReturnsService
from app.sync.session import ShopSession, open_session
from app.sync.stock_service import StockService
from app.sync.webhooks import WebhookService
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A wall-clock jump this much larger than the monotonic one means the machine slept.
SLEEP_JUMP_SECONDS = 30.0
SLEEP_CHECK_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 300.0
BACKUP_CHECK_SECONDS = 3600.0
#: The first backup check waits this long after start (the catch-up poll goes first).
BACKUP_FIRST_SECONDS = 30.0
#: How often the engine looks for commits by another process (a CLI command): they arrive
#: as `Changes.all()`, since nobody told us what they were.
OTHER_WRITERS_SECONDS = 2.0


@dataclass
class _PollState:
    failures: int = 0
    #: The backoff after the last failure (0: none): the poll loop waits at least this long.
    delay: float = 0.0
    #: `PRAGMA data_version` of the session last looked at, for other processes' commits.
    seen: tuple[int, int] | None = None
    last_wall: float = field(default_factory=time.time)
    last_mono: float = field(default_factory=time.monotonic)


class SyncEngine:
    """Imports on request and polls on a schedule, in its own thread; stop() is clean."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        secrets: SecretStore,
        *,
        callbacks: EngineCallbacks | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        overlap: int = DEFAULT_OVERLAP,
        webhooks: WebhookOptions | None = None,
    ) -> None:
        self.paths = paths
        self.webhook_options = webhooks or WebhookOptions.from_settings(settings)
        self._webhooks: WebhookService | None = None
        self._stock: StockService | None = None
        self._fulfillment: FulfillmentService | None = None
        self._returns: ReturnsService | None = None
        self._deadlines: DeadlineService | None = None
        self._money: MoneyService | None = None
        self.loops = Loops()
        self.settings = settings
        self.secrets = secrets
        self.callbacks = callbacks or EngineCallbacks()
        self.outlet = Outlet(
            changes=self._publish,
            error=self._report_error,
            notice=self._notice,
            warnings=self.callbacks.on_stock_warnings,
            progress=self.callbacks.on_progress,
            auth_lost=self._auth_lost,
        )
        self._transport = transport
        self._clock = clock
        self.overlap = overlap
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._session: ShopSession | None = None
        self._poll_wake: asyncio.Event | None = None
        self._importer: OrderImporter | None = None
        self._poll = _PollState()
        self._poll_lock: asyncio.Lock | None = None
        self._status = EngineStatus()
        self._status_lock = threading.Lock()

    # --- life cycle (any thread) -------------------------------------------------------

    def start(self, timeout: float = 15.0) -> None:
        """Start the engine thread and wait until its loop runs."""
        if self._thread is not None:
            raise RuntimeError("engine already started")
        self._thread = threading.Thread(target=self._run, name="shopdesk-engine", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the sync engine did not start")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop polling, let the current page commit, close everything, join the thread."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("sync engine did not stop within %.0f s", timeout)
            self._thread = None

    @property
    def status(self) -> EngineStatus:
        """The latest status snapshot."""
        with self._status_lock:
            return self._status

    # --- requests (any thread) ------------------------------------------------------------

    def submit(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> concurrent.futures.Future[T]:
        """Run a coroutine on the engine loop; the caller gets a Future and never blocks."""
        if self._loop is None:
            raise RuntimeError("engine is not running")
        return asyncio.run_coroutine_threadsafe(factory(), self._loop)

    def import_orders(self, start: int, end: int) -> concurrent.futures.Future[ImportResult]:
        """Import orders created in [start, end) (or resume the interrupted import)."""
        return self.submit(lambda: self._import(start, end))

    def cancel_import(self) -> None:
        """Stop the running import after its current page."""
        importer, loop = self._importer, self._loop
        if importer is not None and loop is not None:
            loop.call_soon_threadsafe(importer.cancel)

    def sync_now(self) -> concurrent.futures.Future[PollResult | None]:
        """Poll at once (after a wake-up, a reconnect, or the user's F5)."""
        return self.submit(lambda: self._poll_job(force=True))

    def reload(self) -> concurrent.futures.Future[None]:
        """Reopen the shop session, e.g. after the user reconnected."""
        return self.submit(self._reload)

    def push_stock(self) -> concurrent.futures.Future[PushResult]:
        """Push every pending stock edit now (the GUI's "Push now")."""

        async def run() -> PushResult:
            if self._stock is None:
                raise ReconnectNeeded(self.status.reconnect_reason or "no shop is connected")
            return await self._stock.push_now()

        return self.submit(run)

    def send_writes(self) -> concurrent.futures.Future[WritesResult]:
        """Send queued shipping and cancellation writes now and report each outcome."""

        async def run() -> WritesResult:
            if self._fulfillment is None:
                raise ReconnectNeeded(self.status.reconnect_reason or "no shop is connected")
            return await self._fulfillment.send_now()

        return self.submit(run)

    def shipping_providers(self, order_id: str) -> concurrent.futures.Future[list[tuple[str, str]]]:
        """Carriers (id, name) the seller can name for this order; cached for a day."""

        async def run() -> list[tuple[str, str]]:
            if self._fulfillment is None:
                raise ReconnectNeeded(self.status.reconnect_reason or "no shop is connected")
            return await self._fulfillment.fulfiller.providers(order_id)

        return self.submit(run)

    def run_session(
        self, work: Callable[[ShopSession], Coroutine[Any, Any, T]]
    ) -> concurrent.futures.Future[T]:
        """Run network work that needs the shop session (labels, documents) on the engine
        loop; its writes stay on the engine thread."""

        async def run() -> T:
            return await work(self._require_session())

        return self.submit(run)

    def _backup(self) -> BackupResult | None:
        s = self.settings
        copy_to = Path(s.backup_copy_dir).expanduser() if s.backup_copy_dir else None
        return save_backup_if_due(self.paths.database, keep=s.backup_keep, copy_to=copy_to)

    async def _backup_job(self) -> None:
        """The daily backup (checked hourly, and soon after start)."""
        try:
            made = await asyncio.to_thread(self._backup)
        except (OSError, sqlite3.Error) as exc:
            self._report_error("backup", f"the daily backup failed: {exc}")
            return
        if made is not None:
            log.info("daily backup: %s", made.path)

    def run_write(
        self, write: Callable[[sqlite_utils.Database], T]
    ) -> concurrent.futures.Future[T]:
        """Run a store write on the engine thread (the only writer); the caller never waits.

        For user edits from the GUI: dismiss an error, retry or drop a queue item, set stock.
        """

        async def run() -> T:
            session = self._require_session()
            result = write(session.db)
            changes = getattr(result, "changes", None)
            if isinstance(changes, Changes):
                self._publish(changes)
            if self._stock is not None:
                self._stock.request_push()  # an edit may have queued a push: send it soon
            if self._fulfillment is not None:
                self._fulfillment.request_send()  # or a shipment, or an answer to a request
            if self._returns is not None:
                self._returns.request_send()  # or an answer to a return request
            return result

        return self.submit(run)

    # --- the engine thread -------------------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            # As asyncio.run does: a task still running (a money read mid-page, say) is
            # cancelled and finished before the loop closes, not destroyed with it.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(_settle(pending))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        self._poll_lock = asyncio.Lock()
        self._poll_wake = asyncio.Event()
        await self._reload()
        self._start_loops()
        self._set_status(running=True)
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self.loops.stop()
            if self._importer is not None:
                self._importer.cancel()
            await asyncio.sleep(0)
            await self._close_session()
            self._set_status(running=False)

    def _start_loops(self) -> None:
        """The engine's periodic work, on its one runner: the poll at once (catching up)."""
        deep = self._planned(self.settings.deep_poll_interval_seconds, DEEP_SHARE)
        self._set_status(deep_poll_interval=deep)
        self.loops.every("poll", self._poll_wait, self._poll_job, wake=self._poll_wake)
        self.loops.every("deep_poll", deep, self._deep_job, wait_first=True)
        self.loops.every(
            "backup", BACKUP_CHECK_SECONDS, self._backup_job, wait_first=BACKUP_FIRST_SECONDS
        )
        self.loops.every("sleep", SLEEP_CHECK_SECONDS, self._check_for_sleep, wait_first=True)
        self.loops.every(
            "other_writers", OTHER_WRITERS_SECONDS, self._check_other_writers, wait_first=True
        )

    async def _reload(self) -> None:
        await self._close_session()
        try:
            session = open_session(
                self.paths,
                self.settings,
                self.secrets,
                transport=self._transport,
                outlet=self.outlet,
                clock=self._clock,
            )
        except ReconnectNeeded as exc:
            self._set_status(connected=False, reconnect_reason=exc.reason)
            return
        except ShopdeskError as exc:
            self._set_status(connected=False, reconnect_reason=str(exc), last_error=str(exc))
            self._report_error("engine", str(exc))
            return
        closed = save_interrupted_runs(session.db, now=int(self._clock()))
        if closed:
            log.info("closed %d runs an earlier crash left open", closed)
        self._session = session
        if self._poll.failures and self._poll_wake is not None:
            self._poll_wake.set()  # the poll was backing off from the old session: not now
        self._poll.failures, self._poll.delay = 0, 0.0
        self._set_status(connected=True, reconnect_reason="", last_error="")
        self._stock = StockService(
            session, self.settings, pull=self._pull_orders, clock=self._clock, outlet=self.outlet
        )
        await self._stock.start()
        self._fulfillment = FulfillmentService(session, clock=self._clock, outlet=self.outlet)
        await self._fulfillment.start()
        self._returns = ReturnsService(session, clock=self._clock, outlet=self.outlet)
        await self._returns.start()
        self._deadlines = DeadlineService(session, clock=self._clock, outlet=self.outlet)
        await self._deadlines.start()
        self._money = MoneyService(session, clock=self._clock, outlet=self.outlet)
        await self._money.start()
        await self._start_webhooks(session)
        self._publish(Changes.of(shop=True, connection=True))

    async def _start_webhooks(self, session: ShopSession) -> None:
        options = self.webhook_options
        if options.mode == "none":
            return
        try:
            tunnel = make_tunnel(
                options.mode,
                command=options.command,
                public_url=options.public_url,
                pidfile=self.paths.root / "tunnel.pid",
            )
            service = WebhookService(
                session,
                tunnel,
                host=options.host,
                port=options.port,
                clock=self._clock,
                outlet=self.outlet,
                products=self._stock,
                watcher=self,
                returns_named=self._returns.returns_named if self._returns else None,
            )
            await service.start()
        except (ReceiverError, ValueError) as exc:
            self._report_error("webhooks", f"webhooks are off: {exc}")
            return
        self._webhooks = service
        self._set_status(webhooks=service.health)

    def webhooks_changed(self, health: WebhookHealth) -> None:
        """The webhook service's health moved: the status shows it."""
        self._set_status(webhooks=health)

    def tunnel_moved(self, url: str | None) -> None:
        """A tunnel (re)start may have missed pushes: catch up by polling at once."""
        if url is not None and self._loop is not None:
            self.loops.later(self._poll_job(force=True))

    def _notice(self, notice: Notice) -> None:
        if notice.kind == "deauthorized":
            self._set_status(connected=False, reconnect_reason=notice.message)
        if self.callbacks.on_notice is not None:
            self.callbacks.on_notice(notice)

    async def _close_session(self) -> None:
        if self._webhooks is not None:
            service, self._webhooks = self._webhooks, None
            await service.stop()
        if self._stock is not None:
            stock, self._stock = self._stock, None
            await stock.stop()
        if self._fulfillment is not None:
            fulfillment, self._fulfillment = self._fulfillment, None
            await fulfillment.stop()
        if self._returns is not None:
            returns, self._returns = self._returns, None
            await returns.stop()
        if self._deadlines is not None:
            deadlines, self._deadlines = self._deadlines, None
            await deadlines.stop()
        if self._money is not None:
            money, self._money = self._money, None
            await money.stop()
        if self._session is not None:
            session, self._session = self._session, None
            await session.aclose()

    def _publish(self, changes: Changes) -> None:
        """Tell the GUI what changed; orders that moved let stock and requests catch up."""
        if not changes:
            return
        if self.callbacks.on_changes is not None:
            self.callbacks.on_changes(changes)
        if changes.orders:
            if self._stock is not None:
                self._stock.orders_changed(changes.skus, importing=self._importer is not None)
            if self._fulfillment is not None:
                self._fulfillment.orders_changed()
            if self._money is not None:
                self._money.orders_changed(changes.orders)

    async def _pull_orders(self) -> PollResult:
        """The pull right before a stock push: a poll that raises when it fails."""
        session = self._require_session()
        assert self._poll_lock is not None
        async with self._poll_lock:
            return await poll_once(
                session, overlap=self.overlap, clock=self._clock, outlet=self.outlet
            )

    def _auth_lost(self, reason: str) -> None:
        """The session's outlet heard TikTok refuse the shop (the outlet publishes the change)."""
        self._set_status(connected=False, reconnect_reason=reason)
        if self.callbacks.on_auth_lost is not None:
            self.callbacks.on_auth_lost(reason)

    async def _import(self, start: int, end: int) -> ImportResult:
        session = self._require_session()
        if self._importer is not None:
            raise ShopdeskError("an import is already running")
        self._importer = OrderImporter(session, outlet=self.outlet, clock=self._clock)
        self._set_status(importing=True)
        try:
            return await self._importer.run(start, end)
        finally:
            self._importer = None
            self._set_status(importing=False)
            if self._stock is not None:
                self._stock.import_ended()

    def _require_session(self) -> ShopSession:
        if self._session is None:
            raise ReconnectNeeded(self.status.reconnect_reason or "no shop is connected")
        return self._session

    async def _poll_job(self, force: bool = False) -> PollResult | None:
        """One poll (the loop's, or forced), skipped while disconnected; failures back off."""
        session = self._session
        now = self._clock()
        if session is None:
            return None
        assert self._poll_lock is not None
        if self._poll_lock.locked() and not force:
            return None
        async with self._poll_lock:
            try:
                result = await poll_once(
                    session, overlap=self.overlap, clock=self._clock, outlet=self.outlet
                )
            except ReconnectNeeded as exc:
                self._set_status(
                    connected=False,
                    reconnect_reason=exc.reason,
                    last_poll_at=now,
                    last_poll_ok=False,
                    last_error=str(exc),
                )
                return None
            except ShopdeskError as exc:
                self._poll.failures += 1
                self._poll.delay = self._poll_backoff().delay(self._poll.failures)
                self._set_status(
                    last_poll_at=now,
                    last_poll_ok=False,
                    last_error=str(exc),
                    consecutive_failures=self._poll.failures,
                    next_poll_at=now + self._poll_wait(),
                )
                self._report_error("poll", str(exc))
                return None
        self._poll.failures, self._poll.delay = 0, 0.0
        interval = self._adapt_interval()
        self._set_status(
            last_poll_at=now,
            last_poll_ok=True,
            last_error="",
            consecutive_failures=0,
            next_poll_at=now + interval,
            poll_interval=interval,
        )
        return result

    def _poll_backoff(self) -> Backoff:
        """After failed polls: twice the planned interval, doubling to 5 min, 20% jitter."""
        planned = self._planned(self.settings.poll_interval_seconds)
        return Backoff(base=planned * 2, cap=MAX_BACKOFF_SECONDS, jitter=0.2)

    def _poll_wait(self) -> float:
        """The poll loop's next wait: the interval, or longer while failures back off."""
        interval = self.status.poll_interval or self._planned(self.settings.poll_interval_seconds)
        return max(interval, self._poll.delay)

    def _planned(self, interval: float, share: float = POLL_SHARE) -> float:
        """An interval stretched to fit the shop's hourly budget, when one is set."""
        return planned_interval(interval, self.settings.max_requests_per_hour, share)

    async def _deep_job(self) -> PollResult | None:
        """The slow deep pass: the last two hours again, for changes the fast poll missed."""
        session = self._session
        if session is None or self._poll_lock is None:
            return None
        async with self._poll_lock:
            try:
                result = await deep_pass(session, clock=self._clock, outlet=self.outlet)
            except ShopdeskError as exc:
                self._report_error("deep_poll", str(exc))
                return None
        changed = len(result.created) + len(result.updated)
        self._set_status(last_deep_poll_at=self._clock(), deep_poll_changed=changed)
        return result

    def deep_pass_now(self) -> concurrent.futures.Future[PollResult | None]:
        """Run the deep pass at once instead of waiting for its turn."""
        return self.submit(self._deep_job)

    def _adapt_interval(self) -> float:
        """Poll slowly while pushes verifiably arrive, fast while they might not."""
        health = self._webhooks.health if self._webhooks is not None else None
        if health is not None and health.healthy:
            interval = self._planned(self.settings.slow_poll_interval_seconds)
        else:
            interval = self._planned(self.settings.poll_interval_seconds)
        if health is not None:
            self._set_status(webhooks=health)
        return interval

    async def _check_for_sleep(self) -> None:
        """After the laptop sleeps, wall time jumps ahead of monotonic time: catch up at once."""
        wall, mono = time.time(), time.monotonic()
        jump = (wall - self._poll.last_wall) - (mono - self._poll.last_mono)
        self._poll.last_wall, self._poll.last_mono = wall, mono
        if jump > SLEEP_JUMP_SECONDS:
            log.info("woke after about %.0f s asleep: syncing now", jump)
            await self._poll_job(force=True)

    async def _check_other_writers(self) -> None:
        """Another process committed (SQLite's `data_version` moved): every view re-reads."""
        session = self._session
        if session is None:
            return
        version = int(session.db.execute("PRAGMA data_version").fetchone()[0])
        mark, seen = (id(session), version), self._poll.seen
        if seen is not None and mark != seen and seen[0] == mark[0]:
            self._publish(Changes.all())
        self._poll.seen = mark

    # --- status and errors ----------------------------------------------------------------

    def _set_status(self, **changes: Any) -> None:
        stats = self._session.stats if self._session is not None else None
        budget = self._session.client.budget if self._session is not None else None
        with self._status_lock:
            if stats is not None:
                changes.setdefault("api_calls", stats.calls)
                changes.setdefault("throttled", stats.throttled)
            if budget is not None:
                changes.setdefault("budget", BudgetUse(budget.limit, budget.used()))
            self._status = replace(self._status, **changes)
            snapshot = self._status
        if self.callbacks.on_status is not None:
            self.callbacks.on_status(snapshot)

    def _report_error(self, kind: str, message: str) -> None:
        log.warning("%s failed: %s", kind, message)
        if self.callbacks.on_error is not None:
            self.callbacks.on_error(kind, message)


async def _settle(tasks: set[asyncio.Task[Any]]) -> None:
    """Wait for cancelled tasks to finish (their errors are theirs: they were cancelled)."""
    await asyncio.gather(*tasks, return_exceptions=True)
