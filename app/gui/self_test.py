"""`shopdesk --self-test [--json]`: the real window, offscreen, on a demo shop; exit 0 or 1.

It starts a live sandbox shop in a throwaway folder, opens the window, waits for the first
orders, opens every tab, and prints what it saw. The release checks run it on the packaged
app, so it needs nothing but the app itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from app.config import Paths, load_settings
from app.logs import setup_logging

if TYPE_CHECKING:  # the sandbox loads only for a self-test: `wait_until` stays light
    from app.sandbox import SandboxConfig

TIMEOUT_SECONDS = 60.0


def self_test_sandbox() -> SandboxConfig:
    """A small, busy shop: a few hundred orders of history and an order every few seconds."""
    from app.sandbox import SandboxConfig

    return SandboxConfig(seed=2026, orders=300, products=16, order_rate=20.0, seller_type="LOCAL")


def wait_until(condition: Callable[[], bool], timeout: float, *, every_ms: int = 20) -> bool:
    """Run the real Qt event loop (no sleeping) until `condition()` holds or time is up."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    check = QTimer(interval=every_ms)
    check.timeout.connect(
        lambda: loop.quit() if condition() or time.monotonic() > deadline else None
    )
    check.start()
    loop.exec()
    check.stop()
    return condition()


@contextlib.contextmanager
def demo_window(
    root: Path, config: SandboxConfig | None = None, *, verbose: bool = False
) -> Iterator[Any]:
    """The main window on a fresh live demo shop in `root` (the caller picks the platform)."""
    from app.demo import demo_shop
    from app.gui.app import application
    from app.gui.context import GuiContext
    from app.gui.main_window import MainWindow

    p = Paths(root / "demo")
    with demo_shop(p, config or self_test_sandbox()) as (_info, secrets):
        setup_logging(p.logs, verbose=verbose)
        application()
        context = GuiContext(p, secrets, load_settings(p), demo=True, auto_import_days=60)
        window = MainWindow(context, use_tray=False)
        window.show()
        try:
            yield window
        finally:
            window.close()


def _rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kB, macOS bytes)."""
    try:
        import resource
    except ImportError:  # Windows has no getrusage: the figure is left out there
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_self_test(*, json_output: bool = False, verbose: bool = False) -> int:
    """Start, wait for orders, open every tab, print the figures; 0 when all went well."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problems: list[str] = []

    def unhandled(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        problems.append("".join(traceback.format_exception(kind, error, tb)).strip())

    began = time.perf_counter()
    figures: dict[str, Any] = {"ok": False}
    previous_hook, sys.excepthook = sys.excepthook, unhandled
    try:
        with (
            tempfile.TemporaryDirectory(prefix="shopdesk-self-test-") as tmp,
            demo_window(Path(tmp), verbose=verbose) as window,
        ):
            _exercise(window, figures, problems, began)
    except Exception as exc:  # a self-test reports every failure instead of a traceback
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        sys.excepthook = previous_hook
    figures["seconds"] = round(time.perf_counter() - began, 2)
    figures["rss_mb"] = round(_rss_mb(), 1)
    figures["problems"] = problems
    figures["ok"] = not problems
    _print(figures, json_output)
    return 0 if figures["ok"] else 1


def _exercise(window: Any, figures: dict[str, Any], problems: list[str], began: float) -> None:
    """Wait for the first orders, open every tab, collect the figures."""
    figures["seconds_to_window"] = round(time.perf_counter() - began, 2)
    got = wait_until(lambda: window.orders_tab.model.rowCount() > 0, TIMEOUT_SECONDS)
    figures["seconds_to_first_orders"] = round(time.perf_counter() - began, 2)
    if not got:
        problems.append(f"no orders appeared within {TIMEOUT_SECONDS:.0f} s")
    figures["tabs"] = _open_every_tab(window, problems)
    wait_until(lambda: not _importing(window), 30)
    counts = window.orders_tab.queues.counts
    engine = window.host.engine
    figures.update(
        orders=counts.get("all", 0),
        queues={k: v for k, v in counts.items() if k != "all"},
        connected=bool(engine and engine.status.connected),
        api_calls=engine.status.api_calls if engine else 0,
        open_errors=window.errors_tab.model.rowCount(),
        skus=window.inventory_tab.model.rowCount(),
    )
    if not figures["connected"]:
        problems.append("the demo shop is not connected")


def _importing(window: Any) -> bool:
    engine = window.host.engine
    return bool(engine is not None and engine.status.importing)


def _open_every_tab(window: Any, problems: list[str]) -> list[str]:
    """Show each tab and paint it (a widget that fails to draw raises here)."""
    opened = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        wait_until(lambda: False, 0.2)
        image = window.grab()
        if image.isNull():
            problems.append(f"tab {window.tabs.tabText(index)} drew nothing")
        opened.append(window.tabs.tabText(index))
    window.tabs.setCurrentIndex(0)
    return opened


def _print(figures: dict[str, Any], json_output: bool) -> None:
    if json_output:
        print(json.dumps(figures))
        return
    state = "passed" if figures["ok"] else "FAILED"
    print(f"Shopdesk self-test {state} in {figures['seconds']} s")
    for key, value in figures.items():
        if key not in ("ok", "problems"):
            print(f"  {key}: {value}")
    for problem in figures["problems"]:
        print(f"  problem: {problem}")
