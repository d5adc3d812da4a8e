"""Plain words for shipping and cancellation writes, so dialog, order and queue all agree."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from app.gui import formatting as fmt
from app.queries import writes as store
from app.tiktok.fulfillment import REFUSALS
from app.tiktok.models.cancel_reasons import all_markets

OK, ERROR, WAITING, MUTED, WARNING = "ok", "error", "waiting", "muted", "warning"
_REFUSED_PREFIX = "TikTok Shop refused: "

#: What each kind of write does, for the Sync queue and the order's history.
KIND_WHAT = {
    store.SHIP: "Ship order",
    store.SHIPPING_INFO: "New tracking number for order",
    store.CANCEL_APPROVE: "Approve cancellation of order",
    store.CANCEL_REJECT: "Reject cancellation of order",
    store.SELLER_CANCEL: "Cancel order",
}
#: A write that went through, and one that did not, per kind.
_DONE = {
    store.SHIP: "Shipped",
    store.SHIPPING_INFO: "Tracking number changed",
    store.CANCEL_APPROVE: "Cancellation approved: the order is cancelled",
    store.CANCEL_REJECT: "Cancellation rejected",
    store.SELLER_CANCEL: "Cancelled by you",
}
_NOT_DONE = {
    store.SHIP: "Not shipped",
    store.SHIPPING_INFO: "Tracking number not changed",
    store.CANCEL_APPROVE: "Not approved",
    store.CANCEL_REJECT: "Not rejected",
    store.SELLER_CANCEL: "Not cancelled",
}
_SENDING = {
    store.SHIP: "Sending the shipment to TikTok Shop…",
    store.SHIPPING_INFO: "Sending the new tracking number…",
    store.CANCEL_APPROVE: "Sending your approval…",
    store.CANCEL_REJECT: "Sending your rejection…",
    store.SELLER_CANCEL: "Sending the cancellation…",
}
HANDOVER_LABELS = {"DROP_OFF": "Drop off at the carrier", "PICKUP": "Carrier picks it up"}


def _reason_labels() -> dict[str, str]:
    """Every documented reason name the seller may send (any market), as the seller reads it;
    a name several markets share reads as the first market (US, then UK...) words it."""
    labels: dict[str, str] = {}
    for market in all_markets().values():
        for names in (market.reject, *market.seller.values()):
            for name, label in names.items():
                labels.setdefault(name, label)
    return labels


REASON_LABELS = _reason_labels()


@dataclass(frozen=True)
class WriteText:
    """One write in words: the sentence, how it looks (ok, error, waiting, muted), and if final."""

    text: str
    level: str
    final: bool


def refusal_words(code: int | None, message: str) -> str:
    """A refusal as the creator reads it, with its code: `already shipped (code 21011020)`."""
    reason = REFUSALS.get(code or 0) or message.removeprefix(_REFUSED_PREFIX)
    suffix = f" (code {code})"
    reason = reason.removesuffix(suffix)
    return f"{reason}{suffix}" if code else reason


def _json(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _done_text(kind: str, payload: dict[str, Any], result: dict[str, Any]) -> str:
    done = _DONE.get(kind, "Done")
    if kind == store.SHIP:
        how = HANDOVER_LABELS.get(str(payload.get("handover_method") or ""), "")
        tracking = str(payload.get("tracking_number") or "")
        parts = [done, how.lower() if how else tracking]
        if result.get("package_id"):
            parts.append(f"package {result['package_id']}")
        if result.get("warning"):  # TikTok took it but doubts the number (Valid Tracking Rate)
            parts.append(f"TikTok Shop warns: {result['warning']}")
        return " · ".join(p for p in parts if p)
    if kind == store.SHIPPING_INFO and payload.get("tracking_number"):
        return f"{done} to {payload['tracking_number']}"
    reason = REASON_LABELS.get(str(payload.get("reason") or ""), "")
    return f"{done}: {reason}" if reason and kind != store.CANCEL_APPROVE else done


def describe_write(row: dict[str, Any], now: float | None = None) -> WriteText:
    """A write row (`fetch_order_writes`, `fetch_writes_by_id`...) as one sentence."""
    kind, state = str(row.get("kind") or ""), str(row.get("state") or "")
    payload, result = _json(row.get("payload")), _json(row.get("result"))
    error = str(row.get("last_error") or "")
    if state == "done":
        level = WARNING if result.get("warning") else OK
        return WriteText(_done_text(kind, payload, result), level, True)
    if state == "failed":
        retry_at = row.get("next_retry_at")
        if retry_at is None:  # a refusal: only the creator can fix it
            words = refusal_words(row.get("last_code"), error)
            return WriteText(f"{_NOT_DONE.get(kind, 'Failed')}: {words}", ERROR, True)
        left = int(retry_at) - (time.time() if now is None else now)
        when = "soon" if left <= 0 else f"in {fmt.countdown(left)}"
        return WriteText(
            f"Not sent yet: {error}. Shopdesk tries again {when}; nothing is sent twice.",
            WAITING,
            False,
        )
    if state == "dropped":
        return WriteText("Dropped: never sent", MUTED, True)
    if state == "in_flight":
        return WriteText(_SENDING.get(kind, "Sending…"), WAITING, False)
    return WriteText("Queued: goes to TikTok Shop within seconds", WAITING, False)


def what_of(kind: str, order_id: str) -> str:
    """`Ship order 5770…`: what a write does, for the Sync queue."""
    what = KIND_WHAT.get(kind)
    return f"{what} {order_id}".strip() if what else order_id
