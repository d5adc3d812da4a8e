"""Realistic sample shipping labels and orders for the document tests and benchmarks.

Labels look like a carrier label from TikTok Shipping: sender and recipient blocks, a routing
code, a Code 128 tracking barcode, the order and package ids as text (so a test can read which
order a merged page belongs to), an embedded TrueType font, one page per file.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import inch
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.documents import PickLine, PickOrder
from app.documents.fonts import MAIN_FONTS

FOUR_BY_SIX = (4 * inch, 6 * inch)
TIKTOK_A6 = (105 * mm, 148 * mm)
SIX_BY_FOUR = (6 * inch, 4 * inch)

_LABEL_FONT = "SampleLabelSans"


def _label_font() -> str:
    if _LABEL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_LABEL_FONT, str(MAIN_FONTS[-1][0])))
    return _LABEL_FONT


def tracking_number(n: int) -> str:
    return f"9400{n:018d}"


def package_id(order_id: str) -> str:
    return f"11{order_id[-16:]}"


def label_pdf(
    path: Path,
    order_id: str,
    *,
    size: tuple[float, float] = TIKTOK_A6,
    turned: bool = False,
    tracking: str | None = None,
    pages: int = 1,
) -> Path:
    """A carrier-style label PDF for `order_id`.

    With `turned` the page is stored turned a quarter anticlockwise (a landscape media box)
    and its /Rotate turns it upright again, as some label generators do.
    """
    font = _label_font()
    canvas = Canvas(str(path), pagesize=size, pageCompression=1)
    w, h = size
    landscape = w > h
    for page in range(pages):
        if turned:
            # reportlab swaps the media box for a quarter turn: draw into it turned back.
            canvas.setPageRotation(90)
            canvas.translate(h, 0)
            canvas.rotate(90)
        m = 4 * mm
        canvas.setLineWidth(1.2)
        canvas.rect(m, m, w - 2 * m, h - 2 * m)
        canvas.setFont(font, 12)
        canvas.drawString(m + 4, h - m - 20, "USPS GROUND ADVANTAGE")
        canvas.setFont(font, 7)
        canvas.drawString(m + 4, h - m - 32, "TikTok Shipping - Label allocation")
        canvas.line(m, h - m - 40, w - m, h - m - 40)
        canvas.setFont(font, 7)
        y = h - m - 52
        for text in ("FROM: Glow Studio", "1200 Commerce Way", "Dallas TX 75201"):
            canvas.drawString(m + 4, y, text)
            y -= 9
        canvas.setFont(font, 10)
        y -= 8
        for text in ("SHIP TO: Zoë Martínez", "4410 Alder Street Apt 7", "Portland OR 97201-4410"):
            canvas.drawString(m + 14, y, text)
            y -= 13
        canvas.setFont(font, 22)
        canvas.drawRightString(w - m - 6, h - m - 28, "C012")
        number = tracking or tracking_number(int(order_id[-6:]))
        bar = Code128(number, barWidth=0.33 * mm, barHeight=18 * mm, humanReadable=False)
        bar_y = m + (40 if landscape else 70)
        bar.drawOn(canvas, max(m, (w - bar.width) / 2), bar_y)
        canvas.setFont(font, 9)
        canvas.drawCentredString(w / 2, bar_y - 12, f"TRACKING # {number}")
        canvas.setFont(font, 8)
        canvas.drawString(m + 4, m + 16, f"Order ID: {order_id}")
        canvas.drawString(m + 4, m + 6, f"Package ID: {package_id(order_id)}  page {page + 1}")
        canvas.showPage()
    canvas.save()
    return path


def label_png(path: Path, order_id: str, *, size_px: tuple[int, int] = (812, 1218)) -> Path:
    """A label picture (SHIPPING_LABEL_PICTURE): 4x6 in at 203 dpi by default."""
    image = Image.new("L", size_px, 255)
    draw = ImageDraw.Draw(image)
    w, h = size_px
    draw.rectangle((10, 10, w - 10, h - 10), outline=0, width=4)
    draw.text((30, 30), f"Order ID: {order_id}", fill=0)
    rng = random.Random(order_id)
    x = 60
    while x < w - 60:
        width = rng.choice((3, 6, 9, 12))
        draw.rectangle((x, h // 2, x + width - 1, h // 2 + 150), fill=0)
        x += width + rng.choice((3, 6, 9))
    image.save(path, format="PNG", dpi=(203, 203))
    return path


def png_bytes(size_px: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size_px, 255).save(buffer, format="PNG")
    return buffer.getvalue()


PRODUCTS = (
    ("GLOW-SERUM-30", "Glow Vitamin C Serum", "30 ml"),
    ("GLOW-SERUM-50", "Glow Vitamin C Serum", "50 ml"),
    ("LIP-OIL-CHERRY", "Tinted Lip Oil", "Cherry"),
    ("LIP-OIL-PEACH", "Tinted Lip Oil", "Peach"),
    ("MASK-CLAY-100", "Pink Clay Mask", "100 g"),
    ("SPF50-TINT", "Daily Tinted Sunscreen SPF 50", "Light"),
    ("SPF50-TINT-MED", "Daily Tinted Sunscreen SPF 50", "Medium"),
    ("BRUSH-SET-5", "Vegan Brush Set", "5 pieces"),
    ("HAIR-CLAW-XL", "Marble Hair Claw", "Tortoise, XL"),
    ("SCRUNCHIE-SILK", "Silk Scrunchies", "Pack of 3"),
    ("TONER-ROSE", "Rose Water Toner", "200 ml"),
    ("EYE-PATCH-24", "Hydrogel Eye Patches", "24 pairs"),
)


def bin_of(index: int) -> str:
    aisle = "ABCD"[index % 4]
    return f"{aisle}-{index // 4 + 1:02d}-{index % 3 + 1}"


def sample_orders(
    count: int, *, seed: int = 7, first_id: int = 576461413038785000
) -> list[PickOrder]:
    """`count` orders of 1-3 items over the sample catalogue, with the slip details filled."""
    rng = random.Random(seed)
    names = ("Zoë Martínez", "Liam O'Connor", "Ava Nguyễn", "Noah Schäfer", "Mia Johnson")
    orders = []
    for n in range(count):
        picks = rng.sample(range(len(PRODUCTS)), rng.choice((1, 1, 1, 2, 2, 3)))
        lines = tuple(
            PickLine(
                seller_sku=PRODUCTS[i][0],
                product_name=PRODUCTS[i][1],
                variant=PRODUCTS[i][2],
                quantity=rng.choice((1, 1, 1, 2, 3)),
                bin_location=bin_of(i),
                barcode=f"0850{i:08d}",
            )
            for i in picks
        )
        orders.append(
            PickOrder(
                order_id=str(first_id + n),
                lines=lines,
                recipient_name=names[n % len(names)],
                address_lines=(f"{100 + n} Alder Street", "Portland, OR 97201", "United States"),
                gift_message="Happy birthday! Love, Sam" if n % 7 == 0 else "",
                buyer_note="Please leave at the side door" if n % 5 == 0 else "",
                ship_by=1_790_000_000 + 3600 * (n % 48),
                shipping_type="TikTok Shipping",
            )
        )
    return orders
