"""The queues' and errors' actions: send a write again, drop it, retry a webhook, dismiss."""

from __future__ import annotations

import sqlite_utils

from app.changes import ANY, Changes
from app.ops.results import Done
from app.store.activity import save_error_dismissed
from app.store.inbox import save_inbox_dropped, save_inbox_retry
from app.store.outbox import save_outbox_dropped, save_outbox_retry


def retry_write(db: sqlite_utils.Database, *, outbox_id: int, now: int) -> Done:
    """Send a failed or refused write again at the next chance."""
    ok = save_outbox_retry(db, outbox_id, now=now)
    return Done(Changes.of(outbox=[outbox_id], errors=[ANY]), ok=ok)


def drop_write(db: sqlite_utils.Database, *, outbox_id: int, now: int) -> Done:
    """Give up on a queued write."""
    ok = save_outbox_dropped(db, outbox_id, now=now)
    return Done(Changes.of(outbox=[outbox_id], errors=[ANY]), ok=ok)


def retry_webhook(db: sqlite_utils.Database, *, item_id: int) -> Done:
    """Process a failed webhook again."""
    save_inbox_retry(db, item_id)
    return Done(Changes.of(inbox=[item_id]))


def drop_webhook(db: sqlite_utils.Database, *, item_id: int) -> Done:
    """Give up on a webhook (polling still catches its change)."""
    save_inbox_dropped(db, item_id)
    return Done(Changes.of(inbox=[item_id]))


def dismiss_error(db: sqlite_utils.Database, *, error_id: int, now: int) -> Done:
    """Hide an error row for good."""
    save_error_dismissed(db, error_id, now=now)
    return Done(Changes.of(errors=[ANY]))
