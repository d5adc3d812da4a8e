"""The simulated world: shops, catalog, stock, orders, authorizations and call counters.

Only code running on the sandbox's event loop changes it (request handlers, the ticker);
tests may read `sandbox.state` but change the world through HTTP.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.sandbox import returns, transitions
from app.sandbox.auto_cancel import DueCancels
from app.sandbox.finance import Finance
from app.sandbox.ids import IdFactory
from app.sandbox.model import (
    AccessToken,
    AuthCode,
    Grant,
    OrderMeta,
    Package,
    Product,
    RefreshToken,
    Shop,
    Sku,
    Stock,
    Unit,
)
from app.sandbox.orders import Buyer, OrderOptions, build_order

DAY = 86400
EXPIRY_NOTICE_WINDOW = 30 * DAY  # 7-upcoming-authorization-expiration.md

Emitter = Callable[[Shop, str, dict[str, Any]], None]


class StockError(ValueError):
    """A buyer cannot order more than TikTok lists as available."""


@dataclass
class CallCounters:
    total: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    rejected_sign: int = 0
    hourly_refused: int = 0  # 429s of a development shop's hourly limit (part of throttled)

    def count(self, path: str) -> None:
        self.total += 1
        self.by_path[path] = self.by_path.get(path, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_path": dict(self.by_path),
            "throttled": self.throttled,
            "rejected_sign": self.rejected_sign,
            "hourly_refused": self.hourly_refused,
        }


@dataclass
class Seller:
    open_id: str
    name: str
    region: str
    active: bool = True  # an inactive seller may not update inventory (12052700)


class World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:live")
        self.ids = IdFactory(random.Random(f"{seed}:ids"))
        self.shops: dict[str, Shop] = {}
        self.by_cipher: dict[str, Shop] = {}
        self.sku_index: dict[str, tuple[Shop, Product, Sku]] = {}
        self.buyers: dict[str, list[Buyer]] = {}
        self.seller = Seller(open_id="", name="", region="US")
        self.shipping_providers: list[tuple[str, str]] = []
        self.pending_auto: dict[str, str] = {}  # order id -> shop id, while ON_HOLD
        self.pending_cancels: dict[str, str] = {}  # cancel id -> shop id, while PENDING
        self.due_cancels = DueCancels()  # TikTok's own cancellations at due times (9.5)
        self.grants: dict[str, Grant] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.codes: dict[str, AuthCode] = {}
        self.counters = CallCounters()
        self.finance = Finance()
        self.version = 0
        self.last_order_id = 10**18
        self._emitter: Emitter | None = None
        self._sorted: dict[tuple[str, str], tuple[int, list[dict[str, Any]]]] = {}

    # --- wiring ---------------------------------------------------------------------------------
    def set_emitter(self, emitter: Emitter | None) -> None:
        self._emitter = emitter

    def emit(self, shop: Shop, event_type: str, data: dict[str, Any]) -> None:
        if self._emitter is not None:
            self._emitter(shop, event_type, data)

    def add_shop(self, shop: Shop) -> None:
        self.shops[shop.id] = shop
        self.by_cipher[shop.cipher] = shop

    def index_product(self, shop: Shop, product: Product) -> None:
        shop.products[product.id] = product
        for sku in product.skus:
            self.sku_index[sku.id] = (shop, product, sku)

    # --- orders ---------------------------------------------------------------------------------
    def order_changed(self, shop: Shop, order: dict[str, Any]) -> None:
        self.version += 1
        self.due_cancels.note(shop, order)

    def stock_of(self, sku_id: str, warehouse_id: str) -> Stock:
        return self.sku_index[sku_id][2].stock[warehouse_id]

    def release(self, meta: OrderMeta, line_item_ids: set[str] | None = None) -> None:
        """Units handed to the carrier: no longer committed, and not sellable either."""
        for unit in self._held(meta, line_item_ids):
            self.stock_of(unit.sku_id, unit.warehouse_id).committed -= 1

    def give_back(self, meta: OrderMeta, line_item_ids: set[str] | None = None) -> None:
        """Cancelled units that never left: sellable again."""
        for unit in self._held(meta, line_item_ids):
            stock = self.stock_of(unit.sku_id, unit.warehouse_id)
            stock.committed -= 1
            stock.available += 1

    @staticmethod
    def _held(meta: OrderMeta, line_item_ids: set[str] | None) -> list[Unit]:
        """The order's held units (only those of `line_item_ids` when given), now let go."""
        units = [
            u
            for u in meta.units
            if u.held and (line_item_ids is None or u.line_item_id in line_item_ids)
        ]
        for unit in units:
            unit.held = False
        return units

    def next_order_id(self) -> str:
        """Order ids grow with time, like TikTok's."""
        self.last_order_id += self.rng.randrange(10**6, 10**8)
        return str(self.last_order_id)

    def find_order(self, order_id: str) -> tuple[Shop, dict[str, Any], OrderMeta] | None:
        for shop in self.shops.values():
            order = shop.orders.get(order_id)
            if order is not None:
                return shop, order, shop.order_meta[order_id]
        return None

    def find_package(self, package_id: str) -> tuple[Shop, Package] | None:
        for shop in self.shops.values():
            package = shop.packages.get(package_id)
            if package is not None:
                return shop, package
        return None

    def place_order(
        self,
        shop: Shop,
        lines: list[tuple[Product, Sku, int]],
        buyer: Buyer,
        at: int,
        options: OrderOptions,
        *,
        order_id: str | None = None,
        check_stock: bool = True,
    ) -> dict[str, Any]:
        """A buyer checks out: the order appears UNPAID and its units leave TikTok's available
        stock for committed stock (order-api-overview.json: orders hold inventory once created)."""
        if check_stock:
            for product, sku, quantity in lines:
                if product.status != "ACTIVATE":
                    raise StockError(f"product {product.id} is {product.status}, not for sale")
                available = sum(s.available for s in sku.stock.values())
                if quantity > available:
                    raise StockError(
                        f"SKU {sku.id} ({sku.seller_sku}) has {available} available, "
                        f"{quantity} ordered"
                    )
        oid = order_id or self.next_order_id()
        order, address = build_order(shop, self.ids, self.rng, oid, lines, buyer, at, options)
        units: list[Unit] = []
        default = shop.default_warehouse.id
        for item in order["line_items"]:
            sku = self.sku_index[item["sku_id"]][2]
            candidates = [default, *sku.stock] if default in sku.stock else list(sku.stock)
            warehouse = next((w for w in candidates if sku.stock[w].available > 0), candidates[0])
            stock = sku.stock[warehouse]
            stock.available -= 1
            stock.committed += 1
            units.append(Unit(item["id"], sku.id, warehouse))
        order["warehouse_id"] = units[0].warehouse_id if units else default
        shop.orders[oid] = order
        shop.order_meta[oid] = OrderMeta(shop_id=shop.id, units=units, address=address)
        self.order_changed(shop, order)
        self.emit(
            shop,
            "ORDER_STATUS_CHANGE",
            {
                "order_id": oid,
                "order_status": "UNPAID",
                "is_on_hold_order": order["is_on_hold_order"],
                "update_time": at,
            },
        )
        return order

    def transition(self, shop: Shop, order_id: str, target: str, at: int, **kwargs: Any) -> None:
        order = shop.orders[order_id]
        transitions.apply(self, shop, order, shop.order_meta[order_id], target, at, **kwargs)

    def sorted_orders(self, shop: Shop, sort_field: str) -> list[dict[str, Any]]:
        """The shop's orders by (sort_field, id) ascending, cached until an order changes."""
        key = (shop.id, sort_field)
        cached = self._sorted.get(key)
        if cached is not None and cached[0] == self.version:
            return cached[1]
        ordered = sorted(shop.orders.values(), key=lambda o: (o[sort_field], int(o["id"])))
        self._sorted[key] = (self.version, ordered)
        return ordered

    # --- time -----------------------------------------------------------------------------------
    def tick(self, now: int) -> None:
        """Apply what TikTok does by itself by `now`: the end of remorse windows (FACTS.md 4.3),
        orders not shipped or collected by their due times (auto_cancel, FACTS.md 9.5),
        buyers' cancellation requests left unanswered past their deadline, return requests
        (returns.tick), and daily notices of authorizations expiring within 30 days."""
        due: list[tuple[int, str, str]] = []
        for order_id, shop_id in self.pending_auto.items():
            meta = self.shops[shop_id].order_meta[order_id]
            if meta.auto_at is not None and meta.auto_at <= now:
                due.append((meta.auto_at, order_id, shop_id))
        for at, order_id, shop_id in sorted(due):
            self.transition(self.shops[shop_id], order_id, "AWAITING_SHIPMENT", at)
        self.due_cancels.run(self, now)  # not shipped or collected by its due time
        answers: list[tuple[int, str, str]] = []
        for cancel_id, shop_id in self.pending_cancels.items():
            deadline = self.shops[shop_id].cancellations[cancel_id].deadline
            if deadline is not None and deadline <= now:
                answers.append((deadline, cancel_id, shop_id))
        for at, cancel_id, shop_id in sorted(answers):
            # Unanswered by the deadline: the system accepts the buyer's request.
            order_id = self.shops[shop_id].cancellations[cancel_id].order_id
            self.transition(self.shops[shop_id], order_id, "CANCELLED", at)
        for shop in self.shops.values():
            returns.tick(self, shop, now)
        for grant in self.grants.values():
            if not grant.active or not grant.refresh_expires_at - EXPIRY_NOTICE_WINDOW <= now:
                continue
            if now >= grant.refresh_expires_at:
                continue
            day = now // DAY
            if day in grant.notified_days:
                continue
            grant.notified_days.add(day)
            days_left = -(-(grant.refresh_expires_at - now) // DAY)
            for shop_id in grant.shop_ids:
                self.emit(
                    self.shops[shop_id],
                    "UPCOMING_AUTHORIZATION_EXPIRATION",
                    {
                        "message": f"Authorization of shop_id {shop_id} is expiring in "
                        f"{days_left} days. Please direct the merchant to re-authorize.",
                        "expiration_time": str(grant.refresh_expires_at),
                    },
                )
        self.finance.catch_up(self.shops.values(), now)  # statements at 00:00 UTC

    # --- authorization --------------------------------------------------------------------------
    def deauthorize(self, shop_ids: list[str]) -> int:
        """The seller cancels the app's authorization for these shops (seller-authorization-guide):
        a SELLER_DEAUTHORIZATION push per shop, and tokens stop working once no shop is left."""
        affected = 0
        for grant in self.grants.values():
            if not grant.active:
                continue
            removed = [s for s in grant.shop_ids if s in shop_ids]
            if not removed:
                continue
            affected += 1
            for shop_id in removed:
                self.emit(
                    self.shops[shop_id],
                    "SELLER_DEAUTHORIZATION",
                    {"message": f"Shop_id {shop_id} is deauthorized from your APP by merchant."},
                )
            grant.shop_ids = [s for s in grant.shop_ids if s not in removed]
            if not grant.shop_ids:
                grant.active = False
                for token in self.access_tokens.values():
                    if token.grant_id == grant.id:
                        token.revoked = True
                for refresh in self.refresh_tokens.values():
                    if refresh.grant_id == grant.id:
                        refresh.revoked = True
        return affected
