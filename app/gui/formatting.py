"""How the window writes money, times, statuses and flags, so every tab says them the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "SGD": "S$", "MYR": "RM"}

FLAG_LABELS = {
    "sample_order": "Sample",
    "cod": "COD",
    "pre_order": "Pre-order",
    "replacement_order": "Replacement",
    "exchange_order": "Exchange",
    "buyer_request_cancel": "Buyer asked to cancel",
}
"""The flags worth a glance. TikTok also marks most orders `on_hold_order` (they had a
remorse window) and we mark ON_HOLD ones `buyer_can_cancel`; the status already says both."""

SHIPPING_LABELS = {"TIKTOK": "TikTok ships", "SELLER": "you ship"}

ORDER_TYPE_LABELS = {
    "": "Standard",
    "NORMAL": "Standard",
    "PRE_ORDER": "Pre-order",
    "MADE_TO_ORDER": "Made to order",
    "BACK_ORDER": "Back order",
    "ZERO_LOTTERY": "Zero lottery",
}


def decimal_or_none(amount: str | Decimal | None) -> Decimal | None:
    """TikTok's decimal text as a Decimal (for sorting and sums), None when absent or bad."""
    if amount is None or amount == "":
        return None
    try:
        return Decimal(amount)
    except (InvalidOperation, ValueError):
        return None


def money(amount: str | Decimal | None, currency: str) -> str:
    """`$19.04`, or `19.04 THB` when we know no symbol; empty when TikTok sent no amount."""
    value = decimal_or_none(amount)
    if value is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{value:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}".strip()


def when(ts: int | float | None) -> str:
    """Every time the window shows, one way: local, `Nov 29 14:05`, `Nov 29 2025 14:05` when
    it is not this year (UTC goes in the tooltip: `when_utc`)."""
    if not ts:
        return ""
    moment = datetime.fromtimestamp(ts)
    day = f"{moment:%b} {moment.day}"
    if moment.year != datetime.now().year:
        day = f"{day} {moment.year}"
    return f"{day} {moment:%H:%M}"


def when_utc(ts: int | float | None) -> str:
    """The same moment in UTC, to the second, for tooltips: `2026-11-29 14:05:32 UTC`."""
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def ago(ts: float | None, now: float) -> str:
    """`12 s ago`, `4 min ago`, `3 h ago`, else the date: for last poll and last sync."""
    if ts is None:
        return "never"
    seconds = max(0, int(now - ts))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return when(ts)


def countdown(seconds: float) -> str:
    """What is left of a period: `312 days 4 h`, `5 h 12 min`, `40 s`, or `expired`."""
    left = int(seconds)
    if left <= 0:
        return "expired"
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def duration(seconds: float) -> str:
    """How long something took: `0.4 s`, `12 s`, `3 min 5 s`."""
    if seconds < 10:
        return f"{max(0.0, seconds):.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def status_label(status: str) -> str:
    """`AWAITING_SHIPMENT` as `Awaiting shipment`."""
    return status.replace("_", " ").capitalize()


def shown_flags(flags: tuple[str, ...] | list[str], order_type: str) -> list[str]:
    """The flags the list and the detail show (pre-order comes from the order type)."""
    shown = [f for f in flags if f in FLAG_LABELS]
    return [*shown, "pre_order"] if order_type == "PRE_ORDER" else shown


def flag_labels(flags: tuple[str, ...] | list[str], order_type: str = "") -> str:
    """Flag names as the words the creator knows."""
    return ", ".join(FLAG_LABELS[f] for f in shown_flags(flags, order_type))


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`1 order`, `2,300 orders`."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
