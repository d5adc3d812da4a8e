"""Typed errors for the return and refund endpoints, each code in plain words.

Codes from the error lists of the approve-return, reject-return, search-returns and
calculate-refund specs. The transient ones (25001028 lock failed, 25001058 downstream data,
25007002 database) are InternalError in errors.py, so they are retried like 36009003.
"""

from __future__ import annotations

from app.tiktok.errors import TikTokError


class ReturnRefused(TikTokError):
    """TikTok refused a return or refund call for a reason the seller must see."""

    @property
    def reason(self) -> str:
        """The refusal in plain words."""
        return RETURN_REFUSALS.get(self.code, (ReturnRefused, self.message))[1]

    def describe(self) -> str:
        """One line for the request's row and the errors tab."""
        return f"TikTok Shop refused: {self.reason} (code {self.code})"


class ReturnNotFound(ReturnRefused):
    """The request or order is not in this shop (or not visible to this app)."""


class ReturnStateChanged(ReturnRefused):
    """The request is no longer waiting for this answer: read it again before anything else."""


class ReturnReasonRejected(ReturnRefused):
    """The reject reason is unknown, withdrawn in this market, or for another kind of answer."""


class ReturnDecisionInvalid(ReturnRefused):
    """The decision or its details do not fit the request (a bug or stale data on our side)."""


class ReturnNotAllowed(ReturnRefused):
    """TikTok handles this kind of order's after-sales itself."""


RETURN_REFUSALS: dict[int, tuple[type[ReturnRefused], str]] = {
    25001001: (
        ReturnDecisionInvalid,
        "TikTok Shop did not accept the request's details (a value is missing or malformed)",
    ),
    11050001: (
        ReturnDecisionInvalid,
        "the answer's details do not fit the decision (partial refund amount, keep-item choice)",
    ),
    25020004: (
        ReturnDecisionInvalid,
        "this decision does not fit the request's type (refund, return or replacement)",
    ),
    25001003: (ReturnStateChanged, "the request is no longer in a state that allows this"),
    25001044: (ReturnStateChanged, "TikTok Shop does not allow approving this request"),
    25007007: (ReturnStateChanged, "the buyer is still answering your partial refund offer"),
    25011010: (
        ReturnStateChanged,
        "a TikTok Shop agent is reviewing the request (arbitration): it cannot be answered now",
    ),
    25011012: (
        ReturnStateChanged,
        "the request no longer waits for approval: it was answered, closed, or approved "
        "automatically at its deadline",
    ),
    25011013: (
        ReturnStateChanged,
        "there is no returned package to confirm yet: the buyer has not shipped it",
    ),
    25011032: (
        ReturnStateChanged,
        "a partial refund can only be offered while the request waits for your answer",
    ),
    25011035: (
        ReturnStateChanged,
        "the returned package has not arrived yet: it can be rejected once it arrives",
    ),
    25020009: (ReturnStateChanged, "the buyer or TikTok Shop already cancelled the request"),
    25020010: (
        ReturnStateChanged,
        "the request was already approved (perhaps automatically at its deadline) and cannot "
        "be rejected",
    ),
    25020011: (ReturnStateChanged, "the returned package was already received"),
    25020012: (
        ReturnStateChanged,
        "a received package can only be rejected after the buyer shipped it back",
    ),
    25001014: (ReturnReasonRejected, "TikTok Shop does not know this reject reason"),
    25001016: (ReturnReasonRejected, "this reason is for another kind of rejection"),
    25001020: (
        ReturnReasonRejected,
        "this reject reason is no longer offered in your market: choose another",
    ),
    25001057: (
        ReturnReasonRejected,
        "this is not a reason for rejecting a return or refund (a cancellation or buyer reason)",
    ),
    25007006: (ReturnNotFound, "the order was not found in this shop"),
    25020005: (ReturnNotFound, "this request or order is not in this shop"),
    25011023: (
        ReturnNotAllowed,
        "orders under TikTok's authenticity guarantee are handled by TikTok Shop",
    ),
    25011025: (
        ReturnNotAllowed,
        "the buyer got a quick refund, so the received package cannot be rejected",
    ),
    25011026: (
        ReturnNotAllowed,
        "TikTok fulfils this order (FBT): its warehouse receives the returned package",
    ),
}


def return_refusal(error: TikTokError) -> TikTokError:
    """Turn a documented refusal into its typed error; leave other errors as they are."""
    found = RETURN_REFUSALS.get(error.code)
    if found is None or error.retryable:
        return error
    return found[0](
        error.code, error.message, error.request_id, http_status=error.http_status, api=error.api
    )
