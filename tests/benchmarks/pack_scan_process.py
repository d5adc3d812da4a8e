"""The Pack tab on a database, offscreen: how long from a scan (typed + Enter) until the tab
shows the order. Prints one JSON line: {"scans", "p50_ms", "max_ms"}.

    python -m tests.benchmarks.pack_scan_process DATABASE ORDER_ID...
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.gui.pack_tab import PackTab
from app.gui.reader import Reader
from app.gui.tasks import TaskManager
from app.queries.labels import fetch_pack_order
from app.store.db import open_db


def main(argv: list[str]) -> int:
    database, order_ids = Path(argv[0]), argv[1:]
    app = QApplication([])
    reader = Reader(SimpleNamespace(database=database))  # type: ignore[arg-type]
    reader.db = open_db(database, readonly=True)
    with tempfile.TemporaryDirectory() as tmp:
        prefs = QSettings(str(Path(tmp) / "window.ini"), QSettings.Format.IniFormat)
        host: Any = SimpleNamespace(engine=None)  # nothing is recorded: only showing is timed
        tab = PackTab(reader, host, TaskManager(), prefs)
        tab.resize(900, 600)
        tab.show()
        app.processEvents()
        timings: list[float] = []
        for order_id in order_ids:
            order = fetch_pack_order(reader.db, order_id)
            codes = [order_id, *(order.tracking_numbers if order else ())]
            for code in codes:
                tab.put_down()
                began = time.perf_counter()
                tab.scan_field.setText(code)
                tab.scan_field.returnPressed.emit()
                tab.repaint()  # painted, not just queued
                timings.append((time.perf_counter() - began) * 1000)
                assert tab.station.order is not None and tab.station.order.order_id == order_id
    print(
        json.dumps(
            {
                "scans": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "max_ms": round(max(timings), 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
