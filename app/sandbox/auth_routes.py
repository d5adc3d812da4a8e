"""The authorization host: the seller's consent page and the token endpoints (FACTS.md 3)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.sandbox import errors as e
from app.sandbox.config import SCOPE_NAMES
from app.sandbox.errors import ApiError, envelope, error_response
from app.sandbox.ids import secret_text
from app.sandbox.model import AccessToken, AuthCode, Grant, RefreshToken

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

CODE_TTL = 30 * 60  # authorization-overview-202407.md: auth_code expires in 30 minutes

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {app} - TikTok Shop (sandbox)</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:3rem auto;color:#161823}}
li{{margin:.2rem 0}} button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}}
.approve{{background:#fe2c55;color:#fff;border:0;border-radius:4px}}</style></head>
<body><h1>Authorize app access</h1>
<p>The app <strong>{app}</strong> asks to access the TikTok Shop
<strong>{shops}</strong> ({region}).</p>
<p>It will be allowed to:</p><ul>{scopes}</ul>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="app_key" value="{app_key}">
<input type="hidden" name="state" value="{state}">
<input type="hidden" name="redirect_uri" value="{redirect_uri}">
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form><p><small>Local sandbox of TikTok Shop; no real shop is connected.</small></p></body></html>
"""

ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization failed</title></head>
<body><h1>Authorization failed</h1><p>{message}</p></body></html>
"""


def _sandbox(request: Request) -> Sandbox:
    return request.app.state.sandbox  # type: ignore[no-any-return]


def _error_page(message: str) -> HTMLResponse:
    return HTMLResponse(ERROR_PAGE.format(message=html.escape(message)), status_code=400)


#: Service link hosts per Partner Center (FACTS.md 9.1; the 202407 overview spells the US host
#: services.tiktokshops.us). A service_id is known only to the Partner Center the app is in.
SERVICE_HOSTS = {
    "global": frozenset({"services.tiktokshop.com"}),
    "us": frozenset({"services.us.tiktokshop.com", "services.tiktokshops.us"}),
}


def _wrong_partner_center(sandbox: Sandbox, request: Request) -> bool:
    """A service link on the other Partner Center's host (a loopback host is the sandbox's own
    address, which stands in for either)."""
    host = (request.headers.get("host") or "").split(":")[0].lower()
    everyone = SERVICE_HOSTS["global"] | SERVICE_HOSTS["us"]
    mine = SERVICE_HOSTS[sandbox.config.partner_center]
    return request.url.path == "/open/authorize" and host in everyone and host not in mine


def _known_app(sandbox: Sandbox, params: dict[str, str]) -> bool:
    return (
        params.get("app_key") == sandbox.app_key or params.get("service_id") == sandbox.service_id
    )


async def authorize_page(request: Request) -> Response:
    """GET /oauth/authorize (legacy link) and /open/authorize (service link) show the consent."""
    sandbox = _sandbox(request)
    params = dict(request.query_params)
    if not _known_app(sandbox, params) or _wrong_partner_center(sandbox, request):
        return _error_page("Unknown app: the app_key or service_id in the link matches no app.")
    world = sandbox.state
    shops = ", ".join(s.name for s in world.shops.values())
    scopes = "".join(
        f"<li>{html.escape(SCOPE_NAMES.get(s, s))}</li>" for s in sandbox.config.granted_scopes
    )
    page = PAGE.format(
        app=html.escape(f"App {sandbox.app_key}"),
        shops=html.escape(shops),
        region=html.escape(world.seller.region),
        scopes=scopes,
        app_key=html.escape(sandbox.app_key),
        state=html.escape(params.get("state", "")),
        redirect_uri=html.escape(params.get("redirect_uri") or sandbox.config.redirect_url),
    )
    return HTMLResponse(page)


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(extra.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


async def authorize_decision(request: Request) -> Response:
    """POST /oauth/authorize: Approve redirects with `code`, Deny with
    `code=null&error=auth_denied` (authorization-overview-202407.md)."""
    sandbox = _sandbox(request)
    form = dict(
        parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    )
    if not _known_app(sandbox, form):
        return _error_page("Unknown app: the app_key or service_id matches no app.")
    redirect_uri = form.get("redirect_uri") or sandbox.config.redirect_url
    if urlsplit(redirect_uri).scheme not in {"http", "https"}:
        return _error_page("The redirect_uri must be an http or https URL.")
    state = form.get("state", "")
    decision = form.get("decision")
    if decision == "deny":
        target = _with_query(redirect_uri, {"code": "null", "error": "auth_denied", "state": state})
        return RedirectResponse(target, status_code=302)
    if decision != "approve":
        return _error_page("Choose Approve or Deny.")
    code = secret_text(22)
    world = sandbox.state
    world.codes[code] = AuthCode(
        code=code,
        app_key=sandbox.app_key,
        shop_ids=list(world.shops),
        scopes=tuple(sandbox.config.granted_scopes),
        expires_at=sandbox.clock.now() + CODE_TTL,
    )
    return RedirectResponse(
        _with_query(redirect_uri, {"code": code, "state": state}), status_code=302
    )


def _check_app(sandbox: Sandbox, params: dict[str, str]) -> None:
    if params.get("app_key") != sandbox.app_key:
        raise ApiError.of(e.INVALID_APP_KEY)
    if params.get("app_secret") != sandbox.app_secret:
        raise ApiError(36009004, "Invalid credentials. Invalid `app_secret` query parameter.")


def _check_grant_type(params: dict[str, str], expected: str) -> None:
    if params.get("grant_type") != expected:
        raise ApiError(36009004, f"Invalid grant_type. Only `{expected}` is accepted.")


def _issue(sandbox: Sandbox, grant: Grant) -> dict[str, Any]:
    world, now = sandbox.state, sandbox.clock.now()
    access = AccessToken("TTP_" + secret_text(64), grant.id, now + sandbox.config.access_ttl)
    refresh = RefreshToken("TTP_" + secret_text(48), grant.id, access.token)
    world.access_tokens[access.token] = access
    world.refresh_tokens[refresh.token] = refresh
    # Both expiry fields are absolute Unix timestamps (authorization-overview-202407.md).
    return {
        "access_token": access.token,
        "access_token_expire_in": access.expires_at,
        "refresh_token": refresh.token,
        "refresh_token_expire_in": grant.refresh_expires_at,
        "open_id": grant.open_id,
        "seller_name": grant.seller_name,
        "seller_base_region": grant.region,
        "user_type": 0,
        "granted_scopes": list(grant.scopes),
    }


async def token_get(request: Request) -> Response:
    sandbox = _sandbox(request)
    sandbox.state.counters.count(request.url.path)
    params = dict(request.query_params)
    try:
        _check_app(sandbox, params)
        _check_grant_type(params, "authorized_code")
        world, now = sandbox.state, sandbox.clock.now()
        code = world.codes.get(params.get("auth_code", ""))
        if code is None or code.used or now >= code.expires_at:  # single use, 30 minutes
            raise ApiError.of(e.INVALID_AUTH_CODE)
        code.used = True
        grant = Grant(
            id=world.ids.new(),
            app_key=code.app_key,
            shop_ids=list(code.shop_ids),
            scopes=code.scopes,
            refresh_expires_at=now + sandbox.config.refresh_ttl,
            open_id=world.seller.open_id,
            seller_name=world.seller.name,
            region=world.seller.region,
        )
        world.grants[grant.id] = grant
        return envelope(_issue(sandbox, grant), message="success")
    except ApiError as error:
        return error_response(error)


async def token_refresh(request: Request) -> Response:
    sandbox = _sandbox(request)
    sandbox.state.counters.count(request.url.path)
    params = dict(request.query_params)
    try:
        _check_app(sandbox, params)
        _check_grant_type(params, "refresh_token")
        world, now = sandbox.state, sandbox.clock.now()
        refresh = world.refresh_tokens.get(params.get("refresh_token", ""))
        grant = world.grants.get(refresh.grant_id) if refresh else None
        if refresh is None or refresh.revoked or grant is None or not grant.active:
            raise ApiError.of(e.AUTH_RECORD_NOT_FOUND)
        if now >= grant.refresh_expires_at:
            raise ApiError.of(e.REFRESH_TOKEN_EXPIRED)
        # Rotation: the old pair stops working the moment the new pair exists.
        refresh.revoked = True
        old_access = world.access_tokens.get(refresh.access_token)
        if old_access is not None:
            old_access.revoked = True
        return envelope(_issue(sandbox, grant), message="success")
    except ApiError as error:
        return error_response(error)
