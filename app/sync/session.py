"""Everything one connected shop needs to sync: database, client, tokens, and who to tell."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import sqlite_utils

from app.config import Paths, Settings
from app.secrets import SecretStore
from app.store.db import open_db
from app.store.shops import ShopRecord, fetch_current_shop, save_reconnect_needed, save_token_expiry
from app.tiktok.api import ShopApi
from app.tiktok.auth import AuthClient, TokenManager
from app.tiktok.budget import shared_budget
from app.tiktok.client import CallRecord, ClientConfig, TikTokClient
from app.tiktok.errors import ReconnectNeeded
from app.tiktok.models import Token


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
        """Close the HTTP pool and the database."""
        await self.http.aclose()
        self.db.close()


def not_connected() -> ReconnectNeeded:
    """The error for a data folder with no shop yet."""
    return ReconnectNeeded("no shop is connected yet (run `shopdesk connect`)")


def open_session(
    paths: Paths,
    settings: Settings,
    secrets: SecretStore,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_auth_lost: Callable[[str], None] | None = None,
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

    def lost(reason: str) -> None:
        save_reconnect_needed(db, shop.id, reason)
        if on_auth_lost is not None:
            on_auth_lost(reason)

    http = httpx.AsyncClient(transport=transport, timeout=30.0)
    auth = AuthClient(shop.app_key, app_secret, auth_base=settings.auth_base, http=http)
    tokens = TokenManager(
        auth,
        token,
        save=saved,
        on_lost=lost,
        refresh_margin=settings.refresh_margin_seconds,
        clock=clock,
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
