"""Shipping documents as TikTok Shipping prints them: a 4x6 in (A6) or A5 label PDF with a
Code 128 barcode of the tracking number, a packing slip, and the label as a PNG picture
(get-package-shipping-document spec: SHIPPING_LABEL, PACKING_SLIP,
SHIPPING_LABEL_AND_PACKING_SLIP, SHIPPING_LABEL_PICTURE)."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A5, inch
from reportlab.pdfgen.canvas import Canvas

#: The spec's A6 is the 4x6 in thermal label; A5 is the ISO sheet.
PAGE_SIZES: dict[str, tuple[float, float]] = {"A6": (4 * inch, 6 * inch), "A5": A5}
LABEL_W, LABEL_H = PAGE_SIZES["A6"]
PICTURE_DPI = 203  # a thermal label printer's resolution
MARGIN = 14.0


@dataclass(frozen=True)
class LabelContent:
    """What a label shows, fixed when the document link is made."""

    order_ids: tuple[str, ...]
    package_id: str
    carrier: str
    service: str
    tracking_number: str
    ship_to: tuple[str, ...]
    ship_from: tuple[str, ...]
    weight: str
    printed: str  # YYYY-MM-DD
    items: tuple[tuple[str, str, int], ...] = ()  # (seller SKU, name, quantity)
    note: str = ""


def bar_pattern(value: str) -> str:
    """Code 128 of `value` as reportlab encodes it: upper case = bar, lower case = space,
    the letter's rank = width in modules."""
    code = Code128(value, barWidth=1, quiet=0)
    code.validate()
    code.encode()
    return str(code.decompose())


def _modules(pattern: str) -> int:
    return sum(ord(c.lower()) - ord("a") + 1 for c in pattern)


def _label_page(canvas: Canvas, c: LabelContent) -> None:
    """One 4x6 in label in label coordinates (origin bottom left)."""
    top = LABEL_H - MARGIN
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawString(MARGIN, top - 20, c.carrier)
    canvas.setFont("Helvetica", 9)
    canvas.drawRightString(LABEL_W - MARGIN, top - 10, "TikTok Shipping")
    canvas.drawRightString(LABEL_W - MARGIN, top - 21, c.service)
    canvas.line(MARGIN, top - 28, LABEL_W - MARGIN, top - 28)
    y = top - 42
    canvas.setFont("Helvetica", 7)
    canvas.drawString(MARGIN, y, "FROM:")
    canvas.setFont("Helvetica", 8)
    for line in c.ship_from:
        y -= 10
        canvas.drawString(MARGIN + 4, y, line)
    y -= 18
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(MARGIN, y, "SHIP TO:")
    canvas.setFont("Helvetica-Bold", 12)
    for line in c.ship_to:
        y -= 15
        canvas.drawString(MARGIN + 8, y, line)
    y -= 14
    canvas.line(MARGIN, y, LABEL_W - MARGIN, y)
    pattern = bar_pattern(c.tracking_number)
    width = LABEL_W - 2 * MARGIN
    module = min(1.3, width / _modules(pattern))
    code = Code128(c.tracking_number, barWidth=module, barHeight=70, quiet=0)
    x = (LABEL_W - _modules(pattern) * module) / 2
    code.drawOn(canvas, x, y - 82)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawCentredString(LABEL_W / 2, y - 96, f"TRACKING # {c.tracking_number}")
    y -= 112
    canvas.line(MARGIN, y, LABEL_W - MARGIN, y)
    canvas.setFont("Helvetica", 8)
    for text in (
        f"Order: {', '.join(c.order_ids)}",
        f"Package: {c.package_id}",
        f"Weight: {c.weight}    Printed: {c.printed}",
    ):
        y -= 12
        canvas.drawString(MARGIN, y, text)


def _slip_page(canvas: Canvas, c: LabelContent) -> None:
    """The packing slip: what goes in the parcel."""
    y = LABEL_H - MARGIN - 16
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(MARGIN, y, "Packing slip")
    canvas.setFont("Helvetica", 8)
    for text in (f"Order: {', '.join(c.order_ids)}", f"Package: {c.package_id}"):
        y -= 12
        canvas.drawString(MARGIN, y, text)
    y -= 18
    canvas.setFont("Helvetica-Bold", 8)
    canvas.drawString(MARGIN, y, "QTY")
    canvas.drawString(MARGIN + 28, y, "SKU / ITEM")
    canvas.setFont("Helvetica", 8)
    for seller_sku, name, quantity in c.items:
        y -= 12
        canvas.drawString(MARGIN, y, str(quantity))
        canvas.drawString(MARGIN + 28, y, f"{seller_sku}  {name}"[:60])
    if c.note:
        y -= 20
        canvas.drawString(MARGIN, y, f"Buyer's note: {c.note}"[:70])


def render_pdf(content: LabelContent, document_type: str, size: str) -> bytes:
    """The document as a PDF: one page per label and per packing slip, at `size`."""
    page_w, page_h = PAGE_SIZES[size]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_w, page_h), invariant=True)
    canvas.setTitle(f"{document_type} {content.package_id}")
    scale = min(page_w / LABEL_W, page_h / LABEL_H)
    pages = {
        "SHIPPING_LABEL": [_label_page],
        "PACKING_SLIP": [_slip_page],
        "SHIPPING_LABEL_AND_PACKING_SLIP": [_label_page, _slip_page],
    }[document_type]
    for draw in pages:
        canvas.saveState()
        canvas.translate((page_w - LABEL_W * scale) / 2, (page_h - LABEL_H * scale) / 2)
        canvas.scale(scale, scale)
        draw(canvas, content)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@functools.lru_cache(maxsize=16)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=pixels)


def render_png(content: LabelContent) -> bytes:
    """SHIPPING_LABEL_PICTURE: the 4x6 in label as a PNG at a thermal printer's 203 dpi."""
    px = PICTURE_DPI / 72  # pixels per point
    image = Image.new("1", (round(LABEL_W * px), round(LABEL_H * px)), 1)
    draw = ImageDraw.Draw(image)

    def text(x: float, y: float, words: str, size: float) -> None:
        draw.text((x * px, y * px), words, fill=0, font=_font(round(size * px)))

    m = MARGIN
    text(m, m, content.carrier, 22)
    text(m, m + 28, content.service, 9)
    y = m + 48.0
    for line in ("FROM:", *content.ship_from):
        text(m, y, line, 8)
        y += 10
    y += 8
    for line in ("SHIP TO:", *content.ship_to):
        text(m, y, line, 12)
        y += 15
    y += 10
    pattern = bar_pattern(content.tracking_number)
    module = max(1, int((image.width - 2 * m * px) // _modules(pattern)))
    x = (image.width - _modules(pattern) * module) // 2
    bar_top, bar_bottom = round(y * px), round((y + 70) * px)
    for symbol in pattern:
        width = (ord(symbol.lower()) - ord("a") + 1) * module
        if symbol.isupper():
            draw.rectangle((x, bar_top, x + width - 1, bar_bottom), fill=0)
        x += width
    y += 76
    text(m, y, f"TRACKING # {content.tracking_number}", 10)
    y += 18
    for line in (
        f"Order: {', '.join(content.order_ids)}",
        f"Package: {content.package_id}",
        f"Weight: {content.weight}    Printed: {content.printed}",
    ):
        text(m, y, line, 8)
        y += 12
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(PICTURE_DPI, PICTURE_DPI))
    return out.getvalue()
