"""Each background service's state, as Health, the status bar and `shopdesk status` show it."""

from __future__ import annotations

from app.sync.deep_poll import DEEP_WINDOW_SECONDS, DeepPassInfo, fetch_deep_pass
from app.sync.health import SERVICES, TITLES, ServiceHealth, service_health, worst

__all__ = [
    "DEEP_WINDOW_SECONDS",
    "SERVICES",
    "TITLES",
    "DeepPassInfo",
    "ServiceHealth",
    "fetch_deep_pass",
    "service_health",
    "worst",
]
