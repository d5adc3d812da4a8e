"""Screenshots of the ship-by clocks: the To ship queue sorted by deadline, with its colours,
and the Health tab's shop health rates (run under Xvfb, like tests/gui/screenshots.py).

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.gui.deadline_screenshots resources/screenshots

The demo shop's to-ship orders get ship-by times from late to days away (the sandbox's
clock is moved on, as TikTok's time passes), a few are shipped late and one is cancelled by
the seller, so the colours and the rates have something to show.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from app.gui.self_test import demo_window, wait_until
from app.gui.theme import LIGHT
from tests.gui.screenshots import SANDBOX, capture, demo_ready

#: Moves the demo's clock so its newest to-ship orders are due within hours.
LATER = 2 * 86400 - 3 * 3600


def _admin(window: Any) -> httpx.Client:
    return httpx.Client(base_url=window.context.settings.api_base, timeout=10)


def age_the_shop(window: Any) -> None:
    """Time passes at TikTok: some orders go late, a few ship late, one is seller-cancelled."""
    with _admin(window) as admin:
        orders = admin.get("/sandbox/orders").json()["orders"]
        to_ship = [o for o in orders if o["status"] == "AWAITING_SHIPMENT"]
        to_ship.sort(key=lambda o: o.get("rts_sla_time") or 0)
        admin.post("/sandbox/clock", json={"advance_seconds": LATER})
        for order in to_ship[:3]:
            admin.post(
                f"/sandbox/orders/{order['id']}/status", json={"status": "AWAITING_COLLECTION"}
            )
        if len(to_ship) > 4:
            admin.post(
                f"/sandbox/orders/{to_ship[4]['id']}/status",
                json={"status": "CANCELLED", "cancellation_initiator": "SELLER"},
            )


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="shopdesk-shots-") as tmp,
        demo_window(Path(tmp), SANDBOX) as window,
    ):
        if not demo_ready(window):
            return 1
        age_the_shop(window)
        window.sync_now()
        first = time.time()
        wait_until(lambda: time.time() - first > 4, 6)
        window.notifier.banner.dismiss()
        window.set_theme(LIGHT)
        window.open_tab("orders")
        window.orders_tab.refresh()
        window.orders_tab.select_queue("to_ship")
        wait_until(lambda: False, 0.5)
        if window.orders_tab.model.rowCount():
            window.orders_tab.table.selectRow(0)
        wait_until(lambda: False, 0.4)
        window.notifier.banner.dismiss()
        if not capture(window).save(str(out / "to-ship-deadlines.png")):
            return 1
        window.open_tab("health")
        window.health_tab.refresh(charts=True)
        wait_until(lambda: False, 0.5)
        window.notifier.banner.dismiss()
        if not window.health_tab.shop_health.grab().save(str(out / "health-rates.png")):
            return 1
        window.set_theme("system")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")))
