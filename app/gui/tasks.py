"""The one way background work reports back: a Future in, a callback on the GUI thread out.

Anki's taskman idea: the engine's requests (`import_orders`, `run_write`, `sync_now`...) and
the connect wizard's steps (before any engine session exists, on one worker thread with its
own asyncio loop) all return a `concurrent.futures.Future`; `TaskManager.watch` brings its
result or error to the GUI thread through one queued signal. The GUI thread never waits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class _Delivery:
    future: concurrent.futures.Future[Any]
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[BaseException], None] | None
    owner: QObject | None


class TaskManager(QObject):
    """Watches futures and runs coroutines on a private worker loop; results arrive as slots."""

    _finished = Signal(object)
    #: A watched task failed and nobody handled it: (what, message) for the status bar.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def watch(
        self,
        future: concurrent.futures.Future[T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> concurrent.futures.Future[T]:
        """Call `on_success(result)` or `on_failure(error)` on the GUI thread when it ends.

        Nothing is called when the future was cancelled or `owner` has been deleted since.
        """
        delivery = _Delivery(future, on_success, on_failure, owner)

        def done(_future: concurrent.futures.Future[T]) -> None:
            if self._closed:
                return
            with contextlib.suppress(RuntimeError):  # the manager itself is gone
                self._finished.emit(delivery)

        future.add_done_callback(done)
        return future

    def _deliver(self, delivery: _Delivery) -> None:
        if delivery.future.cancelled():
            return
        if delivery.owner is not None and not shiboken6.isValid(delivery.owner):
            return
        error = delivery.future.exception()
        if error is None:
            if delivery.on_success is not None:
                delivery.on_success(delivery.future.result())
        elif delivery.on_failure is not None:
            delivery.on_failure(error)
        else:
            log.warning("background task failed: %s", error)
            self.failed.emit(str(error) or type(error).__name__)

    # --- the worker loop (connect wizard, engine start and stop) ------------------------------

    def _worker_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise RuntimeError("the task manager is shut down")
            if self._loop is None:
                ready = threading.Event()

                def run() -> None:
                    loop = asyncio.new_event_loop()
                    self._loop = loop
                    ready.set()
                    try:
                        loop.run_forever()
                    finally:
                        loop.run_until_complete(loop.shutdown_asyncgens())
                        loop.run_until_complete(loop.shutdown_default_executor())
                        loop.close()

                self._thread = threading.Thread(target=run, name="shopdesk-gui-worker", daemon=True)
                self._thread.start()
                ready.wait()
            assert self._loop is not None
            return self._loop

    def run_async(
        self, factory: Callable[[], Coroutine[Any, Any, T]]
    ) -> concurrent.futures.Future[T]:
        """Run a coroutine on the worker loop (its own thread); returns at once."""
        return asyncio.run_coroutine_threadsafe(factory(), self._worker_loop())

    def run_blocking(self, function: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run a blocking call (engine start or stop) off the GUI thread."""

        async def call() -> T:
            return await asyncio.to_thread(function)

        return self.run_async(call)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the worker loop; pending deliveries are dropped."""
        with self._lock:
            self._closed = True
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
                asyncio.run_coroutine_threadsafe(_cancel_pending(), loop).result(timeout)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)


async def _cancel_pending() -> None:
    """Cancel what still runs on the worker loop (a redirect listener, say) and let it end."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
