"""Error codes of the label APIs with their spec messages (create-packages,
get-eligible-shipping-service, get-package-shipping-document specs; the on-hold changelog)."""

from __future__ import annotations

NO_SERVICE_TEXT = (
    "There are no available shipping services for this request. Please modify the package "
    "weight, or double check the recipient address. If after multiple retries you continue to "
    "experience this error, please contact the platform for assistance."
)
ON_HOLD = (
    21011044,
    "Order status is on hold. Please process when order status update to awaiting shipment",
)
LINE_NOT_IN_ORDER = (21011029, "order does not belong to fulfill unit")
ALREADY_SHIPPED = (21011006, "These orders are already shipped.")
NO_SERVICE = (21011037, NO_SERVICE_TEXT)
NO_SERVICE_FOR_WEIGHT = (
    11021009,
    "No available shipping services for this request. Please modify the package weight or "
    "check the recipient address. If the error persists, please contact the platform for "
    "assistance.",
)
MULTIPLE_PACKAGES = (
    21011048,
    "There are multiple packages that can be shipped, please specify the order line that needs "
    "to be shipped.",
)
ILLEGAL_ADDRESS = (11021012, "illegal address")
OVERSIZE = (11021014, "product oversize")
SERVICE_CONFLICT = (
    11003011,
    "Shipping service operation conflict error, please double check the shipping service ID.",
)
SERVICE_NOT_FOUND = (21004008, "create label shipping service not found")
COUNTRY_NOT_SUPPORTED = (21004010, "Your country does not support the use of this feature.")
LABEL_PRINTED = (21008042, "seller already print shipping label")
NOT_IN_REGION = (21008106, "This interface cannot be used in this region.")
ALREADY_COMBINED = (21011033, "order already combined")
SPLIT_NOT_ALLOWED = (21011035, "split order not allowed")

# Get Package Shipping Document.
SELLER_SHIPPING_DOCUMENT = (
    11034002,
    "This API is only applicable to TikTok Shipping orders. For seller shipping, please obtain "
    "the shipping label offline and upload it to TikTok Shop via API or Seller Center.",
)
FULFILLED_BY_TIKTOK_DOCUMENT = (
    21008043,
    "This package is fulfilled by TikTok.  Shipping documents cannot be printed.",
)
ARRANGE_FIRST = (21023035, "Please arrange shipment before retrieving the shipping document.")
DOCUMENT_PACKAGE_CANCELLED = (21023059, "Package has already been cancelled.")
PICKED_UP = (21042102, "Documents couldn't be printed after the package has been pickup.")
