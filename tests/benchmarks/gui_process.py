"""The window in a fresh process, measured: first paint, filters, stalls during an import, RSS.

    python -m tests.benchmarks.gui_process DATA_DIR LAUNCHED_AT  < keyring-entries.json

Run by bench_gui.py (which fills DATA_DIR with 100,000 orders and hands over its in-memory
keyring on stdin); prints one JSON object.
`LAUNCHED_AT` is the parent's time.time() just before starting this process, so "first
paint" includes the interpreter, the imports and the engine start, as a creator waits for.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer

from app.config import Paths, load_settings
from app.gui.app import application
from app.gui.context import GuiContext
from app.gui.main_window import MainWindow
from app.gui.self_test import wait_until
from app.secrets import SecretStore
from app.store.order_queries import INDEX
from tests.benchmarks import gui_stalls
from tests.benchmarks.gui_floor import peak_rss_mb, status_mb

PROFILE_DIR = os.environ.get("SHOPDESK_GUI_PROFILE")

HEARTBEAT_MS = 5


class PaintWatch(QObject):
    """Notes when the orders table first paints rows (the time of that paint event)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.painted_at is None
            and event.type() == QEvent.Type.Paint
            and self.window.orders_tab.model.rowCount() > 0
        ):
            self.painted_at = time.time()
        return False


class Heartbeat(QObject):
    """A 5 ms timer on the GUI thread: the longest gap between beats is the longest stall.
    Each gap also notes the GUI thread's own CPU time in it: a long gap with little of it
    was spent waiting (for the GIL or a core), one with much was the GUI's own work."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self, interval=HEARTBEAT_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.beat)
        self.gaps: list[float] = []
        self.cpu: list[float] = []
        self.ends: list[float] = []
        self.last = 0.0
        self.last_cpu = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer.start()

    def beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self.last)
        self.cpu.append(cpu - self.last_cpu)
        self.ends.append(now)
        self.last, self.last_cpu = now, cpu

    def stop(self) -> None:
        self.timer.stop()

    def longest(self) -> tuple[float, float]:
        """The longest gap and the GUI thread's CPU time in it, in ms."""
        at = max(range(len(self.gaps)), key=self.gaps.__getitem__)
        return self.gaps[at] * 1000, self.cpu[at] * 1000


def rss_now_mb() -> float:
    """This process's resident memory now (Linux; 0 elsewhere), for the phases' figures."""
    return status_mb("VmRSS")


def secrets_from(text: str) -> SecretStore:
    """The parent's in-memory keyring, handed over as [service, user, password] entries."""
    store = SecretStore.in_memory()
    for service, user, password in json.loads(text):
        store.backend.set_password(service, user, password)
    return store


def timed_filter(window: MainWindow, text: str = "", flag: str = "") -> tuple[float, int]:
    """Seconds from applying a search (or flag) until the list has repainted; rows shown."""
    tab = window.orders_tab
    tab.search.blockSignals(True)
    tab.search.setText(text)
    tab.search.blockSignals(False)
    began = time.perf_counter()
    if flag:
        tab.flag_actions[flag].setChecked(True)  # applies at once
    else:
        tab.apply_filter()
    tab.table.viewport().repaint()  # paint now: the visible rows' data is read here
    seconds = time.perf_counter() - began
    rows = tab.model.rowCount()
    tab.clear_filters()
    return seconds, rows


def run_loop_until(signals: list[Any], timeout_s: float) -> None:
    """The real event loop (as the app runs it) until one of `signals` fires."""
    loop = QEventLoop()
    for signal in signals:
        signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()


def main(root: str, secrets_json: str, launched_at: float) -> dict[str, Any]:
    paths = Paths(Path(root))
    phases = {"imported": rss_now_mb()}
    profile = gui_stalls.start_profile() if PROFILE_DIR else None
    app = application()
    window = MainWindow(
        GuiContext(paths, secrets_from(secrets_json), load_settings(paths)), use_tray=False
    )
    phases["window built"] = rss_now_mb()
    watch = PaintWatch(window)
    window.orders_tab.table.viewport().installEventFilter(watch)
    window.resize(1280, 800)
    window.show()
    wait_until(lambda: watch.painted_at is not None, 60)
    first_paint = (watch.painted_at or time.time()) - launched_at
    rows_at_paint = window.orders_tab.model.rowCount()
    phases["painted"] = rss_now_mb()
    if profile is not None and PROFILE_DIR:
        gui_stalls.save(profile, Path(PROFILE_DIR) / "startup.txt")
    index_began = time.perf_counter()
    wait_until(lambda: window.reader.source is INDEX, 60)
    index_seconds = time.perf_counter() - index_began

    engine = window.host.engine
    assert engine is not None
    # Searches are timed with the engine idle: its first catch-up poll has finished.
    wait_until(lambda: engine.status.last_poll_at is not None, 120)
    wait_until(lambda: window.reader.index is not None and window.reader.index.ready, 60)
    wait_until(lambda: False, 0.5)
    phases["list ready, engine idle"] = rss_now_mb()
    tab = window.orders_tab
    sku = tab.model.order_at(0).sku_summary.split(",")[0].split(" x")[0]  # type: ignore[union-attr]
    order_id = tab.model.order_at(5000).id  # type: ignore[union-attr]
    cases = {
        "product word": ("candle", ""),
        "seller SKU": (sku, ""),
        "order id": (order_id, ""),
        "no match": ("zzqx", ""),
        "flag COD": ("", "cod"),
    }
    searches = {}
    for name, (text, flag) in cases.items():
        runs = [timed_filter(window, text, flag) for _ in range(3)]
        searches[name] = (statistics.median(r[0] for r in runs), runs[0][1])

    phases["searched"] = rss_now_mb()
    heart = Heartbeat()
    slow = gui_stalls.SlowCalls()
    sampler: gui_stalls.Sampler | None = None
    clock: gui_stalls.EventClock | None = None
    enums: gui_stalls.EnumClock | None = None
    if PROFILE_DIR:
        gui_stalls.watch_window(window, slow)
        clock = gui_stalls.EventClock()
        clock.install(app)
        enums = gui_stalls.EnumClock()
        enums.install()
        sampler = gui_stalls.Sampler(threading.get_ident())
        sampler.start()
        profile = gui_stalls.start_profile()
    dialog = window.open_import_dialog()
    dialog.first.setDate(dialog.first.date().addDays(-60))
    done: list[object] = []
    dialog.finished_ok.connect(done.append)
    dialog.stopped.connect(done.append)
    heart.start()
    import_began = time.perf_counter()
    dialog.start_button.click()
    run_loop_until([dialog.finished_ok, dialog.stopped], 300)
    import_seconds = time.perf_counter() - import_began
    run_loop_until([], 1.0)  # the last refreshes after the import
    heart.stop()
    if profile is not None and PROFILE_DIR:
        gui_stalls.save(profile, Path(PROFILE_DIR) / "import.txt")
        gaps = [(e, g * 1000) for e, g in zip(heart.ends, heart.gaps, strict=True)]
        if sampler is not None:
            sampler.running = False
        gui_stalls.save_stalls(Path(PROFILE_DIR) / "stalls.json", gaps, slow, sampler, clock=clock)
    phases["imported 12,000"] = rss_now_mb()
    result = done[0]
    window.close()
    app.processEvents()
    gaps_ms = [g * 1000 for g in heart.gaps]
    return {
        "first_paint_s": first_paint,
        "rows_at_paint": rows_at_paint,
        "index_ready_s": index_seconds,
        "filters_ms": {k: round(v[0] * 1000, 1) for k, v in searches.items()},
        "filter_rows": {k: v[1] for k, v in searches.items()},
        "stall_ms": max(gaps_ms) - HEARTBEAT_MS,
        "stall_gui_cpu_ms": heart.longest()[1],
        "beats": len(gaps_ms),
        "p99_gap_ms": statistics.quantiles(gaps_ms, n=100)[98] if len(gaps_ms) > 100 else None,
        "import_s": import_seconds,
        "imported": getattr(result, "fetched", str(result)),
        "rss_phases_mb": {k: round(v, 1) for k, v in phases.items()},
        "rss_peak_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    figures = main(sys.argv[1], sys.stdin.readline(), float(sys.argv[2]))
    print(json.dumps(figures), flush=True)
    os._exit(0)  # the window and engine are closed; skip slow interpreter teardown
