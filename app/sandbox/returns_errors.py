"""The return endpoints' own error codes, with their messages as the specs list them.

Codes the cancellation endpoints share (25001001, 25001011, 25001014, 25001057, 25011012,
25020004, 25020005, 25020009, 25020010) are in errors.py.
"""

from __future__ import annotations

INVALID_PARAM = (11050001, "invalid param")
INVALID_ORDER_STATUS = (25001003, "Invalid order status.")
REASON_NOT_ACTION = (25001016, "reverse reason not match action type")
REASON_OFFLINE = (
    25001020,
    "The provided return reason is currently offline. Please select a different return reason.",
)
ORDER_NOT_FOUND = (25007006, "Order not found.")
NEGOTIATING = (25007007, "ReverseOrderExistNegotiate")
WITH_OPERATOR = (25011010, "request has been transferred to platform operator")
CANNOT_APPROVE_RECEIVE = (25011013, "reverse status cannot approve receive")
FBT_RECEIVE = (25011026, "forbid process receive for FBT order")
PARTIAL_REFUND_STATUS = (25011032, "ReverseInvalidStatusPartialRefund")
PARCEL_NOT_HERE = (25011035, "could not reject parcel now")
ALREADY_RECEIVED = (25020011, "return already received")
CANNOT_REJECT_RECEIVE = (25020012, "status can't reject receive")
#: get-aftersale-eligibility's sample pairs this code with this reason.
INELIGIBLE_STATUS = (25001001, "invalid order status")
