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


def fill_app_page(wizard: ConnectWizard, shop, redirect_url: str, qtbot, secret=None) -> None:
    """Type the app's details, then Test: Next is allowed only once the checks pass."""
    page = wizard.app_page
    page.app_key.setText(shop.sandbox.app_key)
    assert not page.isComplete()
    page.app_secret.setText(shop.sandbox.app_secret if secret is None else secret)
    page.api_base.setText(BASE)
    page.auth_base.setText(BASE)
    page.redirect_url.setText(redirect_url)
    assert not page.isComplete()  # not tested yet
    page.test_button.click()
    qtbot.waitUntil(lambda: bool(page.checks), timeout=10000)


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
    fill_app_page(wizard, shop, redirect_url, qtbot)
    assert wizard.app_page.isComplete()
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
    fill_app_page(wizard, shop, "https://example.com/tiktok/callback", qtbot)  # elsewhere
    assert wizard.app_page.isComplete()
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


def test_the_wizard_is_a_checklist_and_its_test_says_what_is_wrong_in_words(
    data_paths, memory_secrets, open_window, qtbot
) -> None:
    from keyring.backends import fail

    from app.secrets import SecretStore

    shop = sandbox_shop(data_paths, memory_secrets, connect=False)
    window = open_window(shop.context(), wait_for_orders=False)
    wizard = window.open_connect_wizard()
    page = wizard.app_page
    steps = page.steps.text()
    assert "https://partner.tiktokshop.com" in steps and "custom app" in steps
    assert "Order Information" in steps and "Product Management (write)" in steps
    page.partner_center.setCurrentIndex(page.partner_center.findData("us"))
    assert "https://partner.us.tiktokshop.com" in page.steps.text()

    redirect_url = f"http://127.0.0.1:{free_port()}/callback"
    fill_app_page(wizard, shop, redirect_url, qtbot, secret="not-the-secret")
    failed = {c.name: c for c in page.checks if not c.ok}
    assert "App secret" in failed and "Partner Center" in failed["App secret"].message
    assert "/api/v2" not in page.results.text() and "✗ App secret" in page.results.text()
    assert not page.isComplete() and not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert redirect_url in page.steps.text()

    page.app_secret.setText(shop.sandbox.app_secret)
    assert page.results.text() == ""  # the old result no longer applies
    page.test_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=10000)
    assert all(c.ok for c in page.checks)
    names = [c.name for c in page.checks]
    assert {"App key", "App secret", "Keyring", "Redirect URL"} <= set(names)
    assert page.settings(wizard.context.settings).partner_center == "us"
    wizard.close()

    # No keyring: found by the Test, before any browser opens.
    broken = shop.context()
    broken.secrets = SecretStore(fail.Keyring())
    wizard = ConnectWizard(broken, window.tasks, window)
    qtbot.addWidget(wizard)
    fill_app_page(wizard, shop, redirect_url, qtbot)
    keyring = next(c for c in wizard.app_page.checks if c.name == "Keyring")
    assert not keyring.ok and "keyring" in keyring.message
    assert not wizard.app_page.isComplete()


def test_reconnecting_uses_the_secret_the_keyring_keeps(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    wizard = window.open_connect_wizard()
    page = wizard.app_page
    qtbot.waitUntil(lambda: page.saved_secret == gui_shop.sandbox.app_secret, timeout=5000)
    assert page.app_secret.text() == "" and "keyring" in page.app_secret.placeholderText()
    page.redirect_url.setText(f"http://127.0.0.1:{free_port()}/callback")
    page.test_button.click()
    qtbot.waitUntil(page.isComplete, timeout=10000)  # nothing retyped
    assert all(c.ok for c in page.checks)
    page.app_secret.setText("another-secret")  # typing replaces it
    assert page.secret() == "another-secret" and not page.isComplete()
