"""What a real shop meets, in the window: US requests rejected by shipping, TikTok's tracking
warning on the row and as a notice, an unlimited authorization, the hourly budget, the deep
pass, and the Partner Center choice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from app.gui.connect_wizard import PARTNER_CENTER_HINT, AppPage
from app.gui.ship_model import CARRIER, SHIPPED
from app.tiktok.models.auth import NO_EXPIRY
from tests.gui.conftest import sandbox_shop
from tests.gui.test_cancellations import request_cancel
from tests.gui.test_shipping import place, sync, truth

HUNDRED_YEARS = 100 * 365 * 86400


def test_a_us_request_is_rejected_by_shipping_and_the_warning_is_shown(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    # A US local seller: the one market where TikTok warns about the tracking number.
    gui_shop = sandbox_shop(data_paths, memory_secrets, seller_type="LOCAL")
    window = open_window(gui_shop.context())
    [order] = place(gui_shop, 1)
    sync(window)
    cancel_id = request_cancel(gui_shop, order)
    gui_shop.admin("POST", "/sandbox/clock", {"advance_seconds": 2})
    sync(window)
    tab = window.cancellations_tab
    qtbot.waitUntil(lambda: tab.refresh() or tab.show_request(cancel_id), timeout=10000)
    assert tab.reject_button.text() == "Ship to reject…"  # no Reject Cancellation in the US
    tab.reject_button.click()
    dialog = window.order_actions.ship_dialog
    assert dialog is not None and [r.order_id for r in dialog.model.rows] == [order]
    qtbot.waitUntil(lambda: not dialog.model.loading and dialog.ship_button.isEnabled())
    combo = dialog.editor(0, CARRIER)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    qtbot.keyClicks(dialog.editor(0), "JX12345678")  # fits no US carrier's numbers
    dialog.ship_button.click()
    assert dialog.confirm_box is not None  # Shopdesk warns first; the seller ships it anyway
    [anyway] = [b for b in dialog.confirm_box.buttons() if b.text() == "Ship anyway"]
    anyway.click()
    qtbot.waitUntil(lambda: dialog.results()[order][0] == SHIPPED, timeout=15000)
    row_text = dialog.results()[order][1]
    assert "TikTok Shop warns: No logistics provider could be found" in row_text
    sandbox_order = truth(gui_shop, order)
    assert not sandbox_order["is_buyer_request_cancel"]  # shipping rejected the request
    calls = gui_shop.admin("GET", "/sandbox/calls")["by_path"]
    assert not any(path.endswith("/reject") for path in calls)
    qtbot.waitUntil(lambda: window.banner.notice is not None, timeout=10000)
    notice = window.banner.notice
    assert notice.title == "Check the tracking number" and notice.ref == order
    dialog.close()


def test_health_reads_unlimited_as_no_expiry_and_shows_budget_and_deep_pass(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, refresh_ttl=HUNDRED_YEARS)
    shop.settings.max_requests_per_hour = 1000
    window = open_window(shop.context())
    window.open_tab("health")
    health = window.health_tab
    qtbot.waitUntil(lambda: health.status.last_poll_ok is True)
    health.refresh()
    assert health.auth_until.text().startswith(NO_EXPIRY)
    assert health.auth_left.text() == NO_EXPIRY  # not "36,500 days"
    window.alerts.check_authorization()
    assert window.banner.notice is None  # nothing ends, nothing to warn about
    qtbot.waitUntil(lambda: health.status.budget is not None)
    assert health.budget.text().endswith("of 1,000 requests this hour")
    assert "every 10 min, last 2 h re-read" in health.deep_poll.text()
    window.host.engine.deep_pass_now().result(15)
    qtbot.waitUntil(lambda: health.deep_poll.text().startswith(("0 s ago", "1 s ago")))


def test_the_wizard_asks_which_partner_center(gui_shop, qtbot) -> None:
    page = AppPage(gui_shop.settings)
    qtbot.addWidget(page)
    assert page.partner_center_hint.text() == PARTNER_CENTER_HINT
    assert "partner.us.tiktokshop.com" in PARTNER_CENTER_HINT
    assert page.settings(gui_shop.settings).partner_center == "global"
    page.partner_center.setCurrentIndex(page.partner_center.findData("us"))
    assert page.settings(gui_shop.settings).partner_center == "us"


def test_settings_take_an_hourly_budget_and_the_deep_pass_interval(gui_shop, qtbot) -> None:
    from app.gui.settings_tab import SettingsTab

    tab = SettingsTab(gui_shop.settings, "system")
    qtbot.addWidget(tab)
    assert tab.max_per_hour.value() == 0 and tab.max_per_hour.text() == "no limit"
    assert tab.deep_poll.value() == 10  # minutes: TikTok integrators re-read two hours
    tab.max_per_hour.setValue(1000)
    tab.deep_poll.setValue(5)
    edited = tab.edited()
    assert edited.max_requests_per_hour == 1000 and edited.deep_poll_interval_seconds == 300
    tab.max_per_hour.setValue(0)
    assert tab.edited().max_requests_per_hour is None
