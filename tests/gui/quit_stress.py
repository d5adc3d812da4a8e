"""Open every tab, work a while and quit, many times, in a real X window (run under Xvfb).

    xvfb-run -a env QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.gui.quit_stress ROUNDS SECONDS

Each round starts a live demo shop, opens the window, shows every tab, then keeps the window
busy (tab switches, theme changes, syncs, the ship and import dialogs, status ticks) for
SECONDS before closing it the way Quit does; the process ends with the application's own
exit. test_quit_crash.py runs it and checks that every round, and the exit, were clean.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from app.gui.self_test import demo_window, wait_until
from app.gui.theme import DARK, LIGHT
from app.sandbox import SandboxConfig

SANDBOX = SandboxConfig(seed=7, orders=150, products=8, order_rate=60.0)


def work(window: Any, seconds: float) -> int:
    """What a creator does in a few minutes, compressed: returns how many steps ran."""
    steps, deadline = 0, time.monotonic() + seconds
    tabs = window.tabs
    while time.monotonic() < deadline:
        tabs.setCurrentIndex(steps % tabs.count())
        window.reader.reread()  # every tab's status refresh, as the reader's timer does
        if steps % 25 == 0:
            window.set_theme(DARK if steps % 50 else LIGHT)
            window.sync_now()
        if steps % 40 == 10 and window.orders_tab.model.rowCount():
            window.orders_tab.table.selectRow(steps % window.orders_tab.model.rowCount())
            dialog = window.order_actions.ship([window.orders_tab.selected_order_ids()[0]])
            wait_until(lambda: False, 0.05)
            if dialog is not None:
                dialog.close()
        if steps % 40 == 30:
            window.open_import_dialog().close()
        wait_until(lambda: False, 0.01)
        steps += 1
    return steps


def main(rounds: int, seconds: float) -> int:
    for n in range(rounds):
        with (
            tempfile.TemporaryDirectory(prefix="shopdesk-quit-") as tmp,
            demo_window(Path(tmp), SANDBOX) as window,
        ):
            if not wait_until(lambda: window.orders_tab.model.rowCount() > 0, 60):
                print(f"round {n + 1}: no orders arrived", file=sys.stderr)
                return 1
            for index in range(window.tabs.count()):  # every tab, painted
                window.tabs.setCurrentIndex(index)
                wait_until(lambda: False, 0.1)
            steps = work(window, seconds)
            window.close()  # Quit: the window hides, the engine stops, the reader closes
            window.deleteLater()
        wait_until(lambda: False, 0.2)
        gc.collect()
        print(f"round {n + 1}: {steps} steps, quit cleanly", flush=True)
    app = QApplication.instance()
    if app is not None:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 7,
            float(sys.argv[2]) if len(sys.argv) > 2 else 20,
        )
    )
