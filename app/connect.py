"""Connecting a shop: authorization link, redirect or pasted code, tokens, shop choice, saving."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlparse

import httpx

from app.config import Paths, Settings, save_settings
from app.secrets import SecretStore
from app.store.db import open_db
from app.store.shops import save_connected_shop
from app.tiktok.api import ShopApi
from app.tiktok.auth import (
    SERVICES_HOSTS,
    AuthClient,
    TokenManager,
    authorization_url,
    new_state,
)
from app.tiktok.client import ClientConfig, TikTokClient
from app.tiktok.errors import ShopdeskError
from app.tiktok.models import Shop, Token

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import HTMLResponse

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
REDIRECT_WAIT_SECONDS = 600.0


class ConnectError(ShopdeskError):
    """The connect flow could not finish; the message says what to do."""


@dataclass(frozen=True)
class Redirect:
    """What came back from the authorization page."""

    code: str | None
    state: str | None
    error: str | None = None


@dataclass(frozen=True)
class ConnectResult:
    """The shop now connected, and when its authorization needs renewing."""

    shop: Shop
    token: Token
    shops: list[Shop]


def parse_redirect(text: str) -> Redirect:
    """Accept a full redirect URL, a query string, or a bare code pasted by the user."""
    text = text.strip()
    if not text:
        raise ConnectError("nothing was pasted")
    if "code=" in text or "error=" in text:
        query = urlparse(text).query if "://" in text else text.lstrip("?")
        values = {key: found[0] for key, found in parse_qs(query).items() if found}
        code = values.get("code")
        return Redirect(
            code=None if code in (None, "null") else code,
            state=values.get("state"),
            error=values.get("error"),
        )
    return Redirect(code=text, state=None)


def check_redirect(redirect: Redirect, expected_state: str) -> str:
    """Return the code, or refuse a denial or a redirect that belongs to another attempt."""
    if redirect.error:
        if redirect.error == "auth_denied":
            raise ConnectError("the authorization was declined in TikTok Shop; nothing changed")
        raise ConnectError(f"TikTok Shop returned an error: {redirect.error}")
    if redirect.state is not None and redirect.state != expected_state:
        raise ConnectError(
            "the redirect does not belong to this connect attempt (state mismatch); start again"
        )
    if not redirect.code:
        raise ConnectError("the redirect carries no authorization code")
    return redirect.code


def is_loopback(url: str) -> bool:
    """True when the registered redirect URL points at this machine (so we can catch it)."""
    parsed = urlparse(url)
    return parsed.scheme == "http" and (parsed.hostname or "") in LOOPBACK_HOSTS


_DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Shopdesk</title>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body>"
)


@contextlib.asynccontextmanager
async def redirect_listener(redirect_url: str) -> AsyncIterator[asyncio.Future[Redirect]]:
    """Listen on the loopback redirect URL and resolve a future with the first redirect."""
    import uvicorn  # the web server loads only when a shop is being connected
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    parsed = urlparse(redirect_url)
    loop = asyncio.get_running_loop()
    result: asyncio.Future[Redirect] = loop.create_future()

    async def callback(request: Request) -> HTMLResponse:
        q = request.query_params
        code = q.get("code")
        redirect = Redirect(
            code=None if code in (None, "null") else code,
            state=q.get("state"),
            error=q.get("error"),
        )
        if not result.done():
            result.set_result(redirect)
        if redirect.error:
            page = _DONE_PAGE.format(title="Not connected", text="You can close this tab.")
        else:
            page = _DONE_PAGE.format(
                title="Shopdesk is connecting your shop",
                text="You can close this tab and return to Shopdesk.",
            )
        return HTMLResponse(page)

    app = Starlette(routes=[Route(parsed.path or "/", callback)])
    host = "127.0.0.1" if parsed.hostname in ("localhost", "127.0.0.1") else "::1"
    config = uvicorn.Config(
        app, host=host, port=parsed.port or 80, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise ConnectError(f"cannot listen on {redirect_url}: the port may be in use")
            await asyncio.sleep(0.02)
        yield result
    finally:
        server.should_exit = True
        await task


class _FormParser(HTMLParser):
    """Finds the authorization page's form: action, hidden inputs, decision buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.decisions: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.action:
            self.action = a.get("action", "")
        elif tag in ("input", "button"):
            name, kind = a.get("name", ""), a.get("type", "submit" if tag == "button" else "text")
            if name == "decision" and kind == "submit":
                self.decisions.add(a.get("value", ""))
            elif name and kind == "hidden":
                self.fields[name] = a.get("value", "")


async def approve_in_sandbox(
    http: httpx.AsyncClient, url: str, *, stand_in: str | None = None
) -> Redirect:
    """Open the sandbox's authorization page and press Approve, as a person would.

    With `stand_in`, a link to one of TikTok's service hosts is sent to that address instead,
    keeping TikTok's host name in the Host header."""
    headers: dict[str, str] = {}
    parts = urlparse(url)
    if stand_in and parts.hostname in SERVICES_HOSTS:
        headers["host"] = parts.netloc
        url = stand_in.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    page = await http.get(url, headers=headers)
    if page.status_code != 200:
        raise ConnectError(f"the sandbox authorization page answered HTTP {page.status_code}")
    form = _FormParser()
    form.feed(page.text)
    if not form.action or "approve" not in form.decisions:
        raise ConnectError("the sandbox authorization page has no Approve button")
    answer = await http.post(
        urljoin(str(page.url), form.action),
        data={**form.fields, "decision": "approve"},
        follow_redirects=False,
    )
    location = answer.headers.get("location")
    if answer.status_code not in (301, 302, 303, 307) or not location:
        raise ConnectError(f"approving did not redirect (HTTP {answer.status_code})")
    return parse_redirect(location)


def choose_shop(shops: list[Shop], shop_id: str | None) -> Shop:
    """The shop to work on: the one asked for, or the only one."""
    if not shops:
        raise ConnectError("this authorization covers no shop; authorize with a shop account")
    if shop_id:
        for shop in shops:
            if shop.id == shop_id:
                return shop
        listed = ", ".join(f"{s.id} ({s.name})" for s in shops)
        raise ConnectError(f"shop {shop_id} is not among the authorized shops: {listed}")
    if len(shops) > 1:
        listed = "; ".join(f"{s.id} = {s.name} [{s.region}]" for s in shops)
        raise ConnectError(f"several shops are authorized, choose one with --shop-id: {listed}")
    return shops[0]


class ConnectFlow:
    """One connect attempt; the CLI and the GUI wizard drive the same steps."""

    def __init__(
        self,
        settings: Settings,
        app_secret: str,
        secrets_store: SecretStore,
        paths: Paths,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not settings.app_key:
            raise ConnectError("an app key is needed (Partner Center > your app > App key)")
        if not app_secret:
            raise ConnectError("the app secret is needed (Partner Center > your app > App secret)")
        self.settings = settings
        self._app_secret = app_secret
        self.secrets = secrets_store
        self.paths = paths
        self.state = new_state()
        self._http = httpx.AsyncClient(transport=transport, timeout=30.0)

    async def aclose(self) -> None:
        """Release the HTTP pool."""
        await self._http.aclose()

    @property
    def http(self) -> httpx.AsyncClient:
        """The flow's HTTP pool (the credentials check shares it)."""
        return self._http

    @property
    def app_secret(self) -> str:
        """The secret being connected with (never logged: see logs.register_secret)."""
        return self._app_secret

    def authorization_url(self) -> str:
        """The link the seller opens in a browser."""
        return authorization_url(
            state=self.state,
            app_key=self.settings.app_key,
            service_id=self.settings.service_id or None,
            auth_base=self.settings.auth_base,
            partner_center=self.settings.partner_center,
        )

    async def approve_in_sandbox(self) -> str:
        """Sandbox only: press Approve on its page and return the checked code.

        A service link names TikTok's own host; the sandbox stands in for it (the request goes
        to the sandbox with that host in its Host header, as a DNS entry would send it)."""
        redirect = await approve_in_sandbox(
            self._http, self.authorization_url(), stand_in=self.settings.auth_base
        )
        return check_redirect(redirect, self.state)

    async def wait_for_redirect(
        self,
        wait_seconds: float = REDIRECT_WAIT_SECONDS,
        on_ready: Callable[[], None] | None = None,
    ) -> str:
        """Catch the redirect on the loopback URL and return the checked code."""
        async with redirect_listener(self.settings.redirect_url) as future:
            if on_ready is not None:
                on_ready()
            try:
                redirect = await asyncio.wait_for(future, wait_seconds)
            except TimeoutError:
                raise ConnectError(
                    "no redirect arrived; run `shopdesk connect` again or pass --auth-code"
                ) from None
        return check_redirect(redirect, self.state)

    async def finish(self, auth_code: str, shop_id: str | None = None) -> ConnectResult:
        """Exchange the code, pick the shop, then save: secrets to keyring, the rest to SQLite."""
        token, shops = await self.exchange(auth_code)
        return self.save(token, choose_shop(shops, shop_id), shops)

    async def exchange(self, auth_code: str) -> tuple[Token, list[Shop]]:
        """Spend the single-use code: the token and the shops it covers (nothing saved yet).

        The GUI wizard calls this, lets the seller pick a shop, then calls `save`.
        """
        self.secrets.check()  # fail before spending the single-use code
        auth = AuthClient(
            self.settings.app_key,
            self._app_secret,
            auth_base=self.settings.auth_base,
            http=self._http,
        )
        token = await auth.get_token(auth_code)
        return await self._list_shops(auth, token)

    def save(self, token: Token, shop: Shop, shops: list[Shop]) -> ConnectResult:
        """Keep the chosen shop: secrets to keyring, settings to disk, the shop to SQLite."""
        self.secrets.set_app_secret(self.settings.app_key, self._app_secret)
        self.secrets.set_token(self.settings.app_key, token)
        save_settings(self.paths, self.settings)
        db = open_db(self.paths.ensure().database)
        try:
            save_connected_shop(db, shop, token, self.settings.app_key, now=int(time.time()))
        finally:
            db.close()
        log.info("connected shop %s (%s)", shop.id, shop.name)
        return ConnectResult(shop=shop, token=token, shops=shops)

    async def _list_shops(self, auth: AuthClient, token: Token) -> tuple[Token, list[Shop]]:
        """The shops, and the token to keep: a short-lived token may be refreshed (and the
        old pair revoked) while the shops are listed, so the newest pair is returned."""
        manager = TokenManager(
            auth,
            token,
            save=lambda _fresh: None,
            refresh_margin=self.settings.refresh_margin_seconds,
        )
        client = TikTokClient(
            ClientConfig(app_key=self.settings.app_key, api_base=self.settings.api_base),
            self._app_secret,
            manager,
            http=self._http,
        )
        shops = await ShopApi(client).authorized_shops()
        return manager.token or token, shops


def describe_result(result: ConnectResult) -> dict[str, Any]:
    """What the CLI prints after connecting (no secrets)."""
    return {
        "shop": {"id": result.shop.id, "name": result.shop.name, "region": result.shop.region},
        "token_expires": result.token.access_token_expire_in,
        "authorization_expires": result.token.refresh_token_expire_in,
        "shops_authorized": len(result.shops),
    }
