"""The inbox does not grow for ever: processed events are forgotten after `inbox_keep_days`;
events still waiting or failing stay, however old."""

from __future__ import annotations

import time

from app.relay.tunnel import make_tunnel
from app.store import inbox
from app.sync.webhooks import WebhookService
from tests.relay.support import push

DAY = 86400


def stored(db, n: int, *, state: str, age_days: float, now: int) -> int:
    at = int(now - age_days * DAY)
    row, _ = inbox.save_received(
        db,
        push(notification_id=str(n)),
        notification_id=str(n),
        type_=1,
        shop_id="s",
        event_time=at,
        now=at,
    )
    if state in (inbox.DONE, inbox.IGNORED):
        inbox.save_processed(db, [row], state, now=at)
    elif state == inbox.FAILED:
        inbox.save_failed(db, [row], "boom", now=at, retry_at=at + 60)
    return row


async def test_processed_events_are_pruned_after_the_kept_days(connect_shop) -> None:
    shop = await connect_shop(orders=5)
    shop.settings = shop.settings.model_copy(update={"inbox_keep_days": 3})
    session = shop.session()
    now = int(time.time())
    db = session.db
    old_done = [stored(db, n, state=inbox.DONE, age_days=4, now=now) for n in range(50)]
    old_ignored = stored(db, 100, state=inbox.IGNORED, age_days=10, now=now)
    recent = stored(db, 101, state=inbox.DONE, age_days=1, now=now)
    waiting = stored(db, 102, state=inbox.PENDING, age_days=30, now=now)
    failing = stored(db, 103, state=inbox.FAILED, age_days=30, now=now)
    service = WebhookService(session, make_tunnel("none"))
    assert service.prune() == len(old_done) + 1
    assert service.prune() == 0  # at most once an hour
    left = {row[0] for row in db.execute("SELECT id FROM inbox")}
    assert left == {recent, waiting, failing}
    assert old_ignored not in left
    await session.aclose()
