"""GUI tests: offscreen Qt, a shop connected to an in-process sandbox, the real main window.

QT_QPA_PLATFORM is set here, before pytest-qt creates the QApplication. The screenshot test
needs a real X server and runs its window in a subprocess (see test_screenshots.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import httpx
import pytest

from app.config import Paths, Settings, save_settings
from app.connect import ConnectFlow
from app.gui.context import GuiContext
from app.gui.main_window import MainWindow
from app.sandbox import Sandbox, SandboxConfig, create_app
from app.secrets import SecretStore
from app.working_hours import DeadlineAlerts

BASE = "http://sandbox.test"


@dataclass
class GuiShop:
    """A sandbox served in-process (httpx.ASGITransport) and a data folder connected to it."""

    paths: Paths
    settings: Settings
    secrets: SecretStore
    sandbox: Sandbox
    transport: httpx.ASGITransport

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the sandbox's admin API (ground truth and control) from the test thread."""

        async def call() -> Any:
            async with httpx.AsyncClient(transport=self.transport, base_url=BASE) as client:
                response = await client.request(method, path, json=body)
                assert response.status_code == 200, response.text
                return response.json()

        return asyncio.run(call())

    def context(self, **kwargs: Any) -> GuiContext:
        return GuiContext(
            self.paths, self.secrets, self.settings, transport=self.transport, **kwargs
        )


def sandbox_shop(
    paths: Paths, secrets: SecretStore, *, connect: bool = True, **config: Any
) -> GuiShop:
    """A sandbox (seed 11, 200 orders unless told) and, unless told not to, a connected shop."""
    defaults = {"seed": 11, "orders": 200, "seller_type": "LOCAL"}  # a US local shop
    sandbox = Sandbox(SandboxConfig(**{**defaults, **config}))
    transport = httpx.ASGITransport(app=create_app(sandbox))
    settings = Settings(
        app_key=sandbox.app_key,
        api_base=BASE,
        auth_base=BASE,
        poll_interval_seconds=3600,  # tests ask for syncs; the first poll still runs at start
        # Deadline notices are tested on their own (tests/deadlines); these tests count notices.
        deadline_alerts=DeadlineAlerts(enabled=False),
    )
    if connect:
        save_settings(paths, settings)

        async def go() -> None:
            flow = ConnectFlow(settings, sandbox.app_secret, secrets, paths, transport=transport)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()

        asyncio.run(go())
    return GuiShop(paths, settings, secrets, sandbox, transport)


@pytest.fixture
def gui_shop(data_paths: Paths, memory_secrets: SecretStore) -> GuiShop:
    """A connected shop with 200 orders of history on the sandbox."""
    return sandbox_shop(data_paths, memory_secrets)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    """Factory: the main window on a context, shown, with its engine started and data read."""
    windows: list[MainWindow] = []

    def make(context: GuiContext, *, wait_for_orders: bool = True) -> MainWindow:
        window = MainWindow(context, use_tray=False)
        windows.append(window)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.host.ready, timeout=15000):
            window.show()
        if wait_for_orders:  # the first poll has finished and the list shows all of it
            engine = window.host.engine
            assert engine is not None
            qtbot.waitUntil(lambda: engine.status.last_poll_at is not None, timeout=15000)

            def listed() -> bool:
                window.reader.catch_up_now()  # the list's refresh itself is a queued signal
                return window.orders_tab.model.rowCount() > 0

            qtbot.waitUntil(listed, timeout=15000)
        return window

    yield make
    for window in windows:
        window.close()
