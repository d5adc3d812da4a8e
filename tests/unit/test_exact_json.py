"""Integers beyond 64 bits survive a JSON round trip exactly, fast path or not."""

from __future__ import annotations

import pytest

from app import exact_json
from app.store.orders import load_raw, raw_text

BIG = 123456789012345678901234567890


@pytest.mark.parametrize(
    "text",
    [
        '{"id": 123456789012345678901234567890}',
        '{"a": [1, -92233720368547758090]}',
        "18446744073709551616",
    ],
)
def test_big_integers_stay_integers(text: str) -> None:
    parsed = exact_json.loads(text)
    assert "e+" not in repr(parsed)
    assert not isinstance(parsed, float)


def test_a_stored_order_with_a_huge_number_reads_back_exactly() -> None:
    order = {"id": "577", "weird_counter": BIG, "items": [{"qty": 2}]}
    assert load_raw(raw_text(order)) == order


def test_not_json_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="Expecting property name"):
        exact_json.loads(b"{nope")


def test_plain_json_takes_the_fast_path_and_is_the_same() -> None:
    assert exact_json.loads(
        '{"id": "1", "n": 18446744073709551615, "s": "-1234567890123456789012"}'
    ) == {
        "id": "1",
        "n": 18446744073709551615,
        "s": "-1234567890123456789012",
    }
