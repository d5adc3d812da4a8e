"""Return and refund reasons by market: the buyer's reasons, and the seller's reject reasons.

Sources (in tests/fixtures/tiktok-docs/guides/):
- return-and-refund/refund-reasons.md, TikTok's "Refund reasons" page (partner.tiktokshop.com/
  docv2/page/refund-reasons): per market, the buyer's refund reasons by order status, "Seller
  Reject Refund Request Reason" and "Seller Initiates Refund Reason".
- changelog/us-market-removing-some-reject-reasons-for-returns.md: in the US,
  reverse_reject_request_reason 1, 2, 3 and 5 "can no longer be used to reject a return".
- reject-return spec sample: REJECT_RECEIVED_PACKAGE with
  seller_reject_apply_package_has_not_exceeded_estimated_delivery_time; get-reject-reasons sample:
  seller_reject_apply_you_have_reached_an_agreement_with_the_buyer (the US reason "You have
  reached an agreement with the buyer", one of the removed ones).

TikTok's "Return reasons" page is not among our documents, so (a sandbox choice) a return or a
replacement is rejected with the market's reject list (minus the US removals), and a received
package with that list plus the spec sample's reason. Buyers return items for the delivered-item
refund reasons that name a fault of the item.
"""

from __future__ import annotations

from app.sandbox import reasons as cancel_reasons

SHIPPED = ("AWAITING_COLLECTION", "IN_TRANSIT")
DELIVERED = ("DELIVERED",)

# --- US ------------------------------------------------------------------------------------------
US_BUYER_SHIPPED = {
    "ecom_order_shipped_refund_reason_not_arrive_on_time": "Product wouldn't arrive on time",
}
US_BUYER_DELIVERED = {
    "ecom_order_delivered_refund_reason_not_received": "Package wasn't received",
    "ecom_order_delivered_refund_reason_missing_product": "Package received but missing item",
    "ecom_order_delivered_refund_reason_damaged": "Damaged item or packaging",
    "ecom_order_delivered_refund_reason_defective": "Defective item",
    "ecom_order_delivered_refund_reason_missing_broken_parts": "Missing or broken parts",
    "ecom_order_delivered_refund_reason_not_match_description": "Item doesn't match description",
    "ecom_order_delivered_refund_reason_wrong_product_1": "Wrong item was sent",
}
US_ITEM_FAULTS = (
    "ecom_order_delivered_refund_reason_damaged",
    "ecom_order_delivered_refund_reason_defective",
    "ecom_order_delivered_refund_reason_missing_broken_parts",
    "ecom_order_delivered_refund_reason_not_match_description",
    "ecom_order_delivered_refund_reason_wrong_product_1",
)
US_REJECT_REFUND = {
    "reverse_reject_request_reason_4": "Product delivery is on schedule",
    "reverse_reject_refund_request_correct_item": "Item is correct",
    "reverse_reject_refund_request_package_delivery_multiple_boxes": (
        "Products were shipped in multiple packages"
    ),
    "reverse_reject_refund_request_unclear_evidence": "Reason is unclear / lack of evidence",
    "reverse_reject_refund_request_product_function_well": (
        "Product functions well/Incorrect usage by the customer"
    ),
    "reverse_reject_refund_request_package_delivery_timing": "Product is in transit",
    "reverse_reject_refund_request_no_reason_shipped_replacement": "Replacement has been shipped",
    "reverse_reject_refund_request_no_reason_failed_delivery_attempt": (
        "The delivery attempt failed"
    ),
    "reverse_reject_refund_request_incorrect_address": (
        "The package has been successfully delivered to the shipping address that was provided."
    ),
    "reverse_reject_request_reason_3": "Not eligible for return (e.g. used or broken)",
}
#: us-market-removing-some-reject-reasons-for-returns.md (and the get-reject-reasons sample's
#: name for "You have reached an agreement with the buyer").
US_REMOVED = {
    "reverse_reject_request_reason_1": "Buyer return reason is not valid",
    "reverse_reject_request_reason_2": "Change of mind returns are not applicable",
    "reverse_reject_request_reason_3": "Not eligible for return (e.g. used or broken)",
    "reverse_reject_request_reason_5": "You have reached an agreement with the buyer",
    "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer": (
        "You have reached an agreement with the buyer"
    ),
}
US_SELLER_SHIPPED = {
    "seller_shipped_refund_package_lost": "Package lost",
    "seller_shipped_refund_package_delivery_failed": "Package delivery failed",
    "seller_shipped_refund_miss_estimated_delivery_date": "Missed estimated delivery date",
}
US_SELLER_DELIVERED = {
    "ecom_order_delivered_refund_reason_missing_product_seller": "Missing product or accessories",
    "ecom_order_delivered_refund_reason_not_received_seller": "Package wasn't received",
    "ecom_order_delivered_refund_reason_not_match_description_seller": (
        "Product doesn't match description"
    ),
    "ecom_order_delivered_refund_reason_damaged_seller": "Package or product is damaged",
    "ecom_order_delivered_refund_reason_wrong_product_seller": "Wrong product was sent",
    "ecom_order_delivered_refund_reason_missed_delivery_date_seller": (
        "Missed estimated delivery date"
    ),
    "seller_shipped_refund_package_lost": "Package lost",
    "seller_shipped_refund_package_delivery_failed": "Package delivery failed",
}

# --- UK (region GB) ------------------------------------------------------------------------------
UK_BUYER_SHIPPED = {"buyer_refund_package_didn't_arrive_on_time": "Package didn't arrive on time"}
UK_BUYER_DELIVERED = {
    "ecom_order_delivered_refund_reason_no_need_uk": "No longer needed",
    "ecom_order_delivered_refund_reason_not_received_uk": "Package wasn't received",
    "ecom_order_delivered_refund_reason_not_match_uk": "Product doesn't match description",
    "ecom_order_delivered_refund_reason_missing_product_uk": "Missing product or accessories",
    "ecom_order_delivered_refund_reason_damaged_uk": "Package or product is damaged",
    "ecom_order_delivered_refund_reason_defective_uk": "Product is defective or doesn't work",
    "ecom_order_delivered_refund_reason_wrong_product_uk": "Wrong product was sent",
    "ecom_order_delivered_refund_reason_missed_delivery_date_uk": "Missed estimated delivery date",
    "ecom_order_delivered_refund_reason_other_uk": "Other",
    "buyer_refund_suspected_counterfeit": "Suspected Counterfeit",
    "buyer_refund_does_not_suit_me": "Does not suit me",
    "buyer_refund_multiple_sizes_ordered": "Multiple sizes ordered",
    "buyer_refund_quality_or_style_not_as_expected": "Quality or style not as expected",
    "buyer_refund_item_is_too_big/long": "Item is too big/long",
    "buyer_refund_item_is_too_small/short": "Item is too small/short",
    "buyer_refund_ordered_incorrect_size": "Ordered incorrect size",
    "buyer_refund_unauthorised_purchase": "Unauthorised purchase",
    "buyer_refund_product_is_expired/spoiled": "Product is expired/spoiled",
    "buyer_refund_product_not_frozen_on_arrival": "Product not frozen on arrival",
}
UK_ITEM_FAULTS = (
    "ecom_order_delivered_refund_reason_not_match_uk",
    "ecom_order_delivered_refund_reason_damaged_uk",
    "ecom_order_delivered_refund_reason_defective_uk",
    "ecom_order_delivered_refund_reason_wrong_product_uk",
)
#: Change-of-mind returns: the buyer pays the return label.
BUYER_PAYS_RETURN = frozenset(
    {
        "ecom_order_delivered_refund_reason_no_need_uk",
        "buyer_refund_does_not_suit_me",
        "buyer_refund_multiple_sizes_ordered",
        "buyer_refund_ordered_incorrect_size",
        "buyer_refund_item_is_too_big/long",
        "buyer_refund_item_is_too_small/short",
    }
)
_SHARED_REJECT = {
    "seller_reject_apply_unable_to_change_address": "Unable to change address",
    "seller_reject_apply_buyer's_responsibility_for_incorrect_address": (
        "Buyer's responsibility for incorrect address"
    ),
    "seller_reject_apply_item_is_correct": "Item is correct",
    "seller_reject_apply_products_will_be_sent_separately": "Products will be sent separately",
    "seller_reject_apply_reason_is_unclear_or_lack_of_evidence": (
        "Reason is unclear or lack of evidence"
    ),
    "seller_reject_apply_product_functions_well/buyer_use_in_wrong_way": (
        "Product functions well/Buyer use in wrong way"
    ),
    "seller_reject_apply_reason_is_unclear_/_lack_of_evidence": (
        "Reason is unclear / lack of evidence"
    ),
    "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time": (
        "Product is shipped and parcel cannot be recalled back from logistics."
    ),
}
UK_REJECT = {
    "reverse_reject_request_reason_1_uk": "Buyer return reason is not valid",
    "reverse_reject_request_reason_2_uk": "Change of mind returns are not applicable",
    "reverse_reject_request_reason_3_uk": "Not eligible for return (e.g. used or broken)",
    "reverse_reject_request_reason_4_uk": "Product delivery is on schedule",
    "reverse_reject_request_reason_5_uk": "You have reached an agreement with the buyer",
    **_SHARED_REJECT,
}
UK_SELLER_SHIPPED = {
    "seller_package_lost_uk": "Package lost",
    "ecom_order_shipped_refund_reason_not_arrive_on_time_seller_uk": (
        "Product wouldn't arrive on time"
    ),
}
UK_SELLER_DELIVERED = {
    "ecom_order_delivered_refund_reason_missing_product_seller_uk": (
        "Missing product or accessories"
    ),
    "ecom_order_delivered_refund_reason_not_received_seller_uk": "Package wasn't received",
    "ecom_order_delivered_refund_reason_not_match_description_seller_uk": (
        "Product doesn't match description"
    ),
    "ecom_order_delivered_refund_reason_damaged_seller_uk": "Package or product is damaged",
    "ecom_order_delivered_refund_reason_wrong_product_seller_uk": "Wrong product was sent",
    "ecom_order_delivered_refund_reason_missed_delivery_date_seller_uk": (
        "Missed estimated delivery date"
    ),
    "ecom_order_delivered_refund_reason_defective_seller_uk": (
        "Product is defective or doesn't work"
    ),
    "buyer_refund_suspected_counterfeit_seller_uk": "Suspected Counterfeit",
}

# --- Southeast Asia (ID, MY, PH, SG, TH, VN) -----------------------------------------------------
SEA_BUYER_SHIPPED = {
    "ecom_order_shipped_refund_reason_not_arrive_on_time": "Product wouldn't arrive on time",
}
SEA_BUYER_DELIVERED = {
    "ecom_order_delivered_refund_reason_not_received": "Package wasn't received",
    "ecom_order_delivered_refund_reason_not_match": "Product doesn't match description",
    "ecom_order_delivered_refund_reason_missing_product": "Missing product or accessories",
    "ecom_order_delivered_refund_reason_damaged": "Package or product is damaged",
    "ecom_order_delivered_refund_reason_defective": "Product is defective or doesn't work",
    "ecom_order_delivered_refund_reason_wrong_product": "Wrong product was sent",
    "ecom_order_delivered_refund_reason_missed_delivery_date": "Missed estimated delivery date",
    "buyer_refund_suspected_counterfeit": "Suspected Counterfeit",
}
SEA_ITEM_FAULTS = (
    "ecom_order_delivered_refund_reason_not_match",
    "ecom_order_delivered_refund_reason_damaged",
    "ecom_order_delivered_refund_reason_defective",
    "ecom_order_delivered_refund_reason_wrong_product",
)
SEA_REJECT = {
    "reverse_reject_request_reason_1": "Buyer return reason is not valid",
    "reverse_reject_request_reason_2": "Change of mind returns are not applicable",
    "reverse_reject_request_reason_3": "Not eligible for return (e.g. used or broken)",
    "reverse_reject_request_reason_4": "Product delivery is on schedule",
    "reverse_reject_request_reason_5": "You have reached an agreement with the buyer",
    "seller_reject_apply_unable_to_change_address": "Unable to change address",
    "seller_reject_apply_need_to_apply_for_refund&return": "Need to apply for refund&return",
    **_SHARED_REJECT,
}
#: Thailand's list has no reverse_reject_request_reason_2.
TH_REJECT = {k: v for k, v in SEA_REJECT.items() if k != "reverse_reject_request_reason_2"}
#: A seller's own refund: only ID (delivered) and VN list reasons; MY, PH, SG, TH "Unsupported".
SEA_SELLER_DELIVERED = {
    "ecom_order_delivered_refund_reason_missing_product_seller": "Missing product or accessories",
}
SEA_SELLER_REGIONS = frozenset({"ID", "VN"})

#: The reject-return spec sample's reason for REJECT_RECEIVED_PACKAGE.
RECEIVE_SAMPLE = "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time"
RECEIVE_SAMPLE_TEXT = _SHARED_REJECT[RECEIVE_SAMPLE]

MARKET_OF_REGION = {"US": "US", "GB": "UK", "UK": "UK", "TH": "TH"}
for _region in ("ID", "MY", "PH", "SG", "VN"):
    MARKET_OF_REGION[_region] = "SEA"

REFUND_REJECT = {"US": US_REJECT_REFUND, "UK": UK_REJECT, "SEA": SEA_REJECT, "TH": TH_REJECT}
OFFLINE = {"US": US_REMOVED, "UK": {}, "SEA": {}, "TH": {}}
BUYER_SHIPPED = {"US": US_BUYER_SHIPPED, "UK": UK_BUYER_SHIPPED}
BUYER_DELIVERED = {"US": US_BUYER_DELIVERED, "UK": UK_BUYER_DELIVERED}
ITEM_FAULTS = {"US": US_ITEM_FAULTS, "UK": UK_ITEM_FAULTS}
SELLER_SHIPPED = {"US": US_SELLER_SHIPPED, "UK": UK_SELLER_SHIPPED}
SELLER_DELIVERED = {"US": US_SELLER_DELIVERED, "UK": UK_SELLER_DELIVERED}

#: Which list each reject decision takes its reasons from.
STAGE_OF_DECISION = {
    "REJECT_REFUND": "refund",
    "REJECT_RETURN": "return",
    "REJECT_RECEIVED_PACKAGE": "receive",
    "REJECT_REPLACEMENT": "return",
}


def market(region: str) -> str:
    """The market whose reason tables a shop uses (US for regions without tables of their own)."""
    return MARKET_OF_REGION.get(region, "US")


def reject_reasons(region: str, decision: str) -> dict[str, str]:
    """The reasons a seller may give with this reject decision in this market."""
    m = market(region)
    refund = REFUND_REJECT[m]
    if STAGE_OF_DECISION[decision] == "refund":
        return dict(refund)
    allowed = {k: v for k, v in refund.items() if k not in OFFLINE[m]}
    if STAGE_OF_DECISION[decision] == "receive":
        allowed.setdefault(RECEIVE_SAMPLE, RECEIVE_SAMPLE_TEXT)
    return allowed


def offline_reasons(region: str) -> dict[str, str]:
    """Reasons the market withdrew: answered with 25001020 ("currently offline")."""
    return dict(OFFLINE[market(region)])


def market_reject_names(region: str) -> set[str]:
    """Every reject reason of the market, for any decision."""
    names: set[str] = set()
    for decision in STAGE_OF_DECISION:
        names |= set(reject_reasons(region, decision))
    return names


def buyer_reasons(region: str, return_type: str, order_status: str) -> dict[str, str]:
    """Reasons a buyer may give for this kind of request in this order status."""
    m = market(region)
    shipped = BUYER_SHIPPED.get(m, SEA_BUYER_SHIPPED)
    delivered = BUYER_DELIVERED.get(m, SEA_BUYER_DELIVERED)
    if order_status in SHIPPED:
        return dict(shipped) if return_type == "REFUND" else {}
    if order_status not in DELIVERED:
        return {}
    if return_type == "REFUND":
        return dict(delivered)
    names = list(ITEM_FAULTS.get(m, SEA_ITEM_FAULTS))
    if return_type == "RETURN_AND_REFUND":  # change of mind: sent back, never replaced
        names += [r for r in delivered if r in BUYER_PAYS_RETURN]
    return {name: delivered[name] for name in names}


def seller_reasons(region: str, order_status: str) -> dict[str, str]:
    """Reasons a seller may give for a refund of their own (Calculate Refund's reason_name)."""
    m = market(region)
    if order_status in SHIPPED:
        return dict(SELLER_SHIPPED.get(m, {}))
    if order_status in DELIVERED:
        sea = SEA_SELLER_DELIVERED if region in SEA_SELLER_REGIONS else {}
        return dict(SELLER_DELIVERED.get(m, sea))
    return {}


def _all_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for table in (
        *REFUND_REJECT.values(),
        *OFFLINE.values(),
        *BUYER_SHIPPED.values(),
        *BUYER_DELIVERED.values(),
        *SELLER_SHIPPED.values(),
        *SELLER_DELIVERED.values(),
        SEA_BUYER_SHIPPED,
        SEA_BUYER_DELIVERED,
        SEA_SELLER_DELIVERED,
    ):
        for name, text in table.items():
            texts.setdefault(name, text)
    texts.setdefault(RECEIVE_SAMPLE, RECEIVE_SAMPLE_TEXT)
    return texts


TEXTS = _all_texts()
#: Every seller reject reason of any market we have tables for.
REJECT_NAMES = frozenset(
    name for table in (*REFUND_REJECT.values(), *OFFLINE.values()) for name in table
) | {RECEIVE_SAMPLE}


def is_cancel_reject_reason(name: str) -> bool:
    """A reason for rejecting a cancellation, not a return (25001057 on a return)."""
    return cancel_reasons.rejects_a_cancellation(name) and name not in REJECT_NAMES


def text_of(name: str) -> str:
    """The display text of a reason name (free text from the admin API stays as it is)."""
    return TEXTS.get(name) or cancel_reasons.text_of(name)
