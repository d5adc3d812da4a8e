"""Return and refund requests kept current, and the seller's answers sent exactly once.

Requests come in by Search Returns, incrementally by `update_time` (a webhook 12 reads the
one request it names). An answer is an outbox row whose id makes the idempotency key; when its
outcome is lost (a dropped connection, a process that died) the request's status is read
before anything is sent again, so no request is answered twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.backoff import retry_delay
from app.changes import Changes
from app.store import fulfillment as writes
from app.store import returns as store
from app.store.activity import save_error, save_error_resolved
from app.store.cursors import fetch_cursor, save_cursor
from app.store.outbox import save_released, save_requeued
from app.sync.outlet import SILENT, Outlet
from app.sync.recovery import adopt_orphans
from app.sync.session import ShopSession
from app.sync.ship_requests import shop_region
from app.tiktok.errors import ReconnectNeeded, ShopdeskError, TikTokError
from app.tiktok.models.returns import Return
from app.tiktok.return_errors import ReturnRefused, ReturnStateChanged
from app.tiktok.return_reasons import offerable
from app.tiktok.returns import ReturnQuery, ReturnsApi

log = logging.getLogger(__name__)

APPROVE, REJECT = "return_approve", "return_reject"
ANSWER_KINDS = (APPROVE, REJECT)
CURSOR = "returns.update_time"
OVERLAP = 300
FIRST_LOOKBACK = 60 * 86400
#: Search Returns takes up to 50 ids in `return_ids` (one call for a batch of webhooks).
IDS_PER_CALL = 50
#: Records and reasons read in one pass at most (waiting requests first); the rest follow in
#: the next passes, so a shop's first sync of months of returns keeps inside its budget.
DETAILS_PER_PASS = 40


@dataclass
class AnswersResult:
    """How each answer of one pass ended: done, or refused with TikTok's reason."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class ReturnsDesk:
    """Reads requests for one shop session and sends the creator's answers."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
    ) -> None:
        self.session = session
        self.api = ReturnsApi(session.client)
        self._clock = clock
        self.outlet = outlet

    def _now(self) -> int:
        return int(self._clock())

    # --- reading -------------------------------------------------------------------------

    async def sync(self, return_ids: Sequence[str] = ()) -> list[str]:
        """Bring requests up to date: the named ones, or every one changed since the cursor."""
        db, shop_id = self.session.db, self.session.shop.id
        if return_ids:
            found: list[Return] = []
            ids = list(dict.fromkeys(return_ids))
            for start in range(0, len(ids), IDS_PER_CALL):
                query = ReturnQuery(return_ids=tuple(ids[start : start + IDS_PER_CALL]))
                found += [r async for r in self.api.iter_returns(query)]
            changed = store.save_returns(db, shop_id, found, now=self._now())
        else:
            cursor = fetch_cursor(db, shop_id, CURSOR)
            since = cursor - OVERLAP if cursor is not None else self._now() - FIRST_LOOKBACK
            query = ReturnQuery(update_time_ge=max(0, since))
            found = [r async for r in self.api.iter_returns(query)]
            with db.atomic():
                changed = store.save_returns(db, shop_id, found, now=self._now())
                newest = max((r.update_time for r in found), default=None)
                if newest is not None:
                    save_cursor(db, shop_id, CURSOR, newest, now=self._now())
        await self._details()
        if changed:
            self.outlet.changed(Changes.of(returns=changed))
        return changed

    async def _details(self) -> None:
        """Records (evidence, who decided) of moved requests; reject reasons of waiting ones."""
        db = self.session.db
        reasonless = store.fetch_reasonless(db)[:DETAILS_PER_PASS]
        unrecorded = store.fetch_unrecorded(db)[: max(0, DETAILS_PER_PASS - len(reasonless))]
        for return_id in unrecorded:
            stored = store.fetch_return(db, return_id)
            if stored is not None:
                records = await self.api.return_records(return_id)
                store.save_records(db, return_id, stored.return_status, records)
        region = shop_region(db)
        for return_id, action in reasonless:
            stored = store.fetch_return(db, return_id)
            if stored is None:
                continue
            found = await self.api.reject_reasons(return_id)
            allowed = offerable(region, found, stored.return_type)
            store.save_reject_reasons(db, return_id, action, [(r.name, r.text) for r in allowed])

    # --- answering -------------------------------------------------------------------------

    async def recover(self) -> list[str]:
        """Answers a dead process left in flight: done if TikTok shows them, else sent again."""
        db = self.session.db
        done: list[str] = []
        adopted = adopt_orphans(self.session, ANSWER_KINDS, self._now())
        for write in writes.fetch_payloads(db, [c.item for c in adopted]):
            if await self.api.decision_landed(write.ref, str(write.payload["decision"])):
                writes.save_write_done(db, write, {"checked_after_crash": True}, now=self._now())
                done.append(write.ref)
            else:
                save_requeued(db, [write.item.id], now=self._now())
        if done:
            await self.sync(done)
        return done

    async def push_answers(self) -> AnswersResult:
        """Send every due answer; each lost one is checked with TikTok before a resend."""
        db = self.session.db
        result = AnswersResult(done=await self.recover())
        due = writes.save_claimed_writes(db, now=self._now(), kinds=ANSWER_KINDS)
        if not due:
            return result
        self.outlet.changed(Changes.of(outbox=[w.item.id for w in due]))
        for n, write in enumerate(due):
            try:
                await self._send(write, result)
            except ReconnectNeeded:
                save_released(db, [w.item.id for w in due[n:]], now=self._now())
                raise
        answered = [w.ref for w in due]
        await self.sync(answered)
        self.outlet.changed(Changes.of(outbox=[w.item.id for w in due], returns=answered))
        return result

    async def _send(self, write: writes.Write, result: AnswersResult) -> None:
        db, p, now = self.session.db, write.payload, self._now()
        decision = str(p["decision"])
        try:
            if write.item.attempts > 1 and await self.api.decision_landed(write.ref, decision):
                pass  # an earlier attempt landed: never send it twice
            elif write.kind == APPROVE:
                await self.api.approve_return(write.ref, decision, _key(write))
            else:
                await self.api.reject_return(
                    write.ref, decision, str(p["reason"]), _key(write), comment=str(p["comment"])
                )
        except ReturnRefused as exc:
            if isinstance(exc, ReturnStateChanged) and await self.api.decision_landed(
                write.ref, decision
            ):
                self._done(write, result)
                return
            writes.save_write_failed(
                db, write, code=exc.code, message=exc.describe(), retry_at=None, now=now
            )
            self._error(write, exc.describe(), "Read the request in Shopdesk, then answer again.")
            result.failed[write.ref] = exc.reason
            return
        except (ShopdeskError, OSError) as exc:
            if isinstance(exc, ReconnectNeeded):
                raise
            code = exc.code if isinstance(exc, TikTokError) else None
            retry_at = now + retry_delay(write.item.attempts)
            writes.save_write_failed(
                db, write, code=code, message=str(exc), retry_at=retry_at, now=now
            )
            self._error(
                write, f"failed: {exc}", "Shopdesk checks and retries; nothing is sent twice."
            )
            result.failed[write.ref] = str(exc)
            return
        self._done(write, result)

    def _done(self, write: writes.Write, result: AnswersResult) -> None:
        writes.save_write_done(self.session.db, write, {}, now=self._now())
        save_error_resolved(self.session.db, write.kind, write.ref, now=self._now())
        result.done.append(write.ref)

    def _error(self, write: writes.Write, message: str, action: str) -> None:
        verb = "Approving" if write.kind == APPROVE else "Rejecting"
        save_error(
            self.session.db,
            write.kind,
            f"{verb} return request {write.ref}: {message}",
            ref=write.ref,
            action=action,
            shop_id=self.session.shop.id,
            now=self._now(),
        )


def _key(write: writes.Write) -> str:
    """The same key for every attempt of one answer (approve-return: idempotency_key)."""
    return f"shopdesk-return-{write.item.id}"
