"""Pydantic models for what the app shows or computes with; wire names kept as TikTok's."""

from app.tiktok.models.auth import Shop, Token
from app.tiktok.models.base import TikTokModel
from app.tiktok.models.order import (
    OPEN_STATUSES,
    ORDER_FLAGS,
    LineItem,
    Order,
    OrderRow,
    OrderStatus,
    OrderType,
    Payment,
    RecipientAddress,
)
from app.tiktok.models.product import (
    InventoryLevel,
    InventorySku,
    InventoryUpdateError,
    Product,
    ProductStatus,
    Sku,
    SkuInventory,
    Warehouse,
    WarehouseInventory,
)
from app.tiktok.models.webhook import (
    SUBSCRIBABLE,
    CancellationStatusChange,
    EventType,
    OrderStatusChange,
    WebhookEvent,
    WebhookSubscription,
)

__all__ = [
    "OPEN_STATUSES",
    "ORDER_FLAGS",
    "SUBSCRIBABLE",
    "CancellationStatusChange",
    "EventType",
    "InventoryLevel",
    "InventorySku",
    "InventoryUpdateError",
    "LineItem",
    "Order",
    "OrderRow",
    "OrderStatus",
    "OrderStatusChange",
    "OrderType",
    "Payment",
    "Product",
    "ProductStatus",
    "RecipientAddress",
    "Shop",
    "Sku",
    "SkuInventory",
    "TikTokModel",
    "Token",
    "Warehouse",
    "WarehouseInventory",
    "WebhookEvent",
    "WebhookSubscription",
]
