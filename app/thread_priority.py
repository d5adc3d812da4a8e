"""Background threads give way to the window: the sync engine's thread runs at a lower CPU
priority, so when every core is busy (an import parsing pages while SQLite counts) the GUI
thread is scheduled first and the list keeps painting.

Linux keeps a nice value per thread, and threads a thread starts inherit it (the engine's
asyncio workers too). Elsewhere nothing changes: macOS and Windows have no per-thread nice
that `os` reaches, and a process-wide one would slow the window as well.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

#: How much nicer than the window the engine's thread is (0 normal, 19 the nicest).
BACKGROUND_NICE = 5


def run_in_background() -> bool:
    """Lower the calling thread's CPU priority; False where it is not possible here."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + BACKGROUND_NICE))
    except OSError as exc:  # a sandbox that forbids it: the engine still runs, just as fast
        log.debug("could not lower the engine thread's priority: %s", exc)
        return False
    return True
