"""Keyset pagination behind opaque tokens, so equal sort values never skip or repeat rows."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.sandbox.errors import ApiError
from app.sandbox.ids import PageTokenCodec

T = TypeVar("T")


def fingerprint(query: dict[str, Any]) -> str:
    """What a token belongs to: the filters and the sort. A token used elsewhere is refused."""
    return hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]


def page(
    rows: Sequence[T],
    key: Callable[[T], tuple[int, int]],
    *,
    size: int,
    token: str | None,
    codec: PageTokenCodec,
    print_: str,
    bad_token: Callable[[], ApiError],
) -> tuple[list[T], str]:
    """Rows after the token's position (rows already sorted ascending by `key`), and the next token.

    The token holds the last row's key (its sort value and id) rather than an offset: rows that
    share a sort value across a page boundary are neither skipped nor repeated. The last page
    answers an empty `next_page_token`.
    """
    start = 0
    if token:
        payload = codec.decode(token)
        if payload is None or payload.get("f") != print_ or not isinstance(payload.get("k"), list):
            raise bad_token()
        last = tuple(payload["k"])
        start = bisect.bisect_right(rows, last, key=key)
    chunk = list(rows[start : start + size])
    if start + size < len(rows) and chunk:
        return chunk, codec.encode({"f": print_, "k": list(key(chunk[-1]))})
    return chunk, ""
