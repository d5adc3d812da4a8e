"""Webhooks end to end: receiver, tunnel, TikTok's subscription, inbox processing and health."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

import httpx

from app.backoff import Backoff
from app.changes import ANY_ROW, Changes
from app.loops import Loops
from app.relay.receiver import PROBE_HEADER, WEBHOOK_PATH, ReceiverServer, WebhookReceiver
from app.relay.tunnel import TunnelProvider
from app.store import inbox
from app.store.activity import save_error, save_error_resolved
from app.sync.engine_status import WebhookHealth
from app.sync.inbox import InboxProcessor
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.sync.subscriptions import (
    describe_refused,
    ensure_subscriptions,
    webhook_address,
)
from app.tiktok.errors import ShopdeskError
from app.tiktok.models import WebhookEvent

log = logging.getLogger(__name__)

PROBE_EVERY = 60.0
PROBE_WAIT = 10.0
PRUNE_EVERY = 3600.0
RETRY_WAKE = 30.0
#: A failed subscription exchange is tried again after 5 s, 10 s, 20 s ... 5 min.
SUBSCRIBE_RETRY = Backoff(base=5.0, cap=300.0)


class Products(Protocol):
    """What product webhooks need: the stock service re-reads the products they name."""

    async def refresh_products(self, product_ids: list[str]) -> None: ...


class WebhookWatcher(Protocol):
    """What the engine hears from webhooks: the tunnel moved (catch up), health changed."""

    def tunnel_moved(self, url: str | None) -> None: ...

    def webhooks_changed(self, health: WebhookHealth) -> None: ...


class WebhookService:
    """Owns the receiver, the tunnel and the inbox processor for one shop session."""

    def __init__(
        self,
        session: ShopSession,
        tunnel: TunnelProvider,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        products: Products | None = None,
        watcher: WebhookWatcher | None = None,
        probe_every: float = PROBE_EVERY,
        returns_named: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.session = session
        self.watcher = watcher
        self.outlet = outlet
        self.tunnel = tunnel
        self._clock = clock
        self.probe_every = probe_every
        self.processor = InboxProcessor(
            session,
            clock=clock,
            outlet=outlet,
            refresh_products=products.refresh_products if products is not None else None,
            returns_named=returns_named,
        )
        self.receiver = WebhookReceiver(session.shop.app_key, session.app_secret, self._accept)
        self.server = ReceiverServer(self.receiver, host=host, port=port)
        self._wake = asyncio.Event()
        self.loops = Loops()
        self._subscribed: str | None = None
        self._probe_at: float | None = None
        self._probe_ok = False
        self._probe_status: int | None = None
        self._refused: dict[str, str] = {}
        self._pruned_at = 0.0

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen, start the tunnel, and begin draining the inbox (events from before too)."""
        await self.server.start()
        await self.tunnel.start(self.server.url, self)
        self.loops.every("inbox", RETRY_WAKE, self._drain_pass, wake=self._wake, wait_first=True)
        self.loops.every(
            "webhook-probe", lambda: self.probe_every, self._probe_current, wait_first=True
        )
        self._wake.set()

    async def stop(self) -> None:
        """Stop the tunnel first (no new pushes), then the receiver and the loops."""
        await self.tunnel.stop()
        await self.loops.stop()
        await self.server.stop()

    @property
    def health(self) -> WebhookHealth:
        """A snapshot for the engine status."""
        counts = inbox.fetch_inbox_counts(self.session.db)
        stats = self.receiver.stats
        return WebhookHealth(
            enabled=True,
            tunnel=self.tunnel.status,
            receiver_url=self.server.url,
            subscribed_url=self._subscribed,
            last_delivery_at=stats.last_delivery_at,
            per_minute=stats.per_minute(self._clock()),
            last_probe_at=self._probe_at,
            probe_ok=self._probe_ok,
            inbox_pending=counts.get(inbox.PENDING, 0),
            inbox_failed=counts.get(inbox.FAILED, 0),
            refused_topics=tuple(sorted(self._refused.items())),
            probe_status=self._probe_status,
        )

    def _health_changed(self) -> None:
        if self.watcher is not None:
            self.watcher.webhooks_changed(self.health)

    # --- receiving -------------------------------------------------------------------------

    def _accept(self, raw: bytes, event: WebhookEvent) -> bool:
        """Commit to the inbox before the 200 goes out; processing happens after."""
        _row, new = inbox.save_received(
            self.session.db,
            raw,
            notification_id=event.tts_notification_id,
            type_=event.type,
            shop_id=event.shop_id,
            event_time=event.timestamp,
            now=int(self._clock()),
        )
        if new:
            self._wake.set()
            self.outlet.changed(Changes.of(inbox=[_row]))
        return new

    async def _drain_pass(self) -> None:
        try:
            while (await self.processor.drain()).processed:
                pass
            self.prune()
        finally:  # a failed batch is logged by the loop and retried; health shows it now
            self._health_changed()

    def prune(self, *, force: bool = False) -> int:
        """Forget processed events older than `inbox_keep_days` (at most once an hour)."""
        now = self._clock()
        if not force and now - self._pruned_at < PRUNE_EVERY:
            return 0
        self._pruned_at = now
        keep = self.session.settings.inbox_keep_days * 86400
        removed = inbox.save_pruned(self.session.db, before=int(now - keep))
        if removed:
            self.outlet.changed(Changes.of(inbox=[ANY_ROW]))
        if removed:
            log.info("forgot %d webhook events processed over %d days ago", removed, keep // 86400)
        return removed

    async def drain_now(self) -> None:
        """Process everything due (tests and the Sync queue's Retry use this)."""
        while (await self.processor.drain()).processed:
            pass

    # --- tunnel and subscription -------------------------------------------------------------

    def url_changed(self, url: str | None) -> None:
        """The tunnel's public address moved (None: it went): re-subscribe, catch up."""
        self._probe_ok = False
        if self.watcher is not None:
            self.watcher.tunnel_moved(url)
        self._health_changed()
        if url is None:
            return
        self._refused = {}
        self.loops.retry("subscribe", lambda: self._subscribe(url), SUBSCRIBE_RETRY)

    async def _subscribe(self, url: str) -> bool:
        """Move TikTok's subscription to the new address, topic by topic. A topic TikTok
        refuses is recorded and not asked again for this address; only a failed exchange is
        tried again (with backoff): False says so."""
        address = webhook_address(url)
        db, shop_id = self.session.db, self.session.shop.id
        try:
            report = await ensure_subscriptions(
                self.session, address, skip=frozenset(self._refused)
            )
        except ShopdeskError as exc:
            save_error(
                db,
                "webhook_subscription",
                f"Could not point TikTok's webhooks at the tunnel: {exc}",
                action="Shopdesk keeps trying; polling covers the gap meanwhile.",
                shop_id=shop_id,
                now=int(self._clock()),
            )
            self.outlet.changed(Changes.of(errors=["webhook_subscription"]))
            return False
        self._subscribed = url
        save_error_resolved(db, "webhook_subscription", now=int(self._clock()))
        self.outlet.changed(Changes.of(errors=["webhook_subscription"], connection=True))
        self._record_refused(report.refused)
        log.info("webhooks point at %s (%d event types updated)", address, report.changed)
        await self._probe(url)
        return True

    def _record_probe(self) -> None:
        """An address that answers 404 or 5xx instead of passing pushes on is an error row."""
        problem = self.health.not_reaching
        lost = f"{problem[:1].upper()}{problem[1:]}: TikTok's pushes are lost there."
        self._record(
            "webhook_probe",
            lost if problem else "",
            action="Check that the public address forwards to the receiver (give the full "
            f"address ending in {WEBHOOK_PATH} or just the host); polling covers the gap.",
        )

    def _record_refused(self, refused: dict[str, str]) -> None:
        """Refused topics: in Health and the errors tab, with TikTok's reason."""
        self._refused.update(refused)
        self._record(
            "webhook_topics",
            describe_refused(self._refused) if self._refused else "",
            action="Polling covers these topics. Enable the permissions they need for your "
            "app in Partner Center, reconnect, then restart sync.",
        )

    def _record(self, kind: str, message: str, *, action: str) -> None:
        """Open (a message) or resolve (none) the error row `kind`, and say so."""
        db, now = self.session.db, int(self._clock())
        if message:
            save_error(db, kind, message, action=action, shop_id=self.session.shop.id, now=now)
        else:
            save_error_resolved(db, kind, now=now)
        self.outlet.changed(Changes.of(errors=[kind], connection=True))
        self._health_changed()

    async def _probe_current(self) -> None:
        url = self.tunnel.url
        if url:
            await self._probe(url)

    async def _probe(self, url: str) -> None:
        """Send ourselves a request through the tunnel: proof that pushes can reach us."""
        token = self.receiver.expect_probe()
        self._probe_at = self._clock()
        self._probe_status = None
        try:
            async with httpx.AsyncClient(timeout=PROBE_WAIT) as http:
                answer = await http.post(webhook_address(url), headers={PROBE_HEADER: token})
            self._probe_status = answer.status_code
        except httpx.HTTPError as exc:
            log.info("tunnel probe failed: %s", type(exc).__name__)
        # The receiver notes a probe at any path; only one that reached the webhook path (no
        # 404 or 5xx on the way) proves TikTok's pushes would arrive.
        status = self._probe_status
        self._probe_ok = self.receiver.probe_arrived(token) and not (
            status is not None and (status == 404 or status >= 500)
        )
        self._record_probe()
