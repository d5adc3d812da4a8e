"""What the sandbox keeps about a return, refund or replacement request (search-returns spec).

Statuses and what the seller must do in each come from the search-returns spec and
12-return-status-change.md. Windows the docs leave open are sandbox choices inside FACTS.md 9.7
("approved automatically after about one working day to two days"): two days to answer a
request or a received parcel, a buyer who ships back one day after approval (or, told not to,
a request the platform closes after seven days), three days in the post, and the refund paid an
hour after it was granted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HOUR = 3600
DAY = 86400
RESPONSE_WINDOW = 2 * DAY
RECEIVE_WINDOW = 2 * DAY
BUYER_SHIP_DELAY = DAY
BUYER_SHIP_WINDOW = 7 * DAY
RETURN_TRANSIT = 3 * DAY
REFUND_DELAY = HOUR

REFUND = "REFUND"
RETURN_AND_REFUND = "RETURN_AND_REFUND"
REPLACEMENT = "REPLACEMENT"
TYPES = (REFUND, RETURN_AND_REFUND, REPLACEMENT)

PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
REJECTED = "REFUND_OR_RETURN_REQUEST_REJECT"
AWAITING_SHIP = "AWAITING_BUYER_SHIP"
SHIPPED = "BUYER_SHIPPED_ITEM"
PACKAGE_REJECTED = "REJECT_RECEIVE_PACKAGE"
SUCCESS = "RETURN_OR_REFUND_REQUEST_SUCCESS"
CANCELLED = "RETURN_OR_REFUND_REQUEST_CANCEL"
COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE"
AWAITING_BUYER = "AWAITING_BUYER_RESPONSE"
REPLACEMENT_PENDING = "REPLACEMENT_REQUEST_PENDING"
REPLACEMENT_REJECTED = "REPLACEMENT_REQUEST_REJECT"
REPLACEMENT_REFUNDED = "REPLACEMENT_REQUEST_REFUND_SUCCESS"
REPLACEMENT_CANCELLED = "REPLACEMENT_REQUEST_CANCEL"
REPLACEMENT_COMPLETE = "REPLACEMENT_REQUEST_COMPLETE"
STATUSES = (
    PENDING,
    REJECTED,
    AWAITING_SHIP,
    SHIPPED,
    PACKAGE_REJECTED,
    SUCCESS,
    CANCELLED,
    COMPLETE,
    REPLACEMENT_PENDING,
    REPLACEMENT_REJECTED,
    REPLACEMENT_REFUNDED,
    REPLACEMENT_CANCELLED,
    REPLACEMENT_COMPLETE,
    AWAITING_BUYER,
)
#: The Search Returns `return_status` filter documents these values (no REPLACEMENT_*).
FILTER_STATUSES = tuple(s for s in STATUSES if not s.startswith("REPLACEMENT_"))
#: A request in one of these is over; its items may be asked about again.
CLOSED_WITHOUT_REFUND = frozenset(
    {REJECTED, PACKAGE_REJECTED, CANCELLED, REPLACEMENT_REJECTED, REPLACEMENT_CANCELLED}
)
FINAL = CLOSED_WITHOUT_REFUND | {COMPLETE, REPLACEMENT_REFUNDED, REPLACEMENT_COMPLETE}
ARBITRATION = ("IN_PROGRESS", "SUPPORT_BUYER", "SUPPORT_SELLER", "CLOSED")

RESPOND_REFUND = "SELLER_RESPOND_REFUND"
RESPOND_RETURN = "SELLER_RESPOND_RETURN"
RESPOND_RECEIVE = "SELLER_RESPOND_RECEIVE_PACKAGE"
RESPOND_REPLACEMENT = "SELLER_RESPOND_REPLACEMENT"

APPROVE_DECISIONS = (
    "APPROVE_REFUND",
    "APPROVE_RETURN",
    "APPROVE_RECEIVED_PACKAGE",
    "APPROVE_REPLACEMENT",
    "ISSUE_REPLACEMENT_REFUND",
    "OFFER_PARTIAL_REFUND",
)
REJECT_DECISIONS = (
    "REJECT_REFUND",
    "REJECT_RETURN",
    "REJECT_RECEIVED_PACKAGE",
    "REJECT_REPLACEMENT",
)
#: Which request types each decision answers (25020004 otherwise).
DECISION_TYPES: dict[str, tuple[str, ...]] = {
    "APPROVE_REFUND": (REFUND,),
    "APPROVE_RETURN": (RETURN_AND_REFUND,),
    "APPROVE_RECEIVED_PACKAGE": (RETURN_AND_REFUND,),
    "APPROVE_REPLACEMENT": (REPLACEMENT,),
    "ISSUE_REPLACEMENT_REFUND": (REPLACEMENT,),
    "OFFER_PARTIAL_REFUND": (REFUND, RETURN_AND_REFUND),
    "REJECT_REFUND": (REFUND,),
    "REJECT_RETURN": (RETURN_AND_REFUND,),
    "REJECT_RECEIVED_PACKAGE": (RETURN_AND_REFUND,),
    "REJECT_REPLACEMENT": (REPLACEMENT,),
}


@dataclass
class ReturnEvent:
    """One entry of Get Return Records."""

    role: str
    description: str
    at: int
    reason_text: str = ""
    note: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    videos: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReturnRequest:
    """A buyer's return, refund or replacement request and everything that happened to it."""

    id: str
    shop_id: str
    order_id: str
    return_type: str
    role: str  # who asked: BUYER (or SELLER / OPERATOR / SYSTEM)
    reason: str
    create_time: int
    line_item_ids: list[str]
    lines: list[dict[str, Any]]  # return_line_items as the API shows them
    refund: dict[str, str]
    discount: dict[str, str]
    return_shipping: dict[str, str]
    status: str = PENDING
    update_time: int = 0
    shipment_type: str | None = None  # PLATFORM | BUYER_ARRANGE, when items travel back
    handover_method: str | None = None
    buyer_ships: bool = True  # False: the buyer never ships and the platform closes it
    can_buyer_keep_item: bool = False
    action: str | None = None  # the seller's next action, while one is expected
    deadline: int | None = None
    due_at: int | None = None  # the next thing the clock does to the request
    due: str | None = None  # approve | ship | close | arrive | refund
    tracking_number: str = ""
    provider_name: str = ""
    provider_id: str = ""
    arrived_at: int | None = None
    arbitration_status: str | None = None
    partial_refund: dict[str, str] | None = None
    buyer_rejected_partial_refund: bool | None = None
    replacement_order_id: str | None = None
    events: list[ReturnEvent] = field(default_factory=list)


@dataclass
class ShopReturns:
    """A shop's requests by id, and the ones the clock has something to do with."""

    requests: dict[str, ReturnRequest] = field(default_factory=dict)
    timed: set[str] = field(default_factory=set)
