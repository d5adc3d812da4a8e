"""Settings: the connect wizard against the sandbox (redirect caught or pasted), and saving."""

from __future__ import annotations

import asyncio
import json
import socket
from html import escape

import httpx

from app.connect import approve_in_sandbox
from app.gui.connect_wizard import AUTHORIZE_PAGE, SHOP_PAGE, ConnectWizard
from tests.gui.conftest import BASE, sandbox_shop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def approve(shop, link: str):
    """What the seller's browser does: open the link, press Approve; returns the redirect."""

    async def go():
        async with httpx.AsyncClient(transport=shop.transport) as client:
            return await approve_in_sandbox(client, link)

    return asyncio.run(go())


def fill_app_page(wizard: ConnectWizard, shop, redirect_url: str) -> None:
    page = wizard.app_page
    page.app_key.setText(shop.sandbox.app_key)
    assert not page.isComplete()
    page.app_secret.setText(shop.sandbox.app_secret)
    page.api_base.setText(BASE)
    page.auth_base.setText(BASE)
    page.redirect_url.setText(redirect_url)
    assert page.isComplete()


def test_connect_wizard_catches_the_redirect_and_connects(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, connect=False)
    window = open_window(shop.context(), wait_for_orders=False)
    orders = window.orders_tab
    assert orders.table_area.is_empty
    assert orders.table_area.empty.title.text() == "No shop connected yet"

    wizard = window.open_connect_wizard()
    redirect_url = f"http://127.0.0.1:{free_port()}/callback"
    fill_app_page(wizard, shop, redirect_url)
    wizard.next()
    assert wizard.currentId() == AUTHORIZE_PAGE
    page = wizard.authorize_page
    qtbot.waitUntil(lambda: "Waiting for TikTok Shop" in page.listening.text(), timeout=5000)
    assert not page.isComplete()

    redirect = approve(shop, page.link.text())
    # the browser follows the redirect to Shopdesk's listener on this machine
    answer = httpx.get(redirect_url, params={"code": redirect.code, "state": redirect.state})
    assert answer.status_code == 200 and "Shopdesk" in answer.text
    qtbot.waitUntil(lambda: wizard.currentId() == SHOP_PAGE, timeout=10000)
    assert wizard.shop_page.shops.count() == 1

    with qtbot.waitSignal(wizard.connected, timeout=10000) as connected:
        wizard.accept()
    result = connected.args[0]
    saved = json.loads(shop.paths.settings.read_text())
    assert saved["app_key"] == shop.sandbox.app_key and saved["redirect_url"] == redirect_url
    assert memory_secrets.app_secret(shop.sandbox.app_key) == shop.sandbox.app_secret

    # the engine restarts on the new shop and the orders arrive
    qtbot.waitUntil(lambda: orders.model.rowCount() > 0, timeout=20000)
    assert not orders.table_area.is_empty
    qtbot.waitUntil(lambda: result.shop.name in window.status_bar.connection.text(), timeout=5000)
    assert result.shop.id in window.settings_tab.shop_label.text()


def test_connect_wizard_takes_a_pasted_address_and_a_shop_choice(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    shop = sandbox_shop(data_paths, memory_secrets, connect=False, shops=2)
    window = open_window(shop.context(), wait_for_orders=False)
    wizard = window.open_connect_wizard()
    fill_app_page(wizard, shop, "https://example.com/tiktok/callback")  # not this machine
    wizard.next()
    page = wizard.authorize_page
    assert "paste" in page.listening.text()

    page.pasted.setText("https://example.com/tiktok/callback?code=abc&state=someone-else")
    page.use_button.click()
    assert "state mismatch" in page.state.text() and wizard.currentId() == AUTHORIZE_PAGE

    redirect = approve(shop, page.link.text())
    page.pasted.setText(
        f"https://example.com/tiktok/callback?code={redirect.code}&state={redirect.state}"
    )
    page.use_button.click()
    qtbot.waitUntil(lambda: wizard.currentId() == SHOP_PAGE, timeout=10000)
    shops = wizard.shop_page.shops
    assert shops.count() == 2
    shops.setCurrentRow(1)
    second = wizard.shop_list[1]
    with qtbot.waitSignal(wizard.connected, timeout=10000) as connected:
        wizard.accept()
    assert connected.args[0].shop.id == second.id
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() > 0, timeout=20000)
    label = window.settings_tab.shop_label
    qtbot.waitUntil(lambda: escape(second.name) in label.text(), timeout=5000)


def test_saving_settings_writes_the_file_and_restarts_the_engine(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    tab = window.settings_tab
    first_engine = window.host.engine
    tab.poll.setValue(42)
    tab.notify["notify_new_orders"].setChecked(False)
    tab.buffer.setValue(3)
    with qtbot.waitSignal(window.host.ready, timeout=15000):
        tab.save()
    assert window.host.engine is not first_engine
    assert window.host.engine.settings.poll_interval_seconds == 42
    saved = json.loads(gui_shop.paths.settings.read_text())
    assert saved["poll_interval_seconds"] == 42 and saved["default_buffer"] == 3
    assert saved["notify_new_orders"] is False and not window.notifier.enabled("orders")
    assert tab.problem.text() == "Saved."

    # notification choices alone apply without a restart
    engine = window.host.engine
    tab.notify["notify_new_orders"].setChecked(True)
    tab.save()
    qtbot.waitUntil(lambda: tab.problem.text() == "Saved.")
    assert window.host.engine is engine and window.notifier.enabled("orders")

    tab.tunnel_buttons["url"].setChecked(True)
    tab.public_url.setText("ftp://nope")
    tab.save()
    assert "https://" in tab.problem.text()
