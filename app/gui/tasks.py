"""The one way background work reports back: a Future in, a callback on the GUI thread out.

Anki's taskman idea: the engine's requests (`import_orders`, `run_write`, `sync_now`...) and
the connect wizard's steps (before any engine session exists, on one worker thread with its
own asyncio loop) all return a `concurrent.futures.Future`; `TaskManager.watch` brings its
result or error to the GUI thread through one queued signal. The GUI thread never waits.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

if TYPE_CHECKING:
    from app.gui.worker_loop import WorkerLoop

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
        self._loop: WorkerLoop | None = None
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

    def _worker(self) -> WorkerLoop:
        with self._lock:
            if self._closed:
                raise RuntimeError("the task manager is shut down")
            if self._loop is None:
                from app.gui.worker_loop import WorkerLoop  # asyncio: after the first paint

                self._loop = WorkerLoop()
            return self._loop

    def run_async(
        self, factory: Callable[[], Coroutine[Any, Any, T]]
    ) -> concurrent.futures.Future[T]:
        """Run a coroutine on the worker loop (its own thread); returns at once."""
        return self._worker().run(factory)

    def run_blocking(self, function: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run a blocking call (engine start or stop) off the GUI thread."""
        return self._worker().run_blocking(function)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the worker loop; pending deliveries are dropped."""
        with self._lock:
            self._closed = True
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop(timeout)
