"""Cancel and reject reasons by market, read from TikTok's "Cancel reasons" page.

`cancel-reasons.json` beside this module is that page as published (spec-json
return-and-refund/cancel-reasons.json, page 67e61eee427345048595487d): one Markdown table per
market and kind. Reason names differ by market (the UK ones end in `_uk`), and some markets
have no list of a kind (JP has no reject reasons): what a market does not list is never valid
there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: Order statuses the tables name (their first column).
STATUSES = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT")
#: Shop regions (Get Authorized Shops `region`) -> the page's market heading.
MARKET_OF_REGION: dict[str, str] = {
    **{r: r for r in ("US", "ID", "MY", "PH", "SG", "TH", "VN", "MX", "BR", "JP")},
    "GB": "UK",
    "UK": "UK",
    **dict.fromkeys(("ES", "IE", "FR", "DE", "IT"), "EU"),
}
_SECTIONS = {
    "Buyer Initiates Cancel Reason": "buyer",
    "Seller Reject Cancel Request Reason": "reject",
    "Seller Initiates Cancel Reason": "seller",
    "SYSTEM Cancel Reason": "system",
    "Operator Cancel": "operator",
}
_STATUS_WORD = re.compile(r"[A-Z_]{4,}")

ByStatus = dict[str, dict[str, str]]


@dataclass(frozen=True)
class MarketReasons:
    """One market's reason names (wire values) and texts (what people read)."""

    market: str
    buyer: ByStatus = field(default_factory=dict)
    seller: ByStatus = field(default_factory=dict)
    reject: dict[str, str] = field(default_factory=dict)
    system: dict[str, str] = field(default_factory=dict)
    operator: dict[str, str] = field(default_factory=dict)

    def seller_reasons(self, status: str) -> dict[str, str]:
        """Reasons the seller may cancel with in `status` (empty: none is documented)."""
        return dict(self.seller.get(status, {}))

    def buyer_reasons(self, status: str) -> dict[str, str]:
        """Reasons a buyer may give when asking to cancel in `status`."""
        return dict(self.buyer.get(status, {}))

    @property
    def texts(self) -> dict[str, str]:
        """Every name of this market with its text."""
        found: dict[str, str] = {}
        for by_status in (self.buyer, self.seller):
            for names in by_status.values():
                found.update(names)
        return {**found, **self.reject, **self.system, **self.operator}


def market_of(region: str) -> str | None:
    """The page's market for a shop region (`GB` -> `UK`, `DE` -> `EU`), None when unlisted."""
    return MARKET_OF_REGION.get(region.strip().upper())


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse(content: str) -> dict[str, MarketReasons]:
    """The page's Markdown (`content` of the JSON) -> reasons per market."""
    tables: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    market = section = ""
    statuses: tuple[str, ...] = ()
    for line in content.splitlines():
        if line.startswith("# "):
            market = line[2:].split()[0]
            tables.setdefault(market, {})
            section = ""
        elif line.startswith("## "):
            section = _SECTIONS.get(line[3:].strip(), "")
            statuses = ()
        elif section and line.startswith("|") and "---" not in line and "**" not in line:
            cells = _cells(line)
            if len(cells) == 3:
                if cells[0]:
                    statuses = tuple(s for s in _STATUS_WORD.findall(cells[0]) if s in STATUSES)
                keys, text, name = statuses, cells[1], cells[2]
            else:
                keys, text, name = ("",), cells[0], cells[-1]
            for key in keys:
                tables[market].setdefault(section, {}).setdefault(key, {})[name] = text
    return {m: _market(m, t) for m, t in tables.items()}


def _market(name: str, t: dict[str, dict[str, dict[str, str]]]) -> MarketReasons:
    return MarketReasons(
        market=name,
        buyer=t.get("buyer", {}),
        seller=t.get("seller", {}),
        reject=t.get("reject", {}).get("", {}),
        system=t.get("system", {}).get("", {}),
        operator=t.get("operator", {}).get("", {}),
    )


@cache
def all_markets() -> dict[str, MarketReasons]:
    """Every market of the page (read once)."""
    raw = resources.files("app.tiktok.models").joinpath("cancel-reasons.json").read_text("utf-8")
    return parse(str(json.loads(raw)["content"]))


def reason_text(name: str) -> str:
    """What a reason name reads as, whatever its market; an unknown name stays as it is."""
    for tables in all_markets().values():
        text = tables.texts.get(name)
        if text:
            return text
    return name


def reasons_for(region: str) -> MarketReasons:
    """The reasons of the shop's market; an unlisted market has none at all."""
    market = market_of(region)
    return all_markets().get(market or "", MarketReasons(market or region))
