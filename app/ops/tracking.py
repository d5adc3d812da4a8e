"""Tracking numbers before shipping: does the number fit its carrier, and what TikTok says.

A number that does not fit the carrier's shapes (`tracking_rules`) is refused with a clear
problem until the creator ships it anyway; TikTok counts untrackable numbers against the
shop's valid tracking rate (FACTS.md 9.6). US shops can also ask TikTok's TTS Tracking
Validation (FACTS.md 9.3), which says whether a number is TikTok Shipping's or Collection by
TikTok's; it is one GET per distinct number, inside the shop's hourly budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from app.ops.problems import Problem, UsageError
from app.ops.tracking_rules import compact, rule_for
from app.sync.session import ShopSession
from app.sync.ship_requests import Found, ShipRequest, provider_name, shop_region
from app.tiktok.errors import TikTokError
from app.tiktok.labels import LabelsApi

TRACKING_MISMATCH = "tracking_mismatch"
#: At most this many numbers are asked about at once (one request each).
MAX_CHECKS = 50


def mismatch_problem(
    db: sqlite_utils.Database, request: ShipRequest, *, line: int = 0
) -> Problem | None:
    """The tracking number does not fit its carrier's shapes (unknown carriers: None)."""
    number = request.tracking_number
    carrier = provider_name(db, request.shipping_provider_id)
    rule = rule_for(carrier)
    if not number or rule is None or rule.fits(compact(number)):
        return None
    said = f"tracking number {number} does not look like {carrier}'s ({rule.shapes})"
    found = Found(
        TRACKING_MISMATCH,
        "tracking",
        f"{said}: check it, or add --anyway to ship it as it is",
        f"{said}: check it, or ship the file anyway",
        f"{number} does not look like a {carrier} tracking number ({rule.shapes}). Check "
        "it and the carrier, or ship it anyway: TikTok counts numbers it cannot track "
        "against your shop",
    )
    return found.problem(request.order_id, line=line)


def offers_tiktok_check(db: sqlite_utils.Database) -> bool:
    """TikTok's tracking validation is for US shops only."""
    return shop_region(db).upper() == "US"


@dataclass(frozen=True)
class TrackingCheck:
    """What TikTok said about one tracking number (or why it could not be asked)."""

    number: str
    answered: bool
    tiktok_shipping: bool = False
    tiktok_collection: bool = False
    error: str = ""

    def words(self) -> str:
        """For the number's row or line."""
        if not self.answered:
            return f"TikTok Shop could not check {self.number}: {self.error}"
        if self.tiktok_shipping or self.tiktok_collection:
            what = "TikTok Shipping" if self.tiktok_shipping else "Collection by TikTok"
            return f"TikTok Shop: {self.number} is a {what} number"
        return (
            f"TikTok Shop: {self.number} is not a TikTok Shipping or Collection by TikTok "
            "number; it is tracked through the carrier you chose"
        )


async def check_with_tiktok(
    session: ShopSession, *, numbers: Sequence[str]
) -> dict[str, TrackingCheck]:
    """Ask TikTok about each distinct number (US shops; at most `MAX_CHECKS` at once)."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if len(wanted) > MAX_CHECKS:
        raise UsageError(f"check at most {MAX_CHECKS} tracking numbers at once")
    if not offers_tiktok_check(session.db):
        raise UsageError("TikTok Shop checks tracking numbers for US shops only")
    api = LabelsApi(session.client)
    found: dict[str, TrackingCheck] = {}
    for number in wanted:
        try:
            answer = await api.validate_tracking(number)
        except TikTokError as exc:
            found[number] = TrackingCheck(number, False, error=str(exc))
            continue
        found[number] = TrackingCheck(
            number, True, answer.is_tiktok_shipping, answer.is_tiktok_collection
        )
    return found
