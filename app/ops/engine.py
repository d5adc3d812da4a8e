"""Running the sync engine: the one writer, and how its reports reach a caller.

The GUI's host and `shopdesk sync` start a `SyncEngine` with `EngineCallbacks`; every write
either of them asks for goes through `run_write` and comes back as `Changes`.
"""

from __future__ import annotations

from app.store.stock_levels import StockWarning
from app.sync.engine import EngineCallbacks, EngineStatus, SyncEngine, WebhookOptions
from app.sync.fulfillment import WritesResult
from app.sync.fulfillment_service import TRACKING_WARNING
from app.sync.outlet import Notice

__all__ = [
    "TRACKING_WARNING",
    "EngineCallbacks",
    "EngineStatus",
    "Notice",
    "StockWarning",
    "SyncEngine",
    "WebhookOptions",
    "WritesResult",
]
