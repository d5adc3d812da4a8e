"""Models parse what TikTok documents, keep what they do not know, and never lose an id digit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.tiktok.models import (
    EventType,
    Order,
    OrderStatus,
    Product,
    Shop,
    WebhookEvent,
)
from tests.spec_files import spec, webhook_examples


def documented_order() -> dict:
    body = json.loads(spec("orders", "get-order-list")["response_body"])
    return body["data"]["orders"][0]


def test_the_documented_order_example_parses_with_money_as_decimal() -> None:
    order = Order.from_api(documented_order())
    assert order.id == "576461413038785752"
    assert order.payment is not None
    assert order.payment.total_amount == Decimal("5000")
    assert order.payment.product_tax == Decimal("21.3")
    assert order.line_items[0].sale_price == Decimal("0.01")
    assert order.order_type == "ZERO_LOTTERY"
    assert order.recipient_address is not None
    assert order.recipient_address.district_info[0].address_level == "L0"


@pytest.mark.parametrize("status", list(OrderStatus))
def test_every_status_is_accepted(status: OrderStatus) -> None:
    order = Order.from_api({"id": "1", "status": status.value})
    assert order.status == status
    assert order.buyer_can_still_cancel is (status == OrderStatus.ON_HOLD)


def test_unknown_status_and_fields_are_kept_not_rejected() -> None:
    raw = {"id": "1", "status": "SOMETHING_NEW", "brand_new_field": {"x": 1}}
    order = Order.from_api(raw)
    assert order.status == "SOMETHING_NEW"
    assert order.model_extra == {"brand_new_field": {"x": 1}}
    assert order.raw is raw


def test_missing_optional_fields_never_fail() -> None:
    order = Order.from_api({"id": 1, "status": "UNPAID"})
    assert order.recipient_address is None  # absent while UNPAID (FACTS.md 4.4)
    assert order.line_items == [] and order.payment is None
    assert order.flags == [] and order.currency == "" and order.total_amount is None


def test_flags_are_named_and_ordered() -> None:
    order = Order.from_api(
        {
            "id": "1",
            "status": "ON_HOLD",
            "is_cod": True,
            "is_sample_order": True,
            "is_on_hold_order": True,
            "is_buyer_request_cancel": True,
        }
    )
    assert order.flags == ["sample_order", "cod", "on_hold_order", "buyer_request_cancel"]


def test_money_never_goes_through_float() -> None:
    order = Order.from_api(
        {
            "id": "1",
            "status": "UNPAID",
            "payment": {"currency": "USD", "total_amount": "0.1", "sub_total": "", "tax": 0.2},
        }
    )
    assert order.payment.total_amount == Decimal("0.1")
    assert order.payment.sub_total is None
    assert order.payment.tax == Decimal("0.2")


def test_products_and_shops() -> None:
    product = Product.from_api(
        {
            "id": 1729592969712207008,
            "status": "ACTIVATE",
            "skus": [
                {
                    "id": "1729592969712207012",
                    "seller_sku": "RED-M",
                    "price": {"currency": "USD", "sale_price": "12.30"},
                    "inventory": [
                        {"warehouse_id": "w1", "quantity": 5},
                        {"warehouse_id": "w2", "quantity": 7},
                    ],
                }
            ],
        }
    )
    assert product.id == "1729592969712207008"
    assert product.skus[0].tiktok_quantity == 12
    assert product.skus[0].price.sale_price == Decimal("12.30")
    shop = Shop.from_api({"id": 7000714532876273420, "cipher": "GCP_x", "region": "GB"})
    assert shop.id == "7000714532876273420"


EXAMPLES = webhook_examples()


def test_the_guides_give_examples_for_the_events_we_handle() -> None:
    types = {payload["type"] for _, payload in EXAMPLES}
    assert {1, 3, 4, 5, 6, 7, 11, 15, 16, 37} <= types


@pytest.mark.parametrize(("name", "payload"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_every_documented_webhook_example_parses(name: str, payload: dict) -> None:
    event = WebhookEvent.from_api(payload)
    assert event.type == payload["type"]
    assert event.kind == EventType(payload["type"])
    if "product_id" in payload["data"]:
        # some examples send product_id as a JSON number: keep every digit as text
        assert event.product_ids() == [str(payload["data"]["product_id"])]
    if event.kind == EventType.ORDER_STATUS_CHANGE:
        assert event.order_ids() == [payload["data"]["order_id"]]
        assert event.is_order_event


def test_package_update_names_every_order() -> None:
    event = WebhookEvent.from_api(
        {
            "type": 4,
            "shop_id": "1",
            "timestamp": 1,
            "data": {
                "package_list": [
                    {"package_id": "9", "order_id_list": ["152523", "532123"]},
                    {"package_id": "8", "order_id_list": ["152523"]},
                ]
            },
        }
    )
    assert event.order_ids() == ["152523", "532123"]


def test_unknown_event_types_are_kept() -> None:
    event = WebhookEvent.from_api({"type": 999, "shop_id": 7494049642642441621, "data": None})
    assert event.kind is None and event.data == {}
    assert event.shop_id == "7494049642642441621"
    assert not event.is_order_event and not event.is_product_event


def test_authorization_expiration_time_is_read_from_its_string() -> None:
    event = WebhookEvent.from_api(
        {"type": 7, "shop_id": "1", "data": {"message": "m", "expiration_time": "1700000000"}}
    )
    assert event.expiration_time == 1700000000


def test_the_store_row_reads_the_same_columns_as_the_full_model() -> None:
    from app.tiktok.models import OrderRow

    raw = documented_order()
    row, full = OrderRow.from_raw(raw), Order.from_api(raw)
    assert (row.id, row.status, row.order_type, row.update_time) == (
        full.id,
        full.status,
        full.order_type,
        full.update_time,
    )
    assert row.total_amount == str(full.total_amount) and row.currency == full.currency
    assert row.flags == full.flags and row.recipient_name == full.recipient_address.name
    assert [i.id for i in row.line_items] == [i.id for i in full.line_items]
    assert row.line_items[0].sale_price == "0.01"  # TikTok's text, not a float


def test_the_store_row_is_tolerant_where_tiktok_is_loose() -> None:

    from app.tiktok.models import OrderRow

    row = OrderRow.from_raw(
        {
            "id": 576461413038785752123,
            "status": "ON_HOLD",
            "update_time": "1700000000",
            "paid_time": "",
            "is_cod": "true",
            "payment": {"total_amount": ""},
            "line_items": [{"id": 9223372036854775807, "sku_id": 1}],
        }
    )
    assert row.id == "576461413038785752123" and row.update_time == 1700000000
    assert row.paid_time is None and row.is_cod and row.total_amount is None
    assert row.line_items[0].id == "9223372036854775807" and row.buyer_can_still_cancel
    with pytest.raises(ValueError, match="id and a status"):
        OrderRow.from_raw({"status": "UNPAID"})
