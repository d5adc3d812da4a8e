"""One way to run background work: named loops, follow-ups and retries, all stopped together.

A service owns one `Loops`. `every` runs work on a period (and at once when its wake event is
set); `retry` runs work until it succeeds, waiting by a `Backoff` between failures; `keep_up`
runs work again each time it ends (a supervised program that died), by the same backoff;
`later` and `after` run one follow-up; `replace` starts a named task in place of the previous
one.
Work that raises something unexpected is logged and retried after the backoff, so one bad
pass never ends a loop. `sleep` (and the `monotonic` clock `keep_up` times runs by) is
injectable, so tests run a loop without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from app.backoff import Backoff

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[object]]
Period = float | Callable[[], float]
#: A policy, or a function giving it (read before each wait, so a setting may change it).
Policy = Backoff | Callable[[], Backoff]
#: A loop whose work keeps raising waits this way (and at least its period).
FAILING_LOOP = Backoff(base=5.0, cap=300.0, jitter=0.2)


def _seconds(period: Period) -> float:
    return period() if callable(period) else period


def _policy(backoff: Policy) -> Backoff:
    return backoff if isinstance(backoff, Backoff) else backoff()


class Loops:
    """Every background task of one service; `stop` cancels and awaits all of them."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sleep = sleep
        self._monotonic = monotonic
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._pending: set[asyncio.Future[Any]] = set()

    @property
    def names(self) -> list[str]:
        """Names of the loops and named tasks still running."""
        return [n for n, t in self._named.items() if not t.done()]

    def every(
        self,
        name: str,
        period: Period,
        work: Work,
        *,
        wake: asyncio.Event | None = None,
        wait_first: bool | float = False,
        backoff: Backoff = FAILING_LOOP,
    ) -> None:
        """Run `work` now (or after the first wait) and then every `period` seconds; a set
        `wake` event runs it early. `period` may be a function (read before each wait);
        `wait_first` is True (one period) or the seconds of a shorter first wait."""
        self.replace(name, self._every(name, period, work, wake, wait_first, backoff))

    def retry(
        self,
        name: str,
        work: Callable[[], Awaitable[bool]],
        backoff: Backoff,
    ) -> None:
        """Run `work` until it returns True, waiting `backoff` after each False or error."""
        self.replace(name, self._retry(name, work, backoff))

    def keep_up(self, name: str, work: Work, backoff: Policy, *, steady: float) -> None:
        """Run `work` again each time it ends or fails, waiting `backoff` before each start;
        a run that lasted `steady` seconds was no crash loop: the count starts afresh."""
        self.replace(name, self._keep_up(name, work, backoff, steady))

    def replace(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        """Start `coro` as the task `name`, cancelling the one that had that name."""
        old = self._named.get(name)
        if old is not None and not old.done():
            old.cancel()
        self._named[name] = asyncio.create_task(coro, name=name)

    def later(self, work: Awaitable[Any]) -> None:
        """Run a follow-up without waiting for it; it is kept until it ends or `stop`."""
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def after(self, seconds: float, work: Work) -> None:
        """Run `work` once, `seconds` from now (a debounce: the pause gathers what follows)."""
        self.later(self._after(seconds, work))

    async def stop(self) -> None:
        """Cancel everything and wait for it."""
        running = [*self._named.values(), *self._pending]
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._named, self._pending = {}, set()

    # --- the loops -------------------------------------------------------------------------

    async def _every(
        self,
        name: str,
        period: Period,
        work: Work,
        wake: asyncio.Event | None,
        wait_first: bool | float,
        backoff: Backoff,
    ) -> None:
        failures = 0
        if wait_first is True:
            await self._wait(_seconds(period), wake)
        elif wait_first:
            await self._wait(float(wait_first), wake)
        while True:
            failures = 0 if await self._run(name, work) else failures + 1
            await self._wait(max(_seconds(period), backoff.delay(failures)), wake)

    async def _retry(
        self, name: str, work: Callable[[], Awaitable[bool]], backoff: Backoff
    ) -> None:
        failures = 0
        while True:
            try:
                if await work():
                    return
            except Exception:
                log.exception("%s failed; trying again later", name)
            failures += 1
            await self._sleep(backoff.delay(failures))

    async def _keep_up(self, name: str, work: Work, backoff: Policy, steady: float) -> None:
        failures = 0
        while True:
            started = self._monotonic()
            await self._run(name, work)
            failures = 1 if self._monotonic() - started >= steady else failures + 1
            delay = _policy(backoff).delay(failures)
            log.info("%s ended; starting it again in %.1f s", name, delay)
            await self._sleep(delay)

    async def _after(self, seconds: float, work: Work) -> None:
        await self._sleep(seconds)
        await work()

    async def _run(self, name: str, work: Work) -> bool:
        try:
            await work()
        except Exception:  # never let one bad pass end the loop
            log.exception("%s failed; trying again later", name)
            return False
        return True

    async def _wait(self, seconds: float, wake: asyncio.Event | None) -> None:
        """Sleep (the injected way, so tests need not wait), or less when `wake` is set."""
        if wake is None:
            await self._sleep(seconds)
            return
        if not wake.is_set():
            racers = [
                asyncio.ensure_future(self._sleep(seconds)),
                asyncio.ensure_future(wake.wait()),
            ]
            try:
                await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for racer in racers:
                    racer.cancel()
                await asyncio.gather(*racers, return_exceptions=True)
        wake.clear()
