"""`shopdesk export profit` and `shopdesk costs`: the documented columns, exact decimals, and a
costs file that is saved whole or not at all, with each bad line named."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from app.cli import main
from app.queries.db import open_readonly
from app.sync.money_sync import read_money
from tests.money.conftest import LONG_TOKEN, import_all
from tests.sync.conftest import ConnectedShop

COLUMNS = ["order_id", "currency", "state", "revenue", "platform_fees", "shipping_cost",
           "payout", "cost_of_goods", "profit"]  # fmt: skip


async def shop_with_money(connect_shop) -> ConnectedShop:
    shop: ConnectedShop = await connect_shop(orders=100, access_ttl=LONG_TOKEN)
    await import_all(shop)
    session = shop.session()
    try:
        assert not (await read_money(session)).error
    finally:
        await session.aclose()
    return shop


def export(tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "profit.csv"
    assert main(["export", "profit", "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames is not None and reader.fieldnames[: len(COLUMNS)] == COLUMNS
        return list(reader)


def busiest_sku(shop: ConnectedShop) -> str:
    db = open_readonly(shop.paths.database)
    try:
        row = db.execute(
            "SELECT seller_sku FROM line_items WHERE seller_sku != '' GROUP BY seller_sku"
            " ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return str(row[0])


async def test_export_profit_rows_add_up_exactly(connect_shop, tmp_path: Path) -> None:
    shop = await shop_with_money(connect_shop)
    rows = export(tmp_path)
    assert rows
    assert {r["state"] for r in rows} <= {"settled", "estimated"}
    assert "settled" in {r["state"] for r in rows}
    for r in rows:
        assert r["order_id"].isdigit()
        for name in COLUMNS[3:]:
            assert "e" not in r[name].lower() and "," not in r[name], (name, r[name])
        revenue, fees, ship = (Decimal(r[k]) for k in ("revenue", "platform_fees", "shipping_cost"))
        assert Decimal(r["payout"]) == revenue - fees - ship
        assert r["cost_of_goods"] == "0"
        assert Decimal(r["profit"]) == Decimal(r["payout"])
        fee_cells = [Decimal(v) for k, v in r.items() if k.startswith("fee_")]
        assert sum(fee_cells, Decimal(0)) == fees
    truth = await shop.truth()
    assert {r["currency"] for r in rows} == {
        truth[r["order_id"]]["payment"]["currency"] for r in rows
    }


async def test_costs_file_is_all_or_nothing_and_names_bad_lines(
    connect_shop, tmp_path: Path, capsys
) -> None:
    shop = await shop_with_money(connect_shop)
    sku = busiest_sku(shop)
    bad = tmp_path / "costs.csv"
    bad.write_text(
        f"seller_sku,amount,from\n{sku},2.50,2020-01-01\nNO-SUCH-SKU,1,2020-01-01\n"
        f"{sku},-1,2020-01-01\n{sku},1.5,01/02/2020\n",
        encoding="utf-8",
    )
    assert main(["costs", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 3:" in err and "NO-SUCH-SKU" in err
    assert "line 4:" in err and "negative" in err
    assert "line 5:" in err and "YYYY-MM-DD" in err
    assert "line 2:" not in err
    assert all(r["cost_of_goods"] == "0" for r in export(tmp_path))  # nothing was saved

    good = tmp_path / "good.csv"
    good.write_text(f"seller_sku,amount,from\n{sku},2.50,2020-01-01\n", encoding="utf-8")
    assert main(["costs", "import", str(good)]) == 0
    rows = export(tmp_path)
    costed = [r for r in rows if Decimal(r["cost_of_goods"]) > 0]
    assert costed
    for r in costed:
        assert Decimal(r["cost_of_goods"]) % Decimal("2.50") == 0
        assert Decimal(r["profit"]) == Decimal(r["payout"]) - Decimal(r["cost_of_goods"])

    assert main(["costs", "set", sku, "4", "--from", "2020-06-01"]) == 0
    assert main(["costs", "set", sku, "4e3", "--from", "2020-06-01"]) == 2
    assert main(["costs", "set", sku, "4", "--from", "June"]) == 2
    later = {r["order_id"]: r for r in export(tmp_path)}
    for r in costed:
        assert Decimal(later[r["order_id"]]["cost_of_goods"]) % Decimal(4) == 0
