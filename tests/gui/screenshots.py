"""Screenshots of every tab on the live demo shop, in a real X window (run under Xvfb).

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.gui.screenshots resources/screenshots

Writes `<tab>.png` for each tab in the light theme and `<tab>-dark.png` for a few in the dark
one; test_screenshots.py runs it and checks the files. Run it by hand to refresh the README's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from app.gui.self_test import demo_window, wait_until
from app.gui.theme import DARK, LIGHT
from app.sandbox import SandboxConfig

#: Busy enough that a new order lands while the pictures are taken.
SANDBOX = SandboxConfig(seed=2026, orders=400, products=24, order_rate=30.0)
TABS = ("orders", "inventory", "queue", "errors", "health", "settings")
DARK_TABS = ("orders", "inventory", "health")


def capture(window: object) -> QImage:
    """The window as the X server shows it (falls back to Qt's own rendering)."""
    QApplication.processEvents()
    screen = QGuiApplication.primaryScreen()
    shot = screen.grabWindow(window.winId()).toImage()  # type: ignore[attr-defined]
    if shot.isNull() or shot.width() < 100:
        shot = window.grab().toImage()  # type: ignore[attr-defined]
    return shot


def prepare(window: object) -> None:
    """What a creator would look at: a fresh order open, a SKU with a warning selected."""
    w = window  # the MainWindow; typed loosely to keep this script small
    orders = w.orders_tab  # type: ignore[attr-defined]
    if orders.model.rowCount():
        orders.table.selectRow(0)
    inventory = w.inventory_tab  # type: ignore[attr-defined]
    inventory.refresh(force=True)
    warned = next((r.sku_id for r in inventory.model.rows if r.warnings), None)
    if warned is not None:
        inventory.show_sku(warned, focus=False)
    w.queue_tab.refresh()  # type: ignore[attr-defined]


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="shopdesk-shots-") as tmp,
        demo_window(Path(tmp), SANDBOX) as window,
    ):
        if not wait_until(lambda: window.orders_tab.queues.counts.get("all", 0) >= 400, 60):
            print("the demo orders did not arrive", file=sys.stderr)
            return 1
        wait_until(lambda: not window.status.importing, 30)
        first = time.time()
        wait_until(lambda: time.time() - first > 3, 5)  # a live order or two, the charts fill
        window.notifier.banner.dismiss()
        for theme, tabs in ((LIGHT, TABS), (DARK, DARK_TABS)):
            window.set_theme(theme)
            prepare(window)
            for key in tabs:
                window.open_tab(key)
                wait_until(lambda: False, 0.4)
                name = key if theme == LIGHT else f"{key}-dark"
                if name != "orders":  # the Orders picture may show a new-order banner
                    window.notifier.banner.dismiss()
                if not capture(window).save(str(out / f"{name}.png")):
                    print(f"could not write {name}.png", file=sys.stderr)
                    return 1
        window.set_theme("system")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")))
