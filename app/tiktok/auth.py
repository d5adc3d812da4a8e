"""OAuth: the authorization link, token get and refresh, and refreshing ahead of expiry."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
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
from app.tiktok.models import Token

#: Token host (FACTS.md 3); the sandbox serves the same paths.
DEFAULT_AUTH_BASE = "https://auth.tiktok-shops.com"
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


class TokenManager:
    """Hands out a valid access token, refreshing ahead of expiry, one refresh at a time."""

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
    ) -> None:
        self._auth = auth
        self._state = TokenState(token, lost_reason)
        self._save = save
        self._on_lost = on_lost
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self.refresh_count = 0

    @property
    def token(self) -> Token | None:
        """The current token (tests and status read its expiries)."""
        return self._state.token

    @property
    def lost_reason(self) -> str | None:
        """Why API calls are paused, or None while authorized."""
        return self._state.lost_reason

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
        if token.access_expires_within(self._clock(), self.refresh_margin):
            token = await self.refresh(token.access_token.get_secret_value())
        return token.access_token.get_secret_value()

    async def refresh(self, stale_access_token: str) -> Token:
        """Refresh unless another caller already replaced `stale_access_token` meanwhile."""
        async with self._lock:
            token = self._check_usable()
            if token.access_token.get_secret_value() != stale_access_token:
                return token  # someone refreshed while we waited: exactly one refresh
            if token.refresh_expired(self._clock()):
                self.mark_lost("the authorization expired")
                raise ReconnectNeeded("the authorization expired")
            try:
                fresh = await self._auth.refresh_token(token.refresh_token.get_secret_value())
            except AuthorizationLost as exc:
                self.mark_lost(f"TikTok Shop no longer accepts the authorization ({exc.code})")
                raise ReconnectNeeded(self._state.lost_reason or "") from None
            except TikTokError as exc:
                if exc.code == 36009004:  # app key or secret no longer valid
                    self.mark_lost(f"TikTok Shop refused the app credentials ({exc.code})")
                    raise ReconnectNeeded(self._state.lost_reason or "") from None
                raise
            self._state.token = fresh
            self.refresh_count += 1
            self._save(fresh)
            return fresh
