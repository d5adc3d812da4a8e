"""A packing slip per order: the order's barcode, ship-to, ship-by, items to tick, messages."""

from __future__ import annotations

from datetime import tzinfo

from reportlab.platypus import Flowable, Spacer

from app.documents.blocks import Boxed, Columns, Span, TextBlock, text
from app.documents.layout import BAND, INK, MUTED, Look, when
from app.documents.marks import TickBox, order_barcode
from app.documents.model import PickLine, PickOrder
from app.documents.picking import line_key


def kicker(value: str, look: Look) -> TextBlock:
    """A small grey heading in capitals ("ITEM")."""
    return text(value, look.small, MUTED, bold=True)


def _kicker_span(value: str, look: Look) -> Span:
    """A kicker as the first line of a block, so heading and content draw together."""
    return Span(f"{value}\n", look.small, MUTED, True)


def _head_text(order: PickOrder, short: str, look: Look) -> TextBlock:
    """ "PACKING SLIP" over the order id large, the part the pick list shows in full strength."""
    tail = short.lstrip("…")
    head = order.order_id[: len(order.order_id) - len(tail)]
    return TextBlock(
        [
            _kicker_span("PACKING SLIP", look),
            Span("Order ", look.title, INK, True),
            Span(head, look.title, MUTED, True),
            Span(tail, look.title, INK, True),
        ]
    )


def _head(order: PickOrder, short: str, look: Look) -> list[Flowable]:
    """The slip's heading and the order's barcode (beside it, or below on a slip)."""
    title = _head_text(order, short, look)
    if look.compact:
        return [title, Spacer(1, 4), order_barcode(order.order_id, look.width, look.bar_height)]
    bar = order_barcode(order.order_id, look.width * 0.45, look.bar_height)
    bar.hAlign = "RIGHT"
    return [Columns([(look.width - bar.width, [title]), (bar.width, [bar])])]


def _ship_to(order: PickOrder, look: Look) -> list[Flowable]:
    size = look.body * 1.1
    lines = [line for line in order.address_lines if line.strip()]
    spans = (
        [Span(f"{order.recipient_name}\n", size * 1.1, INK, True)] if order.recipient_name else []
    )
    spans.append(Span("\n".join(lines) or "—", size, INK))
    return [TextBlock([_kicker_span("SHIP TO", look), *spans])]


def _ship_by(order: PickOrder, look: Look, tz: tzinfo | None) -> list[Flowable]:
    size = look.body * 1.1
    units = sum(line.quantity for line in order.lines)
    spans = []
    if order.ship_by is not None:
        spans.append(Span(f"{when(order.ship_by, tz)}\n", size * 1.1, INK, True))
    shipping = f"{order.shipping_type.strip()}\n" if order.shipping_type.strip() else ""
    spans.append(Span(f"{shipping}{units} item{'s' * (units != 1)}", size, INK))
    head = "SHIP BY" if order.ship_by is not None else "SHIPPING"
    return [TextBlock([_kicker_span(head, look), *spans])]


def _widths(look: Look) -> list[float]:
    tick, qty = look.tick + 10, look.qty * 2.6
    return [tick, qty, look.width - tick - qty]


def _item(line: PickLine, look: Look) -> Columns:
    """One item: a tick box, its quantity large, the product and where it lies."""
    details = [d for d in (line.variant, line.seller_sku and f"SKU {line.seller_sku}") if d]
    if line.bin_location.strip():
        details.append(f"bin {line.bin_location}")
    if line.barcode.strip():
        details.append(f"barcode {line.barcode}")
    spans = [Span(line.product_name or line.seller_sku, look.body, INK, True)]
    if details:
        spans.append(Span("\n" + " · ".join(details), look.small, MUTED))
    tick, qty, rest = _widths(look)
    return Columns(
        [
            (tick, [TickBox(look.tick)]),
            (qty, [text(str(line.quantity), look.qty, INK, bold=True, right=True)]),
            (rest, [TextBlock(spans)]),
        ],
        pad=3 if look.compact else 5,
        inset=4,
        rule=True,
    )


def _items(order: PickOrder, look: Look) -> list[Flowable]:
    """The items in shelf order under a header; rows move to the next page one by one."""
    tick, qty, rest = _widths(look)
    header = Columns(
        [
            (tick, []),
            (qty, [text("QTY", look.small, MUTED, bold=True, right=True)]),
            (rest, [kicker("ITEM", look)]),
        ],
        pad=3,
        inset=4,
        band=BAND,
    )
    return [header, *(_item(line, look) for line in sorted(order.lines, key=line_key))]


def _message(title: str, value: str, look: Look) -> Boxed:
    """A boxed message (gift message, buyer's note) so the packer cannot miss it."""
    body = TextBlock([_kicker_span(title, look), Span(value, look.body, INK)])
    return Boxed([body], pad=4 if look.compact else 7)


def slip_story(order: PickOrder, short: str, look: Look, tz: tzinfo | None) -> list[Flowable]:
    """One order's packing slip; it continues on further pages when the items do not fit.

    `short` is the end of the order id that the pick list shows (e.g. "…785001").
    """
    gap = Spacer(1, look.body * (0.8 if look.compact else 1.4))
    story: list[Flowable] = [*_head(order, short, look), gap]
    ship_to, ship_by = _ship_to(order, look), _ship_by(order, look, tz)
    if look.compact:
        story += [*ship_to, Spacer(1, 3), *ship_by]
    else:
        story.append(Columns([(look.width * 0.6, ship_to), (look.width * 0.4, ship_by)]))
    story += [gap, *_items(order, look)]
    if order.gift_message.strip():
        story += [gap, _message("GIFT MESSAGE", order.gift_message, look)]
    if order.buyer_note.strip():
        story += [gap, _message("NOTE FROM THE BUYER", order.buyer_note, look)]
    return story
