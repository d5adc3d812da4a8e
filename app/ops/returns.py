"""Returns: answer a buyer's request once, and record what became of each returned item."""

from __future__ import annotations

import sqlite_utils

from app.changes import Changes
from app.ops.guards import late_answer_problem
from app.ops.problems import Problem, ProblemsError
from app.ops.results import Done
from app.queries.returns import find_return_for_item
from app.store import returns as store
from app.store.fulfillment import save_write
from app.sync.returns import ANSWER_KINDS, APPROVE, REJECT, AnswersResult, ReturnsDesk
from app.tiktok.return_reasons import decisions_for

__all__ = [
    "AnswersResult",
    "ReturnsDesk",
    "answer_return",
    "receive_returned_item",
    "restock_return",
]


def _problem(code: str, message: str, return_id: str, field: str = "return") -> ProblemsError:
    return ProblemsError([Problem(code, message, order_id=return_id, field=field)])


def _request(db: sqlite_utils.Database, return_id: str) -> store.StoredReturn:
    found = store.fetch_return(db, return_id)
    if found is None:
        raise _problem("unknown_return", f"There is no return request {return_id}.", return_id)
    return found


def answer_return(
    db: sqlite_utils.Database,
    *,
    return_id: str,
    approve: bool,
    reason: str = "",
    comment: str = "",
    now: int,
) -> Done:
    """Queue the seller's answer (sent once, on the engine); a reason must be one TikTok
    offers for this request in the shop's market."""
    found = _request(db, return_id)
    decisions = decisions_for(found.next_action)
    if not found.pending or decisions is None:
        raise _problem(
            "not_pending",
            f"Return request {return_id} is not waiting for your answer "
            f"({found.return_status.replace('_', ' ').lower()}).",
            return_id,
        )
    late = late_answer_problem(found.deadline, now, order_id=found.order_id, what="return request")
    if late is not None:
        raise ProblemsError([late])
    if not approve:
        offered = {name for name, _ in found.reject_reasons}
        if reason not in offered:
            names = ", ".join(sorted(offered)) or "none read yet: sync first"
            raise ProblemsError(
                [
                    Problem(
                        "reason",
                        "Choose one of the reasons TikTok Shop offers for this request.",
                        order_id=return_id,
                        field="reason",
                        cli=f"--reason must be one of: {names}",
                    )
                ]
            )
    payload = {
        "decision": decisions[0] if approve else decisions[1],
        "order_id": found.order_id,
        "reason": "" if approve else reason,
        "comment": comment,
    }
    outbox_id = save_write(
        db, APPROVE if approve else REJECT, return_id, payload, now=now, kinds=ANSWER_KINDS
    )
    return Done(Changes.of(outbox=[outbox_id], returns=[return_id]), value=outbox_id)


def restock_return(
    db: sqlite_utils.Database,
    *,
    return_id: str,
    write_off: bool = False,
    sku_id: str = "",
    now: int,
) -> Done:
    """The returned items arrived: back on the shelf (stock goes up and is pushed) or written
    off. `sku_id` limits it to one unit of that SKU (a scan)."""
    found = _request(db, return_id)
    if not found.item_travels:
        raise _problem(
            "not_returned",
            f"Return request {return_id} has no item on its way back to you.",
            return_id,
        )
    waiting = [i for i in found.items if not i.outcome and (not sku_id or i.sku_id == sku_id)]
    if not waiting:
        raise _problem(
            "already_recorded",
            f"Every returned item of request {return_id} is already recorded.",
            return_id,
        )
    items = waiting[:1] if sku_id else waiting
    pushes = [
        store.save_item_outcome(db, item, return_id, restock=not write_off, now=now)
        for item in items
    ]
    outboxes = [p for p in pushes if p is not None]
    skus = [] if write_off else [i.sku_id for i in items]
    return Done(Changes.of(returns=[return_id], skus=skus, outbox=outboxes), value=len(items))


def receive_returned_item(
    db: sqlite_utils.Database, *, code: str, write_off: bool = False, now: int
) -> Done:
    """A scanned returned item (its SKU id or seller SKU): the oldest request waiting for
    that unit records it. `value` is the number of units recorded (1)."""
    found = find_return_for_item(db, code)
    if found is not None:
        return_id, sku_id = found
        return restock_return(db, return_id=return_id, write_off=write_off, sku_id=sku_id, now=now)
    raise ProblemsError(
        [
            Problem(
                "no_return_for_item",
                f"No return on its way back is waiting for item {code}.",
                sku_id=code,
                field="items",
            )
        ]
    )
