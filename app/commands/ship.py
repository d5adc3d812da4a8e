"""`shopdesk ship`: mark one order or a CSV of orders shipped, and report each result."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

from app.commands.common import EXIT_OK, EXIT_OTHER, EXIT_TIKTOK, UsageError, read_text_file
from app.config import Paths, load_settings
from app.ops.engine import WritesResult
from app.ops.problems import ProblemsError
from app.ops.shipping import (
    MISSING_CARRIER,
    MISSING_TRACKING,
    Fulfiller,
    Shipment,
    ShipPlan,
    check_shipment,
    plan_ship_csv,
    queue_plan,
    settle,
    shipped_already,
)
from app.ops.sync import ShopSession, open_session
from app.ops.tracking import check_with_tiktok, offers_tiktok_check
from app.queries.orders import fetch_order
from app.secrets import SecretStore


def run(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Check everything first, queue the writes, send them, report each order's result."""
    if bool(args.csv) == bool(args.order_id):
        raise UsageError("give either ORDER_ID or --csv FILE")
    if args.csv and (args.tracking or args.provider or args.handover):
        raise UsageError("--csv takes everything from the file")
    csv_text = read_text_file(Path(args.csv)) if args.csv else ""
    settings = load_settings(p)
    return asyncio.run(_run(args, p, settings, secrets or SecretStore(), csv_text))


async def _run(
    args: argparse.Namespace, p: Paths, settings: Any, secrets: SecretStore, csv_text: str
) -> int:
    session = open_session(p, settings, secrets)
    fulfiller = Fulfiller(session)
    try:
        if args.providers:
            _check_seller_shipped(session.db, args.order_id)
            for pid, name in await fulfiller.providers(args.order_id):
                print(f"{pid}\t{name}")
            return EXIT_OK
        early = await fulfiller.recover()  # a `ship` killed earlier: checked with TikTok
        await _cache_providers(fulfiller, args, csv_text)
        plan = _plan(session.db, args, csv_text)
        if args.check_tracking:
            await _check_tracking(session, plan)
        ids = queue_plan(session.db, plan=plan, now=int(time.time())) + plan.already
        sent = await fulfiller.push_writes()
        result = await settle(fulfiller, ids, [*early.outcomes, *sent.outcomes])
    finally:
        await session.aclose()
    return _report(result, args.json)


async def _cache_providers(fulfiller: Fulfiller, args: argparse.Namespace, csv_text: str) -> None:
    """Carrier names in the request are checked against TikTok's list, fetched once per option."""
    db = fulfiller.session.db
    if args.order_id:
        order_ids = [args.order_id] if args.tracking else []
    else:
        rows = csv.DictReader(io.StringIO(csv_text))
        order_ids = [
            (row.get("order_id") or "").strip()
            for row in rows
            if isinstance(row.get("order_id"), str)
        ]
    seen: set[str] = set()
    for order_id in order_ids:
        order = fetch_order(db, order_id)
        if order is None or not order.seller_ships:
            continue
        option = order.delivery_option_id or order.warehouse_id
        if not option or option in seen:
            continue
        seen.add(option)
        await fulfiller.providers(order_id)


def _check_seller_shipped(db: Any, order_id: str) -> None:
    """Carriers are for orders the seller ships; TikTok-shipped ones use TikTok's label."""
    order = fetch_order(db, order_id)
    if order is None:
        raise UsageError(f"order {order_id} is not in Shopdesk (import or sync first)")
    if not order.seller_ships:
        raise UsageError(
            f"order {order_id} uses TikTok's shipping label, so there is no carrier to choose: "
            f"buy the label with `shopdesk labels {order_id}`"
        )


#: A missing value, in the words of the single-order command's flags.
_FLAG_WORDS = {
    MISSING_TRACKING: "--tracking is missing",
    MISSING_CARRIER: "--provider is missing (an id or name from "
    "`shopdesk ship --providers ORDER_ID`)",
}


def _plan(db: Any, args: argparse.Namespace, csv_text: str) -> ShipPlan:
    try:
        if args.csv:
            return plan_ship_csv(db, text=csv_text, anyway=args.anyway)
    except ProblemsError as exc:
        raise UsageError(_nothing_queued([p.for_cli() for p in exc.problems])) from None
    done = shipped_already(db, args.order_id, args.tracking)
    if done is not None:
        return ShipPlan(already=[done])  # shipped so before: a success, not sent again
    items = tuple(i.strip() for i in args.items.split(",") if i.strip())
    shipment = Shipment(
        args.order_id,
        tracking=args.tracking,
        provider=args.provider,
        handover=args.handover or "",
        line_item_ids=items,
        anyway=args.anyway,
    )
    checked = check_shipment(db, shipment=shipment)
    if checked.request is None:
        problems = [_FLAG_WORDS.get(p.code) or p.for_cli() for p in checked.problems]
        raise UsageError(_nothing_queued(problems))
    return ShipPlan([checked.request])


async def _check_tracking(session: ShopSession, plan: ShipPlan) -> None:
    """What TikTok Shop says about each number, before anything is sent (US shops)."""
    if not offers_tiktok_check(session.db):
        raise UsageError("--check-tracking: TikTok Shop checks tracking numbers for US shops only")
    numbers = [r.tracking_number for r in plan.requests if r.tracking_number]
    checks = await check_with_tiktok(session, numbers=numbers)
    for request in plan.requests:
        check = checks.get(request.tracking_number)
        if check is not None:
            print(f"{request.order_id}: {check.words()}", file=sys.stderr)


def _nothing_queued(problems: list[str]) -> str:
    return "nothing was queued:\n  " + "\n  ".join(problems)


def _report(result: WritesResult, as_json: bool) -> int:
    shipped = [o for o in result.outcomes if o.ok]
    failed, sending = result.failed, result.in_progress
    if as_json:
        print(
            json.dumps(
                {
                    "shipped": len(shipped),
                    "failed": len(failed),
                    "in_progress": len(sending),
                    "orders": [
                        {
                            "order_id": o.ref,
                            "ok": o.ok,
                            "message": o.message or None,
                            "code": o.code,
                            "package_id": o.result.get("package_id"),
                            "warning": o.result.get("warning"),
                        }
                        for o in result.outcomes
                    ],
                }
            )
        )
    else:
        for outcome in result.outcomes:
            if outcome.ok:
                package = outcome.result.get("package_id", "?")
                note = f"; {outcome.message}" if outcome.message else ""
                print(f"{outcome.ref}: shipped (package {package}{note})")
                if outcome.result.get("warning"):
                    print(f"{outcome.ref}: TikTok Shop warns: {outcome.result['warning']}")
            else:
                print(f"{outcome.ref}: NOT shipped: {outcome.message}", file=sys.stderr)
        print(
            f"{len(shipped)} shipped, {len(failed)} not shipped"
            + (f", {len(sending)} still being sent elsewhere" if sending else "")
            + ".",
            file=sys.stderr,
        )
    if failed:
        return EXIT_TIKTOK
    return EXIT_OTHER if sending else EXIT_OK
