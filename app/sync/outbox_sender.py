"""One claimed outbox write sent exactly once: check TikTok first on a resend, then send.

Shipments, cancellation answers and return answers go the same way. A write whose earlier
attempt may have landed is checked with TikTok before it is sent again; a refusal TikTok
documents ends it with a plain message and no retry (unless TikTok shows it was ours, done
already); any other failure is retried with backoff. Each class that sends says how to send,
how to check and how to word a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.backoff import retry_delay
from app.store import fulfillment as store
from app.store.activity import save_error, save_error_resolved
from app.sync.session_service import SessionPart
from app.tiktok.errors import ReconnectNeeded, ShopdeskError, TikTokError

#: The message of a write TikTok showed was done already (ours, from an earlier attempt).
ALREADY_THERE = "TikTok Shop already had it"


@dataclass(frozen=True)
class WriteOutcome:
    """How one write ended, for the CLI report and the GUI."""

    kind: str
    ref: str
    ok: bool
    message: str = ""
    code: int | None = None
    result: dict[str, Any] = field(default_factory=dict)
    in_progress: bool = False  # another Shopdesk is sending it right now


class OutboxSender(SessionPart):
    """Sends claimed writes for one shop session; its outlet hears what changed."""

    #: The refusals TikTok documents for these writes (`reason`, `describe()` and `code`).
    REFUSED: type[TikTokError] = TikTokError
    #: What the creator can do about a refusal, and about a failure Shopdesk retries.
    REFUSED_ACTION = ""
    RETRY_ACTION = ""

    async def send_once(self, write: store.Write) -> WriteOutcome:
        """Send one claimed write and record how it ended (the outbox row, the errors tab)."""
        db = self.session.db
        try:
            resend = write.item.attempts > 1 and self._check_first(write)
            if resend and await self._landed(write):  # an earlier attempt may have landed
                return self._done(write, {"already_done": True}, ALREADY_THERE)
            answer = await self._dispatch(write)
        except ReconnectNeeded:
            raise
        except self.REFUSED as exc:
            if self._maybe_done(exc) and await self._landed(write):
                return self._done(write, {"already_done": True}, ALREADY_THERE)
            store.save_write_failed(
                db, write, code=exc.code, message=exc.describe(), retry_at=None, now=self._now()
            )
            self._error(write, f"{self._what(write)}: {exc.describe()}", self.REFUSED_ACTION)
            reason = str(getattr(exc, "reason", exc.message))
            return WriteOutcome(write.kind, write.ref, False, reason, exc.code)
        except (ShopdeskError, OSError) as exc:
            code = exc.code if isinstance(exc, TikTokError) else None
            retry_at = self._now() + retry_delay(write.item.attempts)
            store.save_write_failed(
                db, write, code=code, message=str(exc), retry_at=retry_at, now=self._now()
            )
            message = f"{self._what(write)} failed: {exc}"
            self._error(write, message, self.RETRY_ACTION, retry_at=retry_at)
            return WriteOutcome(write.kind, write.ref, False, str(exc), code)
        return self._done(write, answer)

    def _done(self, write: store.Write, answer: dict[str, Any], message: str = "") -> WriteOutcome:
        store.save_write_done(self.session.db, write, answer, now=self._now())
        save_error_resolved(self.session.db, write.kind, write.ref, now=self._now())
        return WriteOutcome(write.kind, write.ref, True, message, result=answer)

    def _error(
        self, write: store.Write, message: str, action: str, *, retry_at: int | None = None
    ) -> None:
        save_error(
            self.session.db,
            write.kind,
            message,
            ref=write.ref,
            action=action,
            shop_id=self.session.shop.id,
            next_retry_at=retry_at,
            now=self._now(),
        )

    # --- what each sender says -----------------------------------------------------------------

    async def already_applied(self, write: store.Write) -> bool:
        """Does TikTok already show this write (a crashed sender, or a lost answer)?"""
        raise NotImplementedError

    async def _landed(self, write: store.Write) -> bool:
        """`already_applied` as the sender trusts it when a resend or a refusal asks."""
        return await self.already_applied(write)

    def _check_first(self, write: store.Write) -> bool:
        """Whether a resend of this write is preceded by a look at TikTok's state."""
        return True

    def _maybe_done(self, refusal: TikTokError) -> bool:
        """Whether this refusal may mean that an earlier attempt of ours landed."""
        return False

    async def _dispatch(self, write: store.Write) -> dict[str, Any]:
        """Send the write; what TikTok answered, for the outbox row."""
        raise NotImplementedError

    def _what(self, write: store.Write) -> str:
        """`Shipping order 57…`: the write, for the errors tab."""
        raise NotImplementedError
