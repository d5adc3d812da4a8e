"""`shopdesk labels` and `shopdesk picklist`: buy and print a day's TikTok Shipping labels,
and the pick list with a packing slip per order."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from app.commands.common import EXIT_OK, EXIT_OTHER, UsageError, read_text_file
from app.config import Paths, load_settings
from app.documents import DocumentError, Paper
from app.ops.labels import (
    LabelsResult,
    buy_labels,
    import_profiles,
    make_picklist,
    parse_parcel,
)
from app.ops.parcels import ParcelError
from app.ops.sync import open_session, open_writable
from app.queries.db import open_readonly
from app.queries.labels import fetch_due_order_ids, fetch_known_order_ids
from app.secrets import SecretStore


def _import_profiles(p: Paths, path: Path) -> None:
    text = read_text_file(path)
    db = open_writable(p.database)
    try:
        done = import_profiles(db=db, text=text)
    finally:
        db.close()
    if done.problems:
        raise UsageError("no profile was saved:\n  " + "\n  ".join(done.problems))
    print(f"{done.saved} SKU shipping profiles set", file=sys.stderr)


def _chosen(args: argparse.Namespace, p: Paths, *, tiktok_only: bool) -> list[str]:
    if bool(args.order_ids) == bool(args.due):
        raise UsageError("give ORDER_ID... or --due")
    db = open_writable(p.database)
    try:
        if args.due:
            within = getattr(args, "within", None)
            return fetch_due_order_ids(
                db,
                within=int(within * 3600) if within is not None else None,
                now=int(time.time()),
                tiktok_only=tiktok_only,
            )
        known = fetch_known_order_ids(db, args.order_ids)
    finally:
        db.close()
    missing = [o for o in args.order_ids if o not in known]
    if missing:
        raise UsageError(
            f"not in Shopdesk (import or sync first): {', '.join(missing)}; nothing was bought"
        )
    return list(dict.fromkeys(args.order_ids))


def run_labels(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Buy what is missing, download everything, merge, report each order."""
    try:
        parcel = parse_parcel(args.weight, args.dims)
        paper = Paper.parse(args.paper) if args.paper else None
    except (ParcelError, DocumentError) as exc:
        raise UsageError(str(exc)) from None
    if args.profiles:
        _import_profiles(p, Path(args.profiles).expanduser())
        if not (args.order_ids or args.due):
            return EXIT_OK
    order_ids = _chosen(args, p, tiktok_only=True)
    out = Path(args.out).expanduser() if args.out else None
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist")
    if not order_ids:
        return _report(LabelsResult(), args.json)
    settings = load_settings(p)

    async def go() -> LabelsResult:
        session = open_session(p, settings, secrets or SecretStore())
        try:
            return await buy_labels(
                session=session,
                folder=p.labels,
                order_ids=order_ids,
                size=args.size,
                paper=paper,
                packing_slip=args.packing_slip,
                parcel=parcel,
                default_parcel=str(getattr(settings, "default_parcel", "") or ""),
                out=out,
            )
        finally:
            await session.aclose()

    return _report(asyncio.run(go()), args.json)


def _report(result: LabelsResult, as_json: bool) -> int:
    code = EXIT_OTHER if result.failed or result.in_progress else EXIT_OK
    if as_json:
        print(json.dumps(result.to_json()))
        return code
    print(f"{len(result.bought)} labels bought, {len(result.reused)} already bought")
    for problem in result.failed:
        print(f"  {problem.order_id}: {problem.reason}", file=sys.stderr)
    for order_id in result.in_progress:
        print(f"  {order_id}: another Shopdesk is buying its label now", file=sys.stderr)
    if result.pdf is not None:
        print(f"{result.pages} pages: {result.pdf}")
    return code


def run_picklist(args: argparse.Namespace, p: Paths) -> int:
    """The pick list and packing slips, from SQLite alone (no network)."""
    order_ids = _chosen(args, p, tiktok_only=False)
    if not order_ids:
        raise UsageError("no orders await shipment")
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist")
    db = open_readonly(p.database)
    try:
        result = make_picklist(
            db=db,
            order_ids=order_ids,
            out=out,
            paper=Paper.parse(args.paper),
            slips=not args.no_slips,
        )
    except DocumentError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    print(f"{result.pages} pages ({len(result.slips)} packing slips): {result.path}")
    return EXIT_OK
