"""The ship dialog's tracking guard: a number that does not fit its carrier warns on its row,
nothing is sent until the creator confirms "Ship anyway"; a CSV of such lines can be shipped
anyway too; US shops ask TikTok Shop about each number with "Check with TikTok"."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.gui.ship_dialog import ShipDialog
from app.gui.ship_model import CARRIER, PROBLEM, READY, RESULT
from tests.gui.test_shipping import SHIPPED_STATES, place, ship_writes, sync, truth

USPS_NUMBER = "9400111899223344556677"


def carrier(dialog, name: str) -> str:
    return next(pid for pid, n in dialog.model.providers[dialog.model.rows[0].group] if n == name)


def press(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


def odd_row(gui_shop, open_window, qtbot) -> tuple[ShipDialog, str]:
    """The ship dialog for one new order, a USPS number typed for UPS, Ship pressed."""
    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1)
    sync(window)
    dialog = window.ship_orders([order])
    qtbot.waitUntil(lambda: dialog.ship_button.isEnabled())
    dialog.model.setData(dialog.model.index(0, CARRIER), carrier(dialog, "UPS"))
    dialog.set_tracking(0, USPS_NUMBER)
    dialog.ship_button.click()
    return dialog, order


def test_an_odd_number_warns_on_its_row_and_ships_only_when_confirmed(
    gui_shop, open_window, qtbot
) -> None:
    dialog, order = odd_row(gui_shop, open_window, qtbot)
    state, message = dialog.results()[order]
    assert state == PROBLEM
    assert message.startswith(f"{USPS_NUMBER} does not look like a UPS tracking number")
    box = dialog.confirm_box
    assert box is not None and box.windowTitle() == "Ship anyway?"
    assert f"{order}: {USPS_NUMBER}" in box.text()
    press(box, "Fix them")
    assert ship_writes(gui_shop) == [] and truth(gui_shop, order)["status"] == "AWAITING_SHIPMENT"

    dialog.ship_button.click()  # still not fixed: asked again
    press(dialog.confirm_box, "Ship anyway")
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)
    assert truth(gui_shop, order)["status"] in SHIPPED_STATES
    # TikTok's own warning after the call stays on the row.
    said = dialog.model.index(0, RESULT).data()
    assert "Did you mean to select USPS?" in said


def test_a_corrected_number_needs_no_confirmation(gui_shop, open_window, qtbot) -> None:
    dialog, _order = odd_row(gui_shop, open_window, qtbot)
    press(dialog.confirm_box, "Fix them")
    dialog.confirm_box = None
    dialog.set_tracking(0, "1Z999AA10123456784")
    dialog.ship_button.click()
    assert dialog.confirm_box is None
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)


def test_check_with_tiktok_says_on_each_row(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1)
    sync(window)
    dialog = window.ship_orders([order])
    qtbot.waitUntil(lambda: dialog.ship_button.isEnabled())
    assert dialog.check_button.isVisibleTo(dialog)  # a US shop
    dialog.set_tracking(0, USPS_NUMBER)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: "TikTok Shop:" in dialog.model.index(0, RESULT).data(), timeout=15000)
    said = dialog.model.index(0, RESULT).data()
    assert f"{USPS_NUMBER} is not a TikTok Shipping or Collection by TikTok number" in said
    assert ship_writes(gui_shop) == []  # asking sends no shipment


def test_a_file_of_odd_numbers_can_be_shipped_anyway(
    gui_shop, open_window, qtbot, tmp_path
) -> None:
    window = open_window(gui_shop.context())
    first, second = place(gui_shop, 2)
    sync(window)
    odd = tmp_path / "odd.csv"
    odd.write_text(
        f"order_id,tracking_number,provider\n{first},{USPS_NUMBER},USPS\n{second},ABC123,FedEx\n",
        encoding="utf-8",
    )
    window.ship_from_csv(str(odd))
    qtbot.waitUntil(lambda: window.order_actions.problems_dialog is not None, timeout=15000)
    problems = window.order_actions.problems_dialog
    [line] = problems.lines()
    assert line.startswith("Line 3: tracking number ABC123 does not look like FedEx's")
    assert "--anyway" not in line
    assert problems.anyway_button is not None
    problems.anyway_button.click()
    dialog = window.order_actions.ship_dialog
    assert [r.state for r in dialog.model.rows] == [READY, READY]
    dialog.ship_button.click()
    qtbot.waitUntil(dialog.shipped_ok, timeout=15000)
    assert {truth(gui_shop, o)["status"] in SHIPPED_STATES for o in (first, second)} == {True}


def test_a_file_with_other_problems_offers_no_anyway(
    gui_shop, open_window, qtbot, tmp_path
) -> None:
    window = open_window(gui_shop.context())
    [first] = place(gui_shop, 1)
    sync(window)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"order_id,tracking_number,provider\n{first},ABC123,FedEx\n999,{USPS_NUMBER},USPS\n",
        encoding="utf-8",
    )
    window.ship_from_csv(str(bad))
    qtbot.waitUntil(lambda: window.order_actions.problems_dialog is not None, timeout=15000)
    assert window.order_actions.problems_dialog.anyway_button is None
