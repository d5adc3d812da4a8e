"""The TaskManager's private asyncio loop on its own thread (connect wizard, engine start and
stop). Kept apart from tasks.py so the window's first paint does not load asyncio: the loop
is made on the first coroutine, after the list has painted."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerLoop:
    """One asyncio loop running forever on a daemon thread until `stop`."""

    def __init__(self) -> None:
        ready = threading.Event()
        made: list[asyncio.AbstractEventLoop] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            made.append(loop)
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()

        self.thread = threading.Thread(target=run, name="shopdesk-gui-worker", daemon=True)
        self.thread.start()
        ready.wait()
        self.loop = made[0]

    def run(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> concurrent.futures.Future[T]:
        """Run a coroutine on the loop; returns at once."""
        return asyncio.run_coroutine_threadsafe(factory(), self.loop)

    def run_blocking(self, function: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run a blocking call in the loop's default executor (off the GUI thread)."""

        async def call() -> T:
            return await asyncio.to_thread(function)

        return self.run(call)

    def stop(self, timeout: float) -> None:
        """Cancel what still runs (a redirect listener, say), stop the loop, join its thread."""
        with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
            self.run(_cancel_pending).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)


async def _cancel_pending() -> None:
    """Cancel the loop's other tasks and let them end."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
