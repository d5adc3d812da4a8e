"""Reasons by market, read from TikTok's "Cancel reasons" page as bundled with the app."""

from __future__ import annotations

from pathlib import Path

from app.tiktok.models import cancel_reasons
from app.tiktok.models.cancel_reasons import market_of, reasons_for
from app.tiktok.reasons import reject_reasons, seller_cancel_reasons

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests/fixtures/tiktok-docs/spec-json/return-and-refund/cancel-reasons.json"


def test_the_bundled_page_is_tiktoks_page() -> None:
    bundled = Path(cancel_reasons.__file__).with_name("cancel-reasons.json")
    assert bundled.read_bytes() == PAGE.read_bytes()


def test_markets_come_from_the_shop_region() -> None:
    assert (market_of("GB"), market_of("us"), market_of("DE"), market_of("XX")) == (
        "UK",
        "US",
        "EU",
        None,
    )


def test_each_market_has_its_own_names_and_missing_lists_stay_empty() -> None:
    us = seller_cancel_reasons("ON_HOLD", "US")
    uk = seller_cancel_reasons("ON_HOLD", "GB")
    assert us["seller_cancel_reason_out_of_stock"] == "Out of stock"
    assert uk == {
        "seller_cancel_reason_wrong_price_uk": "Pricing error",
        "seller_cancel_paid_reason_address_not_deliver_uk": "Unable to deliver to buyer address",
        "seller_cancel_reason_out_of_stock_uk": "Out of stock",
    }
    assert seller_cancel_reasons("AWAITING_SHIPMENT", "GB") == uk  # one list for both
    assert "order_manage_list_action_respond_popup_reject_reason_buyer_agree_uk" in (
        reject_reasons("GB")
    )
    assert reject_reasons("JP") == {}  # the JP page has no reject table
    assert reject_reasons("XX") == {} and seller_cancel_reasons("UNPAID", "XX") == {}
    eu = reasons_for("FR")
    assert set(eu.reject) == {
        "ecom_refund_reject_reason_cancel_unacceptable_uk",
        "ecom_reverse_reject_cancel_reason_product_packed",
    }
    assert len(reasons_for("US").system) == 17
