"""The window paints its Orders list before anything reads a secret, runs a coroutine or needs
sqlite-utils: the keyring (and what it loads to find its backends), asyncio, the HTTP client
and sqlite-utils (with click, dateutil, pluggy) wait for the engine or the other views, and no
model has built its validator yet."""

from __future__ import annotations

from tests.gui.test_window_start import CHILD, _stored_shop, run_child

#: The real app's store (`SecretStore()`, keyring chosen on first use), not the test's, and
#: the command line's modules loaded first, as `shopdesk` loads them before its window.
REAL_STORE_CHILD = (
    CHILD.replace("SecretStore.in_memory()", "SecretStore()")
    .replace(
        'seen["modules"] = sorted(sys.modules)',
        'seen["modules"] = sorted(sys.modules); seen["engine"] = window.host.engine is not None; '
        'from app.tiktok.models import Order; seen["order_built"] = Order.__pydantic_complete__',
    )
    .replace(
        "from app.config import Paths, load_settings",
        "import app.cli, app.commands.common\nfrom app.config import Paths, load_settings",
    )
)

#: What a window on a stored shop must not have loaded before its list paints: the keyring,
#: the event loop (the GUI's worker loop, the engine's) with the HTTP client it drives, and
#: sqlite-utils (the list reads through a plain sqlite3 connection) with the order store.
NOT_BEFORE_THE_LIST = (
    "sqlite_utils",
    "click",
    "dateutil",
    "pluggy",
    "app.store.orders",
    "app.store.db",
    "keyring",
    "jaraco.context",
    "importlib_metadata",
    "http.client",
    "asyncio",
    "app.gui.worker_loop",
    "httpx",
    "ssl",
)


def test_the_list_paints_before_the_keyring_an_event_loop_sqlite_utils_or_a_validator(
    gui_shop, open_window, qtbot, tmp_path
) -> None:
    stored = _stored_shop(gui_shop, open_window, qtbot)
    assert REAL_STORE_CHILD != CHILD and "import app.cli" in REAL_STORE_CHILD
    seen = run_child(
        REAL_STORE_CHILD,
        str(gui_shop.paths.root),
        PYTHON_KEYRING_BACKEND="tests.file_keyring.FileKeyring",
        SHOPDESK_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
    )
    assert seen["rows"] == stored and seen["engine"] is False
    assert [m for m in NOT_BEFORE_THE_LIST if m in set(seen["modules"])] == []
    assert seen["order_built"] is False
