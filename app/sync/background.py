"""Background loops a service owns: started together, stopped together, none left behind."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Coroutine
from typing import Any


class Background:
    """Long-running loops plus short follow-up tasks, all cancelled and awaited on stop."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: set[asyncio.Future[Any]] = set()

    def run_loops(self, *loops: tuple[str, Coroutine[Any, Any, None]]) -> None:
        """Start each named loop as a task."""
        self._tasks = [asyncio.create_task(coro, name=name) for name, coro in loops]

    def later(self, work: Awaitable[Any]) -> None:
        """Run a follow-up without waiting for it; it is kept until it ends or stop()."""
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def stop(self) -> None:
        """Cancel everything and wait for it."""
        running = [*self._tasks, *self._pending]
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks, self._pending = [], set()
