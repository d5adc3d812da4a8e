"""Delivery options and shipping providers: fixed ids, the same in every sandbox run."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DeliveryOption:
    id: str
    name: str
    type: str  # STANDARD | EXPRESS | ECONOMY | SEND_BY_SELLER (get-warehouse-delivery-options)
    description: str

    @property
    def by_seller(self) -> bool:
        return self.type == "SEND_BY_SELLER"

    def to_api(self, scope: str) -> dict[str, Any]:
        if scope == "PRODUCT":  # "Only delivery_options.id and .name" for the PRODUCT scope
            return {"id": self.id, "name": self.name}
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "dimension_limit": {
                "max_height": 108,
                "max_length": 108,
                "max_width": 108,
                "unit": "INCH",
            },
            "weight_limit": {"max_weight": 70, "min_weight": 0, "unit": "POUND"},
            "platform": ["TIKTOK_SHOP"],
        }


# 7091146663229654785 is the delivery option id of the get-package-detail sample.
STANDARD = DeliveryOption(
    "7091146663229654785", "Standard Shipping", "STANDARD", "Shipped with TikTok Shipping"
)
EXPRESS = DeliveryOption(
    "7091146663229654786", "Express Shipping", "EXPRESS", "Shipped with TikTok Shipping, express"
)
# "Shipped from seller" is the display name of the get-package-detail sample.
BY_SELLER = DeliveryOption(
    "7091146663229654787", "Shipped from seller", "SEND_BY_SELLER", "The seller's own carrier"
)
OPTIONS = {o.id: o for o in (STANDARD, EXPRESS, BY_SELLER)}

#: Carriers behind TikTok Shipping labels (6617675021119438849 is the id of the specs' samples).
LABEL_CARRIERS: list[tuple[str, str]] = [
    ("USPS", "6617675021119438849"),
    ("UPS", "6617675021119438850"),
    ("FedEx", "6617675021119438851"),
]
#: Get Shipping Providers of the SEND_BY_SELLER option: what a seller's own carrier may be.
SELLER_CARRIERS: list[tuple[str, str]] = [*LABEL_CARRIERS, ("DHL eCommerce", "6617675021119438852")]
SELLER_CARRIER_NAMES = {pid: name for name, pid in SELLER_CARRIERS}


#: What each carrier's numbers look like (the shapes `tracking_for` makes), to tell whether a
#: number fits the carrier the seller named.
TRACKING_SHAPES: dict[str, re.Pattern[str]] = {
    "USPS": re.compile(r"9\d{21}"),
    "UPS": re.compile(r"1Z[0-9A-Z]{16}"),
    "FedEx": re.compile(r"\d{12}"),
    "DHL eCommerce": re.compile(r"GM\d{16,18}"),
}
#: Mark Package As Shipped warnings, verbatim (changelog for-local-sellers-in-the-us-market-
#: warning-information-added-to-mark-package-as-shipped-api.md).
NO_PROVIDER_WARNING = (
    "No logistics provider could be found for this tracking number. Check the tracking number "
    "and try again."
)
OTHER_PROVIDER_WARNING = (
    "The tracking number you entered does not match your selected logistics provider. Check the "
    "tracking number and logistics provider. Did you mean to select {name}?"
)


def tracking_warning(carrier: str, tracking: str) -> str | None:
    """TikTok's warning for a number that does not fit the chosen carrier, else None."""
    fits = [name for name, shape in TRACKING_SHAPES.items() if shape.fullmatch(tracking)]
    if carrier in fits:
        return None
    if not fits:
        return NO_PROVIDER_WARNING
    return OTHER_PROVIDER_WARNING.format(name=fits[0])


def option_for(shipping_type: str) -> DeliveryOption:
    """An order's delivery option: the seller's own carrier for SELLER shipping, else TikTok's."""
    return BY_SELLER if shipping_type == "SELLER" else STANDARD


def tracking_for(rng: random.Random, carrier: str) -> str:
    """A tracking number shaped like the carrier's own."""
    if carrier == "UPS":
        return f"1Z{rng.randrange(16**16):016X}"
    if carrier == "FedEx":
        return str(rng.randrange(10**11, 10**12))
    if carrier.startswith("DHL"):
        return f"GM{rng.randrange(10**17, 10**18)}"
    return f"9400{rng.randrange(10**17, 10**18)}"
