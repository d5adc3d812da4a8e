"""Continuous sync: everything updated since the cursor (minus an overlap), oldest change first."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.changes import Changes
from app.store.activity import (
    FAILED,
    OK,
    RunCounts,
    save_error,
    save_error_resolved,
    save_run_finished,
    save_run_started,
)
from app.store.clock_skew import save_clock_skew
from app.store.cursors import ORDERS_UPDATE_TIME, fetch_cursor, save_cursor, save_cursor_reset
from app.store.orders import UpsertResult
from app.sync.order_saves import save_order_page
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.tiktok.api import OrderQuery
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

log = logging.getLogger(__name__)

#: Re-read this much before the cursor: late-indexed changes and ties at a page edge are kept.
DEFAULT_OVERLAP = 120
#: How far past our clock the search window reaches (covers clock skew and this second).
UPPER_BOUND_SLACK = 60
#: A window read again at most this often when TikTok's `Date` shows our clock is off.
MAX_PASSES = 3
#: With no cursor yet, a poll reads this far back.
FIRST_POLL_LOOKBACK = 30 * 86400


@dataclass(frozen=True)
class PollResult:
    """What one poll found."""

    fetched: int
    created: list[str]
    updated: list[str]
    pages: int
    cursor: int
    api_calls: int
    throttled: int
    seconds: float


async def poll_once(
    session: ShopSession,
    *,
    overlap: int = DEFAULT_OVERLAP,
    clock: Callable[[], float] = time.time,
    outlet: Outlet = SILENT,
    kind: str = "poll",
) -> PollResult:
    """Read every change since the cursor; each page commits with the cursor it advances.

    The window is in TikTok's time: the cursor is the newest `update_time` TikTok gave us, and
    the upper bound is TikTok's "now" as its `Date` header shows it, so a clock running ahead
    or behind ours loses nothing. When the first answers reveal a skew the window did not
    allow for, the window is read again up to TikTok's real "now". `kind` names the run row
    (the deep pass is this poll with a two-hour overlap).
    """
    db, shop_id = session.db, session.shop.id
    client = session.client
    began = time.perf_counter()
    calls0, throttled0 = session.stats.calls, session.stats.throttled
    cursor = _sane_cursor(session, fetch_cursor(db, shop_id, ORDERS_UPDATE_TIME))
    server_now = int(client.server_now())
    since = (cursor - overlap) if cursor is not None else server_now - FIRST_POLL_LOOKBACK
    run_id = save_run_started(db, shop_id, kind, now=int(clock()))
    total = UpsertResult()
    fetched = pages = 0
    newest = cursor or since
    upper = server_now + UPPER_BOUND_SLACK
    try:
        for _pass in range(MAX_PASSES):
            # An explicit upper bound a little ahead: left out, it defaults to TikTok's "now"
            # and the changes of the current second would wait for the next poll.
            query = OrderQuery(
                update_time_ge=max(0, since),
                update_time_lt=upper,
                sort_field="update_time",
                sort_order="ASC",
            )
            iterator = session.api.iter_order_pages(query)
            async with contextlib.aclosing(iterator):
                async for page in iterator:
                    with db.atomic():
                        result = save_order_page(db, shop_id, page.raw_orders, now=int(clock()))
                        if page.max_update_time is not None:
                            newest = max(newest, page.max_update_time)
                            save_cursor(db, shop_id, ORDERS_UPDATE_TIME, newest, now=int(clock()))
                    pages += 1
                    fetched += len(page)
                    total.add(result)
                    outlet.changed(result.changes)
            # The answers told us TikTok's time: read again if the window missed part of it.
            corrected = int(client.server_now()) + UPPER_BOUND_SLACK
            fixed = _sane_cursor(session, fetch_cursor(db, shop_id, ORDERS_UPDATE_TIME))
            if fixed is not None and fixed < newest:
                newest, since, upper = fixed, fixed - overlap, max(upper, corrected)
            elif corrected > upper + UPPER_BOUND_SLACK:
                since, upper = max(since, newest - overlap), corrected
            else:
                break
    except ShopdeskError as exc:
        counts = RunCounts(
            fetched=fetched,
            created=len(total.created),
            updated=len(total.updated),
            pages=pages,
            api_calls=session.stats.calls - calls0,
            throttled=session.stats.throttled - throttled0,
        )
        save_run_finished(db, run_id, FAILED, counts, now=int(clock()), error=str(exc))
        action = (
            "Reconnect the shop in Settings or run `shopdesk connect`."
            if isinstance(exc, ReconnectNeeded)
            else "Shopdesk retries by itself; check the network if this stays."
        )
        save_error(
            db,
            "poll",
            f"Order sync failed: {exc}",
            action=action,
            shop_id=shop_id,
            now=int(clock()),
        )
        outlet.changed(Changes.of(errors=["poll"], runs=True))
        raise
    counts = RunCounts(
        fetched=fetched,
        created=len(total.created),
        updated=len(total.updated),
        unchanged=total.unchanged + total.stale,
        pages=pages,
        api_calls=session.stats.calls - calls0,
        throttled=session.stats.throttled - throttled0,
    )
    with db.atomic():
        save_run_finished(db, run_id, OK, counts, now=int(clock()))
        save_error_resolved(db, "poll", now=int(clock()))
        if client.server_skew is not None:
            save_clock_skew(db, shop_id, client.server_skew, now=int(clock()))
    outlet.changed(Changes.of(errors=["poll"], runs=True, shop=client.server_skew is not None))
    return PollResult(
        fetched=fetched,
        created=total.created,
        updated=total.updated,
        pages=pages,
        cursor=newest,
        api_calls=counts.api_calls,
        throttled=counts.throttled,
        seconds=round(time.perf_counter() - began, 3),
    )


def _sane_cursor(session: ShopSession, cursor: int | None) -> int | None:
    """A cursor in TikTok's future was set from a clock running ahead (older versions did):
    move it back by the skew we see now, so the changes since then are read."""
    client = session.client
    if cursor is None or client.server_skew is None:
        return cursor
    if cursor <= client.server_now() + UPPER_BOUND_SLACK:
        return cursor
    fixed = int(cursor - max(client.server_skew, 0.0))
    log.warning("the order cursor was ahead of TikTok's clock; reading again from %d", fixed)
    save_cursor_reset(session.db, session.shop.id, ORDERS_UPDATE_TIME, fixed, now=int(time.time()))
    return fixed
