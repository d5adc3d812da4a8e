"""A small Code 128 reader for tests: one scanline of a rendered page -> the encoded text.

Written from the symbology (ISO/IEC 15417), not from the encoder we print with, so a wrong
symbol, a wrong check digit or bars too thin to resolve make the test fail. Like a scanner it
reads each symbol by its edge-to-similar-edge distances (bar + following space, space +
following bar), which do not change when ink spreads and every bar grows by the same amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Element widths (bar, space, bar, space, bar, space) of symbol values 0..105; 106 is STOP.
# fmt: off
PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",  # 0-7
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",  # 8-15
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",  # 16-23
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",  # 24-31
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",  # 32-39
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",  # 40-47
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",  # 48-55
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",  # 56-63
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",  # 64-71
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",  # 72-79
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",  # 80-87
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",  # 88-95
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",  # 96-103
    "211214", "211232", "2331112",  # 104-106
)
# fmt: on
START_A, START_B, START_C, STOP = 103, 104, 105, 106
STOP_HEAD = PATTERNS[STOP][:6]  # the stop's first six elements span 11 modules too


def _edges(widths: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(widths[i] + widths[i + 1] for i in range(4))


# Edge distances identify every symbol on their own (checked by a test).
BY_EDGES = {_edges(tuple(map(int, p))): v for v, p in enumerate([*PATTERNS[:STOP], STOP_HEAD])}


class NotABarcode(ValueError):
    """The scanline holds no valid Code 128 symbol."""


@dataclass(frozen=True)
class Reading:
    """What one scanline said: the text, the module width and the quiet zones, in pixels."""

    text: str
    module: float
    quiet_left: float
    quiet_right: float


def runs(row: Sequence[int], threshold: int = 128) -> list[tuple[bool, int]]:
    """(dark?, length) runs along the row."""
    out: list[tuple[bool, int]] = []
    for value in row:
        dark = value < threshold
        if out and out[-1][0] == dark:
            out[-1] = (dark, out[-1][1] + 1)
        else:
            out.append((dark, 1))
    return out


def _symbol(widths: Sequence[int]) -> tuple[int | None, float]:
    """Six element widths in pixels -> the symbol value (None if none fits), and the module."""
    module = sum(widths) / 11
    edges = tuple(round((widths[i] + widths[i + 1]) / module) for i in range(4))
    return BY_EDGES.get(edges), module


def _values(elements: list[tuple[bool, int]], start: int) -> tuple[list[int], float, int]:
    """Symbol values from the start symbol at `start` up to the stop; the module; next index."""
    values: list[int] = []
    modules: list[float] = []
    i = start
    while i + 7 <= len(elements):
        value, module = _symbol([n for _, n in elements[i : i + 6]])
        if value is None:
            raise NotABarcode(f"no symbol at element {i}")
        if not values and value not in (START_A, START_B, START_C):
            raise NotABarcode("does not begin with a start symbol")
        modules.append(module)
        if value == STOP:
            return values, sum(modules) / len(modules), i + 7
        values.append(value)
        i += 6
    raise NotABarcode("no stop pattern")


def _text(values: list[int]) -> str:
    """Decode symbol values (start first, check last) with code set switches."""
    if len(values) < 2 or values[0] not in (START_A, START_B, START_C):
        raise NotABarcode("does not begin with a start symbol")
    start, data, check = values[0], values[1:-1], values[-1]
    if (start + sum(i * v for i, v in enumerate(data, start=1))) % 103 != check:
        raise NotABarcode("wrong check symbol")
    code = {START_A: "A", START_B: "B", START_C: "C"}[start]
    out: list[str] = []
    for v in data:
        if code == "C":
            if v < 100:
                out.append(f"{v:02d}")
            elif v == 100:
                code = "B"
            elif v == 101:
                code = "A"
            else:
                raise NotABarcode(f"unexpected value {v} in code C")
        elif v == 99:
            code = "C"
        elif (code == "B" and v == 101) or (code == "A" and v == 100):
            code = "A" if code == "B" else "B"
        elif v >= 96:
            raise NotABarcode(f"function or shift value {v} is not expected here")
        elif code == "B":
            out.append(chr(v + 32))
        else:
            out.append(chr(v + 32) if v < 64 else chr(v - 64))
    return "".join(out)


def read_row(row: Sequence[int]) -> Reading:
    """The first Code 128 symbol on a scanline that has its quiet zone before and after."""
    elements = runs(row)
    for i, (dark, _) in enumerate(elements):
        if not dark or i == 0:
            continue
        try:
            values, module, end = _values(elements, i)
            text = _text(values)
        except NotABarcode:
            continue
        left = elements[i - 1][1]
        right = elements[end][1] if end < len(elements) and not elements[end][0] else 0
        return Reading(text, module, left, right)
    raise NotABarcode("no Code 128 symbol on this line")
