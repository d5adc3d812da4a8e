"""Shipping: check shipments, plan a CSV of them, queue them (on the engine) as typed results.

The checks themselves are the sync layer's (`app.sync.ship_requests`, shared with the CLI)
and give typed problems; here the guards are added: an ON_HOLD order is refused, and a
tracking number that does not fit its carrier is refused unless the creator ships it anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils

from app.changes import Changes
from app.ops.guards import hold_problem
from app.ops.problems import Problem, ProblemsError
from app.ops.tracking import TRACKING_MISMATCH, mismatch_problem
from app.sync.fulfillment import PROVIDERS_FRESH, Fulfiller, WritesResult
from app.sync.settle import settle
from app.sync.ship_requests import (
    BAD_FILE,
    BAD_HANDOVER,
    BAD_TRACKING,
    CANCEL_REQUESTED,
    HANDOVER_METHODS,
    MISSING_CARRIER,
    MISSING_TRACKING,
    NEEDS_HANDOVER,
    NO_LINE_ITEM,
    NOT_SHIPPABLE,
    ORDER_UNKNOWN,
    UNKNOWN_CARRIER,
    Judge,
    ShipPlan,
    ShipRequest,
    check_request,
    plan_ship_file,
    save_plan,
    shipped_already,
)

__all__ = [
    "BAD_FILE",
    "BAD_HANDOVER",
    "BAD_TRACKING",
    "CANCEL_REQUESTED",
    "DUPLICATE_TRACKING",
    "HANDOVER_METHODS",
    "MISSING_CARRIER",
    "MISSING_TRACKING",
    "NEEDS_HANDOVER",
    "NOT_SHIPPABLE",
    "NO_ITEMS",
    "NO_LINE_ITEM",
    "ORDER_UNKNOWN",
    "PROVIDERS_FRESH",
    "TRACKING_MISMATCH",
    "UNKNOWN_CARRIER",
    "Fulfiller",
    "Queued",
    "ShipPlan",
    "ShipRequest",
    "Shipment",
    "WritesResult",
    "check_shipment",
    "plan_ship_csv",
    "queue_ship_csv",
    "queue_shipments",
    "settle",
    "shipped_already",
]

# Codes of the problems only the ship dialog finds (the rest come from the checks).
NO_ITEMS = "no_items"
DUPLICATE_TRACKING = "duplicate_tracking"


@dataclass(frozen=True)
class Shipment:
    """What the creator chose for one order."""

    order_id: str
    tracking: str = ""
    provider: str = ""  # a carrier's id or name (seller shipping)
    handover: str = ""  # DROP_OFF or PICKUP (TikTok shipping)
    line_item_ids: tuple[str, ...] = ()
    #: The creator saw that the tracking number does not fit the carrier and ships it anyway.
    anyway: bool = False


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
    if request is not None and not s.anyway:
        mismatch = mismatch_problem(db, request)
        if mismatch is not None:
            return Checked(None, [mismatch])
    return Checked(request, found)


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


def plan_ship_csv(db: sqlite_utils.Database, *, text: str, anyway: bool = False) -> ShipPlan:
    """Check a CSV of `order_id, tracking_number, provider`; raises with every line's problem
    (a tracking number that does not fit its carrier too, unless `anyway`)."""
    return plan_ship_file(db, text, judge=_judge(db, anyway))


def _judge(db: sqlite_utils.Database, anyway: bool) -> Judge | None:
    """The carrier's shapes, for a line that passed the checks (none when shipped anyway).
    An ON_HOLD order's line is already refused there: it is not awaiting shipment."""
    if anyway:
        return None

    def judge(request: ShipRequest, line: int) -> list[Problem]:
        mismatch = mismatch_problem(db, request, line=line)
        return [] if mismatch is None else [mismatch]

    return judge


def queue_ship_csv(
    db: sqlite_utils.Database, *, text: str, now: int, anyway: bool = False
) -> Queued:
    """On the engine thread: plan the file again (it may have changed) and queue it whole."""
    plan = plan_ship_csv(db, text=text, anyway=anyway)
    ids = save_plan(db, plan, now=now)
    return _queued({r.order_id: i for r, i in zip(plan.requests, ids, strict=True)})


def queue_plan(db: sqlite_utils.Database, *, plan: ShipPlan, now: int) -> list[int]:
    """Queue a plan checked before (the CLI's single order or file)."""
    return save_plan(db, plan, now=now)


def _queued(ids: dict[str, int]) -> Queued:
    return Queued(ids, Changes.of(outbox=ids.values(), orders_updated=()))
