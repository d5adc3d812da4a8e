"""Screenshots of shipping a day's orders on the live demo shop (a US local seller on TikTok
Shipping), in a real X window (run under Xvfb):

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.gui.label_screenshots resources/screenshots

Writes `labels-dialog.png` (six orders' labels bought from the window, one refused because the
order is on hold) and `pack-tab.png` (an order of two SKUs half scanned, a wrong item refused).
test_screenshots.py runs it and checks the files.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from app.gui.self_test import demo_window, wait_until
from app.gui.theme import LIGHT
from app.ops.labels import set_sku_profile
from app.sandbox import SandboxConfig
from app.store.orders import fetch_order_raw
from tests.gui.screenshots import capture, capture_dialog

SANDBOX = SandboxConfig(seed=2026, orders=200, products=24, order_rate=0.0, seller_type="LOCAL")
SHOTS = ("labels-dialog", "pack-tab")
BINS = ("C-04", "A-12", "B-07", "A-03", "D-01", "B-02", "A-08")


def place(window: Any) -> tuple[list[str], str]:
    """Six TikTok Shipping orders (the last of two SKUs) and one still on hold."""
    with httpx.Client(base_url=window.context.settings.api_base, timeout=10) as admin:
        rows = admin.get("/sandbox/inventory").json()["skus"]
        active = {
            str(r[0])
            for r in window.reader.db.execute(
                "SELECT k.id FROM skus k JOIN products p ON p.id = k.product_id"
                " WHERE p.status = 'ACTIVATE'"
            )
        }
        skus = list(
            {r["sku_id"]: r for r in rows if r["quantity"] > 3 and r["sku_id"] in active}.values()
        )
        placed: list[str] = []
        for n in range(7):
            items = [{"sku_id": skus[n]["sku_id"], "quantity": 1}]
            if n == 5:
                items.append({"sku_id": skus[6]["sku_id"], "quantity": 2})
            answer = admin.post(
                "/sandbox/orders",
                json={
                    "line_items": items,
                    "paid": True,
                    "is_on_hold_order": n == 6,
                    "shipping_type": "TIKTOK",
                },
            )
            assert answer.status_code == 200, answer.text
            placed.append(answer.json()["order"]["id"])
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
    engine = window.host.engine

    def bins(db: Any) -> None:
        for n, where in enumerate(BINS):
            set_sku_profile(db=db, sku_id=skus[n]["sku_id"], bin_location=where)

    engine.run_write(bins).result(10)
    window.sync_now()
    db = window.reader.db
    wait_until(lambda: all(fetch_order_raw(db, o) for o in placed), 20)
    return placed, placed[5]


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="shopdesk-shots-") as tmp,
        demo_window(Path(tmp), SANDBOX) as window,
    ):
        if not wait_until(lambda: window.orders_tab.queues.counts.get("all", 0) >= 200, 60):
            print("the demo orders did not arrive", file=sys.stderr)
            return 1
        wait_until(lambda: not window.status.importing, 30)
        window.notifier.banner.dismiss()
        window.set_theme(LIGHT)
        placed, two_skus = place(window)
        dialog = window.open_labels(placed)
        done: list[object] = []
        dialog.finished_run.connect(done.append)
        dialog.buy()
        if not wait_until(lambda: bool(done), 60):
            print("the labels were not bought", file=sys.stderr)
            return 1
        wait_until(lambda: False, 0.4)
        if not capture_dialog(dialog).save(str(out / "labels-dialog.png")):
            return 1
        dialog.close()
        window.open_tab("pack")
        pack = window.pack_tab
        pack.scan(two_skus)
        order = pack.station.order
        if order is None:
            print("the pack tab did not open the order", file=sys.stderr)
            return 1
        pack.scan(order.items[1].seller_sku)
        pack.scan(order.items[0].seller_sku)
        pack.scan("SKU-NOT-IN-ORDER")
        wait_until(lambda: False, 0.4)
        if not capture(window).save(str(out / "pack-tab.png")):
            return 1
        window.set_theme("system")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")))
