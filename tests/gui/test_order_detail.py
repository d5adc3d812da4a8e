"""The detail pane's HTML: grouped items, payment, address, history; TikTok's text escaped."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QTextDocument

from app.gui import formatting as fmt
from app.gui.order_detail import order_html
from app.gui.theme import colors
from app.gui.write_text import OK, WriteText, describe_write
from app.tiktok.models import Order


def raw_order(**changes: Any) -> dict[str, Any]:
    item = {
        "id": "1",
        "sku_id": "s1",
        "product_name": "<b>Candle</b> & Co",
        "sku_name": "Sage",
        "seller_sku": "CAN-SAG",
        "sale_price": "11.99",
        "currency": "USD",
        "display_status": "AWAITING_SHIPMENT",
    }
    order: dict[str, Any] = {
        "id": "5102036802667458256",
        "status": "AWAITING_SHIPMENT",
        "order_type": "PRE_ORDER",
        "create_time": 1_795_444_563,
        "update_time": 1_795_515_000,
        "paid_time": 1_795_444_840,
        "rts_sla_time": 1_795_621_240,
        "is_cod": True,
        "is_on_hold_order": True,
        "payment": {
            "currency": "USD",
            "original_total_product_price": "23.98",
            "sub_total": "21.98",
            "shipping_fee": "5.99",
            "seller_discount": "2.00",
            "platform_discount": "0.00",
            "tax": "1.06",
            "total_amount": "29.03",
        },
        "recipient_address": {"name": "E***n <L>", "full_address": "5476 Main St, Brooklyn"},
        "line_items": [item, {**item, "id": "2"}],
        "packages": [],
    }
    order.update(changes)
    return order


def test_the_detail_escapes_groups_items_and_lists_money_and_history() -> None:
    html = order_html(Order.from_api(raw_order()))
    assert "<b>Candle</b>" not in html and "&lt;b&gt;Candle&lt;/b&gt; &amp; Co" in html
    assert "E***n &lt;L&gt;" in html
    assert "<b>2 ×</b>" in html and "$23.98" in html  # two units of one SKU, one line
    assert "−$2.00" in html and "TikTok discount" not in html  # zero lines are left out
    assert "Original price" in html and "$21.98" in html  # the discount is taken off once
    assert "$29.03" in html and "COD" in html and "Pre-order" in html
    assert "Remorse" not in html  # TikTok marks most orders on hold once; not a flag to show
    assert html.index("Placed") < html.index("Paid") < html.index("Last change")
    assert f"Ship by {fmt.when(1_795_621_240)}" in html  # an open order says when it is due
    done = order_html(Order.from_api(raw_order(status="COMPLETED")))
    assert "Ship by" not in done


def test_formatting_money_times_and_countdowns() -> None:
    assert fmt.money("1234.5", "USD") == "$1,234.50"
    assert fmt.money("7", "THB") == "7.00 THB"
    assert fmt.money(None, "USD") == ""
    assert fmt.countdown(0) == "expired"
    assert fmt.countdown(90) == "1 min 30 s"
    assert fmt.countdown(86400 * 3 + 7200) == "3 days 2 h"
    assert fmt.ago(None, 10) == "never" and fmt.ago(100, 130) == "30 s ago"
    assert fmt.flag_labels(("cod", "on_hold_order", "buyer_can_cancel"), "PRE_ORDER") == (
        "COD, Pre-order"
    )


def write(kind: str, state: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 1,
        "kind": kind,
        "ref": "5102036802667458256",
        "state": state,
        "attempts": 1,
        "last_code": None,
        "last_error": "",
        "next_retry_at": None,
        "payload": '{"tracking_number": "JX12345678", "shipping_provider_id": "p1"}',
        "result": "",
        "created_at": 1_795_500_000,
        "updated_at": 1_795_500_060,
        "done_at": None,
    }
    row.update(extra)
    return row


def test_writes_are_told_in_plain_words() -> None:
    done = write("ship", "done", result='{"package_id": "1154"}')
    assert describe_write(done) == WriteText("Shipped · JX12345678 · package 1154", OK, True)
    refused = write(
        "ship",
        "failed",
        last_code=21011007,
        last_error="TikTok Shop refused: after sale (code 21011007)",
    )
    assert describe_write(refused).text == (
        "Not shipped: the buyer has an after-sale request pending: handle it first (code 21011007)"
    )
    unknown = write(
        "ship", "failed", last_code=1234, last_error="TikTok Shop refused: odd (code 1234)"
    )
    assert describe_write(unknown).text == "Not shipped: odd (code 1234)"
    retrying = write("ship", "failed", last_error="connection reset", next_retry_at=1_000_120)
    words = describe_write(retrying, now=1_000_000)
    assert words.text == (
        "Not sent yet: connection reset. Shopdesk tries again in 2 min 0 s; nothing is sent twice."
    )
    assert not words.final
    assert describe_write(write("ship", "in_flight")).text.startswith("Sending the shipment")
    handed = write("ship", "done", payload='{"handover_method": "DROP_OFF"}')
    assert describe_write(handed).text == "Shipped · drop off at the carrier"
    cancel = write(
        "seller_cancel", "done", payload='{"reason": "seller_cancel_reason_out_of_stock"}'
    )
    assert describe_write(cancel).text == "Cancelled by you: Out of stock"
    assert describe_write(write("cancel_approve", "dropped")).text == "Dropped: never sent"


def test_the_detail_shows_what_was_sent_and_a_refusal_up_top() -> None:
    refused = write("ship", "failed", id=2, last_code=21011007, last_error="TikTok Shop refused: x")
    html = order_html(Order.from_api(raw_order()), [refused, write("ship", "dropped")])
    text = QTextDocument()
    text.setHtml(html)
    plain = text.toPlainText()
    assert "Sent to TikTok Shop" in plain and "Dropped: never sent" in plain
    refusal = "Not shipped: the buyer has an after-sale request pending: handle it first"
    assert plain.index(refusal) < plain.index("Payment")  # the band under the title
    assert colors().danger_back.name() in html
    assert "Sent to TikTok Shop" not in order_html(Order.from_api(raw_order()))


def test_the_payment_block_of_every_sandbox_order_adds_up_as_shown(gui_shop) -> None:
    """Read as a creator reads it: the unindented amounts above Total sum to Total."""
    from decimal import Decimal

    from app.gui.order_detail import _payment

    orders = gui_shop.admin("GET", "/sandbox/orders")["orders"]
    assert len(orders) == 200
    for raw in orders:
        doc = QTextDocument()
        doc.setHtml(_payment(Order.from_api(raw)))
        cells = doc.toPlainText().strip("\n").split("\n")
        rows = list(zip(cells[::2], cells[1::2], strict=True))
        assert rows[-1][0] == "Total"
        counted = [
            Decimal(amount.lstrip("$").replace(",", ""))
            for label, amount in rows[:-1]
            if not label.startswith(" ") and "(included above)" not in label
        ]
        total = Decimal(rows[-1][1].lstrip("$").replace(",", ""))
        assert sum(counted) == total, (raw["id"], rows)


def test_every_time_is_written_one_way_with_utc_on_hover() -> None:
    from datetime import datetime

    now = datetime.now()
    this_year = datetime(now.year, 3, 7, 14, 5).timestamp()
    last_year = datetime(now.year - 1, 11, 29, 8, 46).timestamp()
    assert fmt.when(this_year) == "Mar 7 14:05"
    assert fmt.when(last_year) == f"Nov 29 {now.year - 1} 08:46"
    assert fmt.when_utc(0.0) == "" and fmt.when_utc(86400).endswith(" UTC")
    assert fmt.when_utc(86400) == "1970-01-02 00:00:00 UTC"
    html = order_html(Order.from_api(raw_order()))
    assert "UTC" not in html  # the history uses the same short local form as the lists
    assert fmt.when(1_795_444_563) in html
