"""Light flowables for slips: wrapped text, side-by-side columns, rows with a rule below.

A 500-order batch holds thousands of short texts; reportlab's Paragraph parses markup and its
Table measures every cell several times, which alone would overrun the 3 s budget. These draw
plain strings (with the fallback fonts of `fonts.runs`) and measure once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.documents.fonts import main_fonts, runs
from app.documents.layout import RULE


@dataclass(frozen=True)
class Span:
    """Text in one style. Spans follow each other on a line; "\n" in the text breaks it."""

    text: str
    size: float
    color: Color
    bold: bool = False


Piece = tuple[str, float, Color, str]  # font, size, colour, text


def _pieces(spans: Sequence[Span]) -> list[list[Piece]]:
    """The spans' lines as font runs (the main font, or a fallback for what it lacks)."""
    fonts = main_fonts()
    lines: list[list[Piece]] = [[]]
    for span in spans:
        main = fonts.bold if span.bold else fonts.regular
        for face, chunk in runs(span.text):
            for i, part in enumerate(chunk.replace("\t", " ").split("\n")):
                if i:
                    lines.append([])
                if part:
                    lines[-1].append((face or main, span.size, span.color, part))
    return lines


@functools.lru_cache(maxsize=8192)
def _measure(text: str, font: str, size: float) -> float:
    """Width of a run; a batch repeats the same words (products, headings) thousands of times."""
    return float(stringWidth(text, font, size))


def _width(pieces: Sequence[Piece]) -> float:
    return sum(_measure(text, font, size) for font, size, _, text in pieces)


def _words(line: list[Piece]) -> list[list[Piece]]:
    """A line cut after each space, each word keeping its runs."""
    words: list[list[Piece]] = [[]]
    for font, size, color, text in line:
        for i, part in enumerate(text.split(" ")):
            if i:
                words[-1].append((font, size, color, " "))
                words.append([])
            if part:
                words[-1].append((font, size, color, part))
    return [w for w in words if w]


def _chars(word: list[Piece]) -> list[list[Piece]]:
    """A word too long for the line, as single characters that can break anywhere."""
    return [[(font, size, color, ch)] for font, size, color, text in word for ch in text]


def _fill(line: list[Piece], width: float) -> list[list[Piece]]:
    """Greedy line filling; a word wider than the line breaks between characters."""
    out: list[list[Piece]] = [[]]
    used = 0.0
    pending = _words(line)
    while pending:
        word = pending.pop(0)
        visible = _width([p for p in word if p[3] != " "])
        if visible > width and (len(word) > 1 or len(word[0][3]) > 1):
            pending[:0] = _chars(word)
            continue
        if out[-1] and used + visible > width:
            out.append([])
            used = 0.0
        out[-1].extend(word)
        used += _width(word)
    return [_joined(pieces) for pieces in out]


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces in the same style as one (one text operator each when drawn)."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1][:3] == piece[:3]:
            out[-1] = (*piece[:3], out[-1][3] + piece[3])
        else:
            out.append(piece)
    return out


MAX_CHARS = 600  # even in CJK at the largest size a block fits a 4x6 in page (blocks do not split)


def _clipped(spans: Sequence[Span]) -> list[Span]:
    """The spans cut to MAX_CHARS in all, ending in "…" when cut (the order keeps the rest)."""
    out: list[Span] = []
    left = MAX_CHARS
    for span in spans:
        if len(span.text) > left:
            out.append(Span(span.text[:left].rstrip() + "…", span.size, span.color, span.bold))
            break
        out.append(span)
        left -= len(span.text)
    return out


class TextBlock(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Spans wrapped to the available width, each line as tall as its largest text."""

    def __init__(self, spans: Sequence[Span], *, right: bool = False, leading: float = 1.22):
        super().__init__()
        self.spans = _clipped(spans)
        self.right = right
        self.leading = leading
        self._lines: list[list[Piece]] = []
        self.avail = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.avail = aw
        self._lines = []
        for line in _pieces(self.spans):
            self._lines += _fill(line, aw) if line else [[]]
        self.width = aw
        self.height = sum(self._line_height(line) for line in self._lines)
        return aw, self.height

    def _line_height(self, line: Sequence[Piece]) -> float:
        size = max((p[1] for p in line), default=self.spans[0].size if self.spans else 0)
        return size * self.leading

    def draw(self) -> None:
        self.paint(self.canv, 0.0, 0.0)

    def paint(self, canvas: Canvas, x0: float, y0: float) -> None:
        """Draw with the lower left corner at (x0, y0), without moving the canvas.

        One text object for the whole block; font and colour are set only when they change.
        """
        text = canvas.beginText()
        style: tuple[str, float, Color] | None = None
        y = y0 + self.height
        for line in self._lines:
            step = self._line_height(line)
            y -= step
            while line and line[-1][3] == " ":
                line = line[:-1]
            if not line:
                continue
            x = x0 + (self.avail - _width(line) if self.right else 0.0)
            text.setTextOrigin(x, y + step * 0.22)
            for font, size, color, chunk in line:
                if style is None or (font, size) != style[:2]:
                    text.setFont(font, size)
                if style is None or color != style[2]:
                    text.setFillColor(color)
                style = (font, size, color)
                text.textOut(chunk)
        canvas.drawText(text)


def text(
    value: str, size: float, color: Color, *, bold: bool = False, right: bool = False
) -> TextBlock:
    """One span of text as a block."""
    return TextBlock([Span(value, size, color, bold)], right=right)


class Columns(Flowable):  # type: ignore[misc]
    """Stacks of flowables side by side, top aligned: a table row without a table.

    `pad` is the room above and below, `inset` the room left of each column's content;
    `band` fills the row's background, `rule` draws a thin line under it.
    """

    def __init__(
        self,
        columns: Sequence[tuple[float, Sequence[Flowable]]],
        *,
        pad: float = 0,
        inset: float = 0,
        band: Color | None = None,
        rule: bool = False,
    ) -> None:
        super().__init__()
        self.columns = [(width, list(stack)) for width, stack in columns]
        self.pad, self.inset, self.band, self.rule = pad, inset, band, rule
        self._sizes: list[list[float]] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._sizes = [
            [f.wrap(width - self.inset, ah)[1] for f in stack] for width, stack in self.columns
        ]
        self.width = aw
        self.height = max((sum(h) for h in self._sizes), default=0.0) + 2 * self.pad
        return aw, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.band is not None:
            canvas.setFillColor(self.band)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        x = 0.0
        for (width, stack), heights in zip(self.columns, self._sizes, strict=True):
            y = self.height - self.pad
            for flowable, h in zip(stack, heights, strict=True):
                y -= h
                _place(canvas, flowable, x + self.inset + _indent(flowable, width - self.inset), y)
            x += width
        if self.rule:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.4)
            canvas.line(0, 0, self.width, 0)


class Boxed(Flowable):  # type: ignore[misc]
    """Flowables inside a thin frame, for what a packer must not miss (a gift message)."""

    def __init__(self, stack: Sequence[Flowable], pad: float) -> None:
        super().__init__()
        self.stack = list(stack)
        self.pad = pad
        self._heights: list[float] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._heights = [f.wrap(aw - 2 * self.pad, ah)[1] for f in self.stack]
        self.width = aw
        self.height = sum(self._heights) + 2 * self.pad
        return aw, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        y = self.height - self.pad
        for flowable, h in zip(self.stack, self._heights, strict=True):
            y -= h
            _place(canvas, flowable, self.pad, y)


def _place(canvas: Canvas, flowable: Flowable, x: float, y: float) -> None:
    """Draw a child: light ones paint in place, others through reportlab's translate."""
    paint = getattr(flowable, "paint", None)
    if paint is not None:
        paint(canvas, x, y)
    else:
        flowable.drawOn(canvas, x, y)


def _indent(flowable: Flowable, width: float) -> float:
    """Right-align a flowable narrower than its column when it asks to (hAlign RIGHT)."""
    if getattr(flowable, "hAlign", "LEFT") == "RIGHT":
        return max(0.0, width - float(flowable.width))
    return 0.0
