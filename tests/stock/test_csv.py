"""Stock files: every row checked before any is applied; each problem names its line."""

from __future__ import annotations

import pytest

from app.store.outbox import fetch_outbox
from app.sync.stock import StockFileError, plan_stock_file, save_stock_file
from tests.stock.conftest import StockShop


def problems(db, text: str) -> list[str]:
    with pytest.raises(StockFileError) as caught:
        plan_stock_file(db, text)
    return caught.value.problems


async def test_the_header_must_name_the_required_columns(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    assert problems(stock.db, "sku,count\nA,1\n") == [
        "line 1: the header must name seller_sku, on_hand"
    ]
    assert problems(stock.db, "seller_sku,on_hand\n\n") == ["the file has no rows"]


async def test_line_numbers_count_quoted_line_breaks_and_blank_rows(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    code = next(iter(stock.rows().values())).seller_sku
    text = f'seller_sku,on_hand,note\n{code},4,"two\nlines"\n\n,5,x\n{code},,\n'
    assert problems(stock.db, text) == [
        "line 5: seller_sku is empty",
        f"line 6: {code!r} appears again (first on line 2)",
        "line 6: on_hand is empty",
    ]


async def test_a_code_naming_several_skus_must_be_given_by_id(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    first, second = list(stock.rows().values())[:2]
    stock.db.execute(
        "UPDATE skus SET seller_sku = ? WHERE id = ?", [first.seller_sku, second.sku_id]
    )
    [problem] = problems(stock.db, f"seller_sku,on_hand\n{first.seller_sku},3\n")
    assert "names several SKUs" in problem and second.sku_id in problem
    edits = plan_stock_file(stock.db, f"seller_sku,on_hand\n{second.sku_id},3\n")
    assert [(e.sku_id, e.on_hand) for e in edits] == [(second.sku_id, 3)]


async def test_a_good_file_applies_every_row_at_once(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    rows = list(stock.rows().values())[:3]
    text = "seller_sku,on_hand,buffer,low_stock\n" + "".join(
        f"{r.seller_sku},{r.committed + 10 + i},{i},\n" for i, r in enumerate(rows)
    )
    assert save_stock_file(stock.db, plan_stock_file(stock.db, text), now=1, source="csv") == 3
    for i, row in enumerate(rows):
        after = stock.row(row.sku_id)
        assert (after.on_hand, after.buffer, after.available - after.buffer) == (
            row.committed + 10 + i,
            i,
            10,
        )
        assert not after.buffer_is_default and after.low_stock_is_default
    assert len(fetch_outbox(stock.db, include_finished=False)) == 3
