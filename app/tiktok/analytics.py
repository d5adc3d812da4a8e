"""Shop, SKU and product performance by day (FACTS.md 9.8; scope
data.shop_analytics.public.read). Dates are the shop's local dates, end exclusive; data is
ready up to `latest_available_date`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import date

from app.tiktok.client import TikTokClient
from app.tiktok.errors import TikTokError
from app.tiktok.finance import follow, parse
from app.tiktok.models.insights import ProductPerformancePage, ShopPerformance, SkuPerformancePage
from app.tiktok.money_errors import typed

SHOP_PERFORMANCE = "/analytics/202405/shop/performance"
SKU_PERFORMANCE = "/analytics/202406/shop_skus/performance"
PRODUCT_PERFORMANCE = "/analytics/202405/shop_products/performance"
MAX_PAGE = 100
SKU_SORTS = ("gmv", "sku_orders", "units_sold")
PRODUCT_SORTS = ("gmv", "order_count", "unit_sold_count", "click_through_rate")


def _check_range(start: date, end: date) -> None:
    if start >= end:
        raise ValueError("the start date must come before the end date (end is exclusive)")


def _check(start: date, end: date, sort_field: str, sorts: tuple[str, ...], size: int) -> None:
    _check_range(start, end)
    if sort_field not in sorts:
        raise ValueError(f"sort_field must be one of {', '.join(sorts)}")
    if not 1 <= size <= MAX_PAGE:
        raise ValueError(f"page_size must be 1..{MAX_PAGE}")


class AnalyticsApi:
    """Analytics calls over one client; errors typed like the finance ones."""

    def __init__(self, client: TikTokClient) -> None:
        self.client = client

    async def _get(self, api: str, query: dict[str, str | int | None]) -> dict[str, object]:
        try:
            return await self.client.call("GET", api, query=query)
        except TikTokError as exc:
            raise typed(exc) from None

    async def shop_performance(
        self,
        start: date,
        end: date,
        *,
        daily: bool = True,
        with_comparison: bool = False,
        currency: str = "LOCAL",
    ) -> ShopPerformance:
        """Shop metrics for [start, end): one interval per day (`daily`) or one in all."""
        _check_range(start, end)
        data = await self._get(
            SHOP_PERFORMANCE,
            {
                "start_date_ge": start.isoformat(),
                "end_date_lt": end.isoformat(),
                "granularity": "1D" if daily else "ALL",
                "with_comparison": "true" if with_comparison else "false",
                "currency": currency,
            },
        )
        performance = data.get("performance")
        body = {**(performance if isinstance(performance, dict) else {})}
        body["latest_available_date"] = data.get("latest_available_date")
        return parse(ShopPerformance, body, SHOP_PERFORMANCE)

    async def sku_performance(
        self,
        start: date,
        end: date,
        *,
        product_id: str | None = None,
        sort_field: str = "gmv",
        sort_order: str = "DESC",
        page_token: str = "",
        page_size: int = MAX_PAGE,
        currency: str = "LOCAL",
    ) -> SkuPerformancePage:
        """One page of SKUs with their sales over [start, end)."""
        _check(start, end, sort_field, SKU_SORTS, page_size)
        data = await self._get(
            SKU_PERFORMANCE,
            {
                "start_date_ge": start.isoformat(),
                "end_date_lt": end.isoformat(),
                "product_id": product_id,
                "sort_field": sort_field,
                "sort_order": sort_order,
                "page_token": page_token or None,
                "page_size": page_size,
                "currency": currency,
            },
        )
        return parse(SkuPerformancePage, data, SKU_PERFORMANCE)

    async def iter_sku_performance(
        self, start: date, end: date, *, product_id: str | None = None
    ) -> AsyncGenerator[SkuPerformancePage, None]:
        """Every page of SKU performance, best sellers first."""

        async def fetch(token: str) -> SkuPerformancePage:
            return await self.sku_performance(start, end, product_id=product_id, page_token=token)

        async with aclosing(follow(fetch, lambda p: p.skus)) as pages:
            async for page in pages:
                yield page

    async def product_performance(
        self,
        start: date,
        end: date,
        *,
        sort_field: str = "gmv",
        sort_order: str = "DESC",
        page_token: str = "",
        page_size: int = MAX_PAGE,
        currency: str = "LOCAL",
    ) -> ProductPerformancePage:
        """One page of products with their sales and click-through rate over [start, end)."""
        _check(start, end, sort_field, PRODUCT_SORTS, page_size)
        data = await self._get(
            PRODUCT_PERFORMANCE,
            {
                "start_date_ge": start.isoformat(),
                "end_date_lt": end.isoformat(),
                "sort_field": sort_field,
                "sort_order": sort_order,
                "page_token": page_token or None,
                "page_size": page_size,
                "currency": currency,
            },
        )
        return parse(ProductPerformancePage, data, PRODUCT_PERFORMANCE)
