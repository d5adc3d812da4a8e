"""OAuth as the guides describe it: consent page, single-use codes, absolute expiries, rotation."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx

from app.sandbox import SCOPE_NAMES, Sandbox, create_app
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.support import ShopClient

TOKEN_KEYS = {
    "access_token",
    "access_token_expire_in",
    "refresh_token",
    "refresh_token_expire_in",
    "open_id",
    "seller_name",
    "seller_base_region",
    "user_type",
    "granted_scopes",
}


class Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: dict[str, str] = {}
        self.buttons: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a["action"]
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a["value"]
        if tag == "button" and a.get("name") == "decision":
            self.buttons.add(a["value"])


async def test_consent_page_shows_shop_and_permissions(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    for path, params in (
        ("/oauth/authorize", {"app_key": APP_KEY, "state": "s<1>"}),
        ("/open/authorize", {"service_id": sandbox.service_id, "state": "s<1>"}),
    ):
        page = await http.get(path, params=params)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        shop = next(iter(sandbox.state.shops.values()))
        assert shop.name.replace("&", "&amp;") in page.text
        assert all(name.replace("&", "&amp;") in page.text for name in SCOPE_NAMES.values())
        form = Form()
        form.feed(page.text)
        assert form.action == "/oauth/authorize"
        assert form.hidden == {
            "app_key": APP_KEY,
            "state": "s<1>",
            "redirect_uri": sandbox.config.redirect_url,
        }
        assert form.buttons == {"approve", "deny"}
    unknown = await http.get("/oauth/authorize", params={"app_key": "nope", "state": "x"})
    assert unknown.status_code == 400 and "text/html" in unknown.headers["content-type"]


async def test_approve_and_deny_redirect(http: httpx.AsyncClient) -> None:
    form = {"app_key": APP_KEY, "state": "abc", "redirect_uri": "http://127.0.0.1:9/cb?x=1"}
    approved = await http.post("/oauth/authorize", data={**form, "decision": "approve"})
    assert approved.status_code == 302
    location = urlsplit(approved.headers["location"])
    assert (location.netloc, location.path) == ("127.0.0.1:9", "/cb")
    query = parse_qs(location.query)
    assert query["x"] == ["1"] and query["state"] == ["abc"] and len(query["code"][0]) >= 16
    denied = await http.post("/oauth/authorize", data={**form, "decision": "deny"})
    assert denied.status_code == 302
    assert parse_qs(urlsplit(denied.headers["location"]).query) == {
        "x": ["1"],
        "code": ["null"],
        "error": ["auth_denied"],
        "state": ["abc"],
    }
    default = await http.post(
        "/oauth/authorize", data={"app_key": APP_KEY, "state": "s", "decision": "approve"}
    )
    assert default.headers["location"].startswith("http://127.0.0.1:8765/callback?code=")


async def test_token_get_is_single_use_with_absolute_expiry(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    code = await client.authorize_code()
    body = await client.get_token(code)
    assert (body["code"], body["message"]) == (0, "success")
    data = body["data"]
    assert set(data) == TOKEN_KEYS
    now = sandbox.clock.now()
    assert data["access_token"].startswith("TTP_") and data["refresh_token"].startswith("TTP_")
    assert abs(data["access_token_expire_in"] - (now + 7 * 86400)) <= 2
    assert abs(data["refresh_token_expire_in"] - (now + 365 * 86400)) <= 2
    assert data["user_type"] == 0 and data["seller_base_region"] == "US"
    assert data["granted_scopes"] == list(sandbox.config.granted_scopes)
    again = await client.get_token(code)
    # FACTS.md 9.1: a used code answers 36004004 "invalid auth code".
    assert (again["code"], again["message"]) == (36004004, "invalid auth code")


async def test_code_expires_after_30_minutes_of_shop_time(http: httpx.AsyncClient) -> None:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    fresh, stale = await client.authorize_code(), await client.authorize_code()
    await http.post("/sandbox/clock", json={"advance_seconds": 29 * 60})
    assert (await client.get_token(fresh))["code"] == 0
    await http.post("/sandbox/clock", json={"advance_seconds": 61})
    assert (await client.get_token(stale))["code"] == 36004004
    assert (await client.get_token("made-up"))["code"] == 36004004


async def test_wrong_credentials_and_grant_type(http: httpx.AsyncClient) -> None:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    code = await client.authorize_code()
    base = {
        "app_key": APP_KEY,
        "app_secret": APP_SECRET,
        "auth_code": code,
        "grant_type": "authorized_code",
    }
    for change, message in (
        ({"app_key": "x"}, "Invalid credentials. Invalid `app_key` query parameter."),
        ({"app_secret": "x"}, "Invalid credentials. Invalid `app_secret` query parameter."),
        (
            {"grant_type": "refresh_token"},
            "Invalid grant_type. Only `authorized_code` is accepted.",
        ),
    ):
        body = (await http.get("/api/v2/token/get", params={**base, **change})).json()
        assert (body["code"], body["message"]) == (36009004, message)
    assert (await http.get("/api/v2/token/get", params=base)).json()["code"] == 0  # code unspent


async def refresh(http: httpx.AsyncClient, token: str, grant_type: str = "refresh_token") -> dict:
    params = {
        "app_key": APP_KEY,
        "app_secret": APP_SECRET,
        "refresh_token": token,
        "grant_type": grant_type,
    }
    return (await http.get("/api/v2/token/refresh", params=params)).json()  # type: ignore[no-any-return]


async def test_refresh_rotates_both_tokens(client: ShopClient, http: httpx.AsyncClient) -> None:
    old_access, old_refresh = client.access_token, client.refresh_token or ""
    shops = await client.ok("GET", "/authorization/202309/shops", shop=False)
    assert (await refresh(http, old_refresh, "authorized_code"))["code"] == 36009004
    body = await refresh(http, old_refresh)
    assert body["code"] == 0 and set(body["data"]) == TOKEN_KEYS
    new = body["data"]
    assert new["access_token"] != old_access and new["refresh_token"] != old_refresh
    stale = await client.call("GET", "/authorization/202309/shops", shop=False)
    assert stale.json()["code"] == 36009004
    client.access_token = new["access_token"]
    assert await client.ok("GET", "/authorization/202309/shops", shop=False) == shops
    assert (await refresh(http, old_refresh))[
        "code"
    ] == 36004005  # the old refresh token is revoked
    assert (await refresh(http, "TTP_unknown"))["code"] == 36004005


async def test_expired_refresh_token(client: ShopClient, http: httpx.AsyncClient) -> None:
    await http.post("/sandbox/clock", json={"advance_seconds": 365 * 86400})
    body = await refresh(http, client.refresh_token or "")
    assert (body["code"], body["message"]) == (36004001, "rt has expired")


async def test_deauthorization_revokes_tokens(client: ShopClient, http: httpx.AsyncClient) -> None:
    assert (await http.post("/sandbox/deauthorize", json={})).status_code == 200
    assert (await client.call("GET", "/authorization/202309/shops", shop=False)).json()[
        "code"
    ] == 36009004
    assert (await refresh(http, client.refresh_token or ""))["code"] == 36004005


async def test_token_lifetimes_follow_the_configuration() -> None:
    sandbox = Sandbox(make_config(orders=5, access_ttl=60, refresh_ttl=600))
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        client = ShopClient(http, APP_KEY, APP_SECRET)
        body = await client.get_token(await client.authorize_code())
        now = sandbox.clock.now()
        assert abs(body["data"]["access_token_expire_in"] - (now + 60)) <= 2
        assert abs(body["data"]["refresh_token_expire_in"] - (now + 600)) <= 2
        client.access_token = body["data"]["access_token"]
        await http.post("/sandbox/clock", json={"advance_seconds": 61})
        expired = await client.call("GET", "/authorization/202309/shops", shop=False)
        assert expired.json()["code"] == 105002
