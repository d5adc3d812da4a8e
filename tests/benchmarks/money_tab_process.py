"""The Money tab alone on a database, offscreen: seconds from show() to its first paint."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from app.config import Paths


class _Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Type.Paint:
            self.at = time.perf_counter()
        return False


def main(database: str) -> dict[str, float | int]:
    app = QApplication.instance() or QApplication([])
    from app.gui.money_tab import MoneyTab
    from app.gui.reader import Reader
    from app.queries.db import open_readonly

    reader = Reader(Paths(Path(database).parent))
    reader.db = open_readonly(Path(database))
    began = time.perf_counter()
    tab = MoneyTab(reader)
    tab.resize(1280, 800)
    watch = _Painted()
    tab.skus.table.viewport().installEventFilter(watch)
    tab.days.table.viewport().installEventFilter(watch)
    tab.show()
    while watch.at is None and time.perf_counter() - began < 30:
        app.processEvents()
    return {
        "first_paint_s": (watch.at or time.perf_counter()) - began,
        "days": tab.days.model.rowCount(),
        "skus": tab.skus.model.rowCount(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
