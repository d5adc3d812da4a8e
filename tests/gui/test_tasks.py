"""The GUI's task manager: a coroutine's result and a blocking call's error come back on the
GUI thread, the worker loop is only made when first needed, and shutdown ends what still runs."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.gui.tasks import TaskManager


def test_results_and_errors_come_back_on_the_gui_thread(qtbot) -> None:
    tasks = TaskManager()
    gui = threading.current_thread()
    seen: list[tuple[str, object, bool]] = []

    async def add() -> int:
        await asyncio.sleep(0)
        return 2 + 3

    def fail() -> None:
        raise ValueError("no such file")

    tasks.watch(
        tasks.run_async(add), lambda r: seen.append(("ok", r, threading.current_thread() is gui))
    )
    tasks.watch(
        tasks.run_blocking(fail),
        on_failure=lambda e: seen.append(("error", str(e), threading.current_thread() is gui)),
    )
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted(seen) == [("error", "no such file", True), ("ok", 5, True)]
    tasks.shutdown()


def test_shutdown_cancels_what_still_waits_and_ends_the_worker_thread(qtbot) -> None:
    before = set(threading.enumerate())
    tasks = TaskManager()
    assert set(threading.enumerate()) == before  # no loop until a coroutine needs one
    started = threading.Event()
    cancelled = threading.Event()
    worker: list[threading.Thread] = []

    async def listen() -> None:  # a redirect listener that never hears back
        worker.append(threading.current_thread())
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    future = tasks.run_async(listen)
    assert started.wait(5)
    tasks.shutdown(timeout=5)
    assert cancelled.is_set() and future.cancelled()
    assert worker[0] is not threading.current_thread() and not worker[0].is_alive()
    with pytest.raises(RuntimeError, match="shut down"):
        tasks.run_blocking(lambda: None)
