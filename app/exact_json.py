"""JSON parsed fast with orjson, yet exact: integers beyond 64 bits go through the standard
library (orjson would quietly turn them into floats)."""

from __future__ import annotations

import json
from typing import Any

import orjson

#: An integer literal orjson cannot hold exactly is 20 digits or more, or a minus and 19 or
#: more, where a JSON value starts (after `:`, `[`, `,` or whitespace). The check maps digits
#: and `-` to `0` and those starts to `:`, and looks for `:` and 20 zeros: one C pass over the
#: page with no bytes dropped (dropping whitespace took the slow path of `translate`, several
#: times the cost); ids and tracking numbers in quotes never match (a minus or a space
#: inside a string may, and only costs the slower parse).
_VALUE_SHAPES = bytes.maketrans(b"0123456789-[, \t\r\n", b"00000000000::::::")
_DIGITS = b"0" * 20
_BIG_INTEGER = b":" + _DIGITS


def may_hold_big_integer(raw: bytes) -> bool:
    """True when `raw` may hold an integer beyond 64 bits (digits inside a string can say so)."""
    shaped = raw.translate(_VALUE_SHAPES)
    return _BIG_INTEGER in shaped or shaped.startswith(_DIGITS)


def loads(raw: bytes | str) -> Any:
    """Parse JSON exactly; raises ValueError (or UnicodeDecodeError) for what is not JSON."""
    data = raw.encode() if isinstance(raw, str) else raw
    if not may_hold_big_integer(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # the standard library says what is wrong, or takes what orjson refuses
    return json.loads(data)
