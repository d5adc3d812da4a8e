"""Cancellation reasons the seller may send, per market and order status (cancel-reasons.json).

A reason that does not fit the order's status gets 25001021 from TikTok, and one of another
market is unknown there, so the app offers only the shop's market's own names; a market with
no list of a kind (JP has no reject reasons) is offered none.
"""

from __future__ import annotations

from app.tiktok.models.cancel_reasons import reason_text, reasons_for

#: Statuses whose seller cancellation the tables document (ON_HOLD and AWAITING_SHIPMENT share
#: one list).
CANCELLABLE_STATUSES = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT")
DEFAULT_REGION = "US"


def seller_cancel_reasons(status: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """The reasons the seller may give for cancelling an order in this status (may be none)."""
    return reasons_for(region).seller_reasons(status)


def reject_reasons(region: str = DEFAULT_REGION) -> dict[str, str]:
    """The reasons Reject Cancellation accepts in the shop's market (may be none)."""
    return dict(reasons_for(region).reject)


def out_of_stock_reason(status: str, region: str = DEFAULT_REGION) -> str | None:
    """The out-of-stock reason for this status, the most common one."""
    for name, label in seller_cancel_reasons(status, region).items():
        if label == "Out of stock":
            return name
    return None


#: A reason name as the seller reads it, whatever the market; unknown names as they are.
reason_label = reason_text


#: The US lists, for callers that show them without a shop (and tests).
REJECT_REASONS: dict[str, str] = reject_reasons()
SELLER_CANCEL_REASONS: dict[str, dict[str, str]] = {
    s: seller_cancel_reasons(s) for s in CANCELLABLE_STATUSES
}


#: TikTok's refusals of the label APIs (Get Eligible Shipping Service, Create Packages, Get
#: Package Shipping Document; their specs and FACTS.md 9.3-9.4), in words a creator can act on.
LABEL_REFUSALS: dict[int, str] = {
    21011044: "the order is on hold (the buyer's first hour): wait until it awaits shipment",
    21008042: "a shipping label was already bought for these items",
    21022025: "a shipping label was already bought for these items",
    21030006: "the label was bought; the order's status no longer allows this",
    11021009: "no shipping service takes a parcel this heavy, or to this address: check the "
    "weight and the address",
    21011037: "no shipping service for this parcel and address: check the weight, the size and "
    "the buyer's address",
    21004008: "that shipping service is not available for this order",
    11003011: "that shipping service does not take this parcel: let TikTok choose the service",
    11021014: "the parcel is too big for the carrier (longest side or length plus girth)",
    11021012: "the carrier does not accept the buyer's address",
    21011012: "TikTok's trade rules do not allow a label for this order (often the address)",
    21008106: "TikTok Shipping labels cannot be bought through the API in this shop's market",
    21004010: "TikTok Shipping labels are not offered for this shop's country",
    21011007: "the buyer has an after-sale request pending: handle it first",
    21021010: "the buyer has an after-sale request pending: handle it first",
    21011033: "the order was combined with another one: buy the label for the combined package",
    21011046: "the order was combined with another one, so it cannot be split",
    21011035: "these items cannot ship apart: choose every unit of a SKU, within one package",
    21011048: "the order ships in several packages: choose the line items of one",
    21011029: "those line items are not part of this order's package",
    21032001: "the package can no longer be changed in its current status",
    21011003: "the order cannot be shipped in its current status",
    21011041: "the order was cancelled meanwhile",
    21011006: "already shipped",
    21011020: "already shipped",
    21023046: "already shipped",
    21008025: "TikTok fulfils this order: the seller cannot ship it",
    21008043: "TikTok fulfils this order: there is no label to print",
    21008111: "the order does not belong to this shop",
    21011028: "the package is not in this shop",
    11034002: "the seller ships this order: there is no TikTok Shipping label",
    21008017: "the seller ships this order: there is no TikTok Shipping label",
    21042102: "the carrier already picked the parcel up: its documents can no longer be printed",
    21042104: "buy the label (ship the package) before printing it",
    21023035: "arrange the shipment before printing the label",
    21023059: "the package was cancelled: its label is void",
    21008109: "TikTok could not find shipping information for this order: check its status",
    11034009: "the order's warehouse no longer exists",
    21001001: "the request was not valid (weight, size or line items)",
    11001002: "the request was not valid (weight, size or line items)",
    11050001: "the request was not valid (weight, size or line items)",
    11028006: "the tracking number cannot be matched to any carrier",
    10006402: "the app is not allowed to do this for this shop",
    11001027: "TikTok Shop timed out buying the label: check the order before trying again",
    21001011: "TikTok Shop had a system error: check the order before trying again",
    21022029: "TikTok Shop had a system error: check the order before trying again",
    21030005: "TikTok Shop is still buying this label: check the order in a moment",
    21022026: "TikTok Shop could not buy the label just now: try again later",
    11034023: "the label took too long to generate: try again later",
    11034037: "the carrier is still generating the label: try again in a moment",
    21023022: "printing the label timed out: try again later",
    11006010: "TikTok Shop had a package status error: try again later",
    11034025: "TikTok Shop had a package tag error: try again later",
    21023034: "TikTok Shop had a package update error: try again later",
}
