"""The connect wizard: app key and secret, browser authorization, then the shop to use.

Every network step runs on the TaskManager's worker loop (there may be no engine session
yet); the wizard only reacts to the results. The same ConnectFlow drives `shopdesk connect`.
"""

from __future__ import annotations

import concurrent.futures
from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.config import DEFAULT_REDIRECT_URL, Settings
from app.connect import ConnectError, ConnectFlow, ConnectResult, check_redirect, is_loopback
from app.connect import parse_redirect as parse_pasted
from app.connect_checks import Check, plain_error, run_checks
from app.gui.context import GuiContext
from app.gui.engine_host import EngineHost
from app.gui.tasks import TaskManager
from app.gui.theme import colors
from app.logs import register_secret
from app.ops.connect import save_connection
from app.tiktok.hosts import DEFAULT_API_BASE, DEFAULT_AUTH_BASE
from app.tiktok.models import Shop, Token

APP_PAGE, AUTHORIZE_PAGE, SHOP_PAGE = range(3)
#: Where an app is made: the rest of the world, or the US Partner Center (FACTS.md 9.1).
PARTNER_CENTERS = {
    "global": ("Partner Center (partner.tiktokshop.com)", "https://partner.tiktokshop.com"),
    "us": ("US Partner Center (partner.us.tiktokshop.com)", "https://partner.us.tiktokshop.com"),
}
PARTNER_CENTER_HINT = (
    "Which one: the address you log in to Partner Center at; US sellers' apps live at "
    "partner.us.tiktokshop.com."
)
#: The scopes' names as Partner Center lists them (README, Connect your real shop).
SCOPE_NAMES = (
    "Order Information",
    "Product Basic",
    "Product Management (write)",
    "Logistics",
    "Fulfillment Basic",
    "Return and Refund Basic",
    "Authorization Information",
)


class AppPage(QWizardPage):
    """The Partner Center checklist, app key and secret, and a Test before the browser opens."""

    #: Run the checks (the wizard does it on its worker loop).
    testRequested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Your TikTok Shop app")
        self.setSubTitle(
            "Shopdesk talks to TikTok Shop through an app you create for your own shop. "
            "Do these steps in Partner Center once, then test."
        )
        self.partner_center = QComboBox()
        for key, (label, _url) in PARTNER_CENTERS.items():
            self.partner_center.addItem(label, key)
        self.partner_center.setCurrentIndex(
            max(0, self.partner_center.findData(settings.partner_center))
        )
        self.partner_center.currentIndexChanged.connect(lambda _i: self._show_steps())
        self.steps = QLabel()
        self.steps.setObjectName("connectSteps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setWordWrap(True)
        self.steps.setOpenExternalLinks(True)
        self.steps.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.copy_redirect = QPushButton("Copy the redirect URL")
        self.copy_redirect.clicked.connect(self._copy_redirect)

        self.app_key = QLineEdit(settings.app_key, placeholderText="App key")
        self.app_secret = QLineEdit(placeholderText="App secret")
        self.app_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_base = QLineEdit(settings.api_base)
        self.auth_base = QLineEdit(settings.auth_base)
        self.redirect_url = QLineEdit(settings.redirect_url)
        self.redirect_url.textChanged.connect(lambda _t: self._show_steps())
        self.service_id = QLineEdit(settings.service_id, placeholderText="only for service links")
        self.test_button = QPushButton("Test")
        self.test_button.setToolTip("Check the key, the secret and the keyring before authorizing")
        self.test_button.clicked.connect(self.testRequested)
        self.results = QLabel()
        self.results.setObjectName("connectChecks")
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.results.setWordWrap(True)
        #: The secret the keyring keeps for this app key (a reconnect needs no retyping).
        self.saved_secret = ""
        self.checks: list[Check] = []
        self._checked: tuple[str, ...] = ()
        #: The inputs that passed the Test (Next needs them unchanged).
        self.tested: tuple[str, ...] | None = None

        where = QFormLayout()
        self.partner_center_hint = QLabel(PARTNER_CENTER_HINT)
        self.partner_center_hint.setWordWrap(True)
        self.partner_center_hint.setObjectName("hint")
        where.addRow("Your app is in", self.partner_center)
        where.addRow("", self.partner_center_hint)
        keys = QFormLayout()
        keys.addRow("App key", self.app_key)
        keys.addRow("App secret", self.app_secret)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.results, 1)
        advanced = QGroupBox("Advanced (leave as is for TikTok Shop)")
        advanced.setCheckable(True)
        inner = QWidget()
        advanced_form = QFormLayout(inner)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        QVBoxLayout(advanced).addWidget(inner)
        advanced.toggled.connect(inner.setVisible)
        changed = (settings.api_base, settings.auth_base) != (DEFAULT_API_BASE, DEFAULT_AUTH_BASE)
        advanced.setChecked(changed or settings.redirect_url != DEFAULT_REDIRECT_URL)
        inner.setVisible(advanced.isChecked())
        advanced_form.addRow("API address", self.api_base)
        advanced_form.addRow("Authorization address", self.auth_base)
        advanced_form.addRow("Redirect URL", self.redirect_url)
        advanced_form.addRow("Service ID", self.service_id)
        self.advanced = advanced
        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addWidget(self.steps)
        layout.addWidget(self.copy_redirect, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(keys)
        layout.addLayout(test_row)
        layout.addWidget(advanced)
        for edit in (self.app_key, self.app_secret, self.api_base, self.auth_base):
            edit.textChanged.connect(self._inputs_changed)
        self._show_steps()

    def _copy_redirect(self) -> None:
        QGuiApplication.clipboard().setText(self.redirect_url.text().strip())

    def _show_steps(self) -> None:
        _label, url = PARTNER_CENTERS[str(self.partner_center.currentData())]
        redirect = escape(self.redirect_url.text().strip())
        scopes = ", ".join(SCOPE_NAMES)
        self.steps.setText(
            "<ol style='margin-left:0'>"
            f"<li>Open <a href='{url}'>Partner Center</a> and create a <b>custom app</b> for "
            "your own shop (App &amp; Service &gt; Create app &gt; Custom app).</li>"
            f"<li>Enable the API scopes Shopdesk uses: {scopes}.</li>"
            f"<li>Register the <b>redirect URL</b> <code>{redirect}</code>.</li>"
            "<li>Copy the app's <b>App key</b> and <b>App secret</b> here, then press "
            "<b>Test</b>.</li></ol>"
        )

    def secret(self) -> str:
        """The secret typed, else the one the keyring keeps for this app key."""
        return self.app_secret.text().strip() or self.saved_secret

    def use_saved_secret(self, app_key: str, secret: str) -> None:
        """The keyring keeps a secret for this app key: an empty field means "use it"."""
        if secret and app_key == self.app_key.text().strip():
            self.saved_secret = secret
            self.app_secret.setPlaceholderText("Saved in your keyring (type to replace it)")
            self.completeChanged.emit()

    def _inputs(self) -> tuple[str, ...]:
        key, *rest = (e.text().strip() for e in (self.app_key, self.api_base, self.auth_base))
        return (key, self.secret(), *rest)

    def _inputs_changed(self) -> None:
        if self.checks and self._checked != self._inputs():
            self.tested, self.checks = None, []
            self.results.setText("")
        self.completeChanged.emit()

    def show_checks(self, checks: list[Check]) -> None:
        """What the Test found, each check on its line, ✓ or ✗ and what to do."""
        self.checks, self._checked = checks, self._inputs()
        self.tested = self._checked if all(c.ok for c in checks) else None
        c = colors()
        lines = []
        for check in checks:
            mark, color = ("✓", c.ok_text) if check.ok else ("✗", c.danger_text)
            lines.append(
                f"<span style='color:{color.name()}'><b>{mark} {escape(check.name)}</b></span>"
                f" — {escape(check.message)}"
            )
        self.results.setText("<br>".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """Next needs key and secret that passed the Test as they are now."""
        return bool(self.tested is not None and self.tested == self._inputs())

    def settings(self, base: Settings) -> Settings:
        """The settings this page describes (a copy of `base`)."""
        return base.model_copy(
            update={
                "app_key": self.app_key.text().strip(),
                "api_base": self.api_base.text().strip() or base.api_base,
                "auth_base": self.auth_base.text().strip() or base.auth_base,
                "redirect_url": self.redirect_url.text().strip() or base.redirect_url,
                "service_id": self.service_id.text().strip(),
                "partner_center": str(self.partner_center.currentData()),
            }
        )


class AuthorizePage(QWizardPage):
    """Opens the authorization link; the redirect is caught by itself or pasted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Authorize Shopdesk")
        self.setSubTitle(
            "Open the link, log in to TikTok Shop and approve. Shopdesk catches the answer "
            "by itself; if your browser lands on another page, paste its address below."
        )
        self.link = QLineEdit(readOnly=True)
        self.open_button = QPushButton("Open in browser")
        self.sandbox_button = QPushButton("Approve in the sandbox")
        self.sandbox_button.setToolTip("The local sandbox has no real login: press Approve there")
        self.listening = QLabel()
        self.listening.setWordWrap(True)
        self.pasted = QLineEdit(placeholderText="http://127.0.0.1:8765/callback?code=…&state=…")
        self.use_button = QPushButton("Use this address")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setObjectName("wizardState")

        link_row = QHBoxLayout()
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.open_button)
        link_row.addWidget(self.sandbox_button)
        paste_row = QHBoxLayout()
        paste_row.addWidget(self.pasted, 1)
        paste_row.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.addLayout(link_row)
        layout.addWidget(self.listening)
        layout.addSpacing(10)
        layout.addWidget(QLabel("Or paste the address you landed on (or just the code):"))
        layout.addLayout(paste_row)
        layout.addSpacing(10)
        layout.addWidget(self.state)
        layout.addStretch(1)
        self.done = False

    def isComplete(self) -> bool:
        """Complete once the code was exchanged and the shops are known."""
        return self.done


class ShopPage(QWizardPage):
    """The shop to work on (most creators have one, already chosen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Choose your shop")
        self.setSubTitle("This authorization covers these shops. Shopdesk works on one.")
        self.shops = QListWidget()
        self.shops.currentRowChanged.connect(lambda _row: self.completeChanged.emit())
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.shops, 1)
        layout.addWidget(self.state)

    def set_shops(self, shops: list[Shop]) -> None:
        """List the authorized shops; the first is chosen."""
        self.shops.clear()
        for shop in shops:
            item = QListWidgetItem(f"{shop.name}  ·  {shop.region}  ·  id {shop.id}")
            item.setData(Qt.ItemDataRole.UserRole, shop.id)
            self.shops.addItem(item)
        self.shops.setCurrentRow(0)

    def isComplete(self) -> bool:
        """A shop is chosen."""
        return self.shops.currentRow() >= 0


class ConnectWizard(QWizard):
    """Connects a shop with ConnectFlow; `connected` carries the ConnectResult."""

    connected = Signal(object)
    _listening = Signal()

    def __init__(
        self,
        context: GuiContext,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        host: EngineHost | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.setWindowTitle("Connect your TikTok Shop")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(680, 560)
        self.context, self.tasks = context, tasks
        self.flow: ConnectFlow | None = None
        self.token: Token | None = None
        self.shop_list: list[Shop] = []
        self._waiting: concurrent.futures.Future[str] | None = None
        self._saving = False
        self.flow_settings = context.settings

        self.app_page = AppPage(context.settings)
        self.authorize_page = AuthorizePage()
        self.shop_page = ShopPage()
        self.setPage(APP_PAGE, self.app_page)
        self.setPage(AUTHORIZE_PAGE, self.authorize_page)
        self.setPage(SHOP_PAGE, self.shop_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Connect")

        self.app_page.testRequested.connect(self.test_app)
        page = self.authorize_page
        page.open_button.clicked.connect(self._open_browser)
        page.sandbox_button.clicked.connect(self._approve_in_sandbox)
        page.use_button.clicked.connect(self._use_pasted)
        page.pasted.returnPressed.connect(self._use_pasted)
        self._listening.connect(
            lambda: page.listening.setText(
                f"Waiting for TikTok Shop to send you back to {self.flow_settings.redirect_url} …"
            )
        )
        self.currentIdChanged.connect(self._page_changed)
        self._look_for_saved_secret()

    def _look_for_saved_secret(self) -> None:
        """Reconnecting: the keyring may keep the secret already (read off the GUI thread)."""
        app_key, store = self.context.settings.app_key, self.context.secrets
        if not app_key:
            return

        def found(secret: str | None) -> None:
            if secret:
                register_secret(secret)
                self.app_page.use_saved_secret(app_key, secret)

        self.tasks.watch(
            self.tasks.run_blocking(lambda: store.app_secret(app_key)),
            found,
            lambda _error: None,  # no keyring: the Test says so in words
            owner=self,
        )

    # --- steps ------------------------------------------------------------------------------

    def test_app(self) -> None:
        """Check key, secret, keyring and redirect port on the worker; the page shows each."""
        page = self.app_page
        settings = page.settings(self.context.settings)
        secret = page.secret()
        register_secret(secret)
        page.test_button.setEnabled(False)
        page.results.setText("Testing…")
        store, transport = self.context.secrets, self.context.transport

        async def run() -> list[Check]:
            return await run_checks(settings, secret, store, transport=transport)

        def done(checks: list[Check]) -> None:
            page.test_button.setEnabled(True)
            page.show_checks(checks)

        def failed(error: BaseException) -> None:
            page.test_button.setEnabled(True)
            page.show_checks([Check("Test", False, plain_error(error))])

        self.tasks.watch(self.tasks.run_async(run), done, failed, owner=self)

    def _page_changed(self, page_id: int) -> None:
        if page_id == AUTHORIZE_PAGE:
            self._begin()

    def _begin(self) -> None:
        """A fresh attempt: new flow (new state), the link, and the redirect listener."""
        self._close_flow()
        page = self.authorize_page
        page.done = False
        page.completeChanged.emit()
        secret = self.app_page.secret()
        register_secret(secret)
        self.flow_settings = self.app_page.settings(self.context.settings)
        try:
            flow = ConnectFlow(
                self.flow_settings,
                secret,
                self.context.secrets,
                self.context.paths,
                transport=self.context.transport,
            )
        except ConnectError as exc:
            page.state.setText(plain_error(exc))
            return
        self.flow = flow
        page.link.setText(flow.authorization_url())
        page.link.setCursorPosition(0)
        page.sandbox_button.setVisible(self.flow_settings.api_base != DEFAULT_API_BASE)
        page.state.setText("")
        if is_loopback(self.flow_settings.redirect_url):
            page.listening.setText("Starting to listen for the redirect…")
            self._waiting = self.tasks.watch(
                self.tasks.run_async(lambda: flow.wait_for_redirect(on_ready=self._listening.emit)),
                self._got_code,
                self._listen_failed,
                owner=self,
            )
        else:
            page.listening.setText(
                "Your redirect URL is not on this computer: paste the address you land on."
            )

    def _open_browser(self) -> None:
        if self.flow is not None:
            QDesktopServices.openUrl(QUrl(self.flow.authorization_url()))

    def _approve_in_sandbox(self) -> None:
        flow = self.flow
        if flow is None:
            return
        self.authorize_page.state.setText("Approving in the sandbox…")
        self.tasks.watch(
            self.tasks.run_async(flow.approve_in_sandbox),
            self._got_code,
            self._step_failed,
            owner=self,
        )

    def _use_pasted(self) -> None:
        flow = self.flow
        text = self.authorize_page.pasted.text()
        if flow is None or not text.strip():
            return
        try:
            code = check_redirect(parse_pasted(text), flow.state)
        except ConnectError as exc:
            self.authorize_page.state.setText(plain_error(exc))
            return
        self._got_code(code)

    def _listen_failed(self, error: BaseException) -> None:
        self.authorize_page.listening.setText(
            "Shopdesk cannot catch the redirect by itself "
            f"({plain_error(error).rstrip('.')}). Paste the address you land on instead."
        )

    def _step_failed(self, error: BaseException) -> None:
        self.authorize_page.state.setText(f"Not connected: {plain_error(error)}")

    def _got_code(self, code: str) -> None:
        """Spend the code once: token and shops, then the shop page."""
        flow = self.flow
        if flow is None or self.authorize_page.done:
            return
        if self._waiting is not None:
            self._waiting.cancel()  # pasted or approved: stop listening
            self._waiting = None
        self.authorize_page.state.setText("Authorized. Asking TikTok Shop for your shops…")
        self.tasks.watch(
            self.tasks.run_async(lambda: flow.exchange(code)),
            self._exchanged,
            self._step_failed,
            owner=self,
        )

    def _exchanged(self, answer: tuple[Token, list[Shop]]) -> None:
        self.token, self.shop_list = answer
        if not self.shop_list:
            self.authorize_page.state.setText(
                "This authorization covers no shop: authorize with a shop account."
            )
            return
        self.shop_page.set_shops(self.shop_list)
        self.authorize_page.done = True
        self.authorize_page.completeChanged.emit()
        self.authorize_page.state.setText(
            f"Authorized for {len(self.shop_list)} shop{'s' if len(self.shop_list) > 1 else ''}."
        )
        self.next()

    # --- finishing --------------------------------------------------------------------------

    def accept(self) -> None:
        """Save the chosen shop on the worker (keyring and SQLite), then close."""
        flow, token = self.flow, self.token
        row = self.shop_page.shops.currentRow()
        if flow is None or token is None or row < 0 or self._saving:
            return
        shop, shops = self.shop_list[row], self.shop_list
        self._saving = True
        self.shop_page.state.setText(f"Saving {shop.name}…")
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)

        future = save_connection(
            engine=None if self.host is None else self.host.engine,
            flow=flow,
            token=token,
            shop=shop,
            shops=shops,
            elsewhere=self.tasks.run_async,
        )
        self.tasks.watch(future, self._saved, self._save_failed, owner=self)

    def _saved(self, result: ConnectResult) -> None:
        self._close_flow()
        self.connected.emit(result)
        super().accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.shop_page.state.setText(f"Not saved: {plain_error(error)}")

    def done(self, result: int) -> None:
        """Closing in any way stops listening and releases the HTTP pool."""
        if result != QWizard.DialogCode.Accepted:
            self._close_flow()
        super().done(result)

    def _close_flow(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None
        flow, self.flow = self.flow, None
        if flow is not None:
            self.tasks.run_async(flow.aclose)

    @property
    def settings(self) -> Settings:
        """The settings the shop was connected with."""
        return self.flow_settings
