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


@pytest.mark.parametrize(
    "text",
    [
        '{"id":\n\t 123456789012345678901234567890}',
        "[1,\r\n  -92233720368547758090]",
        " \n18446744073709551616",
        '{"a": [\n123456789012345678901]}',
    ],
)
def test_big_integers_after_any_whitespace_stay_exact(text: str) -> None:
    parsed = exact_json.loads(text)
    assert "e+" not in repr(parsed) and not isinstance(parsed, float)
    assert parsed == exact_json.json.loads(text)


def test_a_page_of_plain_orders_is_not_taken_for_big_integers() -> None:
    page = b'{"orders": [{"id": "5760000000000000001", "tracking": "92612999000000000000001",'
    page += b' "n": 9223372036854775807, "m": -922337203685477580}]}'
    assert not exact_json.may_hold_big_integer(page)
