"""The pick list: one row per SKU in shelf order, with the total to pick and where it goes."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from app.documents.blocks import Columns, Span, TextBlock, text
from app.documents.fonts import markup
from app.documents.layout import BAND, INK, MUTED, RULE, STRIPE, Look
from app.documents.marks import TickBox
from app.documents.model import PickOrder
from app.documents.picking import PickRow, pick_rows
from app.documents.slips import kicker


def _orders_text(row: PickRow, short: dict[str, str]) -> str:
    """The orders a SKU goes to by their short ids, "×n" where an order takes more than one."""
    return ",  ".join(
        f"{markup(short[order_id])}{f' <b>×{qty}</b>' if qty > 1 else ''}"
        for order_id, qty in row.orders
    )


def _product(row: PickRow, look: Look, short: dict[str, str]) -> Paragraph:
    """SKU in bold, then the product name and variant; on compact paper the orders below."""
    text = f"<b>{markup(row.seller_sku or '(no SKU)')}</b><br/>{markup(row.product_name)}"
    if row.variant.strip():
        text += f" · {markup(row.variant)}"
    if look.compact:
        text += f'<br/><font size="{look.small}">→ {_orders_text(row, short)}</font>'
    return Paragraph(text, look.style("body"))


def _columns(look: Look) -> list[float]:
    """Tick, bin, product, quantity, and on wide paper the orders."""
    tick = look.tick + 8
    if look.compact:
        bin_w, qty = look.width * 0.2, look.qty * 3
        return [tick, bin_w, look.width - tick - bin_w - qty, qty]
    bin_w, qty, product = 70.0, 44.0, look.width * 0.38
    return [tick, bin_w, product, qty, look.width - tick - bin_w - qty - product]


def _header(look: Look) -> list[Flowable | str]:
    cells: list[Flowable | str] = [
        "",
        kicker("BIN", look),
        kicker("SKU · PRODUCT", look),
        text("QTY", look.small, MUTED, bold=True, right=True),
    ]
    if not look.compact:
        cells.append(kicker("ORDERS", look))
    return cells


def _row(row: PickRow, look: Look, short: dict[str, str]) -> list[Flowable | str]:
    cells: list[Flowable | str] = [
        TickBox(look.tick),
        Paragraph(markup(row.bin_location or "—"), look.style("bold")),
        _product(row, look, short),
        text(str(row.quantity), look.qty, INK, bold=True, right=True),
    ]
    if not look.compact:
        cells.append(Paragraph(_orders_text(row, short), look.style("orders")))
    return cells


def _table(rows: Sequence[PickRow], look: Look, short: dict[str, str]) -> Table:
    data = [_header(look), *(_row(r, look, short) for r in rows)]
    pad = 3 if look.compact else 5
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(data), 2)]
    # splitInRow lets a SKU that goes to hundreds of orders continue on the next page.
    return Table(
        data,
        colWidths=_columns(look),
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(style),
        hAlign="LEFT",
    )


def picklist_story(
    orders: Sequence[PickOrder], look: Look, title: str, printed: str, short: dict[str, str]
) -> list[Flowable]:
    """The pick list's flowables: a title line with the totals, then the table.

    `short` maps each order id to the short form the table shows (see `short_ids`).
    """
    rows = pick_rows(orders)
    units = sum(r.quantity for r in rows)
    summary = (
        f"{len(orders)} order{'s' * (len(orders) != 1)} · {units} item{'s' * (units != 1)} · "
        f"{len(rows)} SKU{'s' * (len(rows) != 1)}"
    )
    title_block = text(title, look.title, INK, bold=True)
    facts = [
        Span(f"{summary}\n", look.body, INK, True),
        Span(f"Printed {printed}", look.small, MUTED),
    ]
    if look.compact:
        heading: Flowable = Columns([(look.width, [title_block, Spacer(1, 2), TextBlock(facts)])])
    else:
        half = look.width / 2
        heading = Columns([(half, [title_block]), (half, [TextBlock(facts, right=True)])])
    return [heading, Spacer(1, look.body), _table(rows, look, short)]
