"""The API client against respx: what goes on the wire, refresh, retries, and every error."""

from __future__ import annotations

import asyncio
import email.utils
import json
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

from app.tiktok import errors
from app.tiktok.api import OrderQuery, ShopApi
from app.tiktok.errors import ReconnectNeeded, RetriesExhausted
from app.tiktok.retry import RetryPolicy, equal_jitter
from tests.unit.test_signing import independent_sign
from tests.unit.tiktok_fakes import (
    API,
    APP_KEY,
    APP_SECRET,
    AUTH,
    FakeTime,
    envelope,
    make_client,
    make_token,
)


@pytest.fixture
async def http():
    async with httpx.AsyncClient() as client:
        yield client


def query_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))


def refresh_answer(time: FakeTime, n: int) -> httpx.Response:
    token = make_token(time.now, n=n)
    data = token.model_dump()
    data["access_token"] = f"TTP_access_{n}"
    data["refresh_token"] = f"TTP_refresh_{n}"
    return httpx.Response(200, json=envelope(data, message="success"))


# --- the wire ---------------------------------------------------------------------------


@respx.mock
async def test_query_and_body_on_the_wire_verify_with_an_independent_signer(http) -> None:
    time = FakeTime()
    route = respx.post(f"{API}/order/202309/orders/search").respond(
        json=envelope({"orders": [], "next_page_token": "", "total_count": 0})
    )
    api = ShopApi(make_client(http, time))
    await api.search_orders(
        OrderQuery(order_status="AWAITING_SHIPMENT", buyer_user_id="bü"),
        page_token="aGVsbG8+/w==",
    )
    request = route.calls.last.request
    q = query_of(request)
    assert q["page_token"] == "aGVsbG8+/w=="  # decoded on the server side exactly
    assert "%2B" in str(request.url) and "%2F" in str(request.url) and "%3D" in str(request.url)
    assert q["shop_cipher"] == "GCP_cipher+/="
    assert q["timestamp"] == str(int(time.now))
    assert q["app_key"] == APP_KEY
    assert "access_token" not in q
    assert request.headers["x-tts-access-token"] == "TTP_access_1"
    assert request.headers["content-type"] == "application/json"
    # compact JSON, signed from the very bytes sent
    assert request.content == ('{"order_status":"AWAITING_SHIPMENT","buyer_user_id":"bü"}'.encode())
    assert q["sign"] == independent_sign(APP_SECRET, str(request.url), request.content)


@respx.mock
async def test_arrays_are_comma_joined_and_empty_values_neither_sent_nor_signed(http) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/order/202309/orders").respond(json=envelope({"orders": []}))
    client = make_client(http, time)
    await client.call("GET", "/order/202309/orders", query={"ids": ["1", "2", "3"], "empty": ""})
    request = route.calls.last.request
    q = query_of(request)
    assert q["ids"] == "1,2,3"
    assert "empty" not in q
    assert q["sign"] == independent_sign(APP_SECRET, str(request.url), b"")


@respx.mock
async def test_shop_cipher_only_on_shop_scoped_paths(http) -> None:
    time = FakeTime()
    shops = respx.get(f"{API}/authorization/202309/shops").respond(
        json=envelope({"shops": [{"id": 7000714532876273420, "name": "S", "cipher": "GCP_x"}]})
    )
    got = await ShopApi(make_client(http, time)).authorized_shops()
    assert "shop_cipher" not in query_of(shops.calls.last.request)
    assert got[0].id == "7000714532876273420"


@respx.mock
async def test_nineteen_digit_ids_sent_as_json_numbers_are_kept_exactly(http) -> None:
    time = FakeTime()
    raw = (
        b'{"code":0,"message":"Success","request_id":"r","data":{"orders":[{"id":576461413038785752,'
        b'"status":"AWAITING_SHIPMENT","update_time":1,"create_time":1,"line_items":[{"id":'
        b'9223372036854775807,"sku_id":1729592969712207012,"sale_price":"19.99","currency":"USD"}],'
        b'"payment":{"currency":"USD","total_amount":"0.10"}}]}}'
    )
    respx.get(f"{API}/order/202309/orders").respond(content=raw)
    [order] = await ShopApi(make_client(http, time)).order_details(["576461413038785752"])
    assert order.id == "576461413038785752"
    assert order.line_items[0].id == "9223372036854775807"
    assert order.line_items[0].sku_id == "1729592969712207012"
    assert str(order.payment.total_amount) == "0.10"  # Decimal, never a float
    assert order.raw["id"] == 576461413038785752


@respx.mock
async def test_ids_beyond_64_bits_are_kept_exactly_wherever_the_json_puts_them(http) -> None:
    time = FakeTime()
    raw = (
        b'{"code": 0, "message": "Success", "request_id": "r", "data": {"orders": [\n'
        b'  {"id":  123456789012345678901, "status": "COMPLETED", "update_time": 1,\n'
        b'   "tracking_number": "9400547713789652505808", "line_items": [{"id":\n'
        b'   -1234567890123456789, "sku_id": 18446744073709551616, "sale_price": "1.00"}]}]}}'
    )
    respx.get(f"{API}/order/202309/orders").respond(content=raw)
    [order] = await ShopApi(make_client(http, time)).order_details(["123456789012345678901"])
    assert order.id == "123456789012345678901"
    assert order.line_items[0].id == "-1234567890123456789"
    assert order.line_items[0].sku_id == "18446744073709551616"
    assert order.raw["tracking_number"] == "9400547713789652505808"


@respx.mock
async def test_order_details_asks_fifty_ids_per_call(http) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/order/202309/orders").respond(json=envelope({"orders": []}))
    await ShopApi(make_client(http, time)).order_details([str(10**18 + i) for i in range(120)])
    sizes = [len(query_of(c.request)["ids"].split(",")) for c in route.calls]
    assert sizes == [50, 50, 20]


@respx.mock
async def test_success_is_code_zero_whatever_the_http_status(http) -> None:
    time = FakeTime()
    respx.get(f"{API}/logistics/202309/warehouses").respond(
        status_code=202, json=envelope({"warehouses": [{"id": "1", "is_default": True}]})
    )
    [warehouse] = await ShopApi(make_client(http, time)).warehouses()
    assert warehouse.is_default


# --- tokens -----------------------------------------------------------------------------


@respx.mock
async def test_one_refresh_under_fifty_concurrent_calls(http) -> None:
    time = FakeTime()
    saved: list = []
    refresh = respx.get(f"{AUTH}/api/v2/token/refresh")

    async def slow_refresh(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)  # let every caller pile up behind the one refresh
        return refresh_answer(time, 2)

    refresh.side_effect = slow_refresh
    api_route = respx.get(f"{API}/logistics/202309/warehouses").respond(
        json=envelope({"warehouses": []})
    )
    # expires within the refresh margin, so every caller wants a fresh one
    client = make_client(http, time, token=make_token(time.now, access_in=60), saved=saved)
    await asyncio.gather(*(ShopApi(client).warehouses() for _ in range(50)))
    assert refresh.call_count == 1
    q = query_of(refresh.calls.last.request)
    assert q["grant_type"] == "refresh_token" and q["refresh_token"] == "TTP_refresh_1"
    assert {c.request.headers["x-tts-access-token"] for c in api_route.calls} == {"TTP_access_2"}
    assert len(saved) == 1


@respx.mock
async def test_expired_token_answer_refreshes_once_and_retries(http) -> None:
    time = FakeTime()
    respx.get(f"{AUTH}/api/v2/token/refresh").mock(return_value=refresh_answer(time, 2))
    route = respx.get(f"{API}/logistics/202309/warehouses").mock(
        side_effect=[
            httpx.Response(200, json=envelope(code=105002, message="Expired credentials.")),
            httpx.Response(200, json=envelope({"warehouses": []})),
        ]
    )
    await ShopApi(make_client(http, time)).warehouses()
    tokens = [c.request.headers["x-tts-access-token"] for c in route.calls]
    assert tokens == ["TTP_access_1", "TTP_access_2"]


@respx.mock
async def test_expired_refresh_token_means_reconnect_and_no_more_calls(http) -> None:
    time = FakeTime()
    lost: list[str] = []
    refresh = respx.get(f"{AUTH}/api/v2/token/refresh").respond(
        json=envelope(code=36004001, message="rt has expired")
    )
    api_route = respx.get(f"{API}/logistics/202309/warehouses").respond(json=envelope())
    client = make_client(http, time, token=make_token(time.now, access_in=10), lost=lost)
    with pytest.raises(ReconnectNeeded):
        await ShopApi(client).warehouses()
    with pytest.raises(ReconnectNeeded):
        await ShopApi(client).warehouses()
    assert refresh.call_count == 1
    assert api_route.call_count == 0
    assert len(lost) == 1 and "36004001" in lost[0]


@respx.mock
async def test_refresh_token_past_its_expiry_is_not_even_tried(http) -> None:
    time = FakeTime()
    refresh = respx.get(f"{AUTH}/api/v2/token/refresh").respond(json=envelope())
    token = make_token(time.now, access_in=-10, refresh_in=-5)
    with pytest.raises(ReconnectNeeded, match="expired"):
        await ShopApi(make_client(http, time, token=token)).warehouses()
    assert refresh.call_count == 0


@respx.mock
async def test_token_call_errors_never_show_the_app_secret(http) -> None:
    time = FakeTime()
    respx.get(f"{AUTH}/api/v2/token/refresh").mock(side_effect=httpx.ConnectError("boom"))
    client = make_client(http, time, token=make_token(time.now, access_in=5))
    with pytest.raises(errors.NetworkError) as info:
        await ShopApi(client).warehouses()
    assert APP_SECRET not in str(info.value)
    assert "TTP_refresh" not in str(info.value)


# --- retries ----------------------------------------------------------------------------


@respx.mock
async def test_backoff_on_429_then_success(http) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/logistics/202309/warehouses").mock(
        side_effect=[
            httpx.Response(429, json=envelope(code=36009002, message="Too many requests.")),
            httpx.Response(429, json=envelope(code=36009002, message="Too many requests.")),
            httpx.Response(200, json=envelope({"warehouses": []})),
        ]
    )
    client = make_client(http, time)
    await ShopApi(client).warehouses()
    assert route.call_count == 3
    assert time.sleeps[:2] == [0.5, 1.0]  # exponential, jitter pinned
    assert client.throttled == 2


@respx.mock
async def test_throttling_storm_is_bounded_and_surfaces_typed(http) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/logistics/202309/warehouses").respond(
        429, json=envelope(code=36009002, message="Too many requests.")
    )
    with pytest.raises(RetriesExhausted) as info:
        await ShopApi(make_client(http, time)).warehouses()
    assert isinstance(info.value.last, errors.Throttled)
    assert route.call_count == 5 == info.value.attempts
    assert time.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_capped_and_jitter_spreads_it() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=10, jitter=lambda d: d)
    assert [policy.backoff(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]
    spread = {round(equal_jitter(8.0), 3) for _ in range(50)}
    assert all(4.0 <= d <= 8.0 for d in spread) and len(spread) > 10


@respx.mock
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json=envelope(code=36009003, message="Internal error.")),
        httpx.Response(503, text="<html>overloaded</html>"),
        httpx.Response(502, text=""),
    ],
)
async def test_internal_errors_are_retried_for_reads(http, answer) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/logistics/202309/warehouses").mock(
        side_effect=[answer, httpx.Response(200, json=envelope({"warehouses": []}))]
    )
    await ShopApi(make_client(http, time)).warehouses()
    assert route.call_count == 2


@respx.mock
@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")])
async def test_timeouts_and_connection_errors_are_retried_for_reads(http, failure) -> None:
    time = FakeTime()
    route = respx.get(f"{API}/logistics/202309/warehouses").mock(
        side_effect=[failure, httpx.Response(200, json=envelope({"warehouses": []}))]
    )
    await ShopApi(make_client(http, time)).warehouses()
    assert route.call_count == 2


@respx.mock
async def test_a_write_with_unknown_outcome_is_not_retried_blindly(http) -> None:
    time = FakeTime()
    route = respx.post(f"{API}/fulfillment/202309/packages/1/ship").mock(
        side_effect=httpx.ReadTimeout("no answer")
    )
    client = make_client(http, time)
    with pytest.raises(errors.NetworkError) as info:
        await client.call("POST", "/fulfillment/202309/packages/1/ship", body={}, idempotent=False)
    assert info.value.outcome_unknown
    assert route.call_count == 1


@respx.mock
async def test_a_write_is_checked_before_it_is_retried(http) -> None:
    time = FakeTime()
    route = respx.post(f"{API}/fulfillment/202309/packages/1/ship").mock(
        side_effect=[httpx.ReadTimeout("no answer"), httpx.Response(200, json=envelope())]
    )
    checks: list[bool] = []

    async def landed() -> bool:
        checks.append(True)
        return False  # it did not land, so sending again is safe

    client = make_client(http, time)
    await client.call(
        "POST",
        "/fulfillment/202309/packages/1/ship",
        body={},
        idempotent=False,
        verify_done=landed,
    )
    assert checks == [True] and route.call_count == 2

    route.reset()
    route.side_effect = [httpx.ReadTimeout("no answer")]

    async def already() -> bool:
        return True

    assert (
        await client.call(
            "POST",
            "/fulfillment/202309/packages/1/ship",
            body={},
            idempotent=False,
            verify_done=already,
        )
        == {}
    )
    assert route.call_count == 1


@respx.mock
async def test_a_write_refused_by_throttling_is_retried_since_nothing_happened(http) -> None:
    time = FakeTime()
    route = respx.post(f"{API}/fulfillment/202309/packages/1/ship").mock(
        side_effect=[
            httpx.Response(429, json=envelope(code=36009002, message="Too many requests.")),
            httpx.Response(200, json=envelope()),
        ]
    )
    await make_client(http, time).call(
        "POST", "/fulfillment/202309/packages/1/ship", body={}, idempotent=False
    )
    assert route.call_count == 2


# --- error mapping ----------------------------------------------------------------------


OFFICIAL = {  # messages from common-errors.md
    "sign": "Missing credentials. The request does not include a required signature in the query.",
    "token": "Invalid credentials. The `x-tts-access-token` header is invalid.",
    "app_key": "Invalid credentials. Invalid `app_key` query parameter.",
    "cipher": "Unexpected identifier. The `shop_cipher` query parameter is not required for this "
    "request.",
}


@respx.mock
@pytest.mark.parametrize(
    ("code", "message", "status", "expected"),
    [
        (105005, "Access denied.", 403, errors.ScopeMissing),
        (
            106001,
            "Invalid credentials. The `sign` query parameter is invalid.",
            401,
            errors.SignatureInvalid,
        ),
        (36009004, OFFICIAL["sign"], 200, errors.SignatureInvalid),
        (106013, "Missing identifier.", 200, errors.ShopCipherError),
        (36009004, OFFICIAL["cipher"], 200, errors.ShopCipherError),
        (36009004, OFFICIAL["app_key"], 200, errors.InvalidAppKey),
        (36004005, "can not find related auth record", 200, errors.AuthorizationLost),
        (36004001, "rt has expired", 200, errors.AuthorizationLost),
        (12052901, "product status is not allowed", 200, errors.TikTokError),
    ],
)
async def test_each_error_code_maps_to_its_type(http, code, message, status, expected) -> None:
    time = FakeTime()
    respx.get(f"{API}/order/202309/orders").respond(
        status, json=envelope(code=code, message=message)
    )
    with pytest.raises(expected) as info:
        await make_client(http, time).call("GET", "/order/202309/orders", query={"ids": ["1"]})
    assert info.value.code == code
    assert info.value.request_id == "202611290000000101890810281E8C70B7"


@respx.mock
async def test_missing_scope_says_which_permission_the_api_needs(http) -> None:
    time = FakeTime()
    respx.post(f"{API}/product/202309/products/9/inventory/update").respond(
        json=envelope(code=105005, message="Access denied.")
    )
    with pytest.raises(errors.ScopeMissing) as info:
        await ShopApi(make_client(http, time)).update_inventory("9", {"1": {"w": 3}})
    assert "seller.product.write" in str(info.value)
    assert "/product/202309/products/{product_id}/inventory/update" in str(info.value)


@respx.mock
async def test_invalid_token_refreshes_once_then_asks_to_reconnect(http) -> None:
    time = FakeTime()
    lost: list[str] = []
    respx.get(f"{AUTH}/api/v2/token/refresh").mock(return_value=refresh_answer(time, 2))
    route = respx.get(f"{API}/logistics/202309/warehouses").respond(
        json=envelope(code=36009004, message=OFFICIAL["token"])
    )
    with pytest.raises(errors.InvalidToken):
        await ShopApi(make_client(http, time, lost=lost)).warehouses()
    assert route.call_count == 2
    assert lost and "access token" in lost[0]


@respx.mock
async def test_rejected_timestamp_says_how_far_the_clock_is_off_then_corrects(http) -> None:
    time = FakeTime()
    server_now = time.now - 600  # our clock runs ten minutes fast
    date = email.utils.formatdate(server_now, usegmt=True)
    msg = (
        "Invalid timestamp. The value of the `timestamp` query parameter must not exceed "
        "the current time by more than 30 seconds."
    )
    route = respx.get(f"{API}/logistics/202309/warehouses").mock(
        side_effect=[
            httpx.Response(200, headers={"date": date}, json=envelope(code=36009004, message=msg)),
            httpx.Response(200, json=envelope({"warehouses": []})),
        ]
    )
    await ShopApi(make_client(http, time)).warehouses()
    stamps = [int(query_of(c.request)["timestamp"]) for c in route.calls]
    assert stamps[0] == int(time.now) and abs(stamps[1] - server_now) <= 1

    route.reset()
    route.side_effect = None
    route.return_value = httpx.Response(
        200, headers={"date": date}, json=envelope(code=36009004, message=msg)
    )
    time.now += 3600  # the clock jumps again: now the error must reach the user
    with pytest.raises(errors.ClockSkew) as info:
        await ShopApi(make_client(http, time)).warehouses()
    text = str(info.value)
    assert "clock" in text and "4200 s" in text and "ahead" in text


@respx.mock
async def test_a_non_json_answer_is_a_clear_error(http) -> None:
    time = FakeTime()
    respx.get(f"{API}/logistics/202309/warehouses").respond(404, text="<html>not found</html>")
    with pytest.raises(errors.UnexpectedResponse, match="HTTP 404"):
        await ShopApi(make_client(http, time, retry=RetryPolicy(max_attempts=1))).warehouses()


# --- pagination -------------------------------------------------------------------------


@respx.mock
async def test_page_iterator_follows_next_page_token(http) -> None:
    time = FakeTime()

    def order(i: int) -> dict:
        return {"id": str(10**18 + i), "status": "COMPLETED", "update_time": i, "create_time": i}

    pages = {
        None: envelope(
            {"orders": [order(1), order(2)], "next_page_token": "p+2/=", "total_count": 3}
        ),
        "p+2/=": envelope({"orders": [order(3)], "next_page_token": "", "total_count": 3}),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[query_of(request).get("page_token")])

    respx.post(f"{API}/order/202309/orders/search").mock(side_effect=answer)
    api = ShopApi(make_client(http, time))
    got = [o.id async for page in api.iter_order_pages(OrderQuery()) for o in page.orders]
    assert got == [str(10**18 + i) for i in (1, 2, 3)]


@respx.mock
async def test_inventory_update_partial_failures_are_reported_per_sku(http) -> None:
    time = FakeTime()
    route = respx.post(f"{API}/product/202309/products/77/inventory/update").respond(
        json=envelope(
            {"errors": [{"code": 12052556, "message": "sku not exist", "detail": {"sku_id": 555}}]}
        )
    )
    result = await ShopApi(make_client(http, time)).update_inventory(
        "77", {"555": {"w1": 3, "w2": 0}, "556": {"w1": 1}}
    )
    assert not result.ok and result.errors[0].sku_id == "555"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "skus": [
            {
                "id": "555",
                "inventory": [
                    {"warehouse_id": "w1", "quantity": 3},
                    {"warehouse_id": "w2", "quantity": 0},
                ],
            },
            {"id": "556", "inventory": [{"warehouse_id": "w1", "quantity": 1}]},
        ]
    }
