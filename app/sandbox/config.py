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
}

#: Everything Shopdesk needs: orders, products and stock, warehouses, shops, webhooks, shipping.
DEFAULT_SCOPES: tuple[str, ...] = tuple(SCOPE_NAMES)

DEFAULT_REDIRECT_URL = "http://127.0.0.1:8765/callback"
#: Shop regions the sandbox can play, with their currency (Get Authorized Shops `region`).
CURRENCIES: dict[str, str] = {
    "US": "USD",
    "GB": "GBP",
    "DE": "EUR",
    "ES": "EUR",
    "FR": "EUR",
    "IE": "EUR",
    "IT": "EUR",
    "ID": "IDR",
    "MY": "MYR",
    "PH": "PHP",
    "SG": "SGD",
    "TH": "THB",
    "VN": "VND",
    "MX": "MXN",
    "BR": "BRL",
    "JP": "JPY",
}


@dataclass(frozen=True)
class SandboxConfig:
    """What the simulated TikTok Shop looks like and how it misbehaves.

    `faults` sets every *_rate of the fault settings at once (see `faults.FaultSettings`).
    `epoch` pins the shop clock's start (and so every generated time); None means now.
    `app_key`, `app_secret` and `service_id` are random when None.
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
    #: The shop's market: reasons, the US cancellation rule and tracking warnings follow it.
    region: str = "US"
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
        if self.region not in CURRENCIES:
            raise ValueError(f"region must be one of {', '.join(CURRENCIES)}")
        if self.partner_center not in ("global", "us"):
            raise ValueError("partner_center must be global or us")
        if self.max_per_hour is not None and self.max_per_hour < 1:
            raise ValueError("max_per_hour must be at least 1")
