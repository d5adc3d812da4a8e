"""What a notification says and where clicking it leads."""

from __future__ import annotations

from dataclasses import dataclass

ORDERS, CANCELLATIONS, INVENTORY, QUEUE, ERRORS, HEALTH, SETTINGS = (
    "orders",
    "cancellations",
    "inventory",
    "queue",
    "errors",
    "health",
    "settings",
)
PACK = "pack"
RETURNS = "returns"
MONEY = "money"

#: Notification categories, each switched on or off by a `notify_*` setting.
CATEGORY_SETTINGS = {
    "orders": "notify_new_orders",
    "stock": "notify_stock",
    "sync": "notify_sync_failures",
    "authorization": "notify_authorization",
    "cancellations": "notify_cancellations",
    "returns": "notify_returns",
}


@dataclass(frozen=True)
class Notice:
    """A desktop notification: its words, its category and the tab and row it opens."""

    title: str
    text: str
    category: str
    tab: str
    ref: str = ""
    level: str = "info"  # info | warning | error
