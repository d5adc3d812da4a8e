"""Which Partner Center the app is in picks the authorization link host (FACTS.md 9.1); an
"Unlimited" authorization reads as no expiry everywhere."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from app.commands.status import collect_status, render
from app.config import load_settings
from app.connect import ConnectError
from app.sandbox import Sandbox, SandboxConfig
from app.tiktok.models.auth import authorization_unlimited
from tests.unit.test_connect import flow_for

HUNDRED_YEARS = 100 * 365 * 86400


@pytest.mark.parametrize(
    ("partner_center", "host"),
    [("us", "services.us.tiktokshop.com"), ("global", "services.tiktokshop.com")],
)
async def test_the_service_link_host_follows_the_partner_center(
    data_paths, memory_secrets, partner_center: str, host: str
) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0, partner_center=partner_center))
    flow = flow_for(
        sandbox,
        data_paths,
        memory_secrets,
        service_id=sandbox.service_id,
        partner_center=partner_center,
    )
    link = urlsplit(flow.authorization_url())
    assert (link.scheme, link.hostname, link.path) == ("https", host, "/open/authorize")
    # The sandbox plays TikTok's host: it knows the app's service_id only on its own host.
    result = await flow.finish(await flow.approve_in_sandbox())
    assert result.shop.id in sandbox.state.shops
    assert load_settings(data_paths).partner_center == partner_center  # remembered
    await flow.aclose()


async def test_a_us_app_linked_through_the_global_host_is_unknown(
    data_paths, memory_secrets
) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0, partner_center="us"))
    flow = flow_for(sandbox, data_paths, memory_secrets, service_id=sandbox.service_id)
    assert urlsplit(flow.authorization_url()).hostname == "services.tiktokshop.com"
    with pytest.raises(ConnectError, match="HTTP 400"):
        await flow.approve_in_sandbox()
    await flow.aclose()


async def test_unlimited_authorization_reads_as_no_expiry(data_paths, memory_secrets) -> None:
    sandbox = Sandbox(SandboxConfig(orders=0, refresh_ttl=HUNDRED_YEARS))
    flow = flow_for(sandbox, data_paths, memory_secrets)
    result = await flow.finish(await flow.approve_in_sandbox())
    await flow.aclose()
    until = result.token.refresh_token_expire_in
    assert authorization_unlimited(until, sandbox.clock.now())
    status = collect_status(data_paths)
    assert status["authorization_unlimited"] is True
    assert status["authorization_expires"] == "no expiry"
    assert status["authorization_days_left"] is None
    assert "Authorization: no expiry" in render(status)
    assert "36,5" not in render(status) and "days left" not in render(status)
    json.dumps(status)
    # A year is still a countdown.
    assert not authorization_unlimited(sandbox.clock.now() + 365 * 86400, sandbox.clock.now())
