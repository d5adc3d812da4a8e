"""Pick order and the pick list's rows: the sort that labels and slips share."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.documents import (
    DocumentError,
    LabelFile,
    Paper,
    PickLine,
    PickOrder,
    label_for,
    pick_order,
)
from app.documents.picking import first_pick_line, natural_key, pick_rows, short_ids


def order(order_id: str, *lines: tuple[str, str, int]) -> PickOrder:
    """An order of (seller SKU, bin, quantity) lines."""
    return PickOrder(
        order_id,
        tuple(PickLine(sku, f"Product {sku}", qty, bin_location=bin_) for sku, bin_, qty in lines),
    )


def test_bins_sort_naturally_and_items_without_a_bin_come_last() -> None:
    orders = [
        order("5", ("X", "", 1)),
        order("4", ("D", "A10", 1)),
        order("3", ("C", "a2", 1)),
        order("2", ("B", "A2-3", 1)),
        order("1", ("A", "B1", 1)),
    ]
    assert [o.order_id for o in pick_order(orders)] == ["3", "2", "4", "1", "5"]
    assert natural_key("A2") < natural_key("A10") < natural_key("b1")


def test_an_order_is_picked_by_its_first_item_on_the_shelf() -> None:
    late_then_early = order("1", ("Z-SKU", "C-01", 1), ("A-SKU", "A-01", 2))
    middle = order("2", ("M-SKU", "B-01", 1))
    assert first_pick_line(late_then_early).seller_sku == "A-SKU"
    assert [o.order_id for o in pick_order([middle, late_then_early])] == ["1", "2"]


def test_ties_go_by_seller_sku_then_order_id() -> None:
    orders = [
        order("30", ("SKU-B", "A-01", 1)),
        order("20", ("SKU-A", "A-01", 1)),
        order("100", ("SKU-A", "A-01", 1)),
        order("9", ("SKU-A", "A-01", 1)),
    ]
    assert [o.order_id for o in pick_order(orders)] == ["9", "20", "100", "30"]


def test_labels_sort_exactly_like_their_orders(tmp_path: Path) -> None:
    orders = [
        order("7", ("LIP", "B-2", 1)),
        order("8", ("SERUM", "A-1", 1), ("LIP", "B-2", 1)),
        order("9", ("MASK", "", 1)),
        order("6", ("LIP", "B-2", 3)),
    ]
    labels = [label_for(o, tmp_path / f"{o.order_id}.pdf") for o in reversed(orders)]
    assert [lab.order_id for lab in pick_order(labels)] == [o.order_id for o in pick_order(orders)]
    assert [o.order_id for o in pick_order(orders)] == ["8", "6", "7", "9"]
    assert label_for(orders[1], "x.pdf") == LabelFile("8", Path("x.pdf"), "A-1", "SERUM")


def test_pick_rows_total_each_sku_and_list_its_orders_in_pick_order() -> None:
    orders = [
        order("2", ("LIP", "B-2", 2), ("SERUM", "A-1", 1)),
        order("1", ("LIP", "B-2", 1)),
        order("3", ("SERUM", "A-1", 4), ("SERUM", "A-1", 1)),
    ]
    rows = pick_rows(orders)
    assert [(r.seller_sku, r.bin_location, r.quantity) for r in rows] == [
        ("SERUM", "A-1", 6),
        ("LIP", "B-2", 3),
    ]
    assert rows[0].orders == (("2", 1), ("3", 5))
    assert rows[1].orders == (("2", 2), ("1", 1))


def test_items_without_a_seller_sku_are_told_apart_by_name_and_variant() -> None:
    blank = PickOrder(
        "1",
        (
            PickLine("", "Scarf", 1, variant="Red"),
            PickLine("", "Scarf", 2, variant="Blue"),
            PickLine("", "Scarf", 1, variant="Red"),
        ),
    )
    assert sorted((r.variant, r.quantity) for r in pick_rows([blank])) == [("Blue", 2), ("Red", 2)]


def test_short_ids_are_the_shortest_unique_endings() -> None:
    ids = ["576461413038785001", "576461413038785002", "576461413038795001"]
    short = short_ids(ids)
    assert short == {
        "576461413038785001": "…85001",
        "576461413038785002": "…85002",
        "576461413038795001": "…95001",
    }
    assert short_ids(["12", "576461413038785012"]) == {"12": "12", "576461413038785012": "…5012"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PickLine("SKU", "Name", 0), "quantity"),
        (lambda: PickLine("SKU", "Name", 1.5), "quantity"),  # type: ignore[arg-type]
        (lambda: PickLine("", " ", 1), "seller SKU or a product name"),
        (lambda: PickOrder(" ", (PickLine("S", "N", 1),)), "order id"),
        (lambda: PickOrder("5764é", (PickLine("S", "N", 1),)), "ASCII"),
        (lambda: PickOrder("1", ()), "no items"),
    ],
)
def test_bad_input_is_refused_with_a_plain_reason(make: object, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        make()  # type: ignore[operator]


def test_paper_names_a_user_may_type() -> None:
    assert Paper.parse("a6") is Paper.parse("4x6") is Paper.A6
    assert Paper.parse(" Letter ") is Paper.LETTER
    assert (Paper.A6.width, Paper.A6.height) == (288.0, 432.0)
    with pytest.raises(DocumentError, match="A6, A5, A4, LETTER"):
        Paper.parse("B5")
