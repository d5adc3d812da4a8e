"""One-click import of a date range: windowed, checkpointed per page, resumable, idempotent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.changes import Changes
from app.store import imports
from app.store.activity import (
    CANCELLED,
    FAILED,
    OK,
    RunCounts,
    process_alive,
    save_error,
    save_error_resolved,
    save_run_finished,
    save_run_started,
)
from app.store.cursors import ORDERS_UPDATE_TIME, fetch_cursor, save_cursor
from app.sync.order_saves import save_order_page
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.tiktok.api import OrderQuery
from app.tiktok.errors import ShopdeskError, TikTokError

log = logging.getLogger(__name__)

DAY = 86400
#: A window whose search reports more orders than this is split in two before reading it.
MAX_WINDOW_ORDERS = 10000
#: Windows are never split below this span.
MIN_WINDOW_SECONDS = 3600
#: A part of a range shorter than this, left between an interrupted import's end and now, is
#: not read again: the poller reads everything updated since the first import began.
MIN_PART_SECONDS = 60


class ImportBusy(ShopdeskError):
    """Another process is importing into the same data folder right now."""


class ImportCancelled(ShopdeskError):
    """The user stopped the import; what was read so far is kept."""


@dataclass(frozen=True)
class ImportProgress:
    """What a progress bar needs, after every page."""

    job_id: int
    pages: int
    fetched: int
    created: int
    updated: int
    unchanged: int
    estimate: int
    window: int
    windows: int
    resumed: bool
    done: bool = False
    #: The range this job reads (for a resumed job: the interrupted import's range).
    range_start: int = 0
    range_end: int = 0

    @property
    def fraction(self) -> float | None:
        """0..1 when TikTok gave a total, else None."""
        if self.done:
            return 1.0
        if self.estimate <= 0:
            return None
        return min(1.0, self.fetched / self.estimate)


@dataclass(frozen=True)
class ImportResult:
    """The numbers `shopdesk import --json` prints."""

    fetched: int
    created: int
    updated: int
    unchanged: int
    pages: int
    api_calls: int
    throttled: int
    seconds: float
    resumed: bool
    #: The interrupted import's range finished first, when there was one.
    resumed_range: tuple[int, int] | None = None


def default_range(now: float, days: int = 30) -> tuple[int, int]:
    """The last `days` days up to now."""
    end = int(now) + 1
    return end - days * DAY, end


def uncovered(asked: tuple[int, int], done: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The parts of the range asked for that another job's range leaves out (0, 1 or 2)."""
    start, end = asked
    if done is None or done[1] <= start or done[0] >= end:
        return [asked] if start < end else []
    pieces = [(start, done[0]), (done[1], end)]
    return [(a, b) for a, b in pieces if b - a >= MIN_PART_SECONDS]


def _alone(windows: list[tuple[int, int]], index: int) -> bool:
    """A window no split touched: a split's halves always adjoin, separate parts never do."""
    start, end = windows[index]
    after = index > 0 and windows[index - 1][1] == start
    before = index + 1 < len(windows) and windows[index + 1][0] == end
    return not (after or before)


def _count_estimate(job: imports.ImportJob, total: int) -> None:
    """Add a part's total the first time it is read (a split's halves are in it already)."""
    if _alone(job.windows, job.window_index) and (job.window_index or not job.total_estimate):
        job.total_estimate += total


def range_label(start: int, end: int) -> str:
    """`Nov 30 – Dec 1` (local days; the end is exclusive), with years when not this one."""
    first = datetime.fromtimestamp(start)
    last = datetime.fromtimestamp(max(start, end - 1))
    this_year = datetime.now().year

    def day(moment: datetime) -> str:
        text = f"{moment:%b} {moment.day}"
        return text if moment.year == this_year else f"{text}, {moment.year}"

    return day(first) if first.date() == last.date() else f"{day(first)} – {day(last)}"


def resume_notice(span: tuple[int, int]) -> str:
    """What the CLI and the import dialog say before finishing an interrupted import."""
    return f"Finishing the interrupted import of {range_label(*span)} first."


def _progress(job: imports.ImportJob, resumed: bool, done: bool = False) -> ImportProgress:
    return ImportProgress(
        job_id=job.id,
        pages=job.pages,
        fetched=job.fetched,
        created=job.created,
        updated=job.updated,
        unchanged=job.unchanged,
        estimate=job.total_estimate,
        window=min(job.window_index + 1, len(job.windows)),
        windows=len(job.windows),
        resumed=resumed,
        done=done,
        range_start=job.range_start,
        range_end=job.range_end,
    )


class OrderImporter:
    """Reads every order created in a range, page by page, each page committed with its place."""

    def __init__(
        self,
        session: ShopSession,
        *,
        on_progress: Callable[[ImportProgress], None] | None = None,
        outlet: Outlet = SILENT,
        clock: Callable[[], float] = time.time,
        max_window_orders: int = MAX_WINDOW_ORDERS,
    ) -> None:
        self.session = session
        self._on_progress = on_progress
        self.outlet = outlet
        self._clock = clock
        self.max_window_orders = max_window_orders
        self.cancel_event = asyncio.Event()

    def cancel(self) -> None:
        """Stop after the page being read; everything saved so far stays."""
        self.cancel_event.set()

    def _now(self) -> int:
        return int(self._clock())

    async def run(self, start: int, end: int) -> ImportResult:
        """Import [start, end); an import a crash or failure left unfinished is finished first.

        The interrupted job is said (its `ImportProgress.resumed_range`), then whatever of the
        range asked for it did not cover is read too, and the result counts both.
        """
        db, shop_id = self.session.db, self.session.shop.id
        began = time.perf_counter()
        calls0, throttled0 = self.session.stats.calls, self.session.stats.throttled
        results: list[imports.ImportJob] = []
        resumed: tuple[int, int] | None = None
        job = imports.fetch_unfinished_job(db, shop_id)
        if job is not None:
            resumed = (job.range_start, job.range_end)
            if job.pid != os.getpid() and process_alive(job.pid):
                raise ImportBusy(
                    f"an import is already running in another Shopdesk (process {job.pid})"
                )
            imports.save_job_owner(db, job, now=self._now())
            log.info("resuming import %d at window %d", job.id, job.window_index + 1)
            results.append(await self._run_job(job, resumed=True))
        rest = uncovered((start, end), resumed)
        if rest:
            job = imports.save_new_job(db, shop_id, rest[0][0], rest[-1][1], now=self._now())
            if rest != [(job.range_start, job.range_end)]:
                job.windows = list(rest)
                imports.save_windows(db, job, now=self._now())
            results.append(await self._run_job(job, resumed=False))
        return ImportResult(
            fetched=sum(j.fetched for j in results),
            created=sum(j.created for j in results),
            updated=sum(j.updated for j in results),
            unchanged=sum(j.unchanged for j in results),
            pages=sum(j.pages for j in results),
            api_calls=self.session.stats.calls - calls0,
            throttled=self.session.stats.throttled - throttled0,
            seconds=round(time.perf_counter() - began, 3),
            resumed=resumed is not None,
            resumed_range=resumed,
        )

    async def _run_job(self, job: imports.ImportJob, *, resumed: bool) -> imports.ImportJob:
        """Read one job to its end, every page committed with its place; returns its totals."""
        db, shop_id = self.session.db, self.session.shop.id
        calls0, throttled0 = self.session.stats.calls, self.session.stats.throttled
        if resumed and self._on_progress is not None:
            self._on_progress(_progress(job, resumed))  # said before it is read
        run_id = save_run_started(db, shop_id, "import", now=self._now())
        state, error = OK, ""
        try:
            await self._read_all(job, resumed)
        except ImportCancelled as exc:
            state, error = CANCELLED, str(exc)
            imports.save_job_state(db, job.id, imports.CANCELLED, now=self._now())
            raise
        except (ShopdeskError, OSError) as exc:
            state, error = FAILED, str(exc)
            save_error(
                db,
                "import",
                f"Import stopped: {exc}",
                ref=str(job.id),
                action="Run the import again; it resumes where it stopped.",
                shop_id=shop_id,
                now=self._now(),
            )
            raise
        finally:
            counts = RunCounts(
                fetched=job.fetched,
                created=job.created,
                updated=job.updated,
                unchanged=job.unchanged,
                pages=job.pages,
                api_calls=self.session.stats.calls - calls0,
                throttled=self.session.stats.throttled - throttled0,
            )
            save_run_finished(db, run_id, state, counts, now=self._now(), error=error)
            self.outlet.changed(Changes.of(runs=True, errors=["import"]))
        with db.atomic():
            imports.save_job_state(db, job.id, imports.DONE, now=self._now())
            save_error_resolved(db, "import", str(job.id), now=self._now())
            if fetch_cursor(db, shop_id, ORDERS_UPDATE_TIME) is None:
                save_cursor(db, shop_id, ORDERS_UPDATE_TIME, self._handover(job), now=self._now())
        if self._on_progress is not None:
            self._on_progress(_progress(job, resumed, done=True))
        return job

    def _handover(self, job: imports.ImportJob) -> int:
        """Where polling takes over, in TikTok's time: when this import began by TikTok's clock
        (ours corrected by the skew its `Date` header showed), or the end of the range read if
        that is earlier (orders created after it are new to the poll)."""
        skew = self.session.client.server_skew or 0.0
        return int(min(job.started_at - skew, job.range_end))

    async def _read_all(self, job: imports.ImportJob, resumed: bool) -> None:
        while not job.finished:
            if self.cancel_event.is_set():
                raise ImportCancelled("import cancelled")
            start, end = job.windows[job.window_index]
            query = OrderQuery(create_time_ge=start, create_time_lt=end, sort_field="create_time")
            try:
                await self._read_window(job, query, resumed)
            except TikTokError as exc:
                if not job.page_token or exc.retryable:
                    raise
                # A page token from before a crash may have expired: read the window again.
                log.warning("page token refused (%s); rereading window %d", exc.code, start)
                job.page_token = ""
                imports.save_progress(self.session.db, job, now=self._now())

    async def _read_window(self, job: imports.ImportJob, query: OrderQuery, resumed: bool) -> None:
        db, shop_id = self.session.db, self.session.shop.id
        fresh = not job.page_token
        pages = self.session.api.iter_order_pages(query, job.page_token)
        async with contextlib.aclosing(pages):
            async for page in pages:
                if fresh and self._split_if_crowded(job, page.total_count):
                    return
                if fresh:
                    _count_estimate(job, page.total_count)
                fresh = False
                with db.atomic():
                    result = save_order_page(db, shop_id, page.raw_orders, now=self._now())
                    job.pages += 1
                    job.fetched += len(page)
                    job.created += len(result.created)
                    job.updated += len(result.updated)
                    job.unchanged += result.unchanged + result.stale
                    if page.next_page_token and len(page):
                        job.page_token = page.next_page_token
                    else:
                        job.page_token = ""
                        job.window_index += 1
                    imports.save_progress(db, job, now=self._now())
                self.outlet.changed(result.changes)
                if self._on_progress is not None:
                    self._on_progress(_progress(job, resumed))
                if self.cancel_event.is_set() and not job.finished:
                    raise ImportCancelled("import cancelled")

    def _split_if_crowded(self, job: imports.ImportJob, total: int) -> bool:
        """Split the current window in two when TikTok reports too many orders in it."""
        start, end = job.windows[job.window_index]
        if total <= self.max_window_orders or end - start <= MIN_WINDOW_SECONDS:
            return False
        middle = start + (end - start) // 2
        _count_estimate(job, total)
        job.windows[job.window_index : job.window_index + 1] = [(start, middle), (middle, end)]
        imports.save_windows(self.session.db, job, now=self._now())
        imports.save_progress(self.session.db, job, now=self._now())
        return True
