"""The floor under the window's figures: a bare Qt window in a fresh process, painted once.

    python -m tests.benchmarks.gui_floor LAUNCHED_AT

Imports PySide6, opens a QMainWindow holding an empty QTableView (offscreen, as
gui_process.py runs), waits for its first paint and prints one JSON object: seconds from
`LAUNCHED_AT` (the parent's time.time() just before starting this process) to that paint,
and the process's peak RSS. Nothing of Shopdesk is imported, so what Shopdesk adds over
this is its own cost (issue 20).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class FirstPaint(QObject):
    """Notes the time of the table's first paint event and stops the event loop."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.painted_at is None and event.type() == QEvent.Type.Paint:
            self.painted_at = time.time()
            QTimer.singleShot(0, self.app.quit)
        return False


def status_mb(field: str) -> float:
    """A memory figure of /proc/self/status in MB (Linux; 0 elsewhere): VmRSS, VmHWM..."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB. On Linux the kernel's high-water mark of
    this program (VmHWM): `ru_maxrss` starts from the parent's peak at exec, so a bench run
    that had grown to 143 MB gave the bare window 143 MB."""
    if peak := status_mb("VmHWM"):
        return peak
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak_kb / 2**20 if sys.platform == "darwin" else peak_kb / 1024


def main(launched_at: float) -> dict[str, Any]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    window = QMainWindow()
    table = QTableView()
    window.setCentralWidget(table)
    watch = FirstPaint(app)
    table.viewport().installEventFilter(watch)
    window.resize(1280, 800)
    window.show()
    QTimer.singleShot(30_000, app.quit)  # never hang the bench
    app.exec()
    painted = watch.painted_at or time.time()
    return {"first_paint_s": painted - launched_at, "rss_peak_mb": peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(main(float(sys.argv[1]))), flush=True)
    os._exit(0)
