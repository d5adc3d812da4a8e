"""The TikTok Shop endpoints Shopdesk uses, speaking models instead of JSON."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.tiktok.client import TikTokClient
from app.tiktok.models import (
    InventoryLevel,
    InventoryUpdateError,
    Order,
    Product,
    Shop,
    Warehouse,
    WebhookSubscription,
)

#: Documented limits (FACTS.md 4.1, 4.2, 5).
MAX_ORDER_PAGE = 100
MAX_DETAIL_IDS = 50
MAX_PRODUCT_PAGE = 100
MAX_INVENTORY_PRODUCT_IDS = 100
MAX_INVENTORY_SKU_IDS = 600

ORDERS_SEARCH = "/order/202309/orders/search"
ORDERS_DETAIL = "/order/202309/orders"
PRODUCTS_SEARCH = "/product/202309/products/search"
PRODUCT_DETAIL = "/product/202309/products/{product_id}"
INVENTORY_SEARCH = "/product/202309/inventory/search"
INVENTORY_UPDATE = "/product/202309/products/{product_id}/inventory/update"
WAREHOUSES = "/logistics/202309/warehouses"
WEBHOOKS = "/event/202309/webhooks"
AUTHORIZED_SHOPS = "/authorization/202309/shops"


@dataclass
class OrderPage:
    """One page of order search, with what it takes to ask for the next.

    Orders stay as TikTok sent them (`raw_orders`); the store reads its columns from those
    directly, and full `Order` models are built only when someone asks for `orders`.
    """

    raw_orders: list[dict[str, Any]]
    next_page_token: str
    total_count: int

    @functools.cached_property
    def orders(self) -> list[Order]:
        """Full models of this page's orders."""
        return [Order.from_api(o) for o in self.raw_orders]

    def __len__(self) -> int:
        return len(self.raw_orders)

    @property
    def max_update_time(self) -> int | None:
        """The newest `update_time` on the page, for the sync cursor."""
        times = [int(o.get("update_time") or 0) for o in self.raw_orders]
        return max(times) if times else None


@dataclass
class ProductPage:
    """One page of product search."""

    products: list[Product]
    next_page_token: str
    total_count: int


@dataclass(frozen=True)
class OrderQuery:
    """Filters and sort for order search; None leaves a filter out."""

    order_status: str | None = None
    create_time_ge: int | None = None
    create_time_lt: int | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None
    shipping_type: str | None = None
    buyer_user_id: str | None = None
    is_buyer_request_cancel: bool | None = None
    warehouse_ids: tuple[str, ...] = ()
    sort_field: str = "update_time"
    sort_order: str = "ASC"
    page_size: int = MAX_ORDER_PAGE

    def body(self) -> dict[str, Any]:
        """The JSON body: only the filters that are set."""
        body: dict[str, Any] = {
            key: getattr(self, key)
            for key in (
                "order_status",
                "create_time_ge",
                "create_time_lt",
                "update_time_ge",
                "update_time_lt",
                "shipping_type",
                "buyer_user_id",
                "is_buyer_request_cancel",
            )
            if getattr(self, key) is not None
        }
        if self.warehouse_ids:
            body["warehouse_ids"] = list(self.warehouse_ids)
        return body


@dataclass
class InventoryUpdateResult:
    """SKUs TikTok accepted and the ones it refused, from one inventory update."""

    product_id: str
    errors: list[InventoryUpdateError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every SKU was taken."""
        return not self.errors


async def _let_it_send(rounds: int = 4) -> None:
    """Give a just-created request task a few turns so it is on the wire before we go on.

    A new task does not run until the creator awaits; without this the consumer's CPU work
    on the current page would happen before the next request even left.
    """
    for _ in range(rounds):
        await asyncio.sleep(0)


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class ShopApi:
    """Endpoint methods over one client (one app, one shop)."""

    def __init__(self, client: TikTokClient) -> None:
        self.client = client

    async def authorized_shops(self) -> list[Shop]:
        """Shops the seller authorized for this app (no shop_cipher on this path)."""
        data = await self.client.call("GET", AUTHORIZED_SHOPS)
        return [Shop.from_api(s) for s in data.get("shops") or []]

    async def _search_orders_raw(self, query: OrderQuery, page_token: str) -> dict[str, Any]:
        if not 1 <= query.page_size <= MAX_ORDER_PAGE:
            raise ValueError(f"page_size must be 1..{MAX_ORDER_PAGE}")
        return await self.client.call(
            "POST",
            ORDERS_SEARCH,
            query={
                "page_size": query.page_size,
                "sort_field": query.sort_field,
                "sort_order": query.sort_order,
                "page_token": page_token or None,
            },
            body=query.body(),
        )

    @staticmethod
    def _order_page(data: dict[str, Any]) -> OrderPage:
        return OrderPage(
            raw_orders=list(data.get("orders") or []),
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    async def search_orders(self, query: OrderQuery, page_token: str = "") -> OrderPage:
        """One page of orders matching `query`."""
        return self._order_page(await self._search_orders_raw(query, page_token))

    async def iter_order_pages(
        self, query: OrderQuery, page_token: str = ""
    ) -> AsyncGenerator[OrderPage, None]:
        """Every page in order, following `next_page_token` until TikTok stops giving one.

        The next page is requested before this one is parsed and handed over, so the
        network wait overlaps our own work. Close the iterator (`aclosing`) to stop early.
        """
        pending: asyncio.Future[dict[str, Any]] | None = asyncio.ensure_future(
            self._search_orders_raw(query, page_token)
        )
        try:
            while pending is not None:
                data = await pending
                token = str(data.get("next_page_token") or "")
                pending = (
                    asyncio.ensure_future(self._search_orders_raw(query, token))
                    if token and data.get("orders")
                    else None
                )
                if pending is not None:
                    await _let_it_send()
                yield self._order_page(data)
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending

    async def order_details_raw(self, order_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Orders by id as TikTok sent them, 50 per call as the API allows."""
        orders: list[dict[str, Any]] = []
        for chunk in _chunks(list(dict.fromkeys(order_ids)), MAX_DETAIL_IDS):
            data = await self.client.call("GET", ORDERS_DETAIL, query={"ids": chunk})
            orders.extend(data.get("orders") or [])
        return orders

    async def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        """Full order models by id."""
        return [Order.from_api(o) for o in await self.order_details_raw(order_ids)]

    async def search_products(
        self,
        *,
        page_token: str = "",
        page_size: int = MAX_PRODUCT_PAGE,
        status: str | None = None,
        update_time_ge: int | None = None,
        update_time_le: int | None = None,
        seller_skus: Sequence[str] = (),
    ) -> ProductPage:
        """One page of products (note `_le`, not `_lt`, on this API: FACTS.md 5)."""
        body: dict[str, Any] = {}
        if status is not None:
            body["status"] = status
        if update_time_ge is not None:
            body["update_time_ge"] = update_time_ge
        if update_time_le is not None:
            body["update_time_le"] = update_time_le
        if seller_skus:
            body["seller_skus"] = list(seller_skus)
        data = await self.client.call(
            "POST",
            PRODUCTS_SEARCH,
            query={"page_size": page_size, "page_token": page_token or None},
            body=body,
        )
        return ProductPage(
            products=[Product.from_api(p) for p in data.get("products") or []],
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    async def iter_product_pages(self, **filters: Any) -> AsyncGenerator[ProductPage, None]:
        """Every product page for the filters."""
        token = ""
        while True:
            page = await self.search_products(page_token=token, **filters)
            yield page
            if not page.next_page_token or not page.products:
                return
            token = page.next_page_token

    async def product(self, product_id: str) -> Product:
        """One product with every SKU and its warehouses."""
        data = await self.client.call(
            "GET", PRODUCT_DETAIL.format(product_id=product_id), api=PRODUCT_DETAIL
        )
        return Product.from_api(data)

    async def inventory(
        self, *, product_ids: Sequence[str] = (), sku_ids: Sequence[str] = ()
    ) -> list[InventoryLevel]:
        """Available and committed units per warehouse, chunked to the documented maximums."""
        levels: list[InventoryLevel] = []
        if sku_ids:
            chunks = [{"sku_ids": c} for c in _chunks(sku_ids, MAX_INVENTORY_SKU_IDS)]
        else:
            chunks = [{"product_ids": c} for c in _chunks(product_ids, MAX_INVENTORY_PRODUCT_IDS)]
        for body in chunks:
            data = await self.client.call("POST", INVENTORY_SEARCH, body=body)
            levels.extend(InventoryLevel.from_api(i) for i in data.get("inventory") or [])
        return levels

    async def update_inventory(
        self, product_id: str, quantities: dict[str, dict[str, int]]
    ) -> InventoryUpdateResult:
        """Set TikTok's quantity: {sku_id: {warehouse_id: quantity}} for one product.

        Setting absolute quantities is idempotent, so this write is safe to retry.
        """
        body = {
            "skus": [
                {
                    "id": sku_id,
                    "inventory": [
                        {"warehouse_id": wid, "quantity": qty} for wid, qty in warehouses.items()
                    ],
                }
                for sku_id, warehouses in quantities.items()
            ]
        }
        data = await self.client.call(
            "POST",
            INVENTORY_UPDATE.format(product_id=product_id),
            api=INVENTORY_UPDATE,
            body=body,
            idempotent=True,
        )
        errors = [InventoryUpdateError.from_api(e) for e in data.get("errors") or []]
        return InventoryUpdateResult(product_id, errors)

    async def warehouses(self) -> list[Warehouse]:
        """The seller's warehouses."""
        data = await self.client.call("GET", WAREHOUSES)
        return [Warehouse.from_api(w) for w in data.get("warehouses") or []]

    async def webhooks(self) -> list[WebhookSubscription]:
        """Current webhook subscriptions of the shop."""
        data = await self.client.call("GET", WEBHOOKS)
        return [WebhookSubscription.from_api(w) for w in data.get("webhooks") or []]

    async def subscribe_webhook(self, event_type: str, address: str) -> None:
        """Point one event type at `address` (PUT replaces, so it is safe to repeat)."""
        await self.client.call("PUT", WEBHOOKS, body={"address": address, "event_type": event_type})

    async def unsubscribe_webhook(self, event_type: str) -> None:
        """Stop pushes of one event type."""
        await self.client.call("DELETE", WEBHOOKS, body={"event_type": event_type})
