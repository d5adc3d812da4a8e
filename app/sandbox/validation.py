"""The checks every TikTok API call passes before an endpoint sees it.

Order (FACTS.md 1, 2, 8.2; common-errors.md): path -> method -> app_key -> sign present ->
timestamp -> sign valid -> token -> shop_cipher -> scope -> rate limit -> body -> endpoint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from app.sandbox import errors as e
from app.sandbox.errors import ApiError, param_error
from app.sandbox.model import Grant, Shop
from app.tiktok.signing import verify_sign

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

TIMESTAMP_PAST = 300  # [now - 5 min, now + 30 s] (common-parameters.md)
TIMESTAMP_FUTURE = 30
BODY_METHODS = frozenset({"POST", "PUT", "DELETE"})


@dataclass
class Call:
    """A request that passed the common checks, as the endpoint sees it."""

    route: Route
    path_params: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any]
    grant: Grant
    shop: Shop | None
    now: int
    base_url: str = ""  # scheme and host the request came to, for links the API hands out


Handler = Callable[["Sandbox", Call], Any]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    scope: str
    shop_scoped: bool = True
    #: Further scopes that also open the route (spec-json `scope_list` with several entries).
    any_of: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False)
    any_version: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        self.pattern = re.compile(f"^{regex}$")
        versionless = re.sub(r"^/(\w+)/\d{6}/", r"/\1/\\d{6}/", regex)
        self.any_version = re.compile(f"^{versionless}$")


class Router:
    """Finds the route of a path, or TikTok's error for a wrong path, version or method."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        found = [(r, m) for r in self.routes if (m := r.pattern.match(path))]
        if not found:
            if any(r.any_version.match(path) for r in self.routes):
                raise ApiError(*e.INVALID_VERSION, http_status=404)
            raise ApiError.of(e.INVALID_PATH)
        for route, m in found:
            if route.method == method:
                return route, m.groupdict()
        raise ApiError.of(e.INVALID_METHOD)


def parse_query(raw: bytes) -> dict[str, str]:
    """Decoded query values, the first of each name, like Go's `url.Query().Get` (FACTS.md 1.1)."""
    values: dict[str, str] = {}
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        values.setdefault(key, value)
    return values


def validate(
    sandbox: Sandbox,
    *,
    route: Route,
    path_params: dict[str, str],
    method: str,
    path: str,
    raw_query: bytes,
    headers: dict[str, str],
    raw_body: bytes,
    base_url: str = "",
) -> Call:
    query = parse_query(raw_query)
    if query.get("app_key") != sandbox.app_key:
        raise ApiError.of(e.INVALID_APP_KEY)
    given_sign = query.get("sign")
    if not given_sign:
        raise ApiError.of(e.MISSING_SIGN)
    _check_timestamp(query.get("timestamp"), sandbox.clock.wall())
    # The sign covers the path, the query as received and the raw body bytes (FACTS.md 1.1).
    if not verify_sign(sandbox.app_secret, path, query, raw_body, given_sign):
        sandbox.state.counters.rejected_sign += 1
        raise ApiError.of(e.INVALID_SIGN)

    now = sandbox.clock.now()
    world = sandbox.state
    token = world.access_tokens.get(headers.get("x-tts-access-token", ""))
    grant = world.grants.get(token.grant_id) if token else None
    if token is None or token.revoked or grant is None or not grant.active:
        raise ApiError.of(e.INVALID_TOKEN)
    if now >= token.expires_at:  # expiry follows the shop clock
        raise ApiError.of(e.EXPIRED_TOKEN)

    cipher = query.get("shop_cipher")
    shop: Shop | None = None
    if route.shop_scoped:
        if not cipher:
            raise ApiError.of(e.MISSING_SHOP_CIPHER)
        shop = world.by_cipher.get(cipher)
        if shop is None or shop.id not in grant.shop_ids:
            # common-errors.md 101000: the token's shop does not match `shop_cipher`.
            raise ApiError.of(e.INVALID_SHOP_OR_TOKEN)
    elif cipher is not None:
        raise ApiError.of(e.UNEXPECTED_SHOP_CIPHER)

    if route.scope not in grant.scopes and not any(s in grant.scopes for s in route.any_of):
        raise ApiError.of(e.MISSING_SCOPE)

    # FACTS.md 9.2: a development shop answers 429 past its hourly budget, whatever the API
    # of the shop (calls for no shop, such as listing the authorized shops, are not counted).
    hourly = sandbox.hourly
    if hourly is not None and shop is not None and not hourly.allow(shop.id, now):
        world.counters.throttled += 1
        world.counters.hourly_refused += 1
        raise ApiError.of(e.TOO_MANY_REQUESTS)

    # rate-limits.md: per app and shop, per API.
    if not sandbox.limiter.allow((sandbox.app_key, shop.id if shop else grant.id, route.template)):
        world.counters.throttled += 1
        raise ApiError.of(e.TOO_MANY_REQUESTS)

    body: dict[str, Any] = {}
    if method in BODY_METHODS and raw_body.strip():
        content_type = headers.get("content-type", "")
        if "application/json" not in content_type.lower():
            raise ApiError.of(e.INVALID_BODY_FORMAT)
        try:
            parsed = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError.of(e.INVALID_BODY_FORMAT) from None
        if not isinstance(parsed, dict):
            raise ApiError.of(e.INVALID_BODY_FORMAT)
        body = parsed
    return Call(
        route=route,
        path_params=path_params,
        query=query,
        body=body,
        grant=grant,
        shop=shop,
        now=now,
        base_url=base_url,
    )


def _check_timestamp(raw: str | None, wall: float) -> None:
    if raw is None or raw == "":
        raise param_error("query.timestamp is missing")
    try:
        value = int(raw)
    except ValueError:
        raise param_error("query.timestamp is invalid") from None
    if value < 0:
        raise ApiError.of(e.TIMESTAMP_NEGATIVE)
    if value < wall - TIMESTAMP_PAST:
        raise ApiError.of(e.TIMESTAMP_TOO_OLD)
    if value > wall + TIMESTAMP_FUTURE:
        raise ApiError.of(e.TIMESTAMP_IN_FUTURE)
