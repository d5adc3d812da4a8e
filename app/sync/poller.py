"""Continuous sync: everything updated since the cursor (minus an overlap), oldest change first."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.changes import NO_CHANGES, Changes
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
    #: Everything the poll changed (its pages, the run row, the poll error, the clock skew).
    changes: Changes = NO_CHANGES


@dataclass
class _Window:
    """The `update_time` range a pass reads, in TikTok's time, and the newest change seen."""

    since: int
    upper: int
    newest: int


class _Run:
    """One poll's running totals: pages saved, calls made, changes told."""

    def __init__(self, session: ShopSession, clock: Callable[[], float], outlet: Outlet) -> None:
        self.session, self.clock, self.outlet = session, clock, outlet
        self.began = time.perf_counter()
        self.calls0, self.throttled0 = session.stats.calls, session.stats.throttled
        self.total = UpsertResult()
        self.fetched = self.pages = 0
        self.changes = NO_CHANGES

    def now(self) -> int:
        return int(self.clock())

    def tell(self, changes: Changes) -> None:
        self.changes = self.changes.merge(changes)
        self.outlet.changed(changes)

    def counts(self, *, finished: bool) -> RunCounts:
        unchanged = self.total.unchanged + self.total.stale if finished else 0
        return RunCounts(
            fetched=self.fetched,
            created=len(self.total.created),
            updated=len(self.total.updated),
            unchanged=unchanged,
            pages=self.pages,
            api_calls=self.session.stats.calls - self.calls0,
            throttled=self.session.stats.throttled - self.throttled0,
        )


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
    run = _Run(session, clock, outlet)
    cursor = _sane_cursor(session, fetch_cursor(db, shop_id, ORDERS_UPDATE_TIME))
    server_now = int(session.client.server_now())
    since = (cursor - overlap) if cursor is not None else server_now - FIRST_POLL_LOOKBACK
    window = _Window(since=since, upper=server_now + UPPER_BOUND_SLACK, newest=cursor or since)
    run_id = save_run_started(db, shop_id, kind, now=run.now())
    try:
        for _pass in range(MAX_PASSES):
            await _read_window(run, window)
            if not _widened(session, window, overlap):
                break
    except ShopdeskError as exc:
        _failed(run, run_id, exc)
        raise
    return _finished(run, run_id, window)


async def _read_window(run: _Run, window: _Window) -> None:
    """One pass over the window, oldest change first; each page commits with its cursor."""
    session = run.session
    db, shop_id = session.db, session.shop.id
    # An explicit upper bound a little ahead: left out, it defaults to TikTok's "now" and the
    # changes of the current second would wait for the next poll.
    query = OrderQuery(
        update_time_ge=max(0, window.since),
        update_time_lt=window.upper,
        sort_field="update_time",
        sort_order="ASC",
    )
    iterator = session.api.iter_order_pages(query)
    async with contextlib.aclosing(iterator):
        async for page in iterator:
            with db.atomic():
                result = save_order_page(db, shop_id, page.raw_orders, now=run.now())
                if page.max_update_time is not None:
                    window.newest = max(window.newest, page.max_update_time)
                    save_cursor(db, shop_id, ORDERS_UPDATE_TIME, window.newest, now=run.now())
            run.pages += 1
            run.fetched += len(page)
            run.total.add(result)
            run.tell(result.changes)


def _widened(session: ShopSession, window: _Window, overlap: int) -> bool:
    """The answers told us TikTok's time: move the window if it missed part of it."""
    corrected = int(session.client.server_now()) + UPPER_BOUND_SLACK
    fixed = _sane_cursor(session, fetch_cursor(session.db, session.shop.id, ORDERS_UPDATE_TIME))
    if fixed is not None and fixed < window.newest:
        window.newest, window.since = fixed, fixed - overlap
        window.upper = max(window.upper, corrected)
        return True
    if corrected > window.upper + UPPER_BOUND_SLACK:
        window.since, window.upper = max(window.since, window.newest - overlap), corrected
        return True
    return False


def _failed(run: _Run, run_id: int, exc: ShopdeskError) -> None:
    """The run row and the errors tab say why the poll stopped (what it saved stays)."""
    db = run.session.db
    save_run_finished(db, run_id, FAILED, run.counts(finished=False), now=run.now(), error=str(exc))
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
        shop_id=run.session.shop.id,
        now=run.now(),
    )
    run.tell(Changes.of(errors=["poll"], runs=True))


def _finished(run: _Run, run_id: int, window: _Window) -> PollResult:
    """Close the run row, clear the poll error and keep the clock skew seen."""
    session = run.session
    db, client = session.db, session.client
    counts = run.counts(finished=True)
    with db.atomic():
        save_run_finished(db, run_id, OK, counts, now=run.now())
        save_error_resolved(db, "poll", now=run.now())
        if client.server_skew is not None:
            save_clock_skew(db, session.shop.id, client.server_skew, now=run.now())
    run.tell(Changes.of(errors=["poll"], runs=True, shop=client.server_skew is not None))
    return PollResult(
        fetched=run.fetched,
        created=run.total.created,
        updated=run.total.updated,
        pages=run.pages,
        cursor=window.newest,
        api_calls=counts.api_calls,
        throttled=counts.throttled,
        seconds=round(time.perf_counter() - run.began, 3),
        changes=run.changes,
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
