"""Shipping: check shipments, plan a CSV of them, queue them (on the engine) as typed results.

The checks themselves are the sync layer's (`app.sync.ship_requests`, shared with the CLI);
here each of their sentences becomes a `Problem` with a code, the order it concerns and the
field it is about, so the GUI places it on its row and the CLI prints its own words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import sqlite_utils

from app.changes import Changes
from app.ops.guards import hold_problem
from app.ops.problems import Problem, ProblemsError
from app.sync.fulfillment import PROVIDERS_FRESH, Fulfiller, WritesResult
from app.sync.settle import settle
from app.sync.ship_requests import (
    HANDOVER_METHODS,
    NO_CARRIER,
    NO_TRACKING,
    ShipPlan,
    ShipRequest,
    ShipRequestError,
    check_request,
    plan_ship_file,
    save_plan,
    shipped_already,
)

__all__ = [
    "HANDOVER_METHODS",
    "PROVIDERS_FRESH",
    "Fulfiller",
    "Queued",
    "ShipPlan",
    "ShipRequest",
    "Shipment",
    "WritesResult",
    "check_shipment",
    "plain_problem",
    "plan_ship_csv",
    "problem_from_text",
    "queue_ship_csv",
    "queue_shipments",
    "settle",
    "shipped_already",
]

# Codes of the problems a shipment can have.
ORDER_UNKNOWN = "order_unknown"
NOT_SHIPPABLE = "not_shippable"
NO_LINE_ITEM = "no_line_item"
NO_ITEMS = "no_items"
CANCEL_REQUESTED = "cancel_requested"
BAD_HANDOVER = "bad_handover"
NEEDS_HANDOVER = "needs_handover"
MISSING_TRACKING = "no_tracking"
BAD_TRACKING = "bad_tracking"
DUPLICATE_TRACKING = "duplicate_tracking"
MISSING_CARRIER = "no_carrier"
UNKNOWN_CARRIER = "unknown_carrier"
BAD_FILE = "bad_file"

_HINTS = (
    " (use an id or name from `shopdesk ship --providers ORDER_ID`)",
    " (--handover DROP_OFF or PICKUP)",
)
#: (code, field, how the core's sentence starts or what it holds); the first match wins.
_KINDS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    (MISSING_TRACKING, "tracking", lambda t: t.startswith(NO_TRACKING)),
    (MISSING_CARRIER, "provider", lambda t: t.startswith(NO_CARRIER)),
    (UNKNOWN_CARRIER, "provider", lambda t: t.startswith("unknown shipping provider")),
    (BAD_TRACKING, "tracking", lambda t: "is not a tracking number" in t),
    (BAD_HANDOVER, "handover", lambda t: t.startswith("handover must be")),
    (NEEDS_HANDOVER, "handover", lambda t: "with its own label" in t),
    (CANCEL_REQUESTED, "order", lambda t: "asked to cancel" in t),
    (ORDER_UNKNOWN, "order", lambda t: "is not in Shopdesk" in t),
    (NOT_SHIPPABLE, "order", lambda t: "not awaiting shipment" in t),
    (NO_LINE_ITEM, "line_items", lambda t: "has no line item" in t),
)


def _cleaned(text: str) -> str:
    """The core's sentence without the command line's hints."""
    for hint in _HINTS:
        text = text.replace(hint, "")
    return text.replace("unknown shipping provider", "not one of TikTok's carriers for this order:")


def _people_words(code: str, text: str) -> str:
    if code == MISSING_TRACKING:
        return "Enter the tracking number"
    if code == MISSING_CARRIER:
        return "Choose a carrier"
    text = _cleaned(text)
    return text[:1].upper() + text[1:]


def problem_from_text(text: str, *, order_id: str = "") -> Problem:
    """One of the core's sentences as a typed problem (`line N: ...` keeps its line)."""
    line = 0
    head, sep, rest = text.partition(": ")
    if sep and head.startswith("line ") and head[5:].isdigit():
        line, text = int(head[5:]), rest
    code, where = next(((c, f) for c, f, test in _KINDS if test(text)), (BAD_FILE, "file"))
    message = _cleaned(text) if line else _people_words(code, text)
    return Problem(code, message, order_id=order_id, field=where, line=line, cli=text)


def plain_problem(text: str) -> str:
    """One of the core's sentences as the GUI shows it."""
    return problem_from_text(text).for_people()


def _problems(texts: Sequence[str], order_id: str = "") -> list[Problem]:
    return [problem_from_text(t, order_id=order_id) for t in texts]


@dataclass(frozen=True)
class Shipment:
    """What the creator chose for one order."""

    order_id: str
    tracking: str = ""
    provider: str = ""  # a carrier's id or name (seller shipping)
    handover: str = ""  # DROP_OFF or PICKUP (TikTok shipping)
    line_item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checked:
    """A shipment's request when it passed, or its problems."""

    request: ShipRequest | None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Queued:
    """Shipments now in the outbox: each order's outbox row."""

    outbox_ids: dict[str, int]
    changes: Changes


def check_shipment(db: sqlite_utils.Database, *, shipment: Shipment) -> Checked:
    """Everything wrong with one shipment, checked against the stored order."""
    s = shipment
    held = hold_problem(db, s.order_id)
    if held is not None:
        return Checked(None, [held])
    request, found = check_request(
        db,
        s.order_id,
        tracking=s.tracking,
        provider=s.provider,
        handover=s.handover,
        line_item_ids=s.line_item_ids,
    )
    return Checked(request, _problems(found, s.order_id))


def queue_shipments(
    db: sqlite_utils.Database, *, shipments: Sequence[Shipment], now: int
) -> Queued:
    """On the engine thread: check every shipment again and queue them all, or none."""
    plan, problems = ShipPlan(), []
    for shipment in shipments:
        checked = check_shipment(db, shipment=shipment)
        problems.extend(checked.problems)
        if checked.request is not None:
            plan.requests.append(checked.request)
    if problems:
        raise ProblemsError(problems)
    ids = save_plan(db, plan, now=now)
    return _queued({r.order_id: i for r, i in zip(plan.requests, ids, strict=True)})


def plan_ship_csv(db: sqlite_utils.Database, *, text: str) -> ShipPlan:
    """Check a CSV of `order_id, tracking_number, provider`; raises with every line's problem."""
    try:
        return plan_ship_file(db, text)
    except ShipRequestError as exc:
        found = [problem_from_text(t) for t in exc.problems]
        orders = _order_by_line(text)
        raise ProblemsError(
            [replace(p, order_id=orders.get(p.line, "")) if p.line else p for p in found]
        ) from None


def _order_by_line(text: str) -> dict[int, str]:
    """Which order each line of a shipping CSV names (its problems are about that order)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
    found: dict[int, str] = {}
    for row in reader:
        found[reader.line_num] = str(row.get("order_id") or "").removeprefix("'").strip()
    return found


def queue_ship_csv(db: sqlite_utils.Database, *, text: str, now: int) -> Queued:
    """On the engine thread: plan the file again (it may have changed) and queue it whole."""
    plan = plan_ship_csv(db, text=text)
    ids = save_plan(db, plan, now=now)
    return _queued({r.order_id: i for r, i in zip(plan.requests, ids, strict=True)})


def queue_plan(db: sqlite_utils.Database, *, plan: ShipPlan, now: int) -> list[int]:
    """Queue a plan checked before (the CLI's single order or file)."""
    return save_plan(db, plan, now=now)


def _queued(ids: dict[str, int]) -> Queued:
    return Queued(ids, Changes.of(outbox=ids.values(), orders_updated=()))
