"""TikTok's error codes with their official messages, and the one envelope every answer uses."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from app.sandbox.ids import request_id

# --- common-errors.md, verbatim -----------------------------------------------------------------
TOO_MANY_REQUESTS = (
    36009002,
    "Too many requests. You've made too many requests in a short period of time.",
)
INTERNAL_ERROR = (
    36009003,
    "Internal error. Please try again. If the issue persists after multiple attempts, "
    "please contact platform support.",
)
INVALID_PATH = (36009009, "Invalid path. The specified path does not match any available endpoint.")
INVALID_METHOD = (
    36009010,
    "Invalid method. The HTTP method used is not supported by this endpoint.",
)
INVALID_BODY_FORMAT = (
    36009022,
    "Invalid request format. The request body format must be `application/json` for structured "
    "data or `multipart/form-data` for binary files.",
)
MISSING_SIGN = (
    36009004,
    "Missing credentials. The request does not include a required signature in the query.",
)
INVALID_TOKEN = (36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.")
INVALID_APP_KEY = (36009004, "Invalid credentials. Invalid `app_key` query parameter.")
TIMESTAMP_NEGATIVE = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not be lesser than 0.",
)
TIMESTAMP_TOO_OLD = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than "
    "5 minutes before the current time.",
)
TIMESTAMP_IN_FUTURE = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current "
    "time by more than 30 seconds.",
)
UNEXPECTED_SHOP_CIPHER = (
    36009004,
    "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.",
)
INVALID_SHOP_OR_TOKEN = (
    101000,
    "Invalid query or header. The `category_asset_cipher` query parameter or "
    "`x-tts-access-token` header is invalid.",
)
EXPIRED_TOKEN = (
    105002,
    "Expired credentials. The `access_token` or `x-tts-access-token` header has expired.",
)
MISSING_SCOPE = (
    105005,
    "Access denied. The app is not authorized to access the endpoint because the access scopes "
    "granted for the app or the access token do not contain the required access scope for the "
    "endpoint.",
)
INVALID_SIGN = (106001, "Invalid credentials. The `sign` query parameter is invalid.")
MISSING_SHOP_CIPHER = (
    106013,
    "Missing identifier. The `shop_cipher` query parameter is required to identify the target "
    "shop.",
)
# FACTS.md 2 (api-versioning page).
INVALID_VERSION = (36009014, "The version name is invalid, please check and retry.")

# FACTS.md 3: the codes integrators see from the token endpoints.
REFRESH_TOKEN_EXPIRED = (36004001, "rt has expired")
AUTH_RECORD_NOT_FOUND = (36004005, "can not find related auth record")
# FACTS.md 9.1: an invalid or already used authorization code (a live reply, quoted 2025-07).
INVALID_AUTH_CODE = (36004004, "invalid auth code")

# --- fulfilment and logistics specs (messages as listed, trailing spaces trimmed) ------------
INVALID_PARAMS = (
    21001001,
    "Invalid parameters. Please ensure you are passing the correct request parameter(s).",
)
# No fulfilment spec lists a code for an unknown order; this is the order-ownership code of Get
# Order Detail (FACTS.md 4.2), which names orders and packages alike.
ORDER_NOT_IN_SHOP = (21008111, "The order or package does not belong to the current seller.")
PACKAGE_NOT_IN_SHOP = (21011028, "The package does not belong to the current shop.")
PERMISSION_DENIED = (10006402, "permission denied")  # get-package-detail's only own code
FULFILLED_BY_PLATFORM = (21008025, "Seller cannot operate orders which are fulfilled by platform")
ACTION_NOT_ALLOWED = (21011003, "fulfill_unit action not allowed")
# FACTS.md 9.4 (changelog for-us-and-uk-markets-introducing-on-hold-order-status.md).
ORDER_ON_HOLD = (
    21011044,
    "Order status is on hold. Please process when order status update to awaiting shipment",
)
NOT_SELLER_SHIPPING = (
    21011004,
    "This API cannot be used to update package shipping information for packages that are not "
    "shipped by sellers.",
)
AFTER_SALE_PENDING = (
    21011007,
    "Package item has after-sale request, please process the after-sale request first.",
)
ORDERS_SHIPPED = (21011020, "These orders are already shipped.")
ITEMS_SHIPPED = (21008099, "Package has been shipped. Please not ship the package again.")
PACKAGE_SHIPPED = (21011040, "Package has already been shipped.")
ORDER_CANCELLED = (21011041, "Cannot complete the operation when order is cancelled.")
# Update Package Shipping Info lists the same message under 21011042 instead.
PACKAGE_ORDER_CANCELLED = (21011042, "Cannot complete the operation when order is cancelled.")
INVALID_TRACKING = (
    21011022,
    "Invalid tracking number or provider ID. Please double check and try again.",
)
DUPLICATE_TRACKING = (21011025, "Duplicate tracking number.")
SAME_SKU_SPLIT = (21011036, "split same sku in Multi Package not allow.")
ALREADY_DELIVERED = (
    21011030,
    "Package has already been delivered. If you would still like to update the tracking "
    "number, please contact the platform for assistance.",
)
NOT_SHIPPED = (21011043, "The package has not been shipped yet.")
UPDATE_NOT_ALLOWED = (
    21011049,
    "Due to platform rule limitations, you are unable to update the tracking number.",
)
UPDATE_WINDOW_OVER = (
    21011050,
    "The tracking number can only be updated within a certain number of hours.",
)
OUTSIDE_PICKUP_SLOT = (
    21011053,
    "Fail to ship package because the shipment time is outside of the pick-up time slot.",
)
NO_DELIVERY_OPTION = (21008116, "No Subscription without specified delivery option.")
DELIVERED_BY_TIKTOK = (
    21008117,
    "The delivery of the specified delivery_option_id is fulfilled by TikTok. No shipping "
    "provider will be returned.",
)

# --- return and refund specs --------------------------------------------------------------------
RR_INVALID_PARAMS = (
    25001001,
    "An invalid request parameter was passed. Please check that you have the correct parameter "
    "type(s) and format.",
)
RR_IN_PROCESS = (
    25001011,
    "A return request is already in process, or the order has already been cancelled.",
)
RR_UNKNOWN_REASON = (
    25001014,
    "Unknown return reason. Please ensure you are passing a valid return reason.",
)
RR_NOT_SELLER_REASON = (
    25001015,
    "The provided return reason cannot be used by the seller. Please select a valid return "
    "reason and try again.",
)
RR_REASON_STATUS = (25001021, "Reason not match order status")
RR_REASON_TYPE = (25001057, "reverse reason not match reason type")
RR_SHIPPED = (
    25001045,
    "The order has already been shipped and we are unable to cancel shipment with the courier.",
)
RR_FINAL = (25001051, "Not allowed to return or cancel since order is completed or cancelled")
RR_NO_ITEM_LEVEL = (25005010, "Unable to cancel individual line items within this request.")
RR_TOO_MANY_ITEMS = (
    25005011,
    "The requested line item(s) for return or refund exceeds the allowable limit.",
)
RR_CANNOT_REJECT = (25011011, "reverse status cannot reject application")
RR_CANNOT_APPROVE = (25011012, "reverse status cannot approve application")
RR_WRONG_TYPE = (25020004, "decision not match reverse type")
# Listed by every cancellation endpoint; also the answer for a cancel_id or order_id the shop
# does not have (no "not found" code is listed for cancellations).
RR_NO_PERMISSION = (25020005, "No permission to process this order")
RR_CLOSED = (25020009, "reverse already cancelled")
RR_APPROVED = (25020010, "Aftersales has been approved and cannot be rejected.")

#: HTTP statuses that differ from 200 (FACTS.md 2, 8.1; common-errors.md).
HTTP_STATUS: dict[int, int] = {36009009: 404, 36009010: 405, 106001: 401, 36009002: 429}


class ApiError(Exception):
    """A TikTok error answer: code and message in the envelope, HTTP status as TikTok sends it."""

    def __init__(self, code: int, message: str, http_status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status if http_status is not None else HTTP_STATUS.get(code, 200)

    @classmethod
    def of(cls, pair: tuple[int, str], detail: str | None = None) -> ApiError:
        code, message = pair
        return cls(code, f"{message} {detail}" if detail else message)


def param_error(detail: str) -> ApiError:
    """A request parameter the gateway rejects: observed as 36009004 "param body.address is
    missing" (EcomPHP/tiktokshop-php issue 27), so the sandbox uses that form for missing or
    malformed parameters where an endpoint documents no code of its own."""
    return ApiError(36009004, f"param {detail}")


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def envelope(data: Any, *, code: int = 0, message: str = "Success", status: int = 200) -> Response:
    """`{"code", "message", "request_id", "data"}`, the shape of every answer (FACTS.md 2)."""
    body = {"code": code, "message": message, "request_id": request_id(), "data": data}
    return Response(dumps(body), status_code=status, media_type="application/json")


def error_response(error: ApiError) -> Response:
    return envelope(None, code=error.code, message=error.message, status=error.http_status)
