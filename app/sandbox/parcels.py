"""A package's weight and size as the label APIs take them, and TikTok Shipping's US services.

Get Eligible Shipping Service and Create Packages take `weight{value, unit: GRAM|POUND}` and
`dimension{length, width, height, unit: CM|INCH}`, values as decimal strings, the three sides
"passed together". Get Product gives KILOGRAM|POUND and CENTIMETER. The limits are the ones the
sandbox's delivery options publish (logistics.py: 70 lb, 108 in a side), plus the carriers'
165 in of length and girth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from app.sandbox.errors import ApiError
from app.sandbox.model import Product

GRAMS_PER = {"GRAM": Decimal(1), "POUND": Decimal("453.59237")}
CM_PER = {"CM": Decimal(1), "INCH": Decimal("2.54")}
PRODUCT_GRAMS_PER = {"KILOGRAM": Decimal(1000), "POUND": GRAMS_PER["POUND"]}
PRODUCT_CM_PER = {"CENTIMETER": Decimal(1), "INCH": CM_PER["INCH"]}
MAX_GRAMS = 70 * GRAMS_PER["POUND"]
MAX_SIDE_CM = 108 * CM_PER["INCH"]
MAX_LENGTH_AND_GIRTH_CM = 165 * CM_PER["INCH"]
SIDES = ("length", "width", "height")

Fail = Callable[[str], ApiError]


def plain(value: Decimal) -> str:
    """A decimal as the wire writes it: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


@dataclass(frozen=True)
class Parcel:
    """What is being shipped, in grams and centimetres, and the fields as the caller sent them."""

    weight: dict[str, str]
    dimension: dict[str, str]
    grams: Decimal
    sides_cm: tuple[Decimal, Decimal, Decimal]

    @property
    def oversize(self) -> bool:
        longest, *rest = sorted(self.sides_cm, reverse=True)
        return longest > MAX_SIDE_CM or longest + 2 * sum(rest) > MAX_LENGTH_AND_GIRTH_CM

    @property
    def too_heavy(self) -> bool:
        return self.grams > MAX_GRAMS


def _amount(value: Any, where: str, fail: Fail) -> Decimal:
    if not isinstance(value, str):
        raise fail(f"{where} must be a decimal string")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise fail(f"{where} must be a decimal string, not {value!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise fail(f"{where} must be greater than 0")
    return amount


def _unit(value: Any, where: str, units: dict[str, Decimal], fail: Fail) -> Decimal:
    if value not in units:
        raise fail(f"{where} must be one of {', '.join(units)}")
    return units[value]


def read_weight(body: dict[str, Any], fail: Fail) -> tuple[dict[str, str], Decimal] | None:
    """`weight` as sent and in grams; None when it was left out."""
    value = body.get("weight")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("weight must be an object {value, unit}")
    amount = _amount(value.get("value"), "weight.value", fail)
    per = _unit(value.get("unit"), "weight.unit", GRAMS_PER, fail)
    return {"value": value["value"], "unit": value["unit"]}, amount * per


def read_dimension(
    body: dict[str, Any], fail: Fail
) -> tuple[dict[str, str], tuple[Decimal, Decimal, Decimal]] | None:
    """`dimension` as sent and its sides in centimetres; None when it was left out."""
    value = body.get("dimension")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("dimension must be an object {length, width, height, unit}")
    missing = [s for s in SIDES if value.get(s) in (None, "")]
    if missing:
        raise fail("dimension: length, width and height must be passed together")
    per = _unit(value.get("unit"), "dimension.unit", CM_PER, fail)
    length, width, height = (_amount(value[s], f"dimension.{s}", fail) * per for s in SIDES)
    return {**{s: value[s] for s in SIDES}, "unit": value["unit"]}, (length, width, height)


def product_parcel(products: Sequence[Product]) -> tuple[Decimal, tuple[Decimal, Decimal, Decimal]]:
    """The items' own package data (Get Product) packed together: weights added, boxes stacked."""
    grams = Decimal(0)
    length = width = height = Decimal(0)
    for product in products:
        value, unit = product.package_weight
        grams += Decimal(value) * PRODUCT_GRAMS_PER[unit]
        *sides, unit = product.package_dimensions
        per = PRODUCT_CM_PER[unit]
        box = [Decimal(s) * per for s in sides]
        length, width, height = max(length, box[0]), max(width, box[1]), height + box[2]
    return grams, (length, width, height)


def parcel(body: dict[str, Any], products: Sequence[Product], fail: Fail) -> Parcel:
    """The request's parcel; what it leaves out comes from the items' product package data."""
    grams, sides = product_parcel(products)
    weight = {"value": plain(grams.quantize(Decimal(1), ROUND_CEILING)), "unit": "GRAM"}
    dimension = {s: plain(v.quantize(Decimal("0.1"))) for s, v in zip(SIDES, sides, strict=True)}
    dimension["unit"] = "CM"
    given_weight = read_weight(body, fail)
    if given_weight is not None:
        weight, grams = given_weight
    given_dimension = read_dimension(body, fail)
    if given_dimension is not None:
        dimension, sides = given_dimension
    return Parcel(weight, dimension, grams, sides)


# --- TikTok Shipping services (US) -------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """A carrier service a label can be bought with, priced by billable pound."""

    id: str
    name: str
    provider: str
    provider_id: str
    max_grams: Decimal
    base: Decimal
    per_pound: Decimal
    earliest_days: int
    latest_days: int

    def fits(self, p: Parcel) -> bool:
        return p.grams <= self.max_grams and not p.oversize

    def price(self, p: Parcel) -> Decimal:
        pounds = max(Decimal(1), (p.grams / GRAMS_PER["POUND"]).to_integral_value(ROUND_CEILING))
        return (self.base + self.per_pound * pounds).quantize(Decimal("0.01"))

    def to_api(self, p: Parcel, *, is_default: bool) -> dict[str, Any]:
        """One `shipping_services[]` entry of Get Eligible Shipping Service."""
        return {
            **self.info_api(p),
            "is_default": is_default,
        }

    def info_api(self, p: Parcel) -> dict[str, Any]:
        """`shipping_service_info` of Create Packages."""
        return {
            "id": self.id,
            "name": self.name,
            "price": str(self.price(p)),
            "currency": "USD",
            "earliest_delivery_days": self.earliest_days,
            "latest_delivery_days": self.latest_days,
            "shipping_provider_id": self.provider_id,
            "shipping_provider_name": self.provider,
        }


def _lb(pounds: int) -> Decimal:
    return pounds * GRAMS_PER["POUND"]


# Provider ids are logistics.LABEL_CARRIERS' (USPS, UPS, FedEx).
SERVICES: tuple[Service, ...] = (
    Service(
        "7208502187360257836",
        "USPS Ground Advantage",
        "USPS",
        "6617675021119438849",
        _lb(20),
        Decimal("4.10"),
        Decimal("1.05"),
        2,
        5,
    ),
    Service(
        "7208502187360257837",
        "USPS Priority Mail",
        "USPS",
        "6617675021119438849",
        _lb(70),
        Decimal("7.50"),
        Decimal("1.40"),
        1,
        3,
    ),
    Service(
        "7208502187360257838",
        "UPS Ground",
        "UPS",
        "6617675021119438850",
        _lb(70),
        Decimal("8.20"),
        Decimal("0.55"),
        1,
        5,
    ),
    Service(
        "7208502187360257839",
        "FedEx Home Delivery",
        "FedEx",
        "6617675021119438851",
        _lb(70),
        Decimal("8.90"),
        Decimal("0.50"),
        1,
        5,
    ),
)
SERVICE_BY_ID = {s.id: s for s in SERVICES}


def services_for(p: Parcel) -> list[Service]:
    """The services that take this parcel, cheapest (TikTok's default and its pick) first."""
    fitting = [s for s in SERVICES if s.fits(p)]
    return sorted(fitting, key=lambda s: (s.price(p), s.latest_days, s.id))
