"""The slow deep pass: every few minutes, re-read the last two hours of order changes.

TikTok documents `update_time` as the time of a status change, and a change can become
searchable after the fast poll's short overlap has moved past it; production integrators
re-read two hours behind their cursor. The deep pass is the ordinary poll with that overlap:
it upserts what it finds (older data never overwrites newer) and moves the cursor only
forward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from app.store.activity import fetch_last_run, fetch_last_success
from app.sync.outlet import SILENT, Outlet

if TYPE_CHECKING:  # the pass needs the poller; `status` reads its info without the network
    from app.sync.poller import PollResult
    from app.sync.session import ShopSession

#: How far behind the cursor the deep pass reads.
DEEP_WINDOW_SECONDS = 2 * 3600
#: How often it runs by default (Settings.deep_poll_interval_seconds).
DEFAULT_DEEP_INTERVAL = 600.0
#: Its run rows in sync_runs.
DEEP_KIND = "deep_poll"


@dataclass(frozen=True)
class DeepPassInfo:
    """When the deep pass last ran well and what it caught (orders the fast poll missed)."""

    last_at: int | None = None
    caught: int = 0
    window_seconds: int = DEEP_WINDOW_SECONDS


async def deep_pass(
    session: ShopSession,
    *,
    clock: Callable[[], float] = time.time,
    outlet: Outlet = SILENT,
    window: int = DEEP_WINDOW_SECONDS,
) -> PollResult:
    """Re-read every change of the last `window` seconds behind the cursor."""
    from app.sync.poller import poll_once

    return await poll_once(session, overlap=window, clock=clock, outlet=outlet, kind=DEEP_KIND)


def fetch_deep_pass(db: sqlite_utils.Database) -> DeepPassInfo:
    """The latest deep pass, for `shopdesk status` and the Health tab (SQLite only)."""
    last = fetch_last_run(db, DEEP_KIND)
    caught = 0 if last is None else int(last["created"] or 0) + int(last["updated"] or 0)
    return DeepPassInfo(last_at=fetch_last_success(db, DEEP_KIND), caught=caught)
