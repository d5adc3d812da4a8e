"""The `shopdesk` command line: parse, dispatch, and one clear line per expected failure."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app import __version__, environment
from app.commands import arguments
from app.sandbox.arguments import add_arguments as add_sandbox_arguments

if TYPE_CHECKING:
    from app.config import Paths

#: Each command's "module:function", imported only when that command runs, so a command
#: (and `--help`) never pays for the others' imports.
COMMANDS: dict[str, str] = {
    "connect": "app.commands.connect:run",
    "status": "app.commands.status:run",
    "deadlines": "app.commands.deadlines:run",
    "import": "app.commands.orders:run_import",
    "sync": "app.commands.orders:run_sync",
    "export": "app.commands.orders:run_export",
    "stock": "app.commands.stock:run",
    "ship": "app.commands.ship:run",
    "labels": "app.commands.labels:run_labels",
    "picklist": "app.commands.labels:run_picklist",
    "returns": "app.commands.returns:run",
    "costs": "app.commands.money:run_costs",
    "backup": "app.commands.backup:run_backup",
    "restore": "app.commands.backup:run_restore",
    "sandbox": "app.commands.sandbox:run",
}


def command(name: str) -> Callable[[argparse.Namespace, Paths], int]:
    """The function that runs a command, its module imported now."""
    module, _, function = COMMANDS[name].partition(":")
    run: Callable[[argparse.Namespace, Paths], int] = getattr(
        importlib.import_module(module), function
    )
    return run


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand that works today; later features add theirs."""
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
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the app offscreen on a demo shop, open every tab, exit 0 or 1",
    )
    parser.add_argument(
        "--json",
        dest="self_test_json",
        action="store_true",
        help="with --self-test: print one JSON object",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    arguments.add_connect_arguments(
        sub.add_parser("connect", help="authorize Shopdesk for your shop")
    )
    status_parser = sub.add_parser("status", help="connection, orders, sync and errors")
    status_parser.add_argument("--json", action="store_true", help="one JSON object")
    arguments.add_deadlines_arguments(
        sub.add_parser("deadlines", help="ship-by clocks and shop health")
    )
    arguments.add_import_arguments(sub.add_parser("import", help="import orders of a date range"))
    arguments.add_sync_arguments(sub.add_parser("sync", help="keep orders in sync"))
    export = sub.add_parser("export", help="write orders, stock or profit to a CSV file")
    export.add_argument("what", choices=["orders", "stock", "profit"], help="what to export")
    export.add_argument("--out", required=True, help="the CSV file to write")
    arguments.add_stock_arguments(sub.add_parser("stock", help="set, import and push stock counts"))
    arguments.add_ship_arguments(
        sub.add_parser("ship", help="mark orders shipped (one, or a CSV file)")
    )
    arguments.add_label_arguments(
        sub.add_parser("labels", help="buy and print TikTok Shipping labels")
    )
    arguments.add_picklist_arguments(
        sub.add_parser("picklist", help="a pick list and packing slips as one PDF")
    )
    arguments.add_returns_arguments(
        sub.add_parser("returns", help="answer return and refund requests")
    )
    arguments.add_cost_arguments(sub.add_parser("costs", help="cost of goods per SKU"))
    arguments.add_backup_arguments(sub.add_parser("backup", help="back up the database now"))
    arguments.add_restore_arguments(
        sub.add_parser("restore", help="replace the database with a backup (kept aside)")
    )
    add_sandbox_arguments(
        sub.add_parser("sandbox", help="serve a local TikTok Shop for tests and demos")
    )
    return parser


def _run_app(parser: argparse.ArgumentParser, args: argparse.Namespace, p: Paths) -> int:
    """No subcommand: the desktop app (on the data folder or the demo shop), or its self-test."""
    if args.self_test_json and not args.self_test:
        parser.error("--json without a command goes with --self-test")
    from app.commands.common import exit_code_for
    from app.tiktok.errors import ShopdeskError

    try:
        if args.self_test:
            from app.gui.self_test import run_self_test

            return run_self_test(json_output=args.self_test_json, verbose=args.verbose)
        if args.demo:
            from app.demo import run_demo

            return run_demo(args)
        from app.gui.app import run_on_folder

        return run_on_folder(p, verbose=args.verbose)
    except KeyboardInterrupt:
        return 130
    except ShopdeskError as exc:
        print(f"shopdesk: {exc}", file=sys.stderr)
        return exit_code_for(exc)


#: Commands that may create the data folder (the others need one that exists).
CREATES_DATA = ("connect", "sandbox")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn expected failures into one line and an exit code."""
    environment.take_secrets()  # read once; no child process inherits them
    if os.name == "posix":
        os.umask(0o077)  # every file and folder Shopdesk makes is the user's alone
    parser = build_parser()
    args = parser.parse_args(argv)
    # Imported after parsing, so `--help` and a usage error load no settings, store or models.
    from app.commands.common import (
        EXIT_INTERRUPTED,
        EXIT_OTHER,
        UsageError,
        check_data_dir,
        disk_error,
        exit_code_for,
        fail,
    )
    from app.config import paths
    from app.logs import setup_logging
    from app.queries.db import explain_sqlite_error
    from app.tiktok.errors import ShopdeskError

    p = paths(args.data_dir)
    if args.command is None:
        return _run_app(parser, args, p)
    as_json = bool(getattr(args, "json", False))
    try:
        check_data_dir(p.root, given=bool(args.data_dir), creates=args.command in CREATES_DATA)
        try:
            if args.command != "sandbox":
                p.ensure()  # private (0700), and an older, looser folder tightened
            setup_logging(p.logs if args.command != "sandbox" else None, verbose=args.verbose)
        except OSError as exc:
            raise UsageError(f"cannot write to the data folder {p.root}: {exc.strerror}") from None
        return command(args.command)(args, p)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED, as_json=as_json)
    except sqlite3.Error as exc:
        error = explain_sqlite_error(exc, p.database)
        return fail(str(error), exit_code_for(error), as_json=as_json)
    except ShopdeskError as exc:
        return fail(str(exc), exit_code_for(exc), as_json=as_json)
    except OSError as exc:  # a file or folder Shopdesk was pointed at: one line, no traceback
        full = disk_error(exc)
        if full is not None:
            return fail(str(full), exit_code_for(full), as_json=as_json)
        logging.getLogger(__name__).exception("unexpected file error")
        where = f": {exc.filename}" if exc.filename else ""
        return fail(f"{exc.strerror or exc}{where}", EXIT_OTHER, as_json=as_json)
