"""The records the simulated shop is made of, and how products look on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.sandbox.returns_model import ShopReturns

#: Product status -> audit status (search-products spec: NONE for drafts, frozen, deactivated).
AUDIT_FOR_STATUS = {
    "ACTIVATE": "APPROVED",
    "PENDING": "AUDITING",
    "FAILED": "FAILED",
    "DRAFT": "NONE",
    "SELLER_DEACTIVATED": "NONE",
    "PLATFORM_DEACTIVATED": "NONE",
    "FREEZE": "NONE",
    "DELETED": "NONE",
}


def money(value: Decimal) -> str:
    """Money on the wire: a decimal string with two places (DESIGN.md 4)."""
    return str(value.quantize(Decimal("0.01")))


@dataclass
class Warehouse:
    id: str
    entity_id: str
    name: str
    type: str  # SALES_WAREHOUSE | RETURN_WAREHOUSE
    is_default: bool
    address: dict[str, Any]
    effect_status: str = "ENABLED"
    sub_type: str = "DOMESTIC_WAREHOUSE"

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity_id": self.entity_id,
            "name": self.name,
            "effect_status": self.effect_status,
            "type": self.type,
            "sub_type": self.sub_type,
            "is_default": self.is_default,
            "address": dict(self.address),
        }


@dataclass
class Stock:
    """TikTok's side of one SKU in one warehouse: sellable now, and held by open orders."""

    available: int
    committed: int = 0


@dataclass
class Sku:
    id: str
    product_id: str
    seller_sku: str
    attributes: list[tuple[str, str, str, str]]  # (attribute id, name, value id, value name)
    price: Decimal
    image: str
    stock: dict[str, Stock] = field(default_factory=dict)  # warehouse id -> stock, in order

    @property
    def name(self) -> str:
        return ", ".join(a[3] for a in self.attributes)

    def inventory_api(self) -> list[dict[str, Any]]:
        return [{"warehouse_id": w, "quantity": s.available} for w, s in self.stock.items()]

    def price_api(self, currency: str) -> dict[str, Any]:
        # US local sellers: the display price is tax exclusive (search-products spec).
        return {
            "currency": currency,
            "sale_price": money(self.price),
            "tax_exclusive_price": money(self.price),
        }


@dataclass
class Product:
    id: str
    shop_id: str
    title: str
    description: str
    status: str
    create_time: int
    update_time: int
    category: list[dict[str, Any]]
    brand: dict[str, str]
    image: str
    skus: list[Sku] = field(default_factory=list)
    package_weight: tuple[str, str] = ("0.4", "KILOGRAM")  # (value, KILOGRAM | POUND)
    package_dimensions: tuple[str, str, str, str] = ("20", "15", "5", "CENTIMETER")
    #: In a running promotion: its stock may not go below the current level (12052393).
    promotion_locked: bool = False

    def audit_api(self) -> dict[str, Any]:
        return {"status": AUDIT_FOR_STATUS[self.status], "pre_approved_reasons": []}

    def to_search_api(self, currency: str, region: str) -> dict[str, Any]:
        """The shape of one `products[]` entry of Search Products."""
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "skus": [
                {
                    "id": s.id,
                    "seller_sku": s.seller_sku,
                    "price": s.price_api(currency),
                    "inventory": s.inventory_api(),
                    "status_info": {"status": "NORMAL"},
                }
                for s in self.skus
            ],
            "sales_regions": [region],
            "create_time": self.create_time,
            "update_time": self.update_time,
            "audit": self.audit_api(),
            "is_not_for_sale": False,
            "has_draft": False,
            "listing_quality_tier": "GOOD",
        }

    def to_detail_api(self, currency: str) -> dict[str, Any]:
        """The `data` of Get Product."""
        image = {
            "height": 800,
            "width": 800,
            "uri": self.image,
            "urls": [f"https://p16-sandbox.example/{self.image}~tplv-800.jpeg"],
            "thumb_urls": [f"https://p16-sandbox.example/{self.image}~tplv-200.jpeg"],
        }
        return {
            "id": self.id,
            "status": self.status,
            "title": self.title,
            "description": self.description,
            "category_chains": [dict(c) for c in self.category],
            "brand": dict(self.brand),
            "main_images": [image],
            "package_dimensions": dict(
                zip(("length", "width", "height", "unit"), self.package_dimensions, strict=True)
            ),
            "package_weight": {"value": self.package_weight[0], "unit": self.package_weight[1]},
            "skus": [
                {
                    "id": s.id,
                    "seller_sku": s.seller_sku,
                    "price": s.price_api(currency),
                    "inventory": s.inventory_api(),
                    "sales_attributes": [
                        {"id": a[0], "name": a[1], "value_id": a[2], "value_name": a[3]}
                        for a in s.attributes
                    ],
                    "status_info": {"status": "NORMAL"},
                }
                for s in self.skus
            ],
            "is_cod_allowed": False,
            "update_time": self.update_time,
            "create_time": self.create_time,
            "audit": self.audit_api(),
            "is_not_for_sale": False,
            "has_draft": False,
            "listing_quality_tier": "GOOD",
        }


@dataclass
class Subscription:
    event_type: str
    address: str
    create_time: int
    update_time: int


@dataclass
class Shop:
    id: str
    name: str
    region: str
    currency: str
    seller_type: str
    cipher: str
    code: str
    warehouses: list[Warehouse] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    order_meta: dict[str, OrderMeta] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    packages: dict[str, Package] = field(default_factory=dict)
    cancellations: dict[str, Cancellation] = field(default_factory=dict)
    #: Approve/Reject Cancellation and Return `idempotency_key` -> (action, id) it already did.
    idempotency: dict[str, tuple[str, str]] = field(default_factory=dict)
    returns: ShopReturns = field(default_factory=ShopReturns)

    def to_authorized_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "seller_type": self.seller_type,
            "cipher": self.cipher,
            "code": self.code,
        }

    @property
    def default_warehouse(self) -> Warehouse:
        return next(w for w in self.warehouses if w.is_default)


@dataclass
class Unit:
    """One line item's unit of stock: where it was taken from and whether it is still held."""

    line_item_id: str
    sku_id: str
    warehouse_id: str
    held: bool = True  # committed on TikTok's side until handed to the carrier or cancelled


@dataclass
class OrderMeta:
    """What the sandbox must remember about an order that the wire format does not carry."""

    shop_id: str
    units: list[Unit]
    address: dict[str, Any]
    auto_at: int | None = None  # when ON_HOLD turns into AWAITING_SHIPMENT by itself
    cancel_id: str | None = None  # the order's latest cancellation record
    sla_before_request: int | None = None  # cancel_order_sla_time before a buyer's request


@dataclass
class Package:
    """A parcel of line items: opened when the order awaits shipment, then shipped, collected
    and delivered (`status`: TO_FULFILL, PROCESSING, FULFILLING, COMPLETED, CANCELLED)."""

    id: str
    shop_id: str
    order_ids: list[str]
    line_item_ids: list[str]
    create_time: int
    update_time: int
    shipping_type: str
    delivery_option_id: str
    delivery_option_name: str
    status: str = "TO_FULFILL"
    tag: str = "DEFAULT"  # split_and_combine_tag: DEFAULT | SPLIT | COMBINE
    tracking_number: str = ""
    provider_id: str = ""
    provider_name: str = ""
    handover_method: str | None = None
    pickup_slot: tuple[int, int] | None = None
    shipped_at: int | None = None
    #: `weight` / `dimension` given when the label was bought (Create Packages), as sent.
    weight: dict[str, str] | None = None
    dimension: dict[str, str] | None = None
    events: list[tuple[int, str]] = field(default_factory=list)  # carrier scans: (time, text)


@dataclass
class Cancellation:
    """One cancellation record as Search Cancellations lists it."""

    id: str
    shop_id: str
    order_id: str
    cancel_type: str  # CANCEL (seller or system) | BUYER_CANCEL
    role: str  # who initiated: BUYER | SELLER | SYSTEM
    status: str
    reason: str
    create_time: int
    update_time: int
    line_item_ids: list[str]
    refund: dict[str, str]
    lines: list[dict[str, Any]]
    deadline: int | None = None  # the seller must answer a buyer's request by then
    reject_reason: str | None = None


@dataclass
class Grant:
    """One seller's authorization of the app: which shops, which scopes, until when."""

    id: str
    app_key: str
    shop_ids: list[str]
    scopes: tuple[str, ...]
    refresh_expires_at: int
    open_id: str
    seller_name: str
    region: str
    active: bool = True
    notified_days: set[int] = field(default_factory=set)


@dataclass
class AccessToken:
    token: str
    grant_id: str
    expires_at: int
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    grant_id: str
    access_token: str  # issued together; refreshing retires both
    revoked: bool = False


@dataclass
class AuthCode:
    code: str
    app_key: str
    shop_ids: list[str]
    scopes: tuple[str, ...]
    expires_at: int
    used: bool = False
