"""Everything one connected shop needs to sync: database, client, tokens, and who to tell."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

import httpx
import sqlite_utils

from app.config import Paths, Settings
from app.filelock import FileLock
from app.secrets import SecretStore
from app.store.activity import save_error, save_error_resolved
from app.store.db import open_db
from app.store.shops import ShopRecord, fetch_current_shop, save_reconnect_needed, save_token_expiry
from app.sync.outlet import SILENT, Outlet
from app.tiktok.api import ShopApi
from app.tiktok.auth import AuthClient, TokenManager
from app.tiktok.budget import shared_budget
from app.tiktok.client import CallRecord, ClientConfig, TikTokClient
from app.tiktok.errors import ReconnectNeeded
from app.tiktok.models import Token

log = logging.getLogger(__name__)

KEYRING_ERROR = "keyring"
#: A refresh takes one call; a process holding the lock longer than this is stuck.
REFRESH_LOCK_WAIT = 45.0


@dataclass
class CallStats:
    """API calls and throttling seen by this session, for run counters and the Health tab."""

    calls: int = 0
    throttled: int = 0
    recent: list[CallRecord] = field(default_factory=list)
    keep: int = 2000

    def record(self, call: CallRecord) -> None:
        """Count one exchange and keep a bounded history."""
        self.calls += 1
        if call.throttled:
            self.throttled += 1
        self.recent.append(call)
        if len(self.recent) > self.keep:
            del self.recent[: len(self.recent) - self.keep]


@dataclass
class ShopSession:
    """An open database plus an authorized client for the current shop."""

    db: sqlite_utils.Database
    shop: ShopRecord
    settings: Settings
    api: ShopApi
    client: TikTokClient
    tokens: TokenManager
    stats: CallStats
    http: httpx.AsyncClient
    app_secret: str = field(default="", repr=False)  # in memory only, for webhook checks

    async def aclose(self) -> None:
        """Close the HTTP pool and the database (a fresh pair still unsaved is tried once more)."""
        if self.tokens.unsaved and not self.tokens.save_pending():
            log.error(
                "the keyring is still locked: the shop's new authorization could not be saved, "
                "so the next start may have to reconnect. Unlock the keyring and run any "
                "shopdesk command (or keep the app open) to save it."
            )
        await self.http.aclose()
        self.db.close()


def refresh_lock(paths: Paths) -> Callable[[], AbstractAsyncContextManager[None]]:
    """Every process of this data folder refreshes the rotating pair one at a time."""
    lock = FileLock(paths.root / "token.lock")

    @contextlib.asynccontextmanager
    async def exclusive() -> AsyncIterator[None]:
        held = await lock.acquire_async(REFRESH_LOCK_WAIT)
        if not held:
            log.warning("another Shopdesk kept the token lock %.0f s; going on", REFRESH_LOCK_WAIT)
        try:
            yield
        finally:
            if held:
                lock.release()

    return exclusive


def not_connected() -> ReconnectNeeded:
    """The error for a data folder with no shop yet."""
    return ReconnectNeeded("no shop is connected yet (run `shopdesk connect`)")


def open_session(
    paths: Paths,
    settings: Settings,
    secrets: SecretStore,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    outlet: Outlet = SILENT,
    clock: Callable[[], float] = time.time,
) -> ShopSession:
    """Open the current shop for syncing; raises ReconnectNeeded when it cannot call TikTok."""
    db = open_db(paths.ensure().database)
    try:
        shop = fetch_current_shop(db)
        if shop is None:
            raise not_connected()
        if shop.needs_reconnect:
            raise ReconnectNeeded(shop.auth_problem or "the shop must be reconnected")
        app_secret = secrets.app_secret(shop.app_key)
        token = secrets.token(shop.app_key)
        if not app_secret or token is None:
            raise ReconnectNeeded("the keyring holds no app secret or token for this shop")
    except BaseException:
        db.close()
        raise

    def saved(fresh: Token) -> None:
        secrets.set_token(shop.app_key, fresh)
        save_token_expiry(db, shop.id, fresh)

    def not_saved(reason: str) -> None:
        save_error(
            db,
            KEYRING_ERROR,
            f"TikTok Shop renewed the authorization, but the keyring would not save it: {reason}",
            action="Unlock the keyring (log in to the desktop, or open your passwords app). "
            "Shopdesk keeps the new authorization meanwhile and saves it by itself; quitting "
            "before then means connecting again.",
            shop_id=shop.id,
            now=int(clock()),
        )

    def saved_later() -> None:
        save_error_resolved(db, KEYRING_ERROR, now=int(clock()))

    def lost(reason: str) -> None:
        save_reconnect_needed(db, shop.id, reason)
        outlet.lost(reason)

    http = httpx.AsyncClient(transport=transport, timeout=30.0)
    auth = AuthClient(shop.app_key, app_secret, auth_base=settings.auth_base, http=http)
    tokens = TokenManager(
        auth,
        token,
        save=saved,
        on_lost=lost,
        refresh_margin=settings.refresh_margin_seconds,
        clock=clock,
        load=lambda: secrets.token(shop.app_key),
        exclusive=refresh_lock(paths),
        on_save_failed=not_saved,
        on_saved=saved_later,
    )
    stats = CallStats()
    config = ClientConfig(
        app_key=shop.app_key,
        api_base=settings.api_base,
        qps=settings.qps,
        max_concurrency=settings.max_concurrency,
    )
    limit = settings.max_requests_per_hour
    client = TikTokClient(
        config,
        app_secret,
        tokens,
        shop_id=shop.id,
        shop_cipher=shop.cipher,
        http=http,
        clock=clock,
        on_call=stats.record,
        budget=shared_budget(shop.app_key, shop.id, limit) if limit else None,
    )
    return ShopSession(
        db, shop, settings, ShopApi(client), client, tokens, stats, http, app_secret=app_secret
    )
