"""The shop's market (region and seller type): its currency and addresses, and the rules that
differ by market (FACTS.md 9.3, 9.4)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from app.sandbox.model import Shop

#: "For local sellers in the US and UK markets, the package_id and package_status property will
#: not be returned before the package is shipped" (get-order-detail spec; upgrading guide).
LATE_PACKAGE_REGIONS = frozenset({"US", "GB"})


@dataclass(frozen=True)
class City:
    name: str
    state: str  # US state, UK county
    state_code: str  # "" where addresses carry none (UK)
    postal_prefix: str  # US: the ZIP's first three digits; UK: the outward code's area
    tax_rate: Decimal  # US sales tax; UK prices include VAT, so no tax is added


@dataclass(frozen=True)
class Market:
    region: str  # region code, as `region` and `region_code` spell it
    country: str
    currency: str
    phone_code: str
    cities: tuple[City, ...]

    def postal_code(self, city: City, rng: random.Random) -> str:
        if self.region == "US":
            return f"{city.postal_prefix}{rng.randrange(10, 99)}"
        letters = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        return f"{city.postal_prefix}{rng.randrange(1, 20)} {rng.randrange(1, 9)}{letters}"

    def phone(self, rng: random.Random, *, masked: bool = False) -> str:
        """A phone number as TikTok shows it: `(+1)213-***-1234` style."""
        if masked:
            return f"({self.phone_code}){rng.randrange(200, 999)}****{rng.randrange(1000, 9999)}"
        return (
            f"({self.phone_code}){rng.randrange(200, 999)}-{rng.randrange(200, 999)}-"
            f"{rng.randrange(1000, 9999)}"
        )

    def full_address(self, line1: str, city: City, postal: str) -> str:
        if city.state_code:
            return f"{line1}, {city.name}, {city.state_code} {postal}"
        return f"{line1}, {city.name}, {postal}"


US = Market(
    "US",
    "United States",
    "USD",
    "+1",
    (
        City("Los Angeles", "California", "CA", "900", Decimal("0.095")),
        City("Austin", "Texas", "TX", "787", Decimal("0.0825")),
        City("Brooklyn", "New York", "NY", "112", Decimal("0.08875")),
        City("Denver", "Colorado", "CO", "802", Decimal("0.0881")),
        City("Portland", "Oregon", "OR", "972", Decimal("0")),
        City("Miami", "Florida", "FL", "331", Decimal("0.07")),
        City("Seattle", "Washington", "WA", "981", Decimal("0.1025")),
        City("Chicago", "Illinois", "IL", "606", Decimal("0.1025")),
    ),
)
GB = Market(
    "GB",
    "United Kingdom",
    "GBP",
    "+44",
    (
        City("Manchester", "Greater Manchester", "", "M", Decimal("0")),
        City("Leeds", "West Yorkshire", "", "LS", Decimal("0")),
        City("Bristol", "Bristol", "", "BS", Decimal("0")),
        City("Glasgow", "Glasgow City", "", "G", Decimal("0")),
        City("Birmingham", "West Midlands", "", "B", Decimal("0")),
        City("Cardiff", "Cardiff", "", "CF", Decimal("0")),
        City("Brighton", "East Sussex", "", "BN", Decimal("0")),
        City("London", "Greater London", "", "E", Decimal("0")),
    ),
)
MARKETS = {m.region: m for m in (US, GB)}


def market_of(region: str) -> Market:
    return MARKETS[region]


def packages_before_shipping(shop: Shop) -> bool:
    """Whether TikTok opens an order's package while it awaits shipment (not for US and UK
    local sellers: their TikTok Shipping orders get one by buying a label)."""
    return not (shop.region in LATE_PACKAGE_REGIONS and shop.seller_type == "LOCAL")


def cancel_request_blocks_shipping(shop: Shop) -> bool:
    """Outside the US a pending buyer cancellation blocks fulfilment (21011007); in the US
    shipping goes ahead and rejects the request (FACTS.md 9.4)."""
    return shop.region != "US"
