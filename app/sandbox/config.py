"""One sandbox run's settings, so tests, the CLI and the demo describe a shop the same way."""

from __future__ import annotations

from dataclasses import dataclass

#: Scope keys (spec-json `scope_list[].scope_key`) with the human names of their API packages
#: (`package_name`), shown on the authorization page.
SCOPE_NAMES: dict[str, str] = {
    "seller.authorization.info": "Shop Authorized Information",
    "seller.shop.info": "Global Shop Information",
    "seller.order.info": "Order Information",
    "seller.product.basic": "Product Basic",
    "seller.product.write": "Product Modify",
    "seller.logistics": "Logistics Basic",
    "seller.fulfillment.basic": "Fulfillment Basic",
    "seller.return_refund.basic": "Return & Refund Basic",
    "seller.finance.info": "Finance Information",
    "data.shop_analytics.public.read": "TikTok Shop Analytics",
}

#: Everything Shopdesk needs: orders, products and stock, warehouses, shops, webhooks, shipping,
#: money and analytics.
DEFAULT_SCOPES: tuple[str, ...] = tuple(SCOPE_NAMES)

DEFAULT_REDIRECT_URL = "http://127.0.0.1:8765/callback"

#: Markets the sandbox can play (get-authorized-shops: `region`, `seller_type`).
REGIONS: tuple[str, ...] = ("US", "GB")
SELLER_TYPES: tuple[str, ...] = ("LOCAL", "CROSS_BORDER")
#: A seller type whose US shop gets each order's package from TikTok before shipping, as the app's
#: Ship Package flow needs: the demo and the app's tests play it until Shopdesk buys TikTok
#: Shipping labels for US local shops (issue 16; FACTS.md 9.3).
PACKAGE_FIRST_SELLER_TYPE = "CROSS_BORDER"


@dataclass(frozen=True)
class SandboxConfig:
    """What the simulated TikTok Shop looks like and how it misbehaves.

    `faults` sets every *_rate of the fault settings at once (see `faults.FaultSettings`).
    `epoch` pins the shop clock's start (and so every generated time); None means now.
    `app_key`, `app_secret` and `service_id` are random when None.
    `region` and `seller_type` choose the market: US and UK local sellers get no package before
    shipping (FACTS.md 9.3). `document_ttl` is how long a shipping document link works and
    `carrier_scan_delay` when the carrier first scans a bought label (0: only by admin call),
    both in shop-clock seconds; `label_allocation` makes TikTok pick the one service.
    """

    seed: int = 7
    orders: int = 300
    products: int = 20
    qps: float = 50.0
    faults: float = 0.0
    order_rate: float = 0.0
    app_key: str | None = None
    app_secret: str | None = None
    redirect_url: str = DEFAULT_REDIRECT_URL
    access_ttl: int = 7 * 86400
    refresh_ttl: int = 365 * 86400
    shops: int = 1
    granted_scopes: tuple[str, ...] = DEFAULT_SCOPES
    webhook_time_scale: float = 1.0
    host: str = "127.0.0.1"
    port: int = 0
    history_days: int = 60
    epoch: int | None = None
    service_id: str | None = None
    region: str = "US"
    seller_type: str = "LOCAL"
    label_allocation: bool = True
    document_ttl: int = 86400
    carrier_scan_delay: int = 36 * 3600
    #: The Partner Center the app is registered in ("global" or "us"): which service link host
    #: knows its service_id (FACTS.md 9.1).
    partner_center: str = "global"
    #: Development shops: at most this many API calls an hour per shop, then HTTP 429
    #: (FACTS.md 9.2); None is a production shop.
    max_per_hour: int | None = None

    def __post_init__(self) -> None:
        if self.orders < 0 or self.products < 1 or self.shops < 1:
            raise ValueError("orders must be >= 0, products and shops >= 1")
        if self.qps <= 0:
            raise ValueError("qps must be positive")
        if not 0.0 <= self.faults <= 1.0:
            raise ValueError("faults must be a rate between 0 and 1")
        if self.order_rate < 0 or self.webhook_time_scale <= 0:
            raise ValueError("order_rate must be >= 0 and webhook_time_scale > 0")
        if self.access_ttl <= 0 or self.refresh_ttl <= 0:
            raise ValueError("token lifetimes must be positive")
        if self.region not in REGIONS:
            raise ValueError(f"region must be one of {', '.join(REGIONS)}")
        if self.seller_type not in SELLER_TYPES:
            raise ValueError(f"seller_type must be one of {', '.join(SELLER_TYPES)}")
        if self.document_ttl <= 0 or self.carrier_scan_delay < 0:
            raise ValueError("document_ttl must be positive and carrier_scan_delay >= 0")
        if self.partner_center not in ("global", "us"):
            raise ValueError("partner_center must be global or us")
        if self.max_per_hour is not None and self.max_per_hour < 1:
            raise ValueError("max_per_hour must be at least 1")
