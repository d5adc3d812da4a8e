"""TikTok Shipping labels (FACTS.md 9.3): a package's weight and size in the units the label APIs
take, the shipping services offered, the package a label bought, and its documents."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, field_validator

from app.tiktok.models.base import Id, Money, RawModel, TikTokModel

GRAMS_PER_POUND = Decimal("453.59237")
CM_PER_INCH = Decimal("2.54")
#: A shipping document's link works this long (get-package-shipping-document spec).
DOCUMENT_LIFETIME = 24 * 3600


def plain(value: Decimal) -> str:
    """A decimal as TikTok takes it: digits and a point, no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


class WeightUnit(StrEnum):
    """Units Get Eligible Shipping Service and Create Packages accept."""

    GRAM = "GRAM"
    POUND = "POUND"


class LengthUnit(StrEnum):
    """Units Get Eligible Shipping Service and Create Packages accept."""

    CM = "CM"
    INCH = "INCH"


class DocumentType(StrEnum):
    """get-package-shipping-document `document_type` (the picture is a PNG)."""

    SHIPPING_LABEL = "SHIPPING_LABEL"
    PACKING_SLIP = "PACKING_SLIP"
    SHIPPING_LABEL_AND_PACKING_SLIP = "SHIPPING_LABEL_AND_PACKING_SLIP"
    SHIPPING_LABEL_PICTURE = "SHIPPING_LABEL_PICTURE"


class Weight(TikTokModel):
    """A parcel's weight; the value travels as a decimal string."""

    value: Decimal
    unit: WeightUnit

    @property
    def grams(self) -> Decimal:
        return self.value * (GRAMS_PER_POUND if self.unit is WeightUnit.POUND else 1)

    def to_api(self) -> dict[str, str]:
        return {"value": plain(self.value), "unit": self.unit.value}


class Dimension(TikTokModel):
    """A parcel's length, width and height (always all three, in one unit)."""

    length: Decimal
    width: Decimal
    height: Decimal
    unit: LengthUnit

    @property
    def centimetres(self) -> tuple[Decimal, Decimal, Decimal]:
        per = CM_PER_INCH if self.unit is LengthUnit.INCH else Decimal(1)
        return self.length * per, self.width * per, self.height * per

    def to_api(self) -> dict[str, str]:
        return {
            "length": plain(self.length),
            "width": plain(self.width),
            "height": plain(self.height),
            "unit": self.unit.value,
        }


class ShippingService(TikTokModel):
    """A carrier service a label can be bought with, and its estimated price and days."""

    id: Id = ""
    name: str = ""
    price: Money = None
    currency: str = ""
    earliest_delivery_days: int | None = None
    latest_delivery_days: int | None = None
    is_default: bool = False
    shipping_provider_id: Id = ""
    shipping_provider_name: str = ""


class ParcelFields(TikTokModel):
    """`weight` and `dimension` read leniently: a bought label must never fail to parse."""

    weight: Weight | None = None
    dimension: Dimension | None = None

    @field_validator("weight", "dimension", mode="wrap")
    @classmethod
    def _lenient(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            return None


class EligibleServices(ParcelFields):
    """What Get Eligible Shipping Service answers for one order and parcel."""

    order_id: Id = ""
    order_line_id: list[Id] = Field(default_factory=list)
    shipping_services: list[ShippingService] = Field(default_factory=list)

    @property
    def chosen(self) -> ShippingService | None:
        """The service a label will use: the only one under TikTok's label allocation, else the
        default one."""
        default = [s for s in self.shipping_services if s.is_default]
        choices = default or self.shipping_services
        return choices[0] if choices else None


class CreatedPackage(ParcelFields, RawModel):
    """What Create Packages answers: the label is bought and the items ship in `package_id`."""

    package_id: Id
    order_id: Id = ""
    order_line_item_ids: list[Id] = Field(default_factory=list)
    shipping_service_info: ShippingService | None = None
    create_time: int = 0


class ShippingDocument(TikTokModel):
    """A link to a package's label or packing slip; download it before `expires_at`."""

    doc_url: str = ""
    tracking_number: str = ""
    package_id: Id = ""  # not on the wire: the package it was asked for
    document_type: DocumentType = DocumentType.SHIPPING_LABEL
    expires_at: int = 0  # not on the wire: 24 h after we received it, by our clock


class TrackingValidation(TikTokModel):
    """Whether a tracking number is TikTok Shipping's (or Collection by TikTok's), US only."""

    is_tiktok_shipping: bool = False
    is_tiktok_collection: bool = False
