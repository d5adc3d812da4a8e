"""`shopdesk export profit` and `shopdesk costs set | import`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app.commands.common import EXIT_OK, EXIT_USAGE
from app.config import Paths, load_settings
from app.ops.money import apply_cost_file, plan_cost_file, set_cost, write_profit_csv
from app.ops.problems import NotConnected, ProblemsError, UsageError
from app.ops.sync import open_writable
from app.queries.db import open_readonly


def run_costs(args: argparse.Namespace, p: Paths) -> int:
    """Save the costs typed or in the file: all lines or none."""
    if not p.database.exists():
        raise NotConnected("connect and import orders first: costs belong to known SKUs")
    packaging = load_settings(p).packaging_cost_per_order
    db = open_writable(p.database)
    try:
        if args.costs_command == "set":
            set_cost(
                db,
                seller_sku=args.seller_sku,
                amount=args.amount,
                from_day=args.from_day,
                now=int(time.time()),
                packaging=packaging,
            )
            print(f"Cost of {args.seller_sku} set to {args.amount} from {args.from_day}.")
            return EXIT_OK
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        try:
            costs = plan_cost_file(db, path)
        except ProblemsError as exc:
            for problem in exc.problems:
                print(f"shopdesk: {path}: {problem.for_cli()}", file=sys.stderr)
            print("shopdesk: nothing was saved", file=sys.stderr)
            return EXIT_USAGE
        done = apply_cost_file(db, costs=costs, now=int(time.time()), packaging=packaging)
    finally:
        db.close()
    print(f"Saved {done.value} costs from {path}.")
    return EXIT_OK


def run_export_profit(out: Path, p: Paths) -> int:
    """One row per order TikTok has money data for."""
    if not p.database.exists():
        raise NotConnected("nothing to export yet: connect and import first")
    settings = load_settings(p)
    db = open_readonly(p.database)
    try:
        count = write_profit_csv(db, out, packaging=settings.packaging_cost_per_order)
    finally:
        db.close()
    print(f"Wrote {count} orders to {out}", file=sys.stderr)
    return EXIT_OK
