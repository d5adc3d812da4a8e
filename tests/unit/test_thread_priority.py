"""The sync engine's thread gives way to the window's: a lower CPU priority on Linux, the
threads it starts included, and the thread that started it untouched."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from app.config import Settings
from app.sync.engine import SyncEngine
from app.thread_priority import BACKGROUND_NICE, run_in_background

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice")


def thread_nice(native_id: int) -> int:
    """A thread's nice value (Linux keeps one per thread)."""
    return os.getpriority(os.PRIO_PROCESS, native_id)


@linux_only
def test_a_background_thread_is_nicer_and_what_it_starts_too_but_not_its_starter() -> None:
    mine = thread_nice(threading.get_native_id())
    seen: dict[str, object] = {}

    def child() -> None:
        seen["child"] = thread_nice(threading.get_native_id())

    def background() -> None:
        seen["lowered"] = run_in_background()
        seen["background"] = thread_nice(threading.get_native_id())
        started = threading.Thread(target=child)
        started.start()
        started.join()

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert mine is not None
    assert seen["lowered"] is True
    assert seen["background"] == min(19, mine + BACKGROUND_NICE)
    assert seen["child"] == seen["background"]
    assert thread_nice(threading.get_native_id()) == mine  # the starter keeps its priority


@linux_only
def test_the_engine_thread_runs_nicer_than_the_window(data_paths, memory_secrets) -> None:
    engine = SyncEngine(data_paths, Settings(), memory_secrets)
    engine.start()
    try:
        assert engine._thread is not None and engine._thread.native_id is not None
        here = thread_nice(threading.get_native_id())
        assert here is not None
        assert thread_nice(engine._thread.native_id) == min(19, here + BACKGROUND_NICE)
    finally:
        engine.stop()
