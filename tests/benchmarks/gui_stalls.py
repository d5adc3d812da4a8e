"""What holds the GUI thread: a profile of the window's process, for finding stalls (issue 20).

Set `SHOPDESK_GUI_PROFILE=DIR` when running the GUI bench: gui_process.py then profiles the
GUI thread with cProfile through start-up and through the import (two files in DIR), and logs
every slot the window's signals and timers run that takes longer than `SLOW_MS`, with the time
it began, so a long heartbeat gap can be matched to what ran then. Every event Qt delivers on
the GUI thread is clocked too (`EventClock`): each gap in stalls.json names the deliveries
that were followed by the longest silences (a paint of the list, a header's layout timer...).
"""

from __future__ import annotations

import cProfile
import functools
import itertools
import json
import os
import pstats
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SLOW_MS = 15.0


class EventClock:
    """Every event Qt delivers on the GUI thread, as (time, receiver, event type): the time
    from one delivery to the next is what the first one (and all it set off) took."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str, int]] = []

    def install(self, app: Any) -> None:
        from PySide6.QtCore import QObject

        clock = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                name = type(watched).__name__
                label = watched.objectName() if hasattr(watched, "objectName") else ""
                clock.events.append(
                    (
                        time.perf_counter(),
                        f"{name}:{label}" if label else name,
                        int(event.type().value),
                    )
                )
                return False

        self._filter = Filter()
        app.installEventFilter(self._filter)

    def longest_inside(self, began: float, ended: float, top: int = 4) -> list[Any]:
        """The longest spans between deliveries inside [began, ended]: (ms, receiver, type)."""
        inside = [e for e in self.events if began - 0.2 < e[0] < ended]
        spans = [
            (round((b[0] - a[0]) * 1000, 1), a[1], a[2])
            for a, b in itertools.pairwise(inside)
            if b[0] > began and a[0] < ended
        ]
        return sorted(spans, reverse=True)[:top]


class EnumClock:
    """PySide6 makes each Qt enum's Python class the first time it is used (about 1 ms each
    here): the ones made during the import, with when, so a gap can be matched to them."""

    def __init__(self) -> None:
        self.made: list[tuple[float, float, str]] = []

    def install(self) -> None:
        import enum

        meta: Any = enum.EnumType
        inner = meta._create_
        made = self.made

        def timed(cls: Any, class_name: str, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return inner(cls, class_name, *args, **kwargs)
            finally:
                made.append((began, (time.perf_counter() - began) * 1000, str(class_name)))

        meta._create_ = timed

    def inside(self, began: float, ended: float) -> list[Any]:
        """Enums made inside [began, ended]: (ms, name)."""
        return [(round(ms, 1), name) for at, ms, name in self.made if began <= at <= ended]


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


def thread_cpu() -> dict[str, float]:
    """CPU seconds each live thread of this process has used so far, by thread name (Linux;
    empty elsewhere): which thread kept the interpreter busy during an import."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used: dict[str, float] = {}
    for thread in threading.enumerate():
        try:
            fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text()
        except (OSError, TypeError):
            continue
        utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
        used[thread.name] = used.get(thread.name, 0.0) + (int(utime) + int(stime)) / ticks
    return used


class Sampler(threading.Thread):
    """Every 2 ms, where each thread is (its innermost app/ or site-packages frames)."""

    def __init__(self, gui_thread: int) -> None:
        super().__init__(daemon=True, name="stall sampler")
        self.gui = gui_thread
        self.samples: list[tuple[float, str, str]] = []
        self.running = True
        self.cpu_before: dict[str, float] = {}
        self.spy: subprocess.Popen[bytes] | None = None

    def spy_on(self, out: Path) -> None:
        """Also sample the GIL's holder with py-spy (when SHOPDESK_GUI_PYSPY names its
        executable): `out` gets one line per stack and its count, the holding thread first."""
        spy = os.environ.get("SHOPDESK_GUI_PYSPY")
        if spy:
            # SHOPDESK_GUI_PYSPY_CPU=1: every thread on a CPU (SQLite included), not the GIL's
            only = [] if os.environ.get("SHOPDESK_GUI_PYSPY_CPU") else ["--gil"]
            command = [spy, "record", "--pid", str(os.getpid()), *only, "--threads"]
            command += ["--rate", "200", "--format", "raw", "--output", str(out)]
            self.spy = subprocess.Popen(command, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        """End sampling (and py-spy, which writes its file on SIGINT)."""
        self.running = False
        if self.spy is not None:
            self.spy.send_signal(signal.SIGINT)
            self.spy.wait(60)

    def run(self) -> None:
        me = threading.get_ident()
        self.cpu_before = thread_cpu()
        folder = os.environ.get("SHOPDESK_GUI_PROFILE")
        if folder:
            self.spy_on(Path(folder) / "gil.txt")
        # SHOPDESK_GUI_SAMPLE_MS=0: only each thread's CPU (the samples load the interpreter)
        every_ms = float(os.environ.get("SHOPDESK_GUI_SAMPLE_MS", "2"))
        while self.running and every_ms > 0:
            now = time.perf_counter()
            frames = sys._current_frames()
            gui = _where(frames.get(self.gui))
            others = " | ".join(
                _where(f) for ident, f in frames.items() if ident not in (me, self.gui)
            )
            self.samples.append((now, gui, others))
            time.sleep(every_ms / 1000)


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
    path.parent.mkdir(parents=True, exist_ok=True)
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
    clock: EventClock | None = None,
    enums: EnumClock | None = None,
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
                "events": [] if clock is None else clock.longest_inside(began, ended),
                "enums made": [] if enums is None else enums.inside(began, ended),
            }
        )
    path.write_text(json.dumps(rows, indent=1))
    if sampler is not None:
        sampler.stop()
        after = thread_cpu()
        used = {k: round(v - sampler.cpu_before.get(k, 0.0), 2) for k, v in after.items()}
        ranked = dict(sorted(used.items(), key=lambda kv: -kv[1]))
        path.with_name("threads.json").write_text(json.dumps(ranked, indent=1))
