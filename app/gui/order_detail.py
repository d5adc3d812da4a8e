"""The order detail pane: items, payment, address, packages and history, from the raw JSON."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from app.gui import formatting as fmt
from app.gui.theme import colors
from app.payment import payment_lines
from app.tiktok.models import LineItem, Order

if TYPE_CHECKING:  # what was sent about an order loads when one is first shown
    from app.queries.returns import AfterSale

_HISTORY = (
    ("create_time", "Placed"),
    ("paid_time", "Paid"),
    ("request_cancel_time", "Buyer asked to cancel"),
    ("rts_time", "Ready to ship"),
    ("collection_time", "Handed to the carrier"),
    ("delivery_time", "Delivered"),
    ("cancel_time", "Cancelled"),
    ("update_time", "Last change"),
)

_DUE = (
    ("rts_sla_time", "Ship by"),
    ("shipping_due_time", "Hand over by"),
    ("cancel_order_sla_time", "Cancels itself after"),
    ("delivery_due_time", "Deliver by"),
)


def _left(moment: int) -> str:
    """The countdown beside a deadline: `(in 3 h 20 min)` or `(passed 2 h ago)`."""
    left = moment - time.time()
    if left <= 0:
        return f" <b>(passed {escape(fmt.countdown(-left))} ago)</b>"
    return f" ({'<b>' if left <= 4 * 3600 else ''}in {escape(fmt.countdown(left))}" + (
        "</b>)" if left <= 4 * 3600 else ")"
    )


def _muted(text: str) -> str:
    return f"<span style='color:{colors().muted_text.name()}'>{escape(text)}</span>"


def _section(title: str) -> str:
    return (
        "<p style='margin-top:10px;margin-bottom:3px;font-size:large;font-weight:600'>"
        f"{escape(title)}</p>"
    )


def _table(rows: Iterable[tuple[str, str]], bold_last: bool = False) -> str:
    cells = list(rows)
    out = ["<table cellspacing='0' cellpadding='2' width='100%'>"]
    for n, (label, value) in enumerate(cells):
        weight = "bold" if bold_last and n == len(cells) - 1 else "normal"
        out.append(
            f"<tr><td style='font-weight:{weight}'>{label}</td>"
            f"<td align='right' style='font-weight:{weight}'>{value}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _items(items: list[LineItem], currency: str) -> str:
    """Identical SKUs grouped as one line with a quantity (TikTok sends one line per unit).

    Each line's own status shows only when the lines differ (a partly shipped order).
    """
    statuses = {i.display_status for i in items}
    groups: dict[str, list[LineItem]] = {}
    for item in items:
        groups.setdefault(item.sku_id or item.id, []).append(item)
    out = ["<table cellspacing='0' cellpadding='3' width='100%'>"]
    for group in groups.values():
        first = group[0]
        name = escape(first.product_name or "(no name)")
        variant = " · ".join(escape(x) for x in (first.sku_name, first.seller_sku) if x)
        price = fmt.money(first.sale_price, first.currency or currency)
        total = sum((i.sale_price or Decimal(0) for i in group), Decimal(0))
        status = fmt.status_label(first.display_status) if len(statuses) > 1 else ""
        sum_text = fmt.money(total, first.currency or currency)
        out.append(
            f"<tr><td valign='top'><b>{len(group)} ×</b></td>"
            f"<td>{name}<br>{_muted(variant) if variant else ''}</td>"
            f"<td align='right' valign='top'>{price}"
            + (f"<br>{_muted(sum_text)}" if len(group) > 1 else "")
            + f"</td><td align='right' valign='top'>{_muted(status)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _payment(order: Order) -> str:
    """Original price, discounts, subtotal, shipping, taxes, fees: the lines sum to the total."""
    payment = order.payment
    if payment is None:
        return _muted("TikTok sent no payment details for this order.")
    currency = payment.currency or order.currency
    rows: list[tuple[str, str]] = []
    for line in payment_lines(payment):
        shown = fmt.money(line.amount, currency)
        if line.kind == "minus":
            rows.append((f"&nbsp;&nbsp;{escape(line.label)}", f"−{shown}"))
        elif line.kind == "part":
            rows.append((f"&nbsp;&nbsp;{escape(line.label)}", shown))
        elif line.kind == "note":
            rows.append((_muted(f"  {line.label} (included above)"), _muted(shown)))
        else:
            rows.append((escape(line.label), shown))
    return _table(rows, bold_last=True)


def _address(order: Order) -> str:
    address = order.recipient_address
    lines: list[str] = []
    if address is None:
        lines.append(_muted("TikTok shows the address once the order can ship."))
    else:
        if address.name:
            lines.append(f"<b>{escape(address.name)}</b>")
        if address.full_address:
            lines.append(escape(address.full_address))
        if address.phone_number:
            lines.append(_muted(address.phone_number))
    how = " · ".join(
        escape(x)
        for x in (
            order.delivery_option_name,
            fmt.SHIPPING_LABELS.get(order.shipping_type, order.shipping_type.lower()),
        )
        if x
    )
    if how:
        lines.append(_muted(f"Shipping: {how}"))
    return "<br>".join(lines)


def _packages(order: Order) -> str:
    if not order.packages:
        return _muted("No package yet.")
    rows: list[str] = []
    for package in order.packages:
        items = [i for i in order.line_items if i.package_id == package.id]
        tracking = next((i.tracking_number for i in items if i.tracking_number), "")
        carrier = next((i.shipping_provider_name for i in items if i.shipping_provider_name), "")
        state = next((i.package_status for i in items if i.package_status), "")
        parts = [f"Package {escape(package.id)}"]
        if carrier or tracking:
            parts.append(escape(" ".join(x for x in (carrier, tracking) if x)))
        if state:
            parts.append(_muted(fmt.status_label(state)))
        rows.append(" · ".join(parts))
    return "<br>".join(rows)


def _history(order: Order) -> str:
    events: list[tuple[int, str]] = []
    for attr, label in _HISTORY:
        ts = getattr(order, attr, None)
        if ts:
            events.append((int(ts), label))
    events.sort()
    rows = [(_muted(fmt.when(ts)), escape(label)) for ts, label in events]
    if order.cancel_reason:
        initiator = order.cancellation_initiator.lower()
        who = f" (by {initiator})" if initiator else ""
        rows.append((_muted("Reason"), escape(order.cancel_reason + who)))
    return _table(rows)


def _write_colour(level: str) -> str:
    from app.gui.write_text import ERROR, OK, WARNING

    c = colors()
    return {OK: c.ok_text, ERROR: c.danger_text, WARNING: c.warning_text}.get(
        level, c.muted_text
    ).name()


def _writes(writes: Sequence[dict[str, Any]]) -> str:
    """What Shopdesk sent TikTok Shop about the order (shipping, answers), newest first."""
    from app.gui.write_text import describe_write

    rows = []
    for write in writes:
        words = describe_write(write)
        rows.append(
            f"<tr><td valign='top' style='padding-right:8px'>"
            f"{_muted(fmt.when(write['updated_at']))}</td>"
            f"<td style='color:{_write_colour(words.level)}'>{escape(words.text)}</td></tr>"
        )
    return "<table cellspacing='0' cellpadding='2' width='100%'>" + "".join(rows) + "</table>"


def _latest_write(writes: Sequence[dict[str, Any]]) -> str:
    """The newest write's outcome as a band under the title: a refusal must not be missed."""
    if not writes:
        return ""
    from app.gui.write_text import ERROR, OK, WARNING, describe_write

    c = colors()
    words = describe_write(writes[0])
    back, text = {
        ERROR: (c.danger_back, c.danger_text),
        OK: (None, c.ok_text),
        WARNING: (None, c.warning_text),
    }.get(words.level, (None, c.muted_text))
    fill = f" bgcolor='{back.name()}'" if back is not None else ""
    return (
        f"<table width='100%' cellspacing='0' cellpadding='5' style='margin-top:6px'><tr>"
        f"<td{fill} style='color:{text.name()};font-weight:600'>{escape(words.text)}</td>"
        "</tr></table>"
    )


_AFTER_SALE_WORDS = {
    "cancellation": "Cancellation",
    "return": "Return",
    "refund": "Refund",
    "replacement": "Replacement",
}
_DECIDERS = {"SELLER": "you", "SYSTEM": "TikTok Shop at the deadline", "OPERATOR": "TikTok Shop"}


def _after_sales(after: Sequence[AfterSale]) -> str:
    """Cancellation requests, returns and refunds, oldest first, each with its amount."""
    rows = []
    for a in after:
        who = _DECIDERS.get(a.decided_by, a.decided_by.lower())
        status = fmt.status_label(a.status) if a.kind == "cancellation" else a.status
        words = f"{_AFTER_SALE_WORDS.get(a.kind, a.kind)}: {status}" + (
            f" (decided by {who})" if who else ""
        )
        amount = fmt.money(a.amount, a.currency)
        rows.append((_muted(fmt.when(a.at)), escape(words + (f" · {amount}" if amount else ""))))
    return _table(rows)


def order_html(
    order: Order,
    writes: Sequence[dict[str, Any]] = (),
    after: Sequence[AfterSale] = (),
    money: str = "",
) -> str:
    """The whole pane as HTML (QTextBrowser's subset); every TikTok text escaped.

    `writes` (`fetch_order_writes`) are the shipments and answers Shopdesk sent about it;
    `after` (`fetch_after_sales`) its cancellation requests, returns and refunds.
    """
    c = colors()
    flags = fmt.shown_flags(order.flags, order.order_type)
    chips = "".join(
        f" <span style='background:{c.warning_back.name()};color:{c.warning_text.name()}'>"
        f"&nbsp;{escape(fmt.FLAG_LABELS.get(f, f))}&nbsp;</span>"
        for f in flags
    )
    due = " · ".join(
        f"{label} {escape(fmt.when(getattr(order, attr)))}{_left(getattr(order, attr))}"
        for attr, label in _DUE
        if getattr(order, attr, None) and order.is_open
    )
    head = [
        "<p style='margin-top:0;margin-bottom:2px'>"
        f"<span style='font-size:x-large;font-weight:600'>Order {escape(order.id)}</span>"
        f"&nbsp;&nbsp;<b>{escape(fmt.status_label(order.status))}</b> · "
        f"{escape(fmt.ORDER_TYPE_LABELS.get(order.order_type, order.order_type))}{chips}</p>",
        _muted(
            " · ".join(
                x
                for x in (
                    f"Placed {fmt.when(order.create_time)}",
                    order.payment_method_name,
                )
                if x
            )
        ),
    ]
    if due:
        head.append(f" · <span style='color:{c.accent.name()}'>{due}</span>")
    head.append(_latest_write(writes))
    sent = _section("Sent to TikTok Shop") + _writes(writes) if writes else ""
    notes = ""
    if order.buyer_message or order.seller_note:
        notes = _section("Notes") + "<br>".join(
            escape(f"{who}: {text}")
            for who, text in (("Buyer", order.buyer_message), ("You", order.seller_note))
            if text
        )
    columns = (
        _section(fmt.count(len(order.line_items), "item"))
        + _items(order.line_items, order.currency)
        + _section("Payment")
        + _payment(order)
        + (_section("Money") + money if money else ""),
        _section("Ship to")
        + _address(order)
        + _section("Packages")
        + _packages(order)
        + sent
        + notes,
        _section("History")
        + _history(order)
        + (_section("After-sales") + _after_sales(after) if after else ""),
    )
    cells = "".join(
        f"<td width='{width}%' valign='top' style='padding-right:18px'>{html}</td>"
        for width, html in zip((38, 32, 30), columns, strict=True)
    )
    return "".join(head) + f"<table width='100%' cellspacing='0'><tr>{cells}</tr></table>"


class OrderDetailView(QTextBrowser):
    """Shows one order, or a hint when none is selected."""

    EMPTY = "Select an order to see its items, payment, address, packages and history."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.order: Order | None = None
        self.show_order(None)

    def show_order(
        self,
        order: Order | None,
        missing: str = "",
        writes: Sequence[dict[str, Any]] = (),
        shipping: str = "",
        after: Sequence[AfterSale] = (),
        money: str = "",
    ) -> None:
        """Render an order and what was sent about it; `missing` explains an unreadable one.

        `shipping` is the label and packing section's HTML (`order_labels.labels_html`)."""
        same = order is not None and self.order is not None and order.id == self.order.id
        self.order = order
        if order is None:
            text = escape(missing or self.EMPTY)
            self.setHtml(f"<p style='margin:24px'>{_muted(text) if not missing else text}</p>")
        else:
            scroll = self.verticalScrollBar().value() if same else 0
            self.setHtml(order_html(order, writes, after, money) + shipping)
            self.verticalScrollBar().setValue(scroll)
