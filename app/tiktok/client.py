"""The signed, rate-limited, retrying HTTP core every TikTok Shop call goes through."""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from app import exact_json
from app.tiktok.auth import TokenManager
from app.tiktok.budget import HourlyBudget, priority_for
from app.tiktok.errors import (
    AuthorizationLost,
    ClockSkew,
    HourlyLimitSuspected,
    InternalError,
    InvalidToken,
    NetworkError,
    RetriesExhausted,
    ShopdeskError,
    Throttled,
    TikTokError,
    TokenExpired,
    UnexpectedResponse,
    error_for,
)
from app.tiktok.hosts import DEFAULT_API_BASE
from app.tiktok.ratelimit import DEFAULT_QPS, RateLimiter
from app.tiktok.retry import RetryPolicy
from app.tiktok.signing import compact_json, sign

# httpcore asks for sniffio on every request (to pick its locks); when it is not installed each
# ask is a full, failing import search of sys.path. Saying once that it is absent makes that
# ask instant (httpcore then uses asyncio, which is what Shopdesk runs on).
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Paths that must never carry `shop_cipher` (FACTS.md 2).
UNSCOPED_PREFIXES = ("/authorization/", "/seller/")

#: Token refusals one call survives (each followed by a refresh, or the pair another process
#: saved) before the authorization counts as lost.
MAX_TOKEN_RENEWALS = 3
#: Sentinel delay: the write being retried turned out to have landed already.
_DONE = -1.0

QueryValue = str | int | bool | Sequence[str | int] | None


@dataclass(frozen=True)
class ClientConfig:
    """Where and how fast to call; built once from settings."""

    app_key: str
    api_base: str = DEFAULT_API_BASE
    qps: float = DEFAULT_QPS
    burst: float | None = None
    max_concurrency: int = 16
    timeout: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class CallRecord:
    """One HTTP exchange, for the Health charts and import statistics."""

    api: str
    method: str
    started: float
    seconds: float
    http_status: int | None
    code: int | None
    throttled: bool
    attempt: int


def is_shop_scoped(path: str) -> bool:
    """Shop-scoped APIs need `shop_cipher`; authorization and seller APIs refuse it."""
    return not path.startswith(UNSCOPED_PREFIXES)


def _query_text(value: QueryValue) -> str | None:
    """Query values as TikTok signs them: arrays comma-joined, booleans lowercase."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return ",".join(str(v) for v in value)


def _server_skew(response: httpx.Response, local_now: float) -> float | None:
    """How far our clock is ahead of the server's, from its `Date` header."""
    header = response.headers.get("date")
    if not header:
        return None
    try:
        server = email.utils.parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return None
    return local_now - server


def parse_json(raw: bytes) -> Any:
    """Parse fast and exactly (app.exact_json); None for a body that is not JSON."""
    try:
        return exact_json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


class TikTokClient:
    """Signs with the exact bytes sent, limits, retries, refreshes, and maps every error."""

    def __init__(
        self,
        config: ClientConfig,
        app_secret: str,
        tokens: TokenManager,
        *,
        shop_id: str = "",
        shop_cipher: str | None = None,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        on_call: Callable[[CallRecord], None] | None = None,
        budget: HourlyBudget | None = None,
    ) -> None:
        self.config = config
        #: The shop's hourly request budget (development shops), shared in the process.
        self.budget = budget
        self._app_secret = app_secret
        self.tokens = tokens
        self.shop_id = shop_id
        self.shop_cipher = shop_cipher
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(
            transport=transport,
            timeout=config.timeout,
            limits=httpx.Limits(max_connections=config.max_concurrency * 2),
        )
        self._clock = clock
        self._sleep = sleep
        self._clock_offset = 0.0
        self.server_skew: float | None = None  # our clock minus TikTok's, from `Date`
        self.limiter = RateLimiter(config.qps, config.burst, clock=monotonic, sleep=sleep)
        self._inflight = asyncio.Semaphore(config.max_concurrency)
        self._on_call = on_call
        self.calls = 0
        self.throttled = 0

    def __repr__(self) -> str:
        return f"TikTokClient(app_key={self.config.app_key!r}, shop_id={self.shop_id!r})"

    async def aclose(self) -> None:
        """Close the HTTP pool if we made it."""
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> TikTokClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def now(self) -> float:
        """Our clock, corrected by what the server told us after a rejected timestamp."""
        return self._clock() + self._clock_offset

    def server_now(self) -> float:
        """TikTok's time as far as we know it: our clock minus the skew its `Date` showed."""
        return self._clock() - (self.server_skew or 0.0)

    def _observe_date(self, response: httpx.Response) -> None:
        """Keep how far our clock runs from TikTok's (the header counts whole seconds, so a
        change of under two seconds is noise and is ignored)."""
        skew = _server_skew(response, self._clock())
        if skew is None:
            return
        if self.server_skew is None or abs(skew - self.server_skew) >= 2:
            self.server_skew = skew

    def build_request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None,
        body: Any,
        access_token: str,
    ) -> httpx.Request:
        """Build the request, then sign exactly the decoded query and body bytes it carries."""
        params: dict[str, str] = {"app_key": self.config.app_key}
        if is_shop_scoped(path):
            if not self.shop_cipher:
                raise ShopdeskError(f"{path} needs a shop, but no shop is selected")
            params["shop_cipher"] = self.shop_cipher
        for key, value in (query or {}).items():
            text = _query_text(value)
            if text is not None and text != "":
                params[key] = text  # empty values are neither sent nor signed
        params["timestamp"] = str(int(self.now()))
        content = compact_json(body) if body is not None else None
        headers = {"content-type": "application/json", "x-tts-access-token": access_token}
        request = self._http.build_request(
            method,
            self.config.api_base.rstrip("/") + path,
            params=params,
            content=content,
            headers=headers,
        )
        signature = sign(
            self._app_secret,
            request.url.path,
            request.url.params.multi_items(),
            request.content if content is not None else None,
        )
        request.url = request.url.copy_add_param("sign", signature)
        return request

    async def call(
        self,
        method: str,
        path: str,
        *,
        api: str | None = None,
        query: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        idempotent: bool = True,
        verify_done: Callable[[], Awaitable[bool]] | None = None,
    ) -> dict[str, Any]:
        """Call one API and return its `data`; raises a typed error when TikTok says no.

        `api` is the path template used for rate limits and messages. A write whose outcome
        is unknown is retried only after `verify_done` says it did not land.
        """
        api = api or path
        attempt = 0
        renewals = 0
        renewed_by_us = False
        clock_fixed = False
        while True:
            attempt += 1
            access_token = await self.tokens.access_token()
            try:
                return await self._attempt(method, path, api, query, body, attempt, access_token)
            except (TokenExpired, InvalidToken) as exc:
                # Another process may have rotated the pair meanwhile: the refresh then takes
                # the pair it saved. A token refused right after our own refresh is lost,
                # unless another process saved a newer pair still.
                renewals += 1
                if renewals > MAX_TOKEN_RENEWALS or (
                    renewed_by_us and not await self.tokens.adopt_saved(access_token)
                ):
                    if isinstance(exc, InvalidToken):
                        self.tokens.mark_lost("TikTok Shop no longer accepts the access token")
                    raise
                if not renewed_by_us:
                    before = self.tokens.refresh_count
                    await self.tokens.refresh(access_token)
                    renewed_by_us = self.tokens.refresh_count > before
                else:
                    renewed_by_us = False
                attempt -= 1
            except AuthorizationLost as exc:
                self.tokens.mark_lost(
                    f"TikTok Shop no longer accepts the authorization ({exc.code})"
                )
                raise
            except ClockSkew as exc:
                if clock_fixed or exc.skew_seconds is None:
                    raise
                clock_fixed = True
                self._clock_offset = -exc.skew_seconds
                log.warning("clock off by %.0f s; correcting request timestamps", exc.skew_seconds)
                attempt -= 1
            except (TikTokError, NetworkError, UnexpectedResponse) as exc:
                delay = await self._retry_delay(exc, attempt, idempotent, verify_done)
                if delay is None:
                    if isinstance(exc, Throttled) and self.budget is None:
                        raise HourlyLimitSuspected(exc, attempt) from exc
                    if getattr(exc, "retryable", False) and attempt > 1:
                        raise RetriesExhausted(exc, attempt) from exc
                    raise
                if delay == _DONE:
                    return {}
                if isinstance(exc, Throttled):
                    self.limiter.penalize((self.shop_id, api), delay)
                log.info(
                    "retry %s after %s (attempt %d, %.2fs)", api, type(exc).__name__, attempt, delay
                )
                await self._sleep(delay)

    async def _retry_delay(
        self,
        exc: Exception,
        attempt: int,
        idempotent: bool,
        verify_done: Callable[[], Awaitable[bool]] | None,
    ) -> float | None:
        """How long to wait before the next attempt; None gives up, _DONE means it landed."""
        policy = self.config.retry
        delay = policy.delay_for(exc, attempt, idempotent=idempotent)
        if delay is not None or verify_done is None or not _outcome_unknown(exc):
            return delay
        if await verify_done():
            return _DONE
        return policy.backoff(attempt) if attempt < policy.max_attempts else None

    async def _attempt(
        self,
        method: str,
        path: str,
        api: str,
        query: Mapping[str, QueryValue] | None,
        body: Any,
        attempt: int,
        access_token: str,
    ) -> dict[str, Any]:
        if self.budget is not None:
            await self.budget.acquire(priority_for(method, api))
        await self.limiter.acquire((self.shop_id, api))
        async with self._inflight:
            request = self.build_request(
                method, path, query=query, body=body, access_token=access_token
            )
            started = time.perf_counter()
            status: int | None = None
            code: int | None = None
            self.calls += 1
            try:
                response = await self._http.send(request)
                status = response.status_code
                self._observe_date(response)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise NetworkError(
                    f"could not connect to {request.url.host}: {type(exc).__name__}", api=api
                ) from None
            except httpx.HTTPError as exc:
                raise NetworkError(
                    f"no complete answer from {request.url.host}: {type(exc).__name__}",
                    api=api,
                    outcome_unknown=True,
                ) from None
            finally:
                seconds = time.perf_counter() - started
            try:
                data, code = self._parse(response, api)
            finally:
                throttled = status == 429 or code == 36009002
                if throttled:
                    self.throttled += 1
                if self._on_call is not None:
                    self._on_call(
                        CallRecord(
                            api, method, self._clock(), seconds, status, code, throttled, attempt
                        )
                    )
            return data

    async def fetch(self, url: str) -> httpx.Response:
        """GET a link TikTok handed out (a shipping document): no signature, no token.

        A read changes nothing, so dropped connections and 5xx are retried with backoff.
        """
        attempt = 0
        while True:
            attempt += 1
            error: ShopdeskError
            try:
                response = await self._http.get(url)
            except httpx.HTTPError as exc:
                host = httpx.URL(url).host
                error = NetworkError(f"could not download from {host}: {type(exc).__name__}")
            else:
                if response.status_code < 500:
                    return response
                status = response.status_code
                error = InternalError(-1, f"HTTP {status} for a download", http_status=status)
            if attempt >= self.config.retry.max_attempts:
                raise RetriesExhausted(error, attempt)
            await self._sleep(self.config.retry.backoff(attempt))

    def _parse(self, response: httpx.Response, api: str) -> tuple[dict[str, Any], int]:
        """Success is `code == 0` whatever the HTTP status; anything else is a typed error."""
        envelope = parse_json(response.content)
        if not isinstance(envelope, dict) or "code" not in envelope:
            if response.status_code == 429:
                raise Throttled(
                    36009002,
                    "Too many requests",
                    http_status=429,
                    api=api,
                    retry_after=_retry_after(response),
                )
            if response.status_code >= 500:
                raise error_for(
                    -1,
                    f"HTTP {response.status_code} without a TikTok answer",
                    "",
                    http_status=response.status_code,
                    api=api,
                )
            raise UnexpectedResponse(
                f"{api} answered HTTP {response.status_code} without TikTok's JSON envelope"
            )
        try:
            code = int(envelope["code"])
        except (TypeError, ValueError):
            raise UnexpectedResponse(f"{api} answered with a non-numeric code") from None
        if code == 0:
            data = envelope.get("data")
            return (data if isinstance(data, dict) else {}), code
        raise error_for(
            code,
            str(envelope.get("message", "")),
            str(envelope.get("request_id", "")),
            http_status=response.status_code,
            api=api,
            skew_seconds=_server_skew(response, self._clock()),
            retry_after=_retry_after(response),
        )


def _outcome_unknown(exc: Exception) -> bool:
    """Did the request perhaps reach TikTok and change something before failing?"""
    if isinstance(exc, NetworkError):
        return exc.outcome_unknown
    return isinstance(exc, UnexpectedResponse) or (
        isinstance(exc, TikTokError) and exc.retryable and not isinstance(exc, Throttled)
    )
