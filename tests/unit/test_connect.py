"""The connect flow: redirect caught or pasted, state checked, shop chosen, secrets kept apart."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.config import Paths, Settings, load_settings
from app.connect import (
    ConnectError,
    ConnectFlow,
    check_redirect,
    choose_shop,
    is_loopback,
    parse_redirect,
)
from app.sandbox import Sandbox, SandboxConfig, create_app
from app.secrets import SecretStore
from app.store.db import open_db
from app.store.shops import fetch_current_shop
from app.tiktok.models import Shop
from tests.benchmarks.loopback import free_port

BASE = "http://sandbox.test"


def flow_for(sandbox: Sandbox, paths: Paths, secrets: SecretStore, **settings) -> ConnectFlow:
    transport = httpx.ASGITransport(app=create_app(sandbox))
    config = Settings(app_key=sandbox.app_key, api_base=BASE, auth_base=BASE, **settings)
    return ConnectFlow(config, sandbox.app_secret, secrets, paths, transport=transport)


def test_pasted_redirects_are_understood() -> None:
    full = parse_redirect("http://127.0.0.1:8765/callback?code=abc&state=xyz")
    assert (full.code, full.state, full.error) == ("abc", "xyz", None)
    assert parse_redirect("  ?code=abc&state=xyz ").code == "abc"
    bare = parse_redirect("TTP_FeBoANmHP3yqdoUI9fZOCw")
    assert (bare.code, bare.state) == ("TTP_FeBoANmHP3yqdoUI9fZOCw", None)
    denied = parse_redirect("https://x/cb?code=null&error=auth_denied&state=s")
    assert denied.code is None and denied.error == "auth_denied"
    with pytest.raises(ConnectError):
        parse_redirect("   ")


def test_state_must_match_and_denial_is_explained() -> None:
    assert check_redirect(parse_redirect("?code=abc&state=s1"), "s1") == "abc"
    with pytest.raises(ConnectError, match="state mismatch"):
        check_redirect(parse_redirect("?code=abc&state=evil"), "s1")
    with pytest.raises(ConnectError, match="declined"):
        check_redirect(parse_redirect("?code=null&error=auth_denied&state=s1"), "s1")


def test_loopback_redirects_are_recognised() -> None:
    assert is_loopback("http://127.0.0.1:8765/callback")
    assert is_loopback("http://localhost:9000/cb")
    assert not is_loopback("https://example.com/cb")
    assert not is_loopback("https://127.0.0.1:8765/cb")


def test_shop_choice() -> None:
    a, b = Shop(id="1", name="A", region="US"), Shop(id="2", name="B", region="GB")
    assert choose_shop([a], None) is a
    assert choose_shop([a, b], "2") is b
    with pytest.raises(ConnectError, match="--shop-id"):
        choose_shop([a, b], None)
    with pytest.raises(ConnectError, match="not among"):
        choose_shop([a, b], "3")
    with pytest.raises(ConnectError, match="no shop"):
        choose_shop([], None)


async def test_the_authorization_url_carries_a_random_state(data_paths, memory_secrets) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0))
    one, two = (
        flow_for(sandbox, data_paths, memory_secrets),
        flow_for(sandbox, data_paths, memory_secrets),
    )
    assert one.state != two.state and len(one.state) >= 24
    assert f"app_key={sandbox.app_key}" in one.authorization_url()
    assert f"state={one.state}" in one.authorization_url()
    with_service = flow_for(sandbox, data_paths, memory_secrets, service_id="7431458374265161478")
    assert with_service.authorization_url().startswith(
        "https://services.tiktokshop.com/open/authorize?service_id=7431458374265161478&state="
    )
    for flow in (one, two, with_service):
        await flow.aclose()


async def test_connect_saves_secrets_to_keyring_and_the_shop_to_sqlite(
    data_paths, memory_secrets
) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0))
    flow = flow_for(sandbox, data_paths, memory_secrets)
    result = await flow.finish(await flow.approve_in_sandbox())
    await flow.aclose()
    assert memory_secrets.app_secret(sandbox.app_key) == sandbox.app_secret
    token = memory_secrets.token(sandbox.app_key)
    assert token is not None and token.access_token.get_secret_value().startswith("TTP_")
    db = open_db(data_paths.database)
    record = fetch_current_shop(db)
    db.close()
    assert record.id == result.shop.id and record.cipher == result.shop.cipher
    assert record.refresh_expires == token.refresh_token_expire_in
    assert load_settings(data_paths).app_key == sandbox.app_key
    on_disk = data_paths.database.read_bytes() + data_paths.settings.read_bytes()
    assert sandbox.app_secret.encode() not in on_disk
    assert token.access_token.get_secret_value().encode() not in on_disk
    assert token.refresh_token.get_secret_value().encode() not in on_disk


async def test_several_shops_need_a_choice(data_paths, memory_secrets) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0, shops=2))
    flow = flow_for(sandbox, data_paths, memory_secrets)
    code = await flow.approve_in_sandbox()
    with pytest.raises(ConnectError, match="--shop-id"):
        await flow.finish(code)
    # the code is single-use: the second attempt authorizes again and names the shop
    flow2 = flow_for(sandbox, data_paths, memory_secrets)
    shops = list(sandbox.state.shops)
    result = await flow2.finish(await flow2.approve_in_sandbox(), shop_id=shops[1])
    assert result.shop.id == shops[1]
    for flow_ in (flow, flow2):
        await flow_.aclose()


async def test_a_used_code_is_refused_clearly(data_paths, memory_secrets) -> None:
    from app.tiktok.errors import AuthCodeInvalid

    sandbox = Sandbox(SandboxConfig(orders=0))
    flow = flow_for(sandbox, data_paths, memory_secrets)
    code = await flow.approve_in_sandbox()
    await flow.finish(code)
    with pytest.raises(AuthCodeInvalid) as caught:
        await flow.finish(code)
    assert caught.value.code == 36004004
    assert str(caught.value).startswith(
        "this code was already used or has expired: authorize again"
    )
    await flow.aclose()


async def test_the_redirect_is_caught_on_the_loopback_url(data_paths, memory_secrets) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0))
    port = free_port()
    flow = flow_for(
        sandbox, data_paths, memory_secrets, redirect_url=f"http://127.0.0.1:{port}/callback"
    )

    async def browser() -> None:
        # what the browser does after the seller approves
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    page = await http.get(
                        f"http://127.0.0.1:{port}/callback",
                        params={"code": "the-code", "state": flow.state},
                    )
                    assert "close this tab" in page.text
                    return
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)

    code, _ = await asyncio.gather(flow.wait_for_redirect(wait_seconds=10), browser())
    assert code == "the-code"
    await flow.aclose()


async def test_a_redirect_from_another_attempt_is_refused(data_paths, memory_secrets) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0))
    port = free_port()
    flow = flow_for(
        sandbox, data_paths, memory_secrets, redirect_url=f"http://127.0.0.1:{port}/callback"
    )

    async def attacker() -> None:
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    await http.get(
                        f"http://127.0.0.1:{port}/callback",
                        params={"code": "stolen", "state": "not-ours"},
                    )
                    return
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)

    with pytest.raises(ConnectError, match="state mismatch"):
        await asyncio.gather(flow.wait_for_redirect(wait_seconds=10), attacker())
    await flow.aclose()


async def test_a_missing_keyring_fails_before_the_code_is_spent(data_paths, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    from app.secrets import KeyringUnavailable

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    sandbox = Sandbox(SandboxConfig(orders=0))
    flow = flow_for(sandbox, data_paths, SecretStore())
    code = await flow.approve_in_sandbox()
    with pytest.raises(KeyringUnavailable):
        await flow.finish(code)
    await flow.aclose()
    assert not data_paths.database.exists()


async def test_a_token_refreshed_while_connecting_is_the_one_kept(data_paths, memory_secrets):
    # TikTok rotates both tokens on refresh: keeping the first pair would lose the shop
    sandbox = Sandbox(SandboxConfig(orders=0, access_ttl=60))
    flow = flow_for(sandbox, data_paths, memory_secrets)  # default margin: 6 h > 60 s
    result = await flow.finish(await flow.approve_in_sandbox())
    await flow.aclose()
    kept = memory_secrets.token(sandbox.app_key)
    assert kept is not None and kept.access_token == result.token.access_token
    live = sandbox.state.access_tokens[kept.access_token.get_secret_value()]
    assert not live.revoked
