"""Screenshots of every tab on the live demo shop, in a real X window (run under Xvfb).

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.gui.screenshots resources/screenshots

Writes `<tab>.png` for each tab in the light theme and `<tab>-dark.png` for a few in the dark
one, and `ship-dialog.png`: three orders shipped from a multi-selection, one refused by TikTok
Shop. test_screenshots.py runs it and checks the files. Run it by hand to refresh the README's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from app.gui.self_test import demo_window, wait_until
from app.gui.theme import DARK, LIGHT
from app.sandbox import PACKAGE_FIRST_SELLER_TYPE, SandboxConfig
from app.store.orders import fetch_order_raw

#: Busy enough that a new order lands while the pictures are taken.
SANDBOX = SandboxConfig(
    seed=2026, orders=400, products=24, order_rate=30.0, seller_type=PACKAGE_FIRST_SELLER_TYPE
)
TABS = (
    "orders",
    "cancellations",
    "returns",
    "inventory",
    "money",
    "queue",
    "errors",
    "health",
    "settings",
)
DARK_TABS = ("orders", "cancellations", "inventory", "health")
DIALOGS = ("ship-dialog",)
#: Buyers ask to cancel this many more to-ship orders (those whose own deadline is soonest).
CANCEL_REQUESTS = 3
#: The Cancellations picture is taken as it will look this much later, so the soonest request
#: is inside its last two hours (red); the demo's own orders all have more time than that.
CANCELLATIONS_LATER = 25 * 60


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
    returns = w.returns_tab  # type: ignore[attr-defined]
    wait_until(lambda: (returns.refresh(), bool(returns.model.to_answer()))[1], 20)
    if returns.model.rowCount() > 1:
        returns.table.selectRow(1)  # the soonest stays unselected, so its colour shows
    money = w.money_tab  # type: ignore[attr-defined]
    w.open_tab("money")  # type: ignore[attr-defined]
    wait_until(lambda: (money.refresh(), money.skus.model.rowCount() > 0)[1], 30)
    add_costs(w)
    money.refresh()
    w.open_tab("orders")  # type: ignore[attr-defined]


def add_costs(window: Any) -> None:
    """Each SKU costs about a third of what it sells for, so the Money tab shows profit."""
    from decimal import Decimal

    from app.ops.money import set_cost

    for row in window.money_tab.skus.model.rows:
        if not row.units or not row.revenue.amount:
            continue
        unit = (row.revenue.amount / row.units / 3).quantize(Decimal("0.01"))
        window.host.engine.run_write(
            lambda db, sku=row.key, amount=str(unit): set_cost(
                db, seller_sku=sku, amount=amount, from_day="2000-01-01", now=0
            )
        ).result(10)


def _admin(window: Any) -> httpx.Client:
    return httpx.Client(base_url=window.context.settings.api_base, timeout=10)


def add_cancel_requests(window: Any) -> None:
    """A few more buyers ask to cancel (to-ship orders with the soonest deadlines)."""
    with _admin(window) as admin:
        orders = admin.get("/sandbox/orders").json()["orders"]
        waiting = [
            o
            for o in orders
            if o["status"] == "AWAITING_SHIPMENT" and not o["is_buyer_request_cancel"]
        ]
        waiting.sort(key=lambda o: o.get("cancel_order_sla_time") or 0)
        for order in waiting[:CANCEL_REQUESTS]:
            admin.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
    window.sync_now()
    tab = window.cancellations_tab
    wait_until(lambda: (tab.refresh(), len(tab.model.to_answer()) >= 4)[1], 20)
    tab.model.clock = lambda: time.time() + CANCELLATIONS_LATER
    tab.tick()
    if tab.model.rowCount() > 2:
        tab.table.selectRow(2)  # a selected row hides its colour: leave the red one be


def ship_three(window: Any) -> Any:
    """Three new seller-shipped orders picked in the Orders tab and shipped from the dialog;
    the third carries a tracking number an earlier parcel used, so TikTok refuses it."""
    with _admin(window) as admin:
        placed: list[str] = []
        for row in admin.get("/sandbox/inventory").json()["skus"]:
            if row["quantity"] < 3 or len(placed) == 3:
                continue
            answer = admin.post(
                "/sandbox/orders",
                json={
                    "line_items": [{"sku_id": row["sku_id"], "quantity": 1 + len(placed) % 2}],
                    "paid": True,
                    "is_on_hold_order": False,
                    "shipping_type": "SELLER",
                },
            )
            if answer.status_code == 200:
                placed.append(answer.json()["order"]["id"])
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
    db = window.reader.db
    orders = window.orders_tab
    window.sync_now()
    wait_until(lambda: all(fetch_order_raw(db, o) for o in placed), 20)
    window.reader.catch_up_now()
    orders.clear_filters()
    orders.select_queue("to_ship")
    wait_until(lambda: all(orders.model.row_of(o) is not None for o in placed), 10)
    used = db.execute(
        "SELECT tracking_number FROM orders"
        " WHERE status = 'IN_TRANSIT' AND shipping_type = 'SELLER' AND tracking_number != ''"
        " LIMIT 1"
    ).fetchone()
    orders.show_order(placed[0])
    selection = QItemSelection()
    for order_id in placed:
        row = orders.model.row_of(order_id)
        selection.select(orders.model.index(row, 0), orders.model.index(row, 8))
    orders.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
    window.ship_selected()
    dialog = window.order_actions.ship_dialog
    wait_until(lambda: dialog.all_carriers.count() > 1, 20)
    usps = dialog.all_carriers.findText("USPS")
    dialog.all_carriers.setCurrentIndex(max(1, usps))
    dialog.all_carriers.activated.emit(dialog.all_carriers.currentIndex())
    numbers = ["9400111899223197428490", "9400111899223197428506", used[0] if used else "X"]
    dialog.paste_tracking("\n".join(numbers))
    dialog.ship_button.click()
    wait_until(lambda: not dialog.busy and dialog.to_send() != list(range(3)), 30)
    wait_until(lambda: False, 0.5)
    return dialog


def demo_ready(window: Any) -> bool:
    """The demo's orders arrived and the first import finished (else say so)."""
    if not wait_until(lambda: window.orders_tab.queues.counts.get("all", 0) >= 400, 60):
        print("the demo orders did not arrive", file=sys.stderr)
        return False
    wait_until(lambda: not window.status.importing, 30)
    return True


def capture_dialog(dialog: Any) -> QImage:
    """A dialog as the X server shows it."""
    QApplication.processEvents()
    screen = QGuiApplication.primaryScreen()
    shot = screen.grabWindow(dialog.winId()).toImage()
    return shot if not shot.isNull() and shot.width() > 100 else dialog.grab().toImage()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="shopdesk-shots-") as tmp,
        demo_window(Path(tmp), SANDBOX) as window,
    ):
        if not demo_ready(window):
            return 1
        first = time.time()
        wait_until(lambda: time.time() - first > 3, 5)  # a live order or two, the charts fill
        window.notifier.banner.dismiss()
        window.set_theme(LIGHT)
        dialog = ship_three(window)
        if not capture_dialog(dialog).save(str(out / "ship-dialog.png")):
            print("could not write ship-dialog.png", file=sys.stderr)
            return 1
        dialog.close()
        add_cancel_requests(window)
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
