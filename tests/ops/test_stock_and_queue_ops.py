"""`app.ops.stock` and `app.ops.queue`: each write returns what it changed, for the views."""

from __future__ import annotations

import time

import pytest

from app.changes import Kind
from app.ops.queue import drop_write, retry_write
from app.ops.stock import set_stock, set_stock_value
from app.queries.writes import STOCK, fetch_outbox
from tests.stock.conftest import active_skus


async def test_setting_stock_names_the_sku_and_its_queued_push(stock_shop) -> None:
    stock = await stock_shop()
    sku = active_skus(stock, multi=False)[0]
    done = set_stock(stock.db, sku_id=sku.sku_id, on_hand=sku.committed + 7, now=int(time.time()))
    assert done.changes.skus == {sku.sku_id}
    assert done.changes.kinds() == {Kind.SKUS, Kind.OUTBOX}
    assert stock.row(sku.sku_id).on_hand == sku.committed + 7
    rows = fetch_outbox(stock.db)
    [push] = [r for r in rows if r["kind"] == STOCK and r["id"] in done.changes.outbox]
    assert push["ref"] == sku.sku_id


async def test_an_edited_cell_sets_only_its_own_value(stock_shop) -> None:
    stock = await stock_shop()
    sku = active_skus(stock, multi=False)[0]
    before = stock.row(sku.sku_id)
    set_stock_value(stock.db, sku_id=sku.sku_id, field="buffer", value=3, now=int(time.time()))
    after = stock.row(sku.sku_id)
    assert after.buffer == 3 and after.on_hand == before.on_hand
    with pytest.raises(ValueError, match="committed"):
        set_stock_value(stock.db, sku_id=sku.sku_id, field="committed", value=1, now=1)


async def test_dropping_and_retrying_a_write_report_the_outbox_row(stock_shop) -> None:
    stock = await stock_shop()
    sku = active_skus(stock, multi=False)[0]
    now = int(time.time())
    [outbox_id] = set_stock(stock.db, sku_id=sku.sku_id, on_hand=50, now=now).changes.outbox
    dropped = drop_write(stock.db, outbox_id=outbox_id, now=now)
    assert dropped.ok and dropped.changes.outbox == {outbox_id}
    assert Kind.OUTBOX in dropped.changes.kinds()
    states = {r["id"]: r["state"] for r in fetch_outbox(stock.db)}
    assert states.get(outbox_id) != "pending"
    assert retry_write(stock.db, outbox_id=outbox_id, now=now).changes.outbox == {outbox_id}
