"""Reading a Code 128 barcode back from a label: from the bars of a PDF page or a PNG's pixels.

The symbol table is reportlab's (a standard one); the start codes, code sets, checksum and stop
pattern are checked here, so a truncated, mis-scaled or wrongly valued barcode fails.
"""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.barcode.code128 import _patterns

START_B, START_C, STOP = 104, 105, 106
TO_B, TO_C = 100, 99


def _widths(pattern: str) -> tuple[int, ...]:
    return tuple(ord(c.lower()) - ord("a") + 1 for c in pattern)


SYMBOLS = {_widths(p): v for v, p in _patterns.items() if v != STOP}
STOP_WIDTHS = _widths(_patterns[STOP])


def decode(elements: list[int]) -> str:
    """Bar and space widths in modules, starting with a bar -> the encoded text."""
    assert tuple(elements[-7:]) == STOP_WIDTHS, "no stop pattern at the end"
    body = elements[:-7]
    assert len(body) % 6 == 0, "the symbols are cut"
    values = [SYMBOLS[tuple(body[i : i + 6])] for i in range(0, len(body), 6)]
    start, *data, check = values
    assert start in (START_B, START_C), f"unexpected start code {start}"
    assert (start + sum(i * v for i, v in enumerate(data, 1))) % 103 == check, "bad checksum"
    text, mode = "", start
    for value in data:
        if value == TO_B and mode == START_C:
            mode = START_B
        elif value == TO_C and mode == START_B:
            mode = START_C
        elif mode == START_C:
            text += f"{value:02d}"
        else:
            text += chr(value + 32)
    return text


def _to_modules(runs: list[float]) -> list[int]:
    module = min(runs)
    return [round(r / module) for r in runs]


def barcode_in_pdf(pdf: bytes, page: int = 0) -> str:
    """The barcode drawn on a page: the tallest filled rectangles that share one baseline."""
    reader = PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[page].get_contents(), reader).operations
    rects = [tuple(float(v) for v in args) for args, op in operations if op == b"re"]
    height = max(r[3] for r in rects)
    bars = sorted((r[0], r[2]) for r in rects if r[3] == height)
    runs: list[float] = []
    for (x, w), following in zip(bars, [*bars[1:], None], strict=True):
        runs.append(w)
        if following is not None:
            runs.append(following[0] - x - w)
    return decode(_to_modules(runs))


def barcode_in_png(png: bytes) -> str:
    """Scan the picture row by row and read the first row with a whole barcode on it."""
    image = Image.open(io.BytesIO(png)).convert("1")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    for y in range(height):
        row = [pixels[x, y] == 0 for x in range(width)]
        if sum(row) < 100:
            continue
        first, last = row.index(True), width - 1 - row[::-1].index(True)
        runs, current, length = [], row[first], 0
        for dark in row[first : last + 1]:
            if dark == current:
                length += 1
            else:
                runs.append(length)
                current, length = dark, 1
        runs.append(length)
        try:
            return decode(_to_modules([float(r) for r in runs]))
        except (AssertionError, KeyError, ValueError):
            continue
    raise AssertionError("no readable barcode in the picture")
