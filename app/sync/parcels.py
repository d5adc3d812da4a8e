"""An order's parcel for its label: weight and size summed from each item's shipping profile
(the creator's, else the product's package data), else the shop's default parcel.

Units differ on the way in (product detail: KILOGRAM/POUND and CENTIMETER; the creator: any of
GRAM, KILOGRAM, POUND, OUNCE and CM, INCH) and out (the label APIs take GRAM/POUND and CM/INCH):
everything is summed in grams and centimetres and sent as GRAM and CM.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from app.store.sku_profiles import ProductPackage, SkuProfile
from app.tiktok.models.labels import Dimension, LengthUnit, Weight, WeightUnit

GRAMS = {
    "GRAM": Decimal(1),
    "G": Decimal(1),
    "KILOGRAM": Decimal(1000),
    "KG": Decimal(1000),
    "POUND": Decimal("453.59237"),
    "LB": Decimal("453.59237"),
    "OUNCE": Decimal("28.349523125"),
    "OZ": Decimal("28.349523125"),
}
CENTIMETRES = {
    "CM": Decimal(1),
    "CENTIMETER": Decimal(1),
    "INCH": Decimal("2.54"),
    "IN": Decimal("2.54"),
}
_DIMS = re.compile(r"^\s*([\d.]+)\s*[xX*]\s*([\d.]+)\s*[xX*]\s*([\d.]+)\s*$")


class ParcelError(ValueError):
    """A weight or size the creator typed that cannot be read; the message says why."""


@dataclass(frozen=True)
class Parcel:
    """What a label is bought for."""

    weight: Weight
    dimension: Dimension | None


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ParcelError(f"{what} {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ParcelError(f"{what} must be above zero, not {text!r}")
    return value


def parse_weight(value: str, unit: str) -> Decimal:
    """Grams from a value and a unit the creator typed ("1.2", "POUND")."""
    factor = GRAMS.get(unit.strip().upper())
    if factor is None:
        raise ParcelError(f"unknown weight unit {unit!r}: use GRAM, KILOGRAM, POUND or OUNCE")
    return _number(value, "the weight") * factor


def parse_dims(text: str, unit: str) -> tuple[Decimal, Decimal, Decimal]:
    """Centimetres from "LxWxH" and a unit ("20x15x5", "CM")."""
    factor = CENTIMETRES.get(unit.strip().upper())
    if factor is None:
        raise ParcelError(f"unknown length unit {unit!r}: use CM or INCH")
    match = _DIMS.match(text)
    if match is None:
        raise ParcelError(f"the size {text!r} is not LxWxH (for example 20x15x5)")
    sides = [_number(match.group(i), "each side") * factor for i in (1, 2, 3)]
    return sides[0], sides[1], sides[2]


def _grams(profile: SkuProfile | None, package: ProductPackage | None) -> Decimal | None:
    if profile is not None and profile.weight is not None:
        factor = GRAMS.get(profile.weight_unit.upper())
        if factor is not None and profile.weight > 0:
            return profile.weight * factor
    if package is not None and package.weight is not None:
        value, unit = package.weight
        factor = GRAMS.get(unit.upper())
        try:
            grams = Decimal(value) * factor if factor is not None else None
        except InvalidOperation:
            return None
        return grams if grams is not None and grams > 0 else None
    return None


def _box(
    profile: SkuProfile | None, package: ProductPackage | None
) -> tuple[Decimal, Decimal, Decimal] | None:
    if profile is not None and None not in (profile.length, profile.width, profile.height):
        factor = CENTIMETRES.get(profile.length_unit.upper())
        if factor is not None:
            return (
                Decimal(profile.length or 0) * factor,
                Decimal(profile.width or 0) * factor,
                Decimal(profile.height or 0) * factor,
            )
    if package is not None and package.dimensions is not None:
        *sides, unit = package.dimensions
        factor = CENTIMETRES.get(unit.upper())
        try:
            if factor is not None:
                length, width, height = (Decimal(s) * factor for s in sides)
                return length, width, height
        except InvalidOperation:
            return None
    return None


def _label_units(grams: Decimal, box: tuple[Decimal, Decimal, Decimal] | None) -> Parcel:
    weight = Weight(value=grams.quantize(Decimal(1), ROUND_CEILING), unit=WeightUnit.GRAM)
    if box is None:
        return Parcel(weight, None)
    tenth = Decimal("0.1")
    length, width, height = (s.quantize(tenth, ROUND_CEILING) for s in box)
    return Parcel(weight, Dimension(length=length, width=width, height=height, unit=LengthUnit.CM))


def order_parcel(
    sku_ids: Sequence[str],
    profiles: Mapping[str, SkuProfile],
    packages: Mapping[str, ProductPackage],
    default: tuple[Decimal, tuple[Decimal, Decimal, Decimal] | None] | None,
) -> Parcel | None:
    """The parcel for these items (one entry per unit, as TikTok's line items are), or None
    when some item's weight is unknown and the shop has no default parcel."""
    grams = Decimal(0)
    length = width = height = Decimal(0)
    boxes_known = True
    for sku_id in sku_ids:
        profile, package = profiles.get(sku_id), packages.get(sku_id)
        unit_grams = _grams(profile, package)
        if unit_grams is None:
            if default is None:
                return None
            return _label_units(default[0], default[1])
        grams += unit_grams
        box = _box(profile, package)
        if box is None:
            boxes_known = False
            continue
        length, width, height = max(length, box[0]), max(width, box[1]), height + box[2]
    if not sku_ids:
        return None
    if not boxes_known:
        return _label_units(grams, default[1] if default is not None else None)
    return _label_units(grams, (length, width, height))
