"""Small drawn things: a tick box to mark a line done, and the order's Code 128 barcode."""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.documents.layout import BAR_MODULE, INK
from app.documents.model import DocumentError

QUIET_MODULES = 10  # the quiet zone Code 128 needs on each side, in modules
MIN_MODULE = 0.25 * 72 / 25.4  # 0.25 mm: below this, common scanners stop reading


class TickBox(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """An empty square for a pen tick."""

    def __init__(self, side: float) -> None:
        super().__init__()
        self.side = side

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        self.paint(self.canv, 0.0, 0.0)

    def paint(self, canvas: Canvas, x: float, y: float) -> None:
        """Draw at (x, y) without moving the canvas."""
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.8)
        canvas.rect(x, y, self.side, self.side, stroke=1, fill=0)


def code128_widths(value: str) -> tuple[int, ...]:
    """Bar and space widths in modules (bar first) of the Code 128 symbol of `value`.

    reportlab picks the code sets (C for runs of digits) and the check symbol; its pattern
    spells a bar of n modules as the n-th capital letter and a space as the small one.
    """
    if not value or not value.isascii() or not value.isprintable():
        raise DocumentError(f"{value!r} cannot be a Code 128 barcode (printable ASCII only)")
    symbol = Code128(value, quiet=False)
    symbol.validate()
    symbol.encode()
    symbol.decompose()
    return tuple(ord(c.upper()) - ord("A") + 1 for c in symbol.decomposed)


class Barcode(Flowable):  # type: ignore[misc]
    """A Code 128 symbol with its quiet zones, drawn as one filled path."""

    def __init__(self, value: str, module: float, height: float) -> None:
        super().__init__()
        self.value = value
        self.widths = code128_widths(value)
        self.module = module
        self.bar_height = height
        self.modules = sum(self.widths) + 2 * QUIET_MODULES
        self.width = self.modules * module
        self.height = height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        # One path of rectangles: the fastest way to put ~30 bars into the page.
        x = QUIET_MODULES * self.module
        ops = []
        for i, w in enumerate(self.widths):
            span = w * self.module
            if i % 2 == 0:
                ops.append(f"{x:.3f} 0 {span:.3f} {self.bar_height:.3f} re")
            x += span
        self.canv.setFillColor(INK)
        self.canv.addLiteral("\n".join(ops) + "\nf")


def order_barcode(value: str, max_width: float, height: float) -> Barcode:
    """The order's barcode, no wider than `max_width` (quiet zones included).

    The module is 3 thermal-printer dots (0.375 mm); a long value gets a thinner module, but
    never below 0.25 mm: a value that would need that raises DocumentError.
    """
    symbol = Barcode(value, BAR_MODULE, height)
    if symbol.width > max_width:
        module = max_width / symbol.modules
        if module < MIN_MODULE:
            raise DocumentError(f"order id {value!r} is too long for a readable barcode")
        symbol = Barcode(value, module, height)
    return symbol
