"""The `shopdesk` command line: subcommands, exit codes, one clear line per expected failure."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
import time
import webbrowser
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from app import __version__
from app.config import Paths, SettingsError, load_settings, paths
from app.connect import (
    ConnectError,
    ConnectFlow,
    check_redirect,
    describe_result,
    is_loopback,
    parse_redirect,
)
from app.logs import register_secret, setup_logging
from app.secrets import KeyringUnavailable, SecretStore
from app.store.db import DatabaseTooNew, DatabaseUnreadable, open_db
from app.store.shops import fetch_current_shop
from app.tiktok.errors import (
    ReconnectNeeded,
    RetriesExhausted,
    ShopdeskError,
    TikTokError,
)

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_NOT_CONNECTED = 3
EXIT_TIKTOK = 4

ENV_APP_SECRET = "SHOPDESK_APP_SECRET"  # noqa: S105 - a variable name, not a secret


class UsageError(ShopdeskError):
    """Bad arguments or a bad input file (exit 2)."""


def iso(ts: int | float | None) -> str | None:
    """Unix seconds as ISO 8601 UTC, the one time format the CLI prints."""
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an error (DESIGN.md section 5)."""
    if isinstance(error, UsageError | SettingsError | DatabaseTooNew | DatabaseUnreadable):
        return EXIT_USAGE
    if isinstance(error, ReconnectNeeded):
        return EXIT_NOT_CONNECTED
    if isinstance(error, RetriesExhausted | TikTokError):
        return EXIT_TIKTOK
    return EXIT_OTHER


# --- connect -----------------------------------------------------------------------------


def _read_app_secret(prompt: Callable[[str], str]) -> str:
    secret = os.environ.get(ENV_APP_SECRET, "")
    if secret:
        return secret
    if not sys.stdin.isatty():
        raise UsageError(f"set {ENV_APP_SECRET} or run in a terminal to type the app secret")
    return prompt("App secret (Partner Center > your app): ").strip()


def cmd_connect(args: argparse.Namespace, p: Paths) -> int:
    """Authorize a shop and save it: secrets to keyring, shop to SQLite."""
    settings = load_settings(p)
    settings.app_key = args.app_key
    sandbox_url = args.sandbox if isinstance(args.sandbox, str) else None
    settings.api_base = args.api_base or sandbox_url or settings.api_base
    settings.auth_base = args.auth_base or sandbox_url or settings.auth_base
    if args.service_id is not None:
        settings.service_id = args.service_id
    if args.redirect_url:
        settings.redirect_url = args.redirect_url
    app_secret = _read_app_secret(getpass.getpass)
    register_secret(app_secret)
    store = SecretStore()
    store.check()
    flow = ConnectFlow(settings, app_secret, store, p)
    result = asyncio.run(_connect(flow, args))
    summary = describe_result(result)
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"Connected {result.shop.name} ({result.shop.id}, {result.shop.region}).")
        print(f"Authorization runs until {iso(result.token.refresh_token_expire_in)}.")
    return EXIT_OK


async def _connect(flow: ConnectFlow, args: argparse.Namespace) -> Any:
    try:
        if args.auth_code:
            code = args.auth_code
        elif args.sandbox is not None:
            code = await flow.approve_in_sandbox()
        else:
            code = await _code_from_browser(flow, args)
        return await flow.finish(code, args.shop_id)
    finally:
        await flow.aclose()


async def _code_from_browser(flow: ConnectFlow, args: argparse.Namespace) -> str:
    url = flow.authorization_url()
    print("Open this link, log in to TikTok Shop and approve Shopdesk:", file=sys.stderr)
    print(url, file=sys.stderr)
    if is_loopback(flow.settings.redirect_url):

        def opened() -> None:
            if not args.no_browser:
                webbrowser.open(url)
            print(f"Waiting for the redirect to {flow.settings.redirect_url} ...", file=sys.stderr)

        return await flow.wait_for_redirect(on_ready=opened)
    if not args.no_browser:
        webbrowser.open(url)
    pasted = await asyncio.to_thread(
        input, "Paste the address you were redirected to (or just the code): "
    )
    return check_redirect(parse_redirect(pasted), flow.state)


# --- status ------------------------------------------------------------------------------


def collect_status(p: Paths, now: float | None = None) -> dict[str, Any]:
    """What `status` reports, read from SQLite only (no network, no keyring)."""
    now = time.time() if now is None else now
    status: dict[str, Any] = {
        "connected": False,
        "shop": None,
        "token_expires": None,
        "authorization_expires": None,
        "reconnect_needed": False,
        "data_dir": str(p.root),
    }
    if not p.database.exists():
        return status
    db = open_db(p.database, readonly=True)
    try:
        shop = fetch_current_shop(db)
    finally:
        db.close()
    if shop is None:
        return status
    status.update(
        connected=not shop.needs_reconnect,
        reconnect_needed=shop.needs_reconnect,
        problem=shop.auth_problem or None,
        shop={"id": shop.id, "name": shop.name, "region": shop.region},
        token_expires=iso(shop.access_expires),
        authorization_expires=iso(shop.refresh_expires),
        authorization_days_left=(
            None
            if shop.refresh_expires is None
            else max(0, int((shop.refresh_expires - now) // 86400))
        ),
    )
    return status


def cmd_status(args: argparse.Namespace, p: Paths) -> int:
    """Print where things stand; exit 3 when no shop is connected or it needs reconnecting."""
    status = collect_status(p)
    if args.json:
        print(json.dumps(status))
    elif status["shop"] is None:
        print("No shop connected. Run `shopdesk connect --app-key KEY`.")
    else:
        shop = status["shop"]
        state = "connected" if status["connected"] else "RECONNECT NEEDED"
        print(f"Shop:          {shop['name']} ({shop['id']}, {shop['region']}) - {state}")
        if status.get("problem"):
            print(f"Problem:       {status['problem']}")
        print(f"Token expires: {status['token_expires']}")
        print(
            f"Authorization: until {status['authorization_expires']} "
            f"({status['authorization_days_left']} days left)"
        )
    return EXIT_OK if status["connected"] else EXIT_NOT_CONNECTED


# --- sandbox -----------------------------------------------------------------------------


def cmd_sandbox(args: argparse.Namespace, p: Paths) -> int:
    """Serve the local TikTok Shop stand-in until interrupted."""
    from app.sandbox import run_cli

    return run_cli(args)


# --- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand that works today; later issues add theirs."""
    parser = argparse.ArgumentParser(
        prog="shopdesk",
        description="Orders, products and stock of your TikTok Shop, in sync on your computer.",
    )
    parser.add_argument("--version", action="version", version=f"shopdesk {__version__}")
    parser.add_argument("--data-dir", help="data folder (default: $SHOPDESK_HOME or per-user)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument(
        "--demo", action="store_true", help="run on a built-in demo shop (a live local sandbox)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    connect = sub.add_parser("connect", help="authorize Shopdesk for your shop")
    connect.add_argument("--app-key", required=True, help="Partner Center > your app > App key")
    connect.add_argument("--api-base", help="API host (default: TikTok Shop's)")
    connect.add_argument("--auth-base", help="authorization host (default: TikTok Shop's)")
    connect.add_argument("--service-id", help="use Partner Center's service_id link")
    connect.add_argument("--redirect-url", help="the redirect URL registered for your app")
    how = connect.add_mutually_exclusive_group()
    how.add_argument("--auth-code", help="a code you already have from the redirect")
    how.add_argument(
        "--sandbox",
        nargs="?",
        const=True,
        metavar="URL",
        help="connect to a running `shopdesk sandbox` (its URL, or --api-base/--auth-base)",
    )
    connect.add_argument("--shop-id", help="which shop, when several are authorized")
    connect.add_argument("--no-browser", action="store_true", help="only print the link")
    connect.add_argument("--json", action="store_true", help="print the result as JSON")

    status = sub.add_parser("status", help="connection and sync state")
    status.add_argument("--json", action="store_true", help="one JSON object")

    sandbox = sub.add_parser("sandbox", help="serve a local TikTok Shop for tests and demos")
    from app.sandbox import add_arguments

    add_arguments(sandbox)
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, Paths], int]] = {
    "connect": cmd_connect,
    "status": cmd_status,
    "sandbox": cmd_sandbox,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn expected failures into one line and an exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    p = paths(args.data_dir)
    setup_logging(p.logs if args.command not in (None, "sandbox") else None, verbose=args.verbose)
    if args.command is None:
        from app.demo import run_demo

        if not args.demo:
            parser.print_help()
            return EXIT_USAGE
        return run_demo(args)
    try:
        return COMMANDS[args.command](args, p)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ShopdeskError, ConnectError, KeyringUnavailable) as exc:
        print(f"shopdesk: {exc}", file=sys.stderr)
        return exit_code_for(exc)
