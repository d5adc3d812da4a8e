"""Each common rule answers with TikTok's documented code, message and HTTP status."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import httpx
import pytest

from app.sandbox import Sandbox, create_app
from app.sandbox import errors as e
from app.sandbox.validation import verify_sign
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.support import ShopClient

SEARCH = "/order/202309/orders/search"
PAGE = {"page_size": "10"}


def expect(response: httpx.Response, pair: tuple[int, str], status: int = 200) -> None:
    payload = response.json()
    assert (response.status_code, payload["code"], payload["message"]) == (status, *pair)
    assert set(payload) == {"code", "message", "request_id", "data"}
    assert re.fullmatch(r"\d{14}[0-9A-F]{20}", payload["request_id"])


# --- signing vectors (FACTS.md 1.2) ------------------------------------------------------------


def test_published_vectors_verify_in_the_sandbox_checker() -> None:
    v1 = "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    query = {"app_key": "29a39d", "timestamp": "1623812664"}
    assert verify_sign("e59af819cc", "/authorization/202309/shops", query, b"", v1)
    v4 = "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f"
    assert verify_sign("app_secret", "/test-api", {"foo": "bar"}, None, v4)
    v5 = "cd0d6268252f4ba293bf7ea4c0a2873bf9beec600d22530638564ab301435f7a"
    v5_query = {
        "app_key": "68xu9ks5p4i8",
        "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK",
        "timestamp": "1696909648",
    }
    body = b'{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}'
    assert verify_sign("e59af819cc", "/event/202309/webhooks", v5_query, body, v5)
    assert not verify_sign("e59af819cc", "/event/202309/webhooks", v5_query, body + b" ", v5)
    assert not verify_sign(
        "e59af819cc", "/authorization/202309/shops", {**query, "x": "1"}, b"", v1
    )


async def test_an_independently_computed_sign_is_accepted(client: ShopClient) -> None:
    query = {
        "app_key": APP_KEY,
        "timestamp": str(int(time.time())),
        "shop_cipher": client.cipher or "",
        "page_size": "5",
    }
    body = b'{ "order_status" : "COMPLETED" }'  # whitespace stays: the raw bytes are signed
    text = SEARCH + "".join(f"{k}{query[k]}" for k in sorted(query))
    message = APP_SECRET.encode() + text.encode() + body + APP_SECRET.encode()
    query["sign"] = hmac.new(APP_SECRET.encode(), message, hashlib.sha256).hexdigest()
    headers = {"x-tts-access-token": client.access_token or "", "content-type": "application/json"}
    response = await client.http.post(SEARCH, params=query, content=body, headers=headers)
    assert response.json()["code"] == 0
    assert {o["status"] for o in response.json()["data"]["orders"]} == {"COMPLETED"}


# --- gateway rules -----------------------------------------------------------------------------


async def test_unknown_path_wrong_method_and_bad_version(client: ShopClient) -> None:
    expect(await client.call("GET", "/order/202309/nothing"), e.INVALID_PATH, 404)
    expect(await client.call("GET", SEARCH, params=PAGE), e.INVALID_METHOD, 405)
    expect(
        await client.call("POST", "/order/202001/orders/search", params=PAGE, body={}),
        e.INVALID_VERSION,
        404,
    )


async def test_app_key_and_sign_presence(client: ShopClient) -> None:
    client.app_key = "wrong"
    expect(await client.call("POST", SEARCH, params=PAGE, body={}), e.INVALID_APP_KEY)
    client.app_key = APP_KEY
    expect(await client.call("POST", SEARCH, params=PAGE, body={}, signature=None), e.MISSING_SIGN)


@pytest.mark.parametrize(
    ("shift", "pair"),
    [(-301, e.TIMESTAMP_TOO_OLD), (31 + 1, e.TIMESTAMP_IN_FUTURE), (None, e.TIMESTAMP_NEGATIVE)],
)
async def test_timestamp_window_follows_the_wall_clock(
    client: ShopClient, sandbox: Sandbox, shift: int | None, pair: tuple[int, str]
) -> None:
    sandbox.clock.advance(3 * 86400)  # the shop clock does not matter for the window
    assert (await client.call("POST", SEARCH, params=PAGE, body={})).json()["code"] == 0
    stamp = -5 if shift is None else int(time.time()) + shift
    expect(await client.call("POST", SEARCH, params=PAGE, body={}, timestamp=stamp), pair)


async def test_bad_sign_is_401_and_counted(client: ShopClient, http: httpx.AsyncClient) -> None:
    expect(
        await client.call("POST", SEARCH, params=PAGE, body={}, app_secret="other"),
        e.INVALID_SIGN,
        401,
    )
    # Signed over one body, sent with another: the raw bytes are what is checked.
    signed = await client.call("POST", SEARCH, params=PAGE, body={"order_status": "UNPAID"})
    assert signed.json()["code"] == 0
    from app.tiktok.signing import compact_json, sign

    query = {
        "app_key": APP_KEY,
        "timestamp": str(int(time.time())),
        "shop_cipher": client.cipher or "",
        **PAGE,
    }
    query["sign"] = sign(APP_SECRET, SEARCH, query, compact_json({"order_status": "UNPAID"}))
    headers = {"x-tts-access-token": client.access_token or "", "content-type": "application/json"}
    response = await http.post(
        SEARCH, params=query, content=b'{"order_status": "UNPAID"}', headers=headers
    )
    expect(response, e.INVALID_SIGN, 401)
    assert (await http.get("/sandbox/calls")).json()["rejected_sign"] == 2


async def test_access_token_missing_unknown_and_expired(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    expect(await client.call("POST", SEARCH, params=PAGE, body={}, token=None), e.INVALID_TOKEN)
    expect(
        await client.call("POST", SEARCH, params=PAGE, body={}, token="TTP_nope"), e.INVALID_TOKEN
    )
    await http.post("/sandbox/clock", json={"advance_seconds": 7 * 86400 - 5})
    assert (await client.call("POST", SEARCH, params=PAGE, body={})).json()["code"] == 0
    await http.post("/sandbox/clock", json={"advance_seconds": 5})
    expect(await client.call("POST", SEARCH, params=PAGE, body={}), e.EXPIRED_TOKEN)


async def test_shop_cipher_rules(client: ShopClient) -> None:
    expect(
        await client.call("POST", SEARCH, params=PAGE, body={}, shop=False), e.MISSING_SHOP_CIPHER
    )
    shops = await client.call(
        "GET",
        "/authorization/202309/shops",
        params={"shop_cipher": client.cipher or ""},
        shop=False,
    )
    expect(shops, e.UNEXPECTED_SHOP_CIPHER)
    client.cipher = "GCP_notashopofthisseller"
    expect(await client.call("POST", SEARCH, params=PAGE, body={}), e.INVALID_SHOP_OR_TOKEN)


async def test_cipher_of_a_shop_the_token_does_not_cover(http: httpx.AsyncClient) -> None:
    sandbox = Sandbox(make_config(shops=2, orders=20))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)), base_url="http://t"
    ) as h:
        client = ShopClient(h, APP_KEY, APP_SECRET)
        await client.connect()
        other = next(s for s in sandbox.state.shops.values() if s.id != client.shop_id)
        await h.post("/sandbox/deauthorize", json={"shop_id": other.id})
        assert (await client.call("POST", SEARCH, params=PAGE, body={})).json()["code"] == 0
        client.cipher = other.cipher
        expect(await client.call("POST", SEARCH, params=PAGE, body={}), e.INVALID_SHOP_OR_TOKEN)


async def test_missing_scope() -> None:
    sandbox = Sandbox(
        make_config(orders=10, granted_scopes=("seller.authorization.info", "seller.order.info"))
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)), base_url="http://t"
    ) as h:
        client = ShopClient(h, APP_KEY, APP_SECRET)
        await client.connect()
        assert (await client.call("POST", SEARCH, params=PAGE, body={})).json()["code"] == 0
        expect(await client.call("GET", "/logistics/202309/warehouses"), e.MISSING_SCOPE)


async def test_body_must_be_json(client: ShopClient) -> None:
    expect(
        await client.call("POST", SEARCH, params=PAGE, raw_body=b"order_status=UNPAID"),
        e.INVALID_BODY_FORMAT,
    )
    expect(
        await client.call("POST", SEARCH, params=PAGE, raw_body=b"[1, 2]"), e.INVALID_BODY_FORMAT
    )
    response = await client.call(
        "POST", SEARCH, params=PAGE, raw_body=b"{}", headers={"content-type": "text/plain"}
    )
    expect(response, e.INVALID_BODY_FORMAT)
    assert (await client.call("POST", SEARCH, params=PAGE, raw_body=b"")).json()["code"] == 0
