"""What holds the GUI thread: a profile of the window's process, for finding stalls (issue 20).

Set `SHOPDESK_GUI_PROFILE=DIR` when running the GUI bench: gui_process.py then profiles the
GUI thread with cProfile through start-up and through the import (two files in DIR), and logs
every slot the window's signals and timers run that takes longer than `SLOW_MS`, with the time
it began, so a long heartbeat gap can be matched to what ran then.
"""

from __future__ import annotations

import cProfile
import functools
import json
import pstats
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SLOW_MS = 15.0


class SlowCalls:
    """Wraps named callables; notes each call over SLOW_MS: (began, ms, name)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float, str]] = []

    def wrap(self, owner: object, attribute: str, name: str) -> None:
        """Replace `owner.attribute` by a timed version of itself."""
        inner: Callable[..., Any] = getattr(owner, attribute)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                ms = (time.perf_counter() - began) * 1000
                if ms > SLOW_MS:
                    self.calls.append((began, ms, name))

        setattr(owner, attribute, timed)


def watch_window(window: Any, slow: SlowCalls) -> None:
    """Time the reader's steps, every view the refresher runs, and the import dialog's slots."""
    slow.wrap(window.reader, "_catch_up_step", "reader catch-up step")
    slow.wrap(window.reader, "apply", "reader.apply")
    for view in list(window.refresher._views):
        index = window.refresher._views.index(view)
        holder = type("Holder", (), {"refresh": staticmethod(view.refresh)})()
        slow.wrap(holder, "refresh", f"refresh {view.name}")
        window.refresher._views[index] = type(view)(view.name, view.kinds, holder.refresh)
    slow.wrap(window.orders_tab.model, "_recount", "orders model recount")
    slow.wrap(window.orders_tab.queues, "refresh", "queue counts")
    slow.wrap(window, "_status_changed", "window status changed")


class Sampler(threading.Thread):
    """Every 2 ms, where each thread is (its innermost app/ or site-packages frames)."""

    def __init__(self, gui_thread: int) -> None:
        super().__init__(daemon=True)
        self.gui = gui_thread
        self.samples: list[tuple[float, str, str]] = []
        self.running = True

    def run(self) -> None:
        me = threading.get_ident()
        while self.running:
            now = time.perf_counter()
            frames = sys._current_frames()
            gui = _where(frames.get(self.gui))
            others = " | ".join(
                _where(f) for ident, f in frames.items() if ident not in (me, self.gui)
            )
            self.samples.append((now, gui, others))
            time.sleep(0.002)


def _where(frame: Any) -> str:
    """The innermost three frames of a stack, as file:line function."""
    if frame is None:
        return "-"
    stack = traceback.extract_stack(frame)[-3:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))


def start_profile() -> cProfile.Profile:
    profile = cProfile.Profile()
    profile.enable()
    return profile


def save(profile: cProfile.Profile, path: Path, top: int = 30) -> None:
    """The profile's top entries by cumulative and by own time, as text."""
    profile.disable()
    with path.open("w") as out:
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


def save_stalls(
    path: Path,
    gaps: list[tuple[float, float]],
    slow: SlowCalls,
    sampler: Sampler | None = None,
    over_ms: float = 25.0,
) -> None:
    """Each heartbeat gap over `over_ms` (end time, ms), with the slow calls inside it."""
    rows = []
    for ended, ms in gaps:
        if ms <= over_ms:
            continue
        began = ended - ms / 1000
        inside = [
            (round((b - began) * 1000, 1), round(d, 1), n)
            for b, d, n in slow.calls
            if b < ended and b + d / 1000 > began
        ]
        samples = [] if sampler is None else sampler.samples
        seen = [(g, o) for t, g, o in samples if began < t < ended]
        gui_where: dict[str, int] = {}
        other_where: dict[str, int] = {}
        for g, o in seen:
            gui_where[g] = gui_where.get(g, 0) + 1
            other_where[o] = other_where.get(o, 0) + 1
        rows.append(
            {
                "gap_ms": round(ms, 1),
                "calls": inside,
                "samples": len(seen),
                "gui": sorted(gui_where.items(), key=lambda kv: -kv[1])[:4],
                "others": sorted(other_where.items(), key=lambda kv: -kv[1])[:4],
            }
        )
    path.write_text(json.dumps(rows, indent=1))
