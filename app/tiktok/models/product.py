"""Products, SKUs, warehouses and inventory levels (FACTS.md 5)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from app.tiktok.models.base import Id, Money, RawModel, TikTokModel
from app.tiktok.models.labels import Dimension, LengthUnit, Weight, WeightUnit


class ProductStatus(StrEnum):
    """Product statuses; only ACTIVATE products accept inventory updates."""

    DRAFT = "DRAFT"
    PENDING = "PENDING"
    FAILED = "FAILED"
    ACTIVATE = "ACTIVATE"
    SELLER_DEACTIVATED = "SELLER_DEACTIVATED"
    PLATFORM_DEACTIVATED = "PLATFORM_DEACTIVATED"
    FREEZE = "FREEZE"
    DELETED = "DELETED"


class Price(TikTokModel):
    """A SKU's price in the shop currency."""

    currency: str = ""
    sale_price: Money = None
    tax_exclusive_price: Money = None


class SkuInventory(TikTokModel):
    """TikTok's sellable quantity of a SKU in one warehouse."""

    warehouse_id: Id = ""
    quantity: int = 0


class SalesAttribute(TikTokModel):
    """One variant attribute of a SKU, e.g. Color: Sage (Get Product only)."""

    id: Id = ""
    name: str = ""
    value_id: Id = ""
    value_name: str = ""


class Sku(TikTokModel):
    """One variant of a product, with TikTok's quantity per warehouse."""

    id: Id
    seller_sku: str = ""
    price: Price | None = None
    inventory: list[SkuInventory] = Field(default_factory=list)
    sales_attributes: list[SalesAttribute] = Field(default_factory=list)

    @property
    def name(self) -> str:
        """The variant's name as buyers see it ("Sage, M"); empty when search left it out."""
        return ", ".join(a.value_name for a in self.sales_attributes if a.value_name)

    @property
    def tiktok_quantity(self) -> int:
        """What TikTok lists across all warehouses."""
        return sum(inv.quantity for inv in self.inventory)


class PackageWeight(TikTokModel):
    """Get Product's `package_weight`: what one unit weighs packed (KILOGRAM or POUND)."""

    value: Money = None
    unit: str = ""

    def to_label(self) -> Weight | None:
        """The same weight in a unit the label APIs take (GRAM or POUND); None if unknown."""
        if self.value is None or self.value <= 0:
            return None
        if self.unit == "KILOGRAM":
            return Weight(value=self.value * 1000, unit=WeightUnit.GRAM)
        if self.unit == "POUND":
            return Weight(value=self.value, unit=WeightUnit.POUND)
        return None


class PackageDimensions(TikTokModel):
    """Get Product's `package_dimensions` (the sample's unit is CENTIMETER)."""

    length: Money = None
    width: Money = None
    height: Money = None
    unit: str = ""

    def to_label(self) -> Dimension | None:
        """The same box in a unit the label APIs take (CM or INCH); None if incomplete."""
        sides = (self.length, self.width, self.height)
        if any(s is None or s <= 0 for s in sides):
            return None
        unit = {"CENTIMETER": LengthUnit.CM, "CM": LengthUnit.CM, "INCH": LengthUnit.INCH}.get(
            self.unit
        )
        if unit is None:
            return None
        length, width, height = (Decimal(s or 0) for s in sides)
        return Dimension(length=length, width=width, height=height, unit=unit)


class Product(RawModel):
    """A product with its SKUs, and its packed weight and size (Get Product only)."""

    id: Id
    title: str = ""
    status: str = ""
    create_time: int = 0
    update_time: int = 0
    skus: list[Sku] = Field(default_factory=list)
    package_weight: PackageWeight | None = None
    package_dimensions: PackageDimensions | None = None


class Warehouse(TikTokModel):
    """A seller warehouse; inventory updates must name every warehouse a SKU is in."""

    id: Id
    name: str = ""
    effect_status: str = ""
    type: str = ""
    sub_type: str = ""
    is_default: bool = False


class WarehouseInventory(TikTokModel):
    """Available and committed units of a SKU in one warehouse (inventory search)."""

    warehouse_id: Id = ""
    available_quantity: int = 0
    committed_quantity: int = 0


class InventorySku(TikTokModel):
    """A SKU's inventory across warehouses as inventory search reports it."""

    id: Id
    seller_sku: str = ""
    total_available_quantity: int = 0
    total_committed_quantity: int = 0
    warehouse_inventory: list[WarehouseInventory] = Field(default_factory=list)


class InventoryLevel(TikTokModel):
    """One product's SKUs from inventory search."""

    product_id: Id
    skus: list[InventorySku] = Field(default_factory=list)


class InventoryUpdateError(TikTokModel):
    """One SKU the inventory update refused while the call itself succeeded (`data.errors`)."""

    code: int = 0
    message: str = ""
    detail: dict[str, object] = Field(default_factory=dict)

    @property
    def sku_id(self) -> str:
        """The SKU this error is about, when TikTok says."""
        value = self.detail.get("sku_id", "")
        return str(value)
