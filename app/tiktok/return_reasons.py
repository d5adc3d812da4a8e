"""Which answer fits which request, which reject reasons may be offered, and status words.

Reject reasons change by market and over time, so the app offers what Get Reject Reasons
returns for the request (guides/changelog/for-sea-market-get-rejection-reasons-...md); the US
reasons TikTok withdrew for returns (guides/changelog/us-market-removing-some-reject-reasons-
for-returns.md) are filtered out even from a list cached before the change.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.tiktok.models.returns import RejectReason

#: The seller's next action -> (approving decision, rejecting decision) (approve-return and
#: reject-return specs).
DECISIONS: dict[str, tuple[str, str]] = {
    "SELLER_RESPOND_REFUND": ("APPROVE_REFUND", "REJECT_REFUND"),
    "SELLER_RESPOND_RETURN": ("APPROVE_RETURN", "REJECT_RETURN"),
    "SELLER_RESPOND_RECEIVE_PACKAGE": ("APPROVE_RECEIVED_PACKAGE", "REJECT_RECEIVED_PACKAGE"),
    "SELLER_RESPOND_REPLACEMENT": ("APPROVE_REPLACEMENT", "REJECT_REPLACEMENT"),
}
#: Statuses each decision leads to once TikTok took it (how a lost answer is checked).
OUTCOMES: dict[str, frozenset[str]] = {
    "APPROVE_REFUND": frozenset(
        {"RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"}
    ),
    "APPROVE_RETURN": frozenset(
        {
            "AWAITING_BUYER_SHIP",
            "BUYER_SHIPPED_ITEM",
            "REJECT_RECEIVE_PACKAGE",
            "RETURN_OR_REFUND_REQUEST_SUCCESS",
            "RETURN_OR_REFUND_REQUEST_COMPLETE",
        }
    ),
    "APPROVE_RECEIVED_PACKAGE": frozenset(
        {"RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"}
    ),
    "APPROVE_REPLACEMENT": frozenset(
        {"REPLACEMENT_REQUEST_COMPLETE", "REPLACEMENT_REQUEST_REFUND_SUCCESS"}
    ),
    "ISSUE_REPLACEMENT_REFUND": frozenset({"REPLACEMENT_REQUEST_REFUND_SUCCESS"}),
    "OFFER_PARTIAL_REFUND": frozenset({"AWAITING_BUYER_RESPONSE"}),
    "REJECT_REFUND": frozenset({"REFUND_OR_RETURN_REQUEST_REJECT"}),
    "REJECT_RETURN": frozenset({"REFUND_OR_RETURN_REQUEST_REJECT"}),
    "REJECT_RECEIVED_PACKAGE": frozenset({"REJECT_RECEIVE_PACKAGE"}),
    "REJECT_REPLACEMENT": frozenset({"REPLACEMENT_REQUEST_REJECT"}),
}
#: Withdrawn in the US for rejecting returns (and the older name of "You have reached an
#: agreement with the buyer" from the get-reject-reasons sample).
US_WITHDRAWN = frozenset(
    {
        "reverse_reject_request_reason_1",
        "reverse_reject_request_reason_2",
        "reverse_reject_request_reason_3",
        "reverse_reject_request_reason_5",
        "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer",
    }
)
#: What each status means for the seller, in plain words.
STATUS_WORDS: dict[str, str] = {
    "RETURN_OR_REFUND_REQUEST_PENDING": "waiting for your answer",
    "REFUND_OR_RETURN_REQUEST_REJECT": "rejected",
    "AWAITING_BUYER_SHIP": "approved; waiting for the buyer to ship it back",
    "BUYER_SHIPPED_ITEM": "on its way back to you",
    "REJECT_RECEIVE_PACKAGE": "returned package rejected",
    "RETURN_OR_REFUND_REQUEST_SUCCESS": "approved; the buyer is being refunded",
    "RETURN_OR_REFUND_REQUEST_CANCEL": "cancelled",
    "RETURN_OR_REFUND_REQUEST_COMPLETE": "refunded",
    "AWAITING_BUYER_RESPONSE": "waiting for the buyer to answer your offer",
    "REPLACEMENT_REQUEST_PENDING": "replacement: waiting for your answer",
    "REPLACEMENT_REQUEST_REJECT": "replacement rejected",
    "REPLACEMENT_REQUEST_REFUND_SUCCESS": "refunded instead of replaced",
    "REPLACEMENT_REQUEST_CANCEL": "replacement cancelled",
    "REPLACEMENT_REQUEST_COMPLETE": "replacement order created",
}


def decisions_for(action: str) -> tuple[str, str] | None:
    """The (approve, reject) decisions that answer this next action (None: unknown action)."""
    return DECISIONS.get(action)


def offerable(region: str, reasons: Iterable[RejectReason], return_type: str) -> list[RejectReason]:
    """The reasons worth offering: TikTok's list minus what the market withdrew for returns."""
    withdrawn = US_WITHDRAWN if region == "US" and return_type != "REFUND" else frozenset()
    return [r for r in reasons if r.name not in withdrawn]


def status_words(status: str) -> str:
    """A status in plain words (the raw status when TikTok adds a new one)."""
    return STATUS_WORDS.get(status, status.replace("_", " ").lower())
