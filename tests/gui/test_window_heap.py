"""The window sets its start-up objects aside from full collections once the engine is up,
and hands them back when it closes (nothing set aside outlives the window)."""

from __future__ import annotations

import gc
from typing import Any


def test_start_up_is_set_aside_while_the_window_runs_and_handed_back_on_close(
    gui_shop: Any, open_window: Any
) -> None:
    window = open_window(gui_shop.context(), wait_for_orders=False)
    assert gc.get_freeze_count() > 10_000  # the window, its tabs, Qt's and the app's modules
    window.close()
    assert gc.get_freeze_count() == 0
