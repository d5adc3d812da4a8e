"""What each carrier's tracking numbers look like: one small table, judged conservatively.

A number that fits none of its carrier's shapes is most likely a typo or the wrong carrier,
and TikTok counts it against the shop's valid tracking rate (FACTS.md 9.3, 9.6). A carrier
missing from the table is not judged: Shopdesk says nothing rather than something wrong.
Spaces and dashes are ignored (labels print numbers in groups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CarrierRule:
    """The shapes of one carrier's tracking numbers, and how to say them."""

    names: tuple[str, ...]  # lower-case carrier names as TikTok lists them
    patterns: tuple[str, ...]
    shapes: str  # for people: "1Z and 16 letters or digits"

    def fits(self, number: str) -> bool:
        """The number has one of the carrier's shapes."""
        return any(re.fullmatch(p, number) for p in self.patterns)


_USPS_DIGITS = r"\d{20}|\d{22}|\d{26,34}"
#: Carriers of TikTok's provider lists (the sandbox's: USPS, UPS, FedEx, DHL eCommerce).
RULES: tuple[CarrierRule, ...] = (
    CarrierRule(
        ("ups",),
        (r"1Z[0-9A-Z]{16}",),
        "1Z and 16 letters or digits",
    ),
    CarrierRule(
        ("usps", "united states postal service"),
        (_USPS_DIGITS, r"[A-Z]{2}\d{9}US"),
        "20, 22 or 26 to 34 digits, or 2 letters, 9 digits and US",
    ),
    CarrierRule(
        ("fedex",),
        (r"\d{12}|\d{15}|\d{20}|\d{22}",),
        "12, 15, 20 or 22 digits",
    ),
    CarrierRule(
        ("dhl", "dhl express"),
        (r"\d{10}", r"JJD\d{10,20}"),
        "10 digits, or JJD and digits",
    ),
    # DHL eCommerce hands US parcels to USPS, so its numbers may be USPS ones too.
    CarrierRule(
        ("dhl ecommerce", "dhl ecommerce solutions"),
        (r"GM\d{16,18}", r"420\d{5}(?:\d{4})?\d{20,30}", _USPS_DIGITS),
        "GM and 16 to 18 digits, or a USPS number",
    ),
)
_BY_NAME = {name: rule for rule in RULES for name in rule.names}


def compact(number: str) -> str:
    """The number as carriers compare it: no spaces or dashes, capital letters."""
    return re.sub(r"[\s\-]", "", number).upper()


def rule_for(carrier: str) -> CarrierRule | None:
    """The rule for a carrier's name (any case), or None: that carrier is not judged."""
    return _BY_NAME.get(" ".join(carrier.casefold().split()))


def fits_carrier(carrier: str, number: str) -> bool | None:
    """True or False when the carrier is known, None when it is not judged."""
    rule = rule_for(carrier)
    return None if rule is None else rule.fits(compact(number))
