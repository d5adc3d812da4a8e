"""What became of the writes a command queued: sent by it, found done at TikTok, or being sent
by another Shopdesk right now (waited for, and adopted if that process dies meanwhile).

A command never reports "nothing to do" while one of its writes is unfinished.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

from app.store import fulfillment as store
from app.sync.fulfillment import Fulfiller, WritesResult
from app.sync.outbox_sender import WriteOutcome

WAIT_FOR_OTHERS = 120.0
STILL_SENDING = "still being sent by another Shopdesk; `shopdesk status` shows when it lands"


async def settle(
    fulfiller: Fulfiller,
    ids: Sequence[int],
    outcomes: Sequence[WriteOutcome],
    *,
    wait: float = WAIT_FOR_OTHERS,
    poll: float = 0.5,
) -> WritesResult:
    """One outcome per queued write (by outbox id), in the order they were queued."""
    db = fulfiller.session.db
    found = list(outcomes)
    deadline = time.monotonic() + wait
    rows = store.fetch_writes_by_id(db, ids)
    while any(r["state"] == "in_flight" for r in rows.values()) and time.monotonic() < deadline:
        await asyncio.sleep(poll)
        found += (await fulfiller.push_writes()).outcomes  # adopts the writes of a dead sender
        rows = store.fetch_writes_by_id(db, ids)
    latest = {o.ref: o for o in found}
    result = WritesResult()
    for write_id in dict.fromkeys(ids):
        row = rows.get(write_id)
        if row is None:
            continue
        outcome = latest.pop(str(row["ref"]), None)
        result.outcomes.append(outcome if outcome is not None else _from_row(row))
    return result


def _from_row(row: dict[str, Any]) -> WriteOutcome:
    kind, ref, state = str(row["kind"]), str(row["ref"]), str(row["state"])
    if state == "done":
        answer = json.loads(row["result"] or "{}")
        return WriteOutcome(kind, ref, True, "already done", result=answer)
    if state == "in_flight":
        return WriteOutcome(kind, ref, False, STILL_SENDING, in_progress=True)
    if state == "failed":
        return WriteOutcome(kind, ref, False, str(row["last_error"]), row["last_code"])
    return WriteOutcome(kind, ref, False, f"not sent ({state})")
