"""`shopdesk returns`: the requests waiting for an answer, approve, reject, restock."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import sqlite_utils

from app.commands.common import EXIT_OK, EXIT_TIKTOK, iso
from app.commands.status import returns_status
from app.commands.stock import _with_session
from app.config import Paths, load_settings
from app.ops.problems import ProblemsError, UsageError
from app.ops.returns import ReturnsDesk, answer_return, restock_return
from app.ops.sync import ShopSession
from app.queries.returns import StoredReturn, fetch_returns, status_words
from app.secrets import SecretStore


def as_dict(r: StoredReturn, now: float) -> dict[str, Any]:
    """One request for `--json`."""
    return {
        "return_id": r.return_id,
        "order_id": r.order_id,
        "type": r.return_type,
        "status": r.return_status,
        "status_words": status_words(r.return_status),
        "waiting_for_you": r.pending,
        "deadline": iso(r.deadline),
        "seconds_left": None if r.deadline is None else int(r.deadline - now),
        "refund": {"amount": r.refund_total, "currency": r.currency},
        "reason": r.reason_text,
        "evidence": r.evidence,
        "items": [
            {"sku_id": i.sku_id, "seller_sku": i.seller_sku, "name": i.name, "outcome": i.outcome}
            for i in r.items
        ],
        "reject_reasons": [{"name": n, "text": t} for n, t in r.reject_reasons]
        if r.pending
        else [],
        "decided_by": r.decided_by or None,
    }


def time_left(deadline: int | None, now: float) -> str:
    """`5h 12m left`, `overdue`, or empty."""
    if deadline is None:
        return ""
    left = int(deadline - now)
    if left <= 0:
        return "overdue"
    hours, minutes = divmod(left // 60, 60)
    return f"{hours // 24}d {hours % 24}h left" if hours >= 24 else f"{hours}h {minutes:02d}m left"


def _line(r: StoredReturn, now: float) -> str:
    items = ", ".join(i.seller_sku or i.sku_id for i in r.items)
    when = time_left(r.deadline, now) if r.pending else status_words(r.return_status)
    return (
        f"{r.return_id}  {r.return_type:<17} {r.refund_total:>8} {r.currency:<3}  {when:<16}"
        f"  {r.reason_text}  [{items}]"
    )


def run(args: argparse.Namespace, p: Paths, secrets: SecretStore | None = None) -> int:
    """Read the requests from TikTok Shop, then list them or send the answer."""
    settings = load_settings(p)
    action = getattr(args, "returns_action", None)

    async def work(session: ShopSession) -> int:
        desk = ReturnsDesk(session)
        await desk.recover()
        if action in ("approve", "reject", "restock"):
            await desk.sync([args.return_id])
        else:
            await desk.sync()
        if action is None:
            return _list(session.db, args.json)
        if action == "restock":
            return _restock(session.db, args)
        return await _answer(desk, args)

    return _with_session(p, settings, secrets or SecretStore(), work)


def _list(db: sqlite_utils.Database, as_json: bool) -> int:
    now = time.time()
    found = fetch_returns(db)
    if as_json:
        print(json.dumps({"returns": [as_dict(r, now) for r in found], **returns_status(db, now)}))
        return EXIT_OK
    waiting = [r for r in found if r.pending]
    print(f"{len(waiting)} requests wait for your answer" + (":" if waiting else "."))
    for r in waiting:
        print("  " + _line(r, now))
    others = [r for r in found if not r.pending][:20]
    if others:
        print("Recent:")
        for r in others:
            who = f" (decided by {r.decided_by.lower()})" if r.decided_by else ""
            print("  " + _line(r, now) + who)
    return EXIT_OK


async def _answer(desk: ReturnsDesk, args: argparse.Namespace) -> int:
    approve = args.returns_action == "approve"
    try:
        answer_return(
            desk.session.db,
            return_id=args.return_id,
            approve=approve,
            reason="" if approve else args.reason,
            comment="" if approve else args.comment,
            now=int(time.time()),
        )
    except ProblemsError as exc:
        raise UsageError(exc.problems[0].for_cli()) from None
    result = await desk.push_answers()
    if args.return_id in result.failed:
        print(f"Return {args.return_id}: {result.failed[args.return_id]}")
        return EXIT_TIKTOK
    verb = "approved" if approve else "rejected"
    print(f"Return {args.return_id} {verb}.")
    return EXIT_OK


def _restock(db: sqlite_utils.Database, args: argparse.Namespace) -> int:
    try:
        done = restock_return(
            db, return_id=args.return_id, write_off=args.write_off, now=int(time.time())
        )
    except ProblemsError as exc:
        raise UsageError(exc.problems[0].for_cli()) from None
    if args.write_off:
        print(f"Return {args.return_id}: {done.value} items written off (stock unchanged).")
    else:
        print(
            f"Return {args.return_id}: {done.value} items back on the shelf; the new counts are "
            "queued for TikTok Shop (the app or `shopdesk stock push` sends them)."
        )
    return EXIT_OK
