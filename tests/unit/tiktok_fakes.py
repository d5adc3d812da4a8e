"""Helpers for client tests: a fixed clock, a sleep that records instead of waiting."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from app.tiktok.auth import AuthClient, TokenManager
from app.tiktok.client import ClientConfig, TikTokClient
from app.tiktok.models import Token
from app.tiktok.retry import RetryPolicy

API = "https://api.test"
AUTH = "https://auth.test"
APP_KEY = "testkey"
APP_SECRET = "testsecret-0123456789"
NOW = 1_764_000_000.0


@dataclass
class FakeTime:
    """A clock tests move by hand; sleeping advances it and is recorded."""

    now: float = NOW
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_token(
    now: float = NOW, *, access_in: float = 7 * 86400, refresh_in: float = 300 * 86400, n: int = 1
) -> Token:
    return Token(
        access_token=SecretStr(f"TTP_access_{n}"),
        access_token_expire_in=int(now + access_in),
        refresh_token=SecretStr(f"TTP_refresh_{n}"),
        refresh_token_expire_in=int(now + refresh_in),
        open_id="open1",
        seller_name="Test Seller",
        seller_base_region="US",
        granted_scopes=["seller.order.info"],
    )


def make_client(
    http,
    time: FakeTime,
    *,
    token: Token | None = None,
    retry: RetryPolicy | None = None,
    saved: list[Token] | None = None,
    lost: list[str] | None = None,
    refresh_margin: float = 3600,
    qps: float = 1000.0,
) -> TikTokClient:
    auth = AuthClient(APP_KEY, APP_SECRET, auth_base=AUTH, http=http)
    manager = TokenManager(
        auth,
        token if token is not None else make_token(time.now),
        save=(saved.append if saved is not None else lambda t: None),
        on_lost=(lost.append if lost is not None else None),
        refresh_margin=refresh_margin,
        clock=time.clock,
    )
    config = ClientConfig(
        app_key=APP_KEY,
        api_base=API,
        qps=qps,
        retry=retry or RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=8, jitter=lambda d: d),
    )
    return TikTokClient(
        config,
        APP_SECRET,
        manager,
        shop_id="shop1",
        shop_cipher="GCP_cipher+/=",
        http=http,
        clock=time.clock,
        sleep=time.sleep,
        monotonic=time.clock,
    )


def envelope(data=None, code: int = 0, message: str = "Success") -> dict:
    return {
        "code": code,
        "message": message,
        "request_id": "202611290000000101890810281E8C70B7",
        "data": data if data is not None else {},
    }
