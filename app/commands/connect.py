"""`shopdesk connect`: authorize a shop; secrets to the keyring, the shop to SQLite."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import time
import webbrowser

from app import environment
from app.commands.common import EXIT_OK, UsageError, iso
from app.config import Paths, load_settings
from app.connect import (
    ConnectFlow,
    ConnectResult,
    check_redirect,
    describe_result,
    is_loopback,
    parse_redirect,
)
from app.connect_checks import check_credentials
from app.logs import register_secret
from app.secrets import SecretStore
from app.tiktok.models.auth import NO_EXPIRY, authorization_unlimited

ENV_APP_SECRET = environment.ENV_APP_SECRET


def read_app_secret(store: SecretStore | None = None, app_key: str = "") -> str:
    """From SHOPDESK_APP_SECRET, else the one the keyring keeps for this app key (a reconnect
    after lost authorization), else a prompt that does not echo."""
    secret = environment.app_secret()
    if secret:
        return secret
    saved = store.app_secret(app_key) if store is not None and app_key else None
    if saved:
        print(
            f"Using the app secret saved in the keyring (set {ENV_APP_SECRET} to use another).",
            file=sys.stderr,
        )
        return saved
    if not sys.stdin.isatty():
        raise UsageError(f"set {ENV_APP_SECRET} or run in a terminal to type the app secret")
    return getpass.getpass("App secret (Partner Center > your app): ").strip()


def run(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Authorize a shop and save it."""
    settings = load_settings(p)
    settings.app_key = args.app_key
    sandbox_url = args.sandbox if isinstance(args.sandbox, str) else None
    settings.api_base = args.api_base or sandbox_url or settings.api_base
    settings.auth_base = args.auth_base or sandbox_url or settings.auth_base
    if args.service_id is not None:
        settings.service_id = args.service_id
    if args.partner_center:
        settings.partner_center = args.partner_center
    if args.redirect_url:
        settings.redirect_url = args.redirect_url
    store = secrets or SecretStore()
    store.check()  # before anything else: no point asking for a secret nothing can keep
    app_secret = read_app_secret(store, args.app_key)
    register_secret(app_secret)
    flow = ConnectFlow(settings, app_secret, store, p)
    result = asyncio.run(_connect(flow, args))
    if args.json:
        print(json.dumps(describe_result(result)))
    else:
        print(f"Connected {result.shop.name} ({result.shop.id}, {result.shop.region}).")
        until = result.token.refresh_token_expire_in
        if authorization_unlimited(until, time.time()):
            print(f"Authorization: {NO_EXPIRY} (the seller chose unlimited).")
        else:
            print(f"Authorization runs until {iso(until)}.")
    return EXIT_OK


async def _connect(flow: ConnectFlow, args: argparse.Namespace) -> ConnectResult:
    try:
        if args.auth_code:
            code = args.auth_code
        elif args.sandbox is not None:
            code = await flow.approve_in_sandbox()
        else:
            code = await _code_from_browser(flow, no_browser=args.no_browser)
        return await flow.finish(code, args.shop_id)
    finally:
        await flow.aclose()


async def _code_from_browser(flow: ConnectFlow, *, no_browser: bool) -> str:
    checks = await check_credentials(flow.settings, flow.app_secret, flow.http)
    for check in checks:
        if not check.ok:
            raise UsageError(f"{check.name}: {check.message}")
    url = flow.authorization_url()
    print("Open this link, log in to TikTok Shop and approve Shopdesk:", file=sys.stderr)
    print(url, file=sys.stderr)
    if is_loopback(flow.settings.redirect_url):

        def opened() -> None:
            if not no_browser:
                webbrowser.open(url)
            print(f"Waiting for the redirect to {flow.settings.redirect_url} ...", file=sys.stderr)

        return await flow.wait_for_redirect(on_ready=opened)
    if not no_browser:
        webbrowser.open(url)
    pasted = await asyncio.to_thread(
        input, "Paste the address you were redirected to (or just the code): "
    )
    return check_redirect(parse_redirect(pasted), flow.state)
