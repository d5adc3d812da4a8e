"""The payment block adds up: for every sandbox order, and for TikTok's documented sample."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx

from app.payment import GAP_LABEL, counted_sum, payment_lines
from app.sandbox import Sandbox, SandboxConfig, create_app
from app.tiktok.models import Order, Payment
from tests.spec_files import spec

MONEY_FIELDS = (
    "sub_total",
    "shipping_fee",
    "seller_discount",
    "platform_discount",
    "original_total_product_price",
    "original_shipping_fee",
    "shipping_fee_seller_discount",
    "shipping_fee_platform_discount",
    "shipping_fee_cofunded_discount",
    "tax",
    "small_order_fee",
    "shipping_fee_tax",
    "product_tax",
    "retail_delivery_fee",
    "buyer_service_fee",
    "handling_fee",
    "shipping_insurance_fee",
    "item_insurance_fee",
    "item_insurance_tax",
)


def sections_add_up(lines) -> None:
    """Inside each section the original amount minus its discounts is the amount paid."""
    running = Decimal(0)
    for line in lines:
        if line.kind == "part":
            running += line.amount
        elif line.kind == "minus":
            running -= line.amount
        elif line.kind == "subtotal":
            if running:
                assert running == line.amount, lines
            running = Decimal(0)


async def test_every_sandbox_orders_payment_lines_sum_to_its_total() -> None:
    app = create_app(Sandbox(SandboxConfig(seed=7, orders=600)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        raw = (await c.get("/sandbox/orders")).json()["orders"]
    orders = [Order.model_validate(o) for o in raw]
    assert len(orders) == 600
    discounted = 0
    for order in orders:
        assert order.payment is not None
        lines = payment_lines(order.payment)
        assert lines[-1].kind == "total" and lines[-1].amount == order.payment.total_amount
        assert counted_sum(lines) == order.payment.total_amount, order.id
        assert all(line.label != GAP_LABEL for line in lines), order.id
        sections_add_up(lines)
        shown = {f for line in lines for f in line.fields}
        for name in MONEY_FIELDS:
            if getattr(order.payment, name) and name != "tax":  # tax shows as its parts
                assert name in shown, (order.id, name)
        discounted += any(line.kind == "minus" for line in lines)
    assert discounted > 100  # plenty of orders show discounts that are taken off once


def test_the_documented_sample_shows_every_field_and_still_adds_up() -> None:
    body = json.loads(spec("orders", "get-order-detail")["response_body"])
    order = Order.model_validate(body["data"]["orders"][0])
    lines = payment_lines(order.payment)
    shown = {f for line in lines for f in line.fields}
    assert {n for n in MONEY_FIELDS if getattr(order.payment, n)} <= shown | {"tax"}
    assert counted_sum(lines) == order.payment.total_amount


def test_the_issues_demo_order_no_longer_takes_the_discount_off_twice() -> None:
    payment = Payment.model_validate(
        {
            "currency": "USD",
            "original_total_product_price": "34.98",
            "seller_discount": "5.25",
            "platform_discount": "0.00",
            "sub_total": "29.73",
            "original_shipping_fee": "5.99",
            "shipping_fee_seller_discount": "0.00",
            "shipping_fee_platform_discount": "0.00",
            "shipping_fee": "5.99",
            "tax": "2.62",
            "product_tax": "2.62",
            "retail_delivery_fee": "0.28",
            "total_amount": "38.62",
        }
    )
    lines = [(line.label, str(line.amount), line.kind) for line in payment_lines(payment)]
    assert lines == [
        ("Original price", "34.98", "part"),
        ("Your discount", "5.25", "minus"),
        ("Subtotal", "29.73", "subtotal"),
        ("Shipping", "5.99", "subtotal"),
        ("Tax on items", "2.62", "add"),
        ("Retail delivery fee", "0.28", "add"),
        ("Total", "38.62", "total"),
    ]
