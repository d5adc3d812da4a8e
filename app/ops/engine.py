"""Running the sync engine: the one writer, and how its reports reach a caller.

The GUI's host and `shopdesk sync` start a `SyncEngine` with `EngineCallbacks`; every write
either of them asks for goes through `run_write` and comes back as `Changes`. The engine's own
modules (HTTP, the webhook receiver, every service) load only when `engine_class` is called,
so a window can paint its list before they are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.stock_levels import StockWarning
from app.sync.engine_status import (
    TRACKING_WARNING,
    EngineCallbacks,
    EngineStatus,
    WebhookOptions,
)
from app.sync.fulfillment import WritesResult
from app.sync.outlet import Notice

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine as SyncEngine

__all__ = [
    "TRACKING_WARNING",
    "EngineCallbacks",
    "EngineStatus",
    "Notice",
    "StockWarning",
    "WebhookOptions",
    "WritesResult",
    "engine_class",
]


def engine_class() -> type[SyncEngine]:
    """The engine's class, importing its modules on first use (a worker thread may do it)."""
    from app.sync.engine import SyncEngine

    return SyncEngine
