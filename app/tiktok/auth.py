"""OAuth: the authorization link, token get and refresh, and refreshing ahead of expiry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from app.tiktok.errors import (
    AuthorizationLost,
    NetworkError,
    ReconnectNeeded,
    TikTokError,
    UnexpectedResponse,
    error_for,
)
from app.tiktok.hosts import DEFAULT_AUTH_BASE
from app.tiktok.models import Token

log = logging.getLogger(__name__)

#: Partner Center's "Copy authorization link" per Partner Center (FACTS.md 9.1): apps registered
#: in the US Partner Center (partner.us.tiktokshop.com) get the US host, all others the global
#: one. Token and API hosts are the same for both.
SERVICES_AUTHORIZE_URLS: dict[str, str] = {
    "global": "https://services.tiktokshop.com/open/authorize",
    "us": "https://services.us.tiktokshop.com/open/authorize",
}
SERVICES_AUTHORIZE_URL = SERVICES_AUTHORIZE_URLS["global"]
#: Every host a service link may name (the 202407 overview spells the US one differently).
SERVICES_HOSTS = frozenset(
    {"services.tiktokshop.com", "services.us.tiktokshop.com", "services.tiktokshops.us"}
)


def new_state() -> str:
    """A random, unguessable `state` that ties the redirect to this connect attempt."""
    return secrets.token_urlsafe(24)


def authorization_url(
    *,
    state: str,
    app_key: str | None = None,
    service_id: str | None = None,
    auth_base: str = DEFAULT_AUTH_BASE,
    authorize_url: str | None = None,
    partner_center: str = "global",
) -> str:
    """The link the seller opens: Partner Center's `service_id` form (its host set by the
    Partner Center the app is registered in) or the legacy `app_key` one."""
    if service_id:
        if partner_center not in SERVICES_AUTHORIZE_URLS:
            raise ValueError(f"unknown Partner Center {partner_center!r}: global or us")
        base = authorize_url or SERVICES_AUTHORIZE_URLS[partner_center]
        return f"{base}?{urlencode({'service_id': service_id, 'state': state})}"
    if not app_key:
        raise ValueError("an app key or a service id is needed to build the authorization link")
    base = authorize_url or f"{auth_base.rstrip('/')}/oauth/authorize"
    return f"{base}?{urlencode({'app_key': app_key, 'state': state})}"


class AuthClient:
    """Token get and refresh on the auth host: GET, unsigned, app secret in the query."""

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        *,
        auth_base: str = DEFAULT_AUTH_BASE,
        http: httpx.AsyncClient,
    ) -> None:
        self.app_key = app_key
        self._app_secret = app_secret
        self.auth_base = auth_base.rstrip("/")
        self._http = http

    def __repr__(self) -> str:
        return f"AuthClient(app_key={self.app_key!r}, auth_base={self.auth_base!r})"

    async def get_token(self, auth_code: str) -> Token:
        """Exchange a single-use authorization code (valid 30 minutes) for tokens."""
        return await self._token_call(
            "/api/v2/token/get", {"auth_code": auth_code, "grant_type": "authorized_code"}
        )

    async def refresh_token(self, refresh_token: str) -> Token:
        """Trade the refresh token for a new pair (TikTok rotates both)."""
        return await self._token_call(
            "/api/v2/token/refresh",
            {"refresh_token": refresh_token, "grant_type": "refresh_token"},
        )

    async def _token_call(self, path: str, extra: dict[str, str]) -> Token:
        params = {"app_key": self.app_key, "app_secret": self._app_secret, **extra}
        try:
            response = await self._http.get(self.auth_base + path, params=params)
        except httpx.HTTPError as exc:
            # Never echo the URL: its query holds the app secret.
            raise NetworkError(
                f"could not reach {httpx.URL(self.auth_base).host}: {type(exc).__name__}",
                api=path,
            ) from None
        try:
            envelope: dict[str, Any] = response.json()
        except ValueError:
            raise UnexpectedResponse(
                f"{path} answered HTTP {response.status_code} without JSON"
            ) from None
        code = int(envelope.get("code", -1))
        if code != 0:
            raise error_for(
                code,
                str(envelope.get("message", "")),
                str(envelope.get("request_id", "")),
                http_status=response.status_code,
                api=path,
            )
        return Token.model_validate(envelope.get("data") or {})


@dataclass
class TokenState:
    """What the token manager knows: the token, or why the shop must be reconnected."""

    token: Token | None
    lost_reason: str | None = None


#: A fresh pair the keyring would not take is offered to it again this often.
SAVE_RETRY_SECONDS = 10.0


def _no_lock() -> AbstractAsyncContextManager[None]:
    return contextlib.nullcontext()


class TokenManager:
    """Hands out a valid access token, refreshing ahead of expiry, one refresh at a time.

    TikTok rotates both tokens on every refresh and revokes the old pair, so other processes
    (the app, a command, cron) must never refresh with a pair one of them already used:
    `exclusive` is a lock shared by every process of the data folder, and inside it the saved
    pair is read again (`load`) before refreshing and after TikTok refuses a token. A fresh
    pair the keyring will not take (it is locked) is kept and offered again until it is saved.
    """

    def __init__(
        self,
        auth: AuthClient,
        token: Token | None,
        *,
        save: Callable[[Token], None],
        on_lost: Callable[[str], None] | None = None,
        refresh_margin: float = 6 * 3600,
        clock: Callable[[], float] = time.time,
        lost_reason: str | None = None,
        load: Callable[[], Token | None] | None = None,
        exclusive: Callable[[], AbstractAsyncContextManager[None]] = _no_lock,
        on_save_failed: Callable[[str], None] | None = None,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        self._auth = auth
        self._state = TokenState(token, lost_reason)
        self._save = save
        self._on_lost = on_lost
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self._load = load
        self._exclusive = exclusive
        self._on_save_failed = on_save_failed
        self._on_saved = on_saved
        self._unsaved: Token | None = None
        self._save_again_at = 0.0
        self._spent: set[str] = set()  # refresh tokens we traded in: revoked, never taken back
        self.refresh_count = 0

    @property
    def token(self) -> Token | None:
        """The current token (tests and status read its expiries)."""
        return self._state.token

    @property
    def lost_reason(self) -> str | None:
        """Why API calls are paused, or None while authorized."""
        return self._state.lost_reason

    @property
    def unsaved(self) -> bool:
        """A fresh pair lives only in memory: the keyring refused it so far."""
        return self._unsaved is not None

    def mark_lost(self, reason: str) -> None:
        """Stop all API calls until the seller authorizes again."""
        if self._state.lost_reason is None:
            self._state.lost_reason = reason
            if self._on_lost is not None:
                self._on_lost(reason)

    def _check_usable(self) -> Token:
        if self._state.lost_reason is not None:
            raise ReconnectNeeded(self._state.lost_reason)
        token = self._state.token
        if token is None:
            raise ReconnectNeeded("this shop is not connected")
        return token

    async def access_token(self) -> str:
        """A token good for the next call; refreshes first when expiry is within the margin."""
        token = self._check_usable()
        if self._unsaved is not None and self._clock() >= self._save_again_at:
            self.save_pending()
        if token.access_expires_within(self._clock(), self.refresh_margin):
            token = await self.refresh(token.access_token.get_secret_value())
        return token.access_token.get_secret_value()

    def save_pending(self) -> bool:
        """Offer the unsaved pair to the keyring again; True once nothing waits."""
        pending = self._unsaved
        if pending is None:
            return True
        self._persist(pending)
        return self._unsaved is None

    def _persist(self, fresh: Token) -> None:
        try:
            self._save(fresh)
        except Exception as exc:  # the keyring is locked or gone: keep the pair, say so
            first = self._unsaved is None
            self._unsaved = fresh
            self._save_again_at = self._clock() + SAVE_RETRY_SECONDS
            if first:
                log.error("the new authorization could not be saved: %s", exc)
                if self._on_save_failed is not None:
                    self._on_save_failed(str(exc))
            return
        if self._unsaved is not None:
            self._unsaved = None
            log.info("the new authorization is saved in the keyring")
            if self._on_saved is not None:
                self._on_saved()

    def _newer_saved(self, than: Token) -> Token | None:
        """The keyring's pair when another process saved a newer one than `than`."""
        if self._load is None:
            return None
        try:
            saved = self._load()
        except Exception as exc:  # a locked keyring reads as "nothing newer"
            log.info("could not read the keyring: %s", exc)
            return None
        if saved is None or saved.refresh_token == than.refresh_token:
            return None
        if saved.refresh_token.get_secret_value() in self._spent:
            return None  # a pair we rotated away ourselves (ours is still unsaved)
        if saved.access_token_expire_in < than.access_token_expire_in:
            return None  # older: e.g. our own fresh pair is the one still unsaved
        return saved

    async def adopt_saved(self, stale_access_token: str) -> bool:
        """Take the pair another process saved since `stale_access_token`; False if none."""
        async with self._lock:
            token = self._check_usable()
            if token.access_token.get_secret_value() != stale_access_token:
                return True
            async with self._exclusive():
                newer = self._newer_saved(token)
                if newer is None:
                    return False
                self._state.token = newer
                return True

    async def refresh(self, stale_access_token: str) -> Token:
        """Refresh unless another caller (or process) already replaced the stale token."""
        async with self._lock:
            token = self._check_usable()
            if token.access_token.get_secret_value() != stale_access_token:
                return token  # someone refreshed while we waited: exactly one refresh
            async with self._exclusive():
                newer = self._newer_saved(token)
                if newer is not None:
                    self._state.token = newer  # another process refreshed: use its pair
                    return newer
                return await self._refresh_now(token)

    async def _refresh_now(self, token: Token) -> Token:
        if token.refresh_expired(self._clock()):
            self.mark_lost("the authorization expired")
            raise ReconnectNeeded("the authorization expired")
        spent = token.refresh_token.get_secret_value()
        try:
            fresh = await self._auth.refresh_token(spent)
        except AuthorizationLost as exc:
            newer = self._newer_saved(token)
            if newer is not None:  # rotated by a process outside our lock meanwhile
                self._state.token = newer
                return newer
            self.mark_lost(f"TikTok Shop no longer accepts the authorization ({exc.code})")
            raise ReconnectNeeded(self._state.lost_reason or "") from None
        except TikTokError as exc:
            if exc.code == 36009004:  # app key or secret no longer valid
                self.mark_lost(f"TikTok Shop refused the app credentials ({exc.code})")
                raise ReconnectNeeded(self._state.lost_reason or "") from None
            raise
        self._spent.add(spent)
        self._state.token = fresh
        self.refresh_count += 1
        self._persist(fresh)
        return fresh
