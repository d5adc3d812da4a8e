"""An order's price detail and the shop's performance by day (FACTS.md 9.8)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from app.tiktok.models.amounts import Amount
from app.tiktok.models.base import Id, RawModel, TikTokModel


class PriceLine(TikTokModel):
    """The price of the order or of one line item (get-price-detail spec formulas hold:
    payment = sku_sale_price + shipping_sale_price + tax_amount + small_order_fee)."""

    id: Id = ""
    currency: str = ""
    total: Amount = "0"
    payment: Amount = "0"
    sku_list_price: Amount = "0"
    sku_sale_price: Amount = "0"
    subtotal: Amount = "0"
    subtotal_deduction_seller: Amount = "0"
    subtotal_deduction_platform: Amount = "0"
    subtotal_tax_amount: Amount = "0"
    voucher_deduction_platform: str = ""
    voucher_deduction_seller: str = ""
    shipping_list_price: Amount = "0"
    shipping_sale_price: Amount = "0"
    shipping_fee_deduction_seller: Amount = "0"
    shipping_fee_deduction_platform: Amount = "0"
    shipping_fee_deduction_platform_voucher: str = ""
    tax_amount: Amount = "0"
    tax_rate: str = ""
    net_price_amount: Amount = "0"
    cod_fee: Amount = "0"
    sku_gift_original_price: Amount = "0"
    sku_gift_net_price: Amount = "0"


class PriceDetail(PriceLine, RawModel):
    """Get Price Detail: the order's figures and each line item's."""

    cod_fee_net_amount: Amount = "0"
    line_items: list[PriceLine] = Field(default_factory=list)


class Gmv(TikTokModel):
    amount: Amount = "0"
    currency: str = ""


class GmvBreakdown(Gmv):
    type: str = ""  # LIVE | VIDEO | PRODUCT_CARD


class CountBreakdown(TikTokModel):
    amount: int = 0
    type: str = ""


class PerformanceInterval(TikTokModel):
    """One interval (a day with granularity 1D) of Get Shop Performance; end exclusive."""

    start_date: date
    end_date: date
    gmv: Gmv = Field(default_factory=Gmv)
    gmv_breakdowns: list[GmvBreakdown] = Field(default_factory=list)
    sku_orders: int = 0
    orders: int = 0
    avg_order_value: Gmv = Field(default_factory=Gmv)
    units_sold: int = 0
    buyers: int = 0
    buyer_breakdowns: list[CountBreakdown] = Field(default_factory=list)
    product_impressions: int = 0
    product_impression_breakdowns: list[CountBreakdown] = Field(default_factory=list)
    product_page_views: int = 0
    product_page_view_breakdowns: list[CountBreakdown] = Field(default_factory=list)
    avg_product_page_visitors: int = 0
    avg_product_page_visitor_breakdowns: list[CountBreakdown] = Field(default_factory=list)
    refunds: Gmv = Field(default_factory=Gmv)
    cancellations_and_returns: int = 0


class ShopPerformance(TikTokModel):
    intervals: list[PerformanceInterval] = Field(default_factory=list)
    comparison_intervals: list[PerformanceInterval] = Field(default_factory=list)
    latest_available_date: date | None = None


class SkuPerformance(TikTokModel):
    """A SKU's sales over the range (ids arrive as JSON numbers; kept as text)."""

    id: Id
    product_id: Id = ""
    gmv: Gmv = Field(default_factory=Gmv)
    sku_orders: int = 0
    units_sold: int = 0


class ProductPerformance(TikTokModel):
    id: Id
    gmv: Gmv = Field(default_factory=Gmv)
    orders: int = 0
    units_sold: int = 0
    click_through_rate: Amount = "0"  # a ratio as decimal text: "0.0528" is 5.28%


class SkuPerformancePage(TikTokModel):
    skus: list[SkuPerformance] = Field(default_factory=list)
    next_page_token: str = ""
    total_count: int = 0
    latest_available_date: date | None = None


class ProductPerformancePage(TikTokModel):
    products: list[ProductPerformance] = Field(default_factory=list)
    next_page_token: str = ""
    total_count: int = 0
    latest_available_date: date | None = None
