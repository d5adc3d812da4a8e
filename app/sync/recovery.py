"""Writes a dead process claimed: ask TikTok what happened, then finish or resend them.

A process that claimed a write (in flight) and then died (a crash, a SIGKILL, a laptop out of
battery) may or may not have reached TikTok. Every process that sends writes, a command or the
engine, first adopts such orphans, checks TikTok's state (the order's packages and tracking,
the cancellation request, the SKU's inventory) and marks each one done when TikTok has it, or
queues it again when it does not. Nothing claimed is left behind; nothing is sent twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.store import fulfillment as store
from app.store import outbox
from app.store.activity import save_error_resolved
from app.store.stock import save_pushed
from app.store.stock_levels import StockDefaults, fetch_push_plans, fetch_stock_rows
from app.sync.catalog import observe_listed
from app.sync.session import ShopSession
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

if TYPE_CHECKING:
    from app.sync.outbox_sender import OutboxSender

log = logging.getLogger(__name__)


@dataclass
class Recovered:
    """Orphans found at TikTok (done) and those sent again."""

    done: list[outbox.OutboxItem] = field(default_factory=list)
    requeued: list[outbox.OutboxItem] = field(default_factory=list)
    unchecked: list[outbox.OutboxItem] = field(default_factory=list)


def adopt_orphans(session: ShopSession, kinds: tuple[str, ...], now: int) -> list[outbox.Claim]:
    """Take over every orphan of these kinds that no other process adopted first."""
    db = session.db
    orphans = outbox.fetch_orphans(db, kinds)
    adopted = [c for c in orphans if outbox.save_adopted(db, c, now=now)]
    for claim in adopted:
        log.warning(
            "%s %s was claimed by process %d, which is gone: checking it with TikTok",
            claim.item.kind,
            claim.item.ref,
            claim.claimer.pid,
        )
    return adopted


def _disown(session: ShopSession, items: list[outbox.OutboxItem]) -> None:
    """Could not check now: leave them orphans, for the next process or the next pass."""
    session.db.conn.executemany(
        "UPDATE outbox SET claimed_pid = 0, claimed_start = ''"
        " WHERE id = ? AND state = 'in_flight'",
        [(i.id,) for i in items],
    )


async def recover_writes(
    sender: OutboxSender, *, kinds: tuple[str, ...] = store.WRITE_KINDS, now: int
) -> Recovered:
    """Shipments, answers and cancellations (or other `kinds`) a dead process left in flight."""
    session = sender.session
    adopted = adopt_orphans(session, kinds, now)
    result = Recovered()
    for write in store.fetch_payloads(session.db, [c.item for c in adopted]):
        try:
            landed = await sender.already_applied(write)
        except ReconnectNeeded:
            _disown(session, [write.item])
            raise
        except ShopdeskError as exc:
            log.warning("could not check %s %s: %s", write.kind, write.ref, exc)
            _disown(session, [write.item])
            result.unchecked.append(write.item)
            continue
        if landed:
            store.save_write_done(session.db, write, {"checked_after_crash": True}, now=now)
            save_error_resolved(session.db, write.kind, write.ref, now=now)
            result.done.append(write.item)
        else:
            outbox.save_requeued(session.db, [write.item.id], now=now)
            result.requeued.append(write.item)
    return result


async def recover_stock(
    session: ShopSession, defaults: StockDefaults, *, clock: Callable[[], float] = time.time
) -> Recovered:
    """Stock pushes a dead process left in flight: done when TikTok lists what we would send."""
    now = int(clock())
    adopted = adopt_orphans(session, (outbox.STOCK,), now)
    result = Recovered()
    if not adopted:
        return result
    items = [c.item for c in adopted]
    try:
        await observe_listed(session, [i.ref for i in items], clock=clock)
    except ReconnectNeeded:
        _disown(session, items)
        raise
    except ShopdeskError as exc:
        log.warning("could not check %d stock pushes with TikTok: %s", len(items), exc)
        _disown(session, items)
        result.unchecked.extend(items)
        return result
    db = session.db
    rows = {r.sku_id: r for r in fetch_stock_rows(db, defaults, sku_ids=[i.ref for i in items])}
    plans = {
        sku.item.id: sku for plan in fetch_push_plans(db, items, defaults) for sku in plan.skus
    }
    for item in items:
        row, plan = rows.get(item.ref), plans.get(item.id)
        if row is not None and plan is not None and row.tiktok_quantity == row.target:
            with db.atomic():
                outbox.save_done(db, item, quantity=row.target, now=now)
                save_pushed(db, item.ref, plan.quantities, now=now)
            result.done.append(item)
        else:
            outbox.save_requeued(db, [item.id], now=now)
            result.requeued.append(item)
    return result
